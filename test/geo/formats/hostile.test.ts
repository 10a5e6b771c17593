/** @module Hostile and broken inputs: each must end in a FormatError that says why, never a crash or a hang. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zipSync } from "fflate";
import { FormatError } from "../../../src/geo/formats/errors.ts";
import { openVectorFile } from "../../../src/geo/formats/reader.ts";
import { extractZip, MAX_ZIP_RATIO } from "../../../src/geo/formats/zip.ts";
import { collect, FIX } from "./helpers.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "gisd-hostile-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, data: string | Uint8Array): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, data);
  return p;
}

/** Opens and reads everything; returns the FormatError thrown (fails if none). */
async function failure(path: string): Promise<FormatError> {
  try {
    const r = await openVectorFile(path, { tmpDir: dir });
    try {
      await collect(r);
    } finally {
      await r.close();
    }
  } catch (e) {
    expect(e).toBeInstanceOf(FormatError);
    return e as FormatError;
  }
  throw new Error(`${path} was accepted`);
}

describe("zip archives", () => {
  test("truncated zip", async () => {
    const whole = await readFile(join(FIX, "countries_shp.zip"));
    const e = await failure(await file("trunc.zip", whole.subarray(0, whole.length - 400)));
    expect(e.message).toMatch(/truncated|corrupt|zip/);
  });

  test("a truncated entry inside an intact directory is refused", async () => {
    const z = zipSync({ "a.geojson": new Uint8Array(200_000).fill(32) });
    // Keep the end records but damage the middle of the compressed data.
    z.fill(0xff, 60, 120);
    const e = await failure(await file("damaged.zip", z));
    expect(e.message).toMatch(/corrupt|truncated/);
  });

  for (const name of [
    "../evil.geojson",
    "/etc/evil.geojson",
    "a\\..\\evil.geojson",
    "C:/evil.geojson",
    "x/../../evil.geojson",
  ]) {
    test(`entry "${name}" is refused and nothing is written`, async () => {
      const z = zipSync({
        [name]: new TextEncoder().encode('{"type":"FeatureCollection","features":[]}'),
      });
      const out = await mkdtemp(join(dir, "slip-"));
      await expect(extractZip(await file("slip.zip", z), out)).rejects.toThrow(/unsafe path/);
      expect(await readdir(out)).toEqual([]);
      expect(existsSync(join(dir, "evil.geojson"))).toBe(false);
    });
  }

  test("symbolic link entry is refused", async () => {
    const z = zipSync({
      "link.shp": [
        new TextEncoder().encode("/etc/passwd"),
        { os: 3, attrs: (0o120777 << 16) >>> 0 },
      ],
    });
    const e = await failure(await file("link.zip", z));
    expect(e.message).toMatch(/symbolic link/);
  });

  test("zip bomb by declared ratio", async () => {
    const z = zipSync({ "bomb.geojson": new Uint8Array(16 * 1024 * 1024) }, { level: 9 });
    const e = await failure(await file("bomb.zip", z));
    expect(e.message).toMatch(/compression ratio/);
    expect(MAX_ZIP_RATIO).toBe(200);
  });

  test("zip bomb lying about its size is stopped while inflating", async () => {
    const z = zipSync({ "bomb.geojson": new Uint8Array(8 * 1024 * 1024) }, { level: 9 });
    // Patch the declared uncompressed size (central directory, offset 24 of the entry) to 1000.
    const cd = z.findLastIndex(
      (_, i) => z[i] === 0x50 && z[i + 1] === 0x4b && z[i + 2] === 1 && z[i + 3] === 2,
    );
    new DataView(z.buffer).setUint32(cd + 24, 1000, true);
    const out = await mkdtemp(join(dir, "bomb-"));
    await expect(extractZip(await file("liar.zip", z), out)).rejects.toThrow(/declared size/);
  });

  test("total size limit", async () => {
    const z = zipSync({
      "a.csv": new Uint8Array(1000).fill(65),
      "b.csv": new Uint8Array(1000).fill(66),
    });
    const out = await mkdtemp(join(dir, "total-"));
    await expect(
      extractZip(await file("total.zip", z), out, { maxTotalBytes: 1500 }),
    ).rejects.toThrow(/total size/);
  });

  test("too many entries", async () => {
    const entries: Record<string, Uint8Array> = {};
    for (let i = 0; i < 30; i++) entries[`f${i}.txt`] = new Uint8Array(1);
    const out = await mkdtemp(join(dir, "many-"));
    await expect(
      extractZip(await file("many.zip", zipSync(entries)), out, { maxEntries: 20 }),
    ).rejects.toThrow(/more than 20 entries/);
  });

  test("shapefile without .shx is refused", async () => {
    const unzipped = await mkdtemp(join(dir, "noshx-"));
    await extractZip(join(FIX, "cities_shp.zip"), unzipped);
    const files: Record<string, Uint8Array> = {};
    for (const f of await readdir(unzipped))
      if (!f.endsWith(".shx")) files[f] = await readFile(join(unzipped, f));
    const e = await failure(await file("noshx.zip", zipSync(files)));
    expect(e.message).toMatch(/no \.shx/);
  });
});

