/**
 * @module Writers: every export format written from the sources of truth, read back through our
 * readers and through GDAL's ogrinfo (Debian gdal-bin) where it is installed.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { csvCell } from "../../../src/geo/formats/csv-writer.ts";
import { openVectorFile } from "../../../src/geo/formats/reader.ts";
import { type ExportFormat, exportFeatures, zipFolder } from "../../../src/geo/formats/writers.ts";
import { toMulti } from "../../../src/geo/geometry/types.ts";
import type { Feature, SourceInfo } from "../../../src/geo/sources/feature-source.ts";
import { collect, expectSameFeatures, FIX, truth } from "./helpers.ts";

const HAVE_OGR = Bun.which("ogrinfo") !== null;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "gisd-writers-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Features of a fixture as a FeatureSource would give them (ids from 1, polygons as multi). */
async function source(name: string): Promise<{ info: SourceInfo; features: Feature[] }> {
  const r = await openVectorFile(join(FIX, name));
  const got = await collect(r);
  await r.close();
  // Mixed Polygon/MultiPolygon input stays mixed: the writers must promote singles themselves.
  const multi = r.info.geometryType === null;
  const info: SourceInfo = {
    srs: 4326,
    geometryType: multi ? "MULTIPOLYGON" : r.info.geometryType!,
    fields: r.info.fields,
  };
  const features = got.map((f, i) => ({
    id: i + 1,
    geom: f.geom && multi ? toMulti(f.geom) : f.geom,
    fields: f.fields,
  }));
  return { info, features };
}

async function* iterate(fs: Feature[]): AsyncGenerator<Feature> {
  yield* fs;
}

/** Writes one export and returns the path of a file our reader (and ogrinfo) can open. */
async function write(
  format: ExportFormat,
  name: string,
  opts: { fidField?: string; encoding?: string } = {},
): Promise<string> {
  const { info, features } = await source(name);
  const out = await mkdtemp(join(dir, "out-"));
  const res = await exportFeatures(format, info, iterate(features), {
    layerName: name.replace(/\..*$/, ""),
    srs: 4326,
    tmpDir: out,
    ...opts,
  });
  if (res.stream) {
    const p = join(out, `export.${res.extension}`);
    await Bun.write(p, new Response(res.stream));
    return p;
  }
  if (format === "ESRI Shapefile") {
    const shp = (await readdir(res.path!)).find((f) => f.endsWith(".shp") || f.endsWith(".dbf"))!;
    return join(res.path!, shp);
  }
  return res.path!;
}

