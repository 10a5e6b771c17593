/**
 * @module Importing every supported format through the NGW API (upload, then vector_layer with
 * `source`), checked against the source GeoJSON: counts, attribute values, coordinates. Bad files
 * get a 422 naming the problem and leave nothing behind.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startServer, type TestServer } from "../../../helpers/server.ts";

const DIR = join(import.meta.dir, "../../../fixtures/vector-layer");
const SOURCE = JSON.parse(readFileSync(join(DIR, "cities.geojson"), "utf8")).features as any[];
let s: TestServer;
let group: number;

beforeAll(async () => {
  s = await startServer();
  const g = await s.json("/api/resource/", {
    method: "POST",
    auth: s.admin,
    body: { resource: { cls: "resource_group", parent: { id: 0 }, display_name: "imports" } },
  });
  group = g.body.id;
});
afterAll(() => s.stop());

async function upload(file: string): Promise<Record<string, unknown>> {
  const fd = new FormData();
  fd.append("file", new Blob([readFileSync(join(DIR, file))]), file);
  const r = await s.json("/api/component/file_upload/upload", {
    method: "POST",
    auth: s.admin,
    body: fd,
  });
  expect(r.status).toBe(200);
  return r.body.upload_meta[0];
}

async function importFile(file: string, name: string, extra: Record<string, unknown> = {}) {
  const source = await upload(file);
  return s.json("/api/resource/", {
    method: "POST",
    auth: s.admin,
    body: {
      resource: { cls: "vector_layer", parent: { id: group }, display_name: name },
      vector_layer: { srs: { id: 3857 }, source, ...extra },
    },
  });
}

async function features(id: number) {
  const r = await s.json(`/api/resource/${id}/feature/?srs=4326&geom_format=geojson&extensions=`, {
    auth: s.admin,
  });
  return r.body as any[];
}

const FORMATS: [string, { attrs: string[]; types?: Record<string, string> }][] = [
  [
    "cities.geojson",
    { attrs: ["name", "country", "population"], types: { population: "INTEGER" } },
  ],
  ["cities.geojsonl", { attrs: ["name", "country", "population"] }],
  ["cities.gpkg", { attrs: ["name", "country", "population"], types: { population: "INTEGER" } }],
  ["cities.fgb", { attrs: ["name", "country", "population"] }],
  ["cities-shp.zip", { attrs: ["name", "country", "population"] }],
  ["cities.csv", { attrs: ["name", "country", "population"] }],
  ["cities.kml", { attrs: ["name"] }],
];

describe("import of every format", () => {
  for (const [file, { attrs, types }] of FORMATS) {
    test(file, async () => {
      const r = await importFile(file, `from ${file}`);
      expect(r.status).toBe(201);
      const doc = (await s.json(`/api/resource/${r.body.id}`, { auth: s.admin })).body;
      expect(doc.vector_layer).toEqual({ srs: { id: 3857 }, geometry_type: "POINT" });
      const fields = Object.fromEntries(
        doc.feature_layer.fields.map((f: any) => [f.keyname, f.datatype]),
      );
      for (const [k, t] of Object.entries(types ?? {})) expect(fields[k]).toBe(t);
      const got = await features(r.body.id);
      expect(got.length).toBe(SOURCE.length);
      // FlatGeobuf files written with an index hold features in Hilbert order: match by name.
      for (const f of got) {
        const src = SOURCE.find((x) => x.properties.name === f.fields.name);
        for (const a of attrs) expect(String(f.fields[a])).toBe(String(src.properties[a]));
        expect(f.geom.type).toBe("Point");
        expect(f.geom.coordinates[0]).toBeCloseTo(src.geometry.coordinates[0], 6);
        expect(f.geom.coordinates[1]).toBeCloseTo(src.geometry.coordinates[1], 6);
      }
      expect(new Set(got.map((f) => f.fields.name)).size).toBe(SOURCE.length);
    });
  }

  test("polygons from a 3857 GeoPackage keep their coordinates", async () => {
    const src = JSON.parse(readFileSync(join(DIR, "countries.geojson"), "utf8")).features;
    const r = await importFile("countries.gpkg", "countries", { cast_is_multi: "YES" });
    expect(r.status).toBe(201);
    const doc = (await s.json(`/api/resource/${r.body.id}`, { auth: s.admin })).body;
    expect(doc.vector_layer.geometry_type).toBe("MULTIPOLYGON");
    const got = await features(r.body.id);
    expect(got.map((f) => f.fields.name)).toEqual(src.map((f: any) => f.properties.name));
    const ring = got[0].geom.coordinates[0][0];
    const want = src[0].geometry.coordinates[0][0];
    expect(ring.length).toBe(want.length);
    expect(ring[1][0]).toBeCloseTo(want[1][0], 5);
    expect(ring[1][1]).toBeCloseTo(want[1][1], 5);
  });

  test("fid_source=FIELD takes ids from a field and leaves it out of the fields", async () => {
    const r = await importFile("cities.gpkg", "by fid field", {
      fid_source: "FIELD",
      fid_field: "population",
    });
    expect(r.status).toBe(201);
    const got = await features(r.body.id);
    expect(got.map((f) => f.id)).toEqual(
      SOURCE.map((f) => f.properties.population).sort((a: number, b: number) => a - b),
    );
    expect(got[0].fields.population).toBeUndefined();
  });
});

describe("bad files are a 422 and write nothing", () => {
  const cases: [string, RegExp, Record<string, unknown>?][] = [
    ["truncated.zip", /./],
    ["zip-slip.zip", /./],
    ["no-shx.zip", /shx/i],
    ["nan.geojson", /#2|NaN|finite/i],
    ["ragged.csv", /./],
    ["unclosed.geojson", /Feature #2 has unclosed rings/, { cast_geometry_type: "POLYGON" }],
    [
      "countries.geojson",
      /Feature #1 has unsuitable geometry type/,
      { cast_geometry_type: "POINT" },
    ],
  ];
  for (const [file, msg, extra] of cases) {
    test(file, async () => {
      const before = (await s.json(`/api/resource/?parent=${group}`, { auth: s.admin })).body;
      const r = await importFile(file, `bad ${file}`, extra);
      expect(r.status).toBe(422);
      expect(r.body.exception).toBe("nextgisweb.core.exception.ValidationError");
      expect(r.body.message).toMatch(msg);
      const after = (await s.json(`/api/resource/?parent=${group}`, { auth: s.admin })).body;
      expect(after.length).toBe(before.length);
    });
  }

  test("fix_errors=SAFE closes the ring; skip_other_geometry_types drops the point", async () => {
    const r = await importFile("unclosed.geojson", "fixed", {
      fix_errors: "SAFE",
      cast_geometry_type: "POLYGON",
      skip_other_geometry_types: true,
    });
    expect(r.status).toBe(201);
    const got = await features(r.body.id);
    expect(got.map((f) => f.fields.a)).toEqual([1, 2]);
    const ring = got[1].geom.coordinates[0];
    expect(ring[ring.length - 1]).toEqual(ring[0]);
  });

  test("skip_errors skips the bad feature", async () => {
    const r = await importFile("nan.geojson", "skipped", { skip_errors: true });
    expect(r.status).toBe(201);
    expect((await features(r.body.id)).map((f) => f.fields.a)).toEqual([1]);
  });
});

describe("other ways to fill a layer", () => {
  test("vector_layer.feature_layer copies another layer with ids and field metadata", async () => {
    const src = await importFile("cities.gpkg", "copy source");
    const r = await s.json("/api/resource/", {
      method: "POST",
      auth: s.admin,
      body: {
        resource: { cls: "vector_layer", parent: { id: group }, display_name: "copy" },
        vector_layer: { feature_layer: { resource: { id: src.body.id } } },
      },
    });
    expect(r.status).toBe(201);
    const a = await features(src.body.id);
    const b = await features(r.body.id);
    expect(b).toEqual(a);
    const bad = await s.json("/api/resource/", {
      method: "POST",
      auth: s.admin,
      body: {
        resource: { cls: "vector_layer", parent: { id: group }, display_name: "bad copy" },
        vector_layer: { feature_layer: { resource: { id: group } } },
      },
    });
    expect(bad.status).toBe(422);
  });

  test("a source on update replaces fields and features", async () => {
    const r = await importFile("countries.gpkg", "replaced");
    const source = await upload("cities.csv");
    const u = await s.json(`/api/resource/${r.body.id}`, {
      method: "PUT",
      auth: s.admin,
      body: { vector_layer: { source } },
    });
    expect(u.status).toBe(200);
    const doc = (await s.json(`/api/resource/${r.body.id}`, { auth: s.admin })).body;
    expect(doc.vector_layer.geometry_type).toBe("POINT");
    expect((await features(r.body.id)).length).toBe(SOURCE.length);
  });
});

test("geometry_type change within a family refits every feature", async () => {
  const r = await importFile("cities.geojson", "retyped");
  const put = (geometry_type: string) =>
    s.json(`/api/resource/${r.body.id}`, {
      method: "PUT",
      auth: s.admin,
      body: { vector_layer: { geometry_type } },
    });
  expect((await put("MULTIPOINT")).status).toBe(200);
  const got = await features(r.body.id);
  expect(got[0].geom.type).toBe("MultiPoint");
  expect(got[0].geom.coordinates[0][0]).toBeCloseTo(SOURCE[0].geometry.coordinates[0], 6);
  expect((await put("POLYGON")).status).toBe(422);
  expect((await put("POINTZ")).status).toBe(200);
  const z = await s.json(`/api/resource/${r.body.id}/feature/?limit=1`, { auth: s.admin });
  expect(z.body[0].geom).toStartWith("POINT Z");
});