describe("GeoJSON", () => {
  const fc = (geom: string) =>
    `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}},{"type":"Feature","properties":{"a":1},"geometry":${geom}}]}`;

  test("NaN literal names the feature", async () => {
    const e = await failure(
      await file("nan.geojson", fc('{"type":"Point","coordinates":[NaN,1]}')),
    );
    expect(e.featureIndex).toBe(1);
    expect(e.message).toMatch(/Feature #1: invalid JSON/);
  });

  test("1e999 (Infinity) is refused", async () => {
    const e = await failure(
      await file("inf.geojson", fc('{"type":"Point","coordinates":[1e999,1]}')),
    );
    expect(e.featureIndex).toBe(1);
    expect(e.message).toMatch(/Infinity is not a finite number/);
  });

  test("skip mode reports and skips a bad feature", async () => {
    const r = await openVectorFile(
      await file("skip.geojson", fc('{"type":"Point","coordinates":[1e999,1]}')),
    );
    const skipped: FormatError[] = [];
    const got = [];
    for await (const f of r.features({ onSkip: (e) => skipped.push(e) })) got.push(f);
    expect(got.length).toBe(1);
    expect(skipped.map((e) => e.featureIndex)).toEqual([1]);
  });

  test("deep nesting is refused without a stack overflow", async () => {
    const deep = `${"[".repeat(100000)}${"]".repeat(100000)}`;
    const e = await failure(
      await file("deep.geojson", fc(`{"type":"Point","coordinates":${deep}}`)),
    );
    expect(e.message).toMatch(/nested deeper/);
  });

  test("truncated file", async () => {
    const text = fc('{"type":"Point","coordinates":[3,4]}');
    const e = await failure(await file("cut.geojson", text.slice(0, text.length - 30)));
    expect(e.message).toMatch(/truncated/);
  });

  test("unknown geometry type and a non-object feature", async () => {
    expect(
      (await failure(await file("t1.geojson", fc('{"type":"Circle","coordinates":[1,2]}'))))
        .message,
    ).toMatch(/unknown geometry type/);
    const e = await failure(
      await file("t2.geojson", '{"type":"FeatureCollection","features":[1]}'),
    );
    expect(e.message).toMatch(/must be a JSON object/);
  });
});

describe("CSV", () => {
  test("ragged row names the row", async () => {
    const e = await failure(await file("ragged.csv", "name,lon,lat\na,1,2\nb,3\nc,5,6\n"));
    expect(e.message).toMatch(/CSV row 3 has 2 columns but the header has 3/);
    expect(e.featureIndex).toBe(1);
  });
  test("non-numeric coordinates name the row", async () => {
    const e = await failure(await file("badxy.csv", "name;x;y\na;1;2\nb;east;6\n"));
    expect(e.featureIndex).toBe(1);
    expect(e.message).toMatch(/not finite numbers/);
  });
  test("bad WKT names the row", async () => {
    const e = await failure(await file("badwkt.csv", 'id,WKT\n1,"POINT (1 2)"\n2,"POINT (1"\n'));
    expect(e.featureIndex).toBe(1);
  });
});

describe("KML", () => {
  test("DOCTYPE with an external entity (XXE) is refused, not resolved", async () => {
    const secret = await file("secret.txt", "TOP SECRET");
    const xml = `<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY xxe SYSTEM "file://${secret}">]><kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>&xxe;</name><Point><coordinates>1,2</coordinates></Point></Placemark></kml>`;
    const e = await failure(await file("xxe.kml", xml));
    expect(e.message).toMatch(/DOCTYPE/);
    expect(e.message).not.toContain("TOP SECRET");
  });
  test("malformed coordinates name the placemark", async () => {
    const xml = `<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><Point><coordinates>1,2</coordinates></Point></Placemark><Placemark><Point><coordinates>1,abc</coordinates></Point></Placemark></kml>`;
    const e = await failure(await file("badc.kml", xml));
    expect(e.featureIndex).toBe(1);
  });
});

test("unknown format", async () => {
  const e = await failure(await file("x.bin", new Uint8Array([1, 2, 3, 4])));
  expect(e.message).toMatch(/unrecognized file format/);
  await mkdir(join(dir, "sub"), { recursive: true });
});

describe("truncated binary files", () => {
  test("GeoPackage cut in half", async () => {
    const whole = await readFile(join(FIX, "natural_earth.gpkg"));
    const e = await failure(await file("cut.gpkg", whole.subarray(0, 40960)));
    expect(e.message).toMatch(/GeoPackage/);
  });
  test("GeoPackage whose layer is a view is refused", async () => {
    const { createClient } = await import("@libsql/client");
    const p = join(dir, "view.gpkg");
    await writeFile(p, await readFile(join(FIX, "natural_earth.gpkg")));
    const db = createClient({ url: `file:${p}` });
    await db.execute(
      "CREATE VIEW v AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x AS fid FROM c",
    );
    await db.execute(
      "INSERT INTO gpkg_contents (table_name, data_type, identifier) VALUES ('v', 'attributes', 'v')",
    );
    db.close();
    const r = openVectorFile(p, { sourceLayer: "v" });
    await expect(r).rejects.toThrow(/not a table/);
  });
  test("FlatGeobuf cut in the middle of its features", async () => {
    const whole = await readFile(join(FIX, "countries.fgb"));
    const e = await failure(await file("cut.fgb", whole.subarray(0, whole.length - 5000)));
    expect(e).toBeInstanceOf(FormatError);
  });
  test("Shapefile whose .shp is cut", async () => {
    const out = await mkdtemp(join(dir, "cutshp-"));
    await extractZip(join(FIX, "countries_shp.zip"), out);
    const shp = await readFile(join(out, "countries.shp"));
    await writeFile(join(out, "countries.shp"), shp.subarray(0, shp.length - 3000));
    const e = await failure(join(out, "countries.shp"));
    expect(e.message).toMatch(/bad shape record/);
  });
  test("zip with two shapefiles offers both as layers", async () => {
    const files: Record<string, Uint8Array> = {};
    for (const z of ["cities_shp.zip", "countries_shp.zip"]) {
      const out = await mkdtemp(join(dir, "two-"));
      await extractZip(join(FIX, z), out);
      for (const f of await readdir(out)) files[f] = await readFile(join(out, f));
    }
    const p = await file("two.zip", zipSync(files));
    const r = await openVectorFile(p, { sourceLayer: "countries", tmpDir: dir });
    expect(r.layers).toEqual(["cities", "countries"]);
    expect(r.layer).toBe("countries");
    expect((await collect(r)).length).toBe(15);
    await r.close();
  });
});

test('a "__proto__" property is dropped, not turned into a prototype', async () => {
  const text = '{"type":"Feature","properties":{"__proto__":{"polluted":1},"a":1},"geometry":null}';
  const r = await openVectorFile(await file("proto.geojson", text));
  expect(r.info.fields.map((f) => f.keyname)).toEqual(["a"]);
  const [f] = await collect(r);
  expect(Object.getPrototypeOf(f!.fields)).toBe(Object.prototype);
  expect(f!.fields).toEqual({ a: 1 });
});