async function ogrCount(path: string, extra: string[] = []): Promise<number> {
  const p = Bun.spawn(["ogrinfo", "-ro", "-so", "-al", ...extra, path], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const text = await new Response(p.stdout).text();
  await p.exited;
  const m = /Feature Count: (\d+)/.exec(text);
  if (!m)
    throw new Error(
      `ogrinfo could not read ${path}: ${text}${await new Response(p.stderr).text()}`,
    );
  return Number(m[1]);
}

const FORMATS: ExportFormat[] = ["GeoJSON", "CSV", "GPKG", "FlatGeobuf", "ESRI Shapefile", "KML"];
const CITY_FIELDS = [
  "name",
  "name_ascii",
  "country",
  "population",
  "timezone",
  "geonameid",
  "capital",
];

describe("round trip through our readers and ogrinfo", () => {
  for (const format of FORMATS) {
    test(`${format}: cities`, async () => {
      const path = await write(format, "cities.geojson");
      const r = await openVectorFile(path);
      const got = await collect(r);
      await r.close();
      expectSameFeatures(got, await truth("cities.geojson"), CITY_FIELDS, format === "FlatGeobuf");
      if (HAVE_OGR) expect(await ogrCount(path)).toBe(40);
    });
    test(`${format}: countries`, async () => {
      const path = await write(format, "countries.geojson");
      const r = await openVectorFile(path);
      const got = await collect(r);
      await r.close();
      const want = await truth("countries.geojson");
      expectSameFeatures(got, want, ["name", "iso_n3"], format === "FlatGeobuf");
      if (HAVE_OGR) expect(await ogrCount(path)).toBe(15);
    });
  }
});

test("FlatGeobuf index answers a bbox query in GDAL", async () => {
  if (!HAVE_OGR) return;
  const path = await write("FlatGeobuf", "cities.geojson");
  const want = (await truth("cities.geojson")).filter((f) => {
    const [x, y] = (f.geometry as { coordinates: number[] }).coordinates as [number, number];
    return x >= 0 && x <= 60 && y >= 0 && y <= 60;
  }).length;
  expect(want).toBeGreaterThan(0);
  expect(await ogrCount(path, ["-spat", "0", "0", "60", "60"])).toBe(want);
});

test("GeoPackage keeps ids as fids and has GDAL's rtree", async () => {
  const path = await write("GPKG", "cities.geojson", { fidField: "source_id" });
  const r = await openVectorFile(path);
  const got = await collect(r);
  await r.close();
  expect(got.map((f) => f.fid)).toEqual([...Array(40).keys()].map((i) => i + 1));
  expect(got[3]!.fields.source_id).toBe(4);
  if (HAVE_OGR) {
    const p = Bun.spawn(["ogrinfo", "-ro", "-so", path, "cities"], { stdout: "pipe" });
    const text = await new Response(p.stdout).text();
    expect(text).toContain("Feature Count: 40");
    expect(text).toMatch(/population: Integer/);
    expect(await ogrCount(path, ["-spat", "0", "0", "60", "60"])).toBeGreaterThan(0);
  }
});

test("Shapefile in cp1251 round-trips Cyrillic; zipFolder packs the files", async () => {
  const path = await write("ESRI Shapefile", "ru_cities.geojson", { encoding: "cp1251" });
  const folder = join(path, "..");
  expect((await readdir(folder)).sort()).toEqual([
    "ru_cities.cpg",
    "ru_cities.dbf",
    "ru_cities.prj",
    "ru_cities.shp",
    "ru_cities.shx",
  ]);
  const zip = await zipFolder(folder);
  const zpath = join(dir, "ru.zip");
  await Bun.write(zpath, zip);
  const r = await openVectorFile(zpath);
  const got = await collect(r);
  await r.close();
  expect(got.map((f) => f.fields.name)).toEqual(["Москва", "Санкт-Петербург", "Новосибирск"]);
  if (HAVE_OGR) {
    const p = Bun.spawn(["ogrinfo", "-ro", "-al", path], { stdout: "pipe" });
    expect(await new Response(p.stdout).text()).toContain("Санкт-Петербург");
  }
});

describe("CSV formula injection (OWASP)", () => {
  test("text cells starting with = + - @ tab CR are defused", () => {
    for (const s of ['=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"]) {
      const cell = csvCell(s, true);
      expect(cell.replace(/^"/, "")).toStartWith("'");
    }
    expect(csvCell("plain", true)).toBe("plain");
    expect(csvCell(-5, false)).toBe("-5");
    expect(csvCell('say "hi", ok', true)).toBe('"say ""hi"", ok"');
  });
  test("a whole export defuses a formula in a field", async () => {
    const info: SourceInfo = {
      srs: 4326,
      geometryType: "POINT",
      fields: [
        { keyname: "note", datatype: "STRING" },
        { keyname: "n", datatype: "INTEGER" },
      ],
    };
    const res = await exportFeatures(
      "CSV",
      info,
      iterate([
        { id: 1, geom: { type: "Point", coordinates: [1, 2] }, fields: { note: "=1+1", n: -3 } },
      ]),
      { layerName: "t", srs: 4326, tmpDir: dir },
    );
    const text = await new Response(res.stream).text();
    expect(text).toBe("WKT,note,n\r\nPOINT (1 2),'=1+1,-3\r\n");
  });
});
