/** @module Type inference, encodings, delimiters and the smaller GeoJSON/CSV/DBF forms. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import iconv from "iconv-lite";
import { detectDelimiter } from "../../../src/geo/formats/csv-reader.ts";
import { parseDateTime, typeOfValue } from "../../../src/geo/formats/infer.ts";
import { openVectorFile } from "../../../src/geo/formats/reader.ts";
import { exportFeatures } from "../../../src/geo/formats/writers.ts";
import { extractZip } from "../../../src/geo/formats/zip.ts";
import type { Feature, SourceInfo } from "../../../src/geo/sources/feature-source.ts";
import { collect, FIX } from "./helpers.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "gisd-infer-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
async function file(name: string, data: string | Uint8Array): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, data);
  return p;
}

test("value types", () => {
  expect(typeOfValue("42", true)).toBe("INTEGER");
  expect(typeOfValue("9007199254740993", true)).toBe("BIGINT");
  expect(typeOfValue("3.5e2", true)).toBe("REAL");
  expect(typeOfValue("007", true)).toBe("STRING");
  expect(typeOfValue("TRUE", true)).toBe("BOOLEAN");
  expect(typeOfValue("2024-02-29", true)).toBe("DATE");
  expect(typeOfValue("2023-02-29", true)).toBe("STRING");
  expect(typeOfValue("2024-01-05T10:20:30Z", true)).toBe("DATETIME");
  expect(typeOfValue("10:20", true)).toBe("TIME");
  expect(typeOfValue("25:00", true)).toBe("STRING");
  expect(typeOfValue(1.5, false)).toBe("REAL");
  expect(typeOfValue({ a: 1 }, false)).toBe("STRING");
  expect(parseDateTime("2024-01-01T01:30:00+03:00")).toBe("2023-12-31T22:30:00");
});

test("CSV: types, TAB delimiter, empty cells as null, BIGINT beyond 2^53 as text", async () => {
  const csv =
    "n\tr\td\tdt\tt\tb\tbig\ts\n1\t1.5\t2024-01-02\t2024-01-02 03:04:05\t08:30\ttrue\t9223372036854775807\t=x\n2\t\t\t\t\tfalse\t1\t\n";
  const r = await openVectorFile(await file("t.tsv", csv));
  expect(r.info.fields).toEqual([
    { keyname: "n", datatype: "INTEGER" },
    { keyname: "r", datatype: "REAL" },
    { keyname: "d", datatype: "DATE" },
    { keyname: "dt", datatype: "DATETIME" },
    { keyname: "t", datatype: "TIME" },
    { keyname: "b", datatype: "BOOLEAN" },
    { keyname: "big", datatype: "BIGINT" },
    { keyname: "s", datatype: "STRING" },
  ]);
  expect(r.info.geometryType).toBe("NONE");
  const [a, b] = await collect(r);
  expect(a!.fields).toEqual({
    n: 1,
    r: 1.5,
    d: "2024-01-02",
    dt: "2024-01-02T03:04:05",
    t: "08:30:00",
    b: true,
    big: "9223372036854775807",
    s: "=x",
  });
  expect(b!.fields).toEqual({ n: 2, r: null, d: null, dt: null, t: null, b: false, big: 1, s: "" });
});

test("CSV: cp1251 without BOM is detected; given encoding and columns are honoured", async () => {
  const text = "название|долгота|широта\nМосква|37.61556|55.75222\n";
  const r = await openVectorFile(await file("ru.csv", iconv.encode(text, "cp1251")), {
    xField: "долгота",
    yField: "широта",
  });
  const [f] = await collect(r);
  expect(f!.fields).toEqual({ название: "Москва" });
  expect(f!.geom).toEqual({ type: "Point", coordinates: [37.61556, 55.75222] });
  const latin = await openVectorFile(
    await file("fr.csv", iconv.encode("nom,lon,lat\nCôte,1,2\n", "latin1")),
    { encoding: "latin1" },
  );
  expect((await collect(latin))[0]!.fields.nom).toBe("Côte");
  expect(detectDelimiter('a;b;"c;d",e')).toBe(";");
  expect(detectDelimiter("a|b|c")).toBe("|");
});

test("CSV: quoted fields spanning lines and chunk boundaries", async () => {
  const rows = ['id,"note",lon,lat'];
  for (let i = 0; i < 30000; i++)
    rows.push(`${i},"line one\nline ""two"", ${"x".repeat(i % 50)}",${i % 180},${i % 90}`);
  const r = await openVectorFile(await file("multi.csv", rows.join("\r\n")));
  const got = await collect(r);
  expect(got.length).toBe(30000);
  expect(got[29999]!.fields.note).toBe(`line one\nline "two", ${"x".repeat(29999 % 50)}`);
  expect(got[29999]!.index).toBe(29999);
});

describe("GeoJSON forms", () => {
  test("crs member, single Feature, bare geometry, Z, ids", async () => {
    const fc =
      '{"type":"FeatureCollection","features":[{"type":"Feature","id":7,"properties":null,"geometry":{"type":"Point","coordinates":[1,2,3]}}],"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::3857"}}}';
    const r = await openVectorFile(await file("c.geojson", fc));
    expect(r.info.srs).toBe(3857);
    expect(r.info.geometryType).toBe("POINTZ");
    const [f] = await collect(r);
    expect(f!.fid).toBe(7);
    expect(f!.geom).toEqual({ type: "Point", coordinates: [1, 2, 3] });
    const one = await openVectorFile(
      await file(
        "one.json",
        '{"type":"Feature","properties":{"a":"b"},"geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}}',
      ),
    );
    expect((await collect(one))[0]!.fields).toEqual({ a: "b" });
    const bare = await openVectorFile(
      await file(
        "bare.geojson",
        '\ufeff{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}',
      ),
    );
    expect(bare.info.geometryType).toBe("POLYGON");
  });
  test("mixed types give null (importer decides); Polygon + MultiPolygon give MULTIPOLYGON", async () => {
    const f = (g: string) => `{"type":"Feature","properties":{},"geometry":${g}}`;
    const mixed = `{"type":"FeatureCollection","features":[${f('{"type":"Point","coordinates":[0,0]}')},${f('{"type":"LineString","coordinates":[[0,0],[1,1]]}')}]}`;
    expect((await openVectorFile(await file("m.geojson", mixed))).info.geometryType).toBeNull();
    const poly = '{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}';
    const multi = '{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}';
    const pm = `{"type":"FeatureCollection","features":[${f(poly)},${f(multi)},${f("null")}]}`;
    expect((await openVectorFile(await file("pm.geojson", pm))).info.geometryType).toBe(
      "MULTIPOLYGON",
    );
  });
});

describe("Shapefile details", () => {
  test("code page from the DBF language byte when there is no .cpg", async () => {
    const out = await mkdtemp(join(dir, "ldid-"));
    await extractZip(join(FIX, "ru_cities_cp1251_shp.zip"), out);
    await rm(join(out, "ru_cities.cpg"));
    const dbf = await readFile(join(out, "ru_cities.dbf"));
    dbf[29] = 0xc9; // cp1251
    await writeFile(join(out, "ru_cities.dbf"), dbf);
    const r = await openVectorFile(join(out, "ru_cities.shp"));
    expect((await collect(r))[1]!.fields.name).toBe("Санкт-Петербург");
    await r.close();
  });

  test("Z geometries and a polygon hole survive our writer and reader", async () => {
    const info: SourceInfo = {
      srs: 4326,
      geometryType: "POLYGONZ",
      fields: [
        { keyname: "a_long_field_name", datatype: "INTEGER" },
        { keyname: "when", datatype: "DATE" },
        { keyname: "ok", datatype: "BOOLEAN" },
      ],
    };
    const outer = [
      [0, 0, 1],
      [10, 0, 2],
      [10, 10, 3],
      [0, 10, 4],
      [0, 0, 1],
    ];
    const hole = [
      [2, 2, 5],
      [4, 2, 5],
      [4, 4, 5],
      [2, 2, 5],
    ];
    const feats: Feature[] = [
      {
        id: 1,
        geom: { type: "Polygon", coordinates: [outer, hole] },
        fields: { a_long_field_name: 5, when: "2020-05-06", ok: true },
      },
      { id: 2, geom: null, fields: { a_long_field_name: null, when: null, ok: null } },
    ];
    async function* it() {
      yield* feats;
    }
    const out = await mkdtemp(join(dir, "z-"));
    await exportFeatures("ESRI Shapefile", info, it(), { layerName: "z", srs: 4326, tmpDir: out });
    expect((await readdir(out)).sort()).toEqual(["z.cpg", "z.dbf", "z.prj", "z.shp", "z.shx"]);
    const r = await openVectorFile(join(out, "z.shp"));
    expect(r.info.geometryType).toBe("POLYGONZ");
    // INTEGER is written N(11) so any int32 fits; like GDAL, a reader takes N >= 10 as BIGINT.
    expect(r.info.fields.map((f) => [f.keyname, f.datatype])).toEqual([
      ["a_long_fie", "BIGINT"],
      ["when", "DATE"],
      ["ok", "BOOLEAN"],
    ]);
    const [a, b] = await collect(r);
    const rings = (a!.geom as { coordinates: number[][][] }).coordinates;
    expect(rings.length).toBe(2);
    expect(rings[0]!.map((p) => p[2]).sort()).toEqual([1, 1, 2, 3, 4]);
    expect(a!.fields).toEqual({ a_long_fie: 5, when: "2020-05-06", ok: true });
    expect(b!.geom).toBeNull();
    expect(b!.fields).toEqual({ a_long_fie: null, when: null, ok: null });
    await r.close();
  });
});

test("GeoJSON export streams with backpressure (pulls features only as read)", async () => {
  let produced = 0;
  async function* many(): AsyncGenerator<Feature> {
    for (let i = 1; i <= 1_000_000; i++) {
      produced++;
      yield {
        id: i,
        geom: { type: "Point", coordinates: [i % 180, 0] },
        fields: { name: `feature ${i}` },
      };
    }
  }
  const info: SourceInfo = {
    srs: 4326,
    geometryType: "POINT",
    fields: [{ keyname: "name", datatype: "STRING" }],
  };
  const res = await exportFeatures("GeoJSON", info, many(), {
    layerName: "big",
    srs: 4326,
    tmpDir: dir,
  });
  const reader = res.stream!.getReader();
  const first = await reader.read();
  expect(
    new TextDecoder()
      .decode(first.value)
      .startsWith('{"type":"FeatureCollection","name":"big","features":['),
  ).toBe(true);
  expect(produced).toBeLessThan(5000);
  await reader.cancel();
});

test("FlatGeobuf: Z and the layer name come from the header", async () => {
  const info: SourceInfo = { srs: 3857, geometryType: "LINESTRINGZ", fields: [] };
  async function* it(): AsyncGenerator<Feature> {
    yield {
      id: 1,
      geom: {
        type: "LineString",
        coordinates: [
          [0, 0, 5],
          [1, 1, 6],
        ],
      },
      fields: {},
    };
  }
  const out = await mkdtemp(join(dir, "fgbz-"));
  const res = await exportFeatures("FlatGeobuf", info, it(), {
    layerName: "roads",
    srs: 3857,
    tmpDir: out,
  });
  const r = await openVectorFile(res.path!);
  expect(r.info.geometryType).toBe("LINESTRINGZ");
  expect(r.info.srs).toBe(3857);
  expect((await collect(r))[0]!.geom).toEqual({
    type: "LineString",
    coordinates: [
      [0, 0, 5],
      [1, 1, 6],
    ],
  });
});

test("KMZ (a zip holding doc.kml) is read like KML", async () => {
  const { zipSync } = await import("fflate");
  const kml = await readFile(join(FIX, "cities.kml"));
  const r = await openVectorFile(await file("cities.kmz", zipSync({ "doc.kml": kml })), {
    tmpDir: dir,
  });
  expect(r.format).toBe("KML");
  expect((await collect(r)).length).toBe(40);
  await r.close();
});
