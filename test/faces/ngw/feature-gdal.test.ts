/**
 * @module GDAL's NGW driver (Debian gdal-bin 3.6) against vector layers: ogrinfo field types and
 * counts, ogr2ogr NGW → GeoJSON with small pages, -where and -spat, and GDAL's write path
 * (group create, layer create, batch PATCH inserts with -update).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gdal, hasGdal } from "../../helpers/gdal.ts";
import { startServer, type TestServer } from "../../helpers/server.ts";

let s: TestServer;
let dir: string;
let group: number;
let layer: number;
let cfg: string[];

/** Five generated features in EPSG:3857 with one value of each GDAL-known type. */
const SOURCE = Array.from({ length: 5 }, (_, i) => ({
  geom: `POINT (${i * 1000 + 0.5} ${i * -500 || 0})`,
  fields: {
    name: `place ${i}`,
    n: i * 10,
    big: 5_000_000_000 + i,
    r: i + 0.25,
    d: { year: 2020, month: 1 + i, day: 10 + i },
    dt: { year: 2021, month: 6, day: 1, hour: i, minute: 15, second: 30 },
  },
}));

beforeAll(async () => {
  s = await startServer();
  dir = mkdtempSync(join(tmpdir(), "gisd-gdal-"));
  cfg = ["--config", "NGW_USERPWD", s.admin];
  const grp = await s.json("/api/resource/", {
    method: "POST",
    auth: s.admin,
    body: { resource: { cls: "resource_group", parent: { id: 0 }, display_name: "gdal" } },
  });
  group = grp.body.id;
  const r = await s.json("/api/resource/", {
    method: "POST",
    auth: s.admin,
    body: {
      resource: { cls: "vector_layer", parent: { id: group }, display_name: "pts" },
      vector_layer: {
        srs: { id: 3857 },
        geometry_type: "POINT",
        fields: [
          { keyname: "name", datatype: "STRING" },
          { keyname: "n", datatype: "INTEGER" },
          { keyname: "big", datatype: "BIGINT" },
          { keyname: "r", datatype: "REAL" },
          { keyname: "d", datatype: "DATE" },
          { keyname: "dt", datatype: "DATETIME" },
        ],
      },
    },
  });
  layer = r.body.id;
  const p = await s.json(`/api/resource/${layer}/feature/`, {
    method: "PATCH",
    auth: s.admin,
    body: SOURCE,
  });
  expect(p.status).toBe(200);
});
afterAll(async () => {
  await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

test.skipIf(!hasGdal)("ogrinfo lists the layer with the right field types and count", async () => {
  const r = await gdal("ogrinfo", ["-ro", "-so", "-al", `NGW:${s.url}/resource/${layer}`, ...cfg]);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain("Layer name: pts");
  expect(r.stdout).toContain("Geometry: Point");
  expect(r.stdout).toContain("Feature Count: 5");
  expect(r.stdout).toMatch(/name: String/);
  expect(r.stdout).toMatch(/n: Integer \(/);
  expect(r.stdout).toMatch(/big: Integer64/);
  expect(r.stdout).toMatch(/r: Real/);
  expect(r.stdout).toMatch(/d: Date/);
  expect(r.stdout).toMatch(/dt: DateTime/);
});

async function toGeoJson(extra: string[]): Promise<any[]> {
  const out = join(dir, `out-${Math.random().toString(36).slice(2)}.geojson`);
  const r = await gdal("ogr2ogr", [
    "-f",
    "GeoJSON",
    out,
    `NGW:${s.url}/resource/${layer}`,
    ...extra,
    ...cfg,
  ]);
  expect(r.stderr).not.toContain("ERROR");
  expect(r.code).toBe(0);
  return JSON.parse(readFileSync(out, "utf8")).features;
}

test.skipIf(!hasGdal)("ogr2ogr NGW → GeoJSON with PAGE_SIZE=2 returns every feature", async () => {
  const feats = await toGeoJson(["-oo", "PAGE_SIZE=2"]);
  expect(feats.length).toBe(5);
  feats.sort((a, b) => a.properties.n - b.properties.n);
  feats.forEach((f, i) => {
    const src = SOURCE[i]!;
    expect(f.properties.name).toBe(src.fields.name);
    expect(f.properties.n).toBe(src.fields.n);
    expect(f.properties.big).toBe(src.fields.big);
    expect(f.properties.r).toBe(src.fields.r);
    expect(f.properties.d).toBe(`2020-${String(1 + i).padStart(2, "0")}-${10 + i}`);
    expect(f.properties.dt).toBe(`2021-06-01T${String(i).padStart(2, "0")}:15:30`);
    expect(f.geometry.type).toBe("Point");
    expect(f.geometry.coordinates).toEqual([i * 1000 + 0.5, i * -500 || 0]);
  });
});

test.skipIf(!hasGdal)("-where (a value with a space) and -spat filter on the server", async () => {
  const where = await toGeoJson(["-oo", "PAGE_SIZE=2", "-where", "n >= 20 AND r < 4"]);
  expect(where.map((f) => f.properties.n).sort()).toEqual([20, 30]);
  const named = await toGeoJson(["-where", "name = 'place 2'"]);
  expect(named.map((f) => f.properties.n)).toEqual([20]);
  const spat = await toGeoJson(["-spat", "-10", "-600", "1100", "10"]);
  expect(spat.map((f) => f.properties.n).sort()).toEqual([0, 10]);
});

test.skipIf(!hasGdal)(
  "ogr2ogr -f NGW creates a group and a layer and writes features",
  async () => {
    const src = join(dir, "src.geojson");
    writeFileSync(
      src,
      JSON.stringify({
        type: "FeatureCollection",
        features: Array.from({ length: 7 }, (_, i) => ({
          type: "Feature",
          properties: { title: `t${i}`, v: i, w: i / 2, day: `2024-03-0${i + 1}` },
          geometry: { type: "Point", coordinates: [10 + i, 50 + i / 10] },
        })),
      }),
    );
    const created = await gdal("ogr2ogr", [
      "-f",
      "NGW",
      `NGW:${s.url}/resource/${group}/written`,
      src,
      "-nln",
      "wlayer",
      "-t_srs",
      "EPSG:3857",
      ...cfg,
    ]);
    expect(created.stderr).not.toContain("ERROR");
    expect(created.code).toBe(0);
    const kids = await s.json(`/api/resource/?parent=${group}`, { auth: s.admin });
    const g = kids.body.find((k: any) => k.resource.display_name === "written");
    expect(g.resource.cls).toBe("resource_group");
    const inner = await s.json(`/api/resource/?parent=${g.resource.id}`, { auth: s.admin });
    const wl = inner.body.find((k: any) => k.resource.display_name === "wlayer");
    expect(wl.feature_layer.fields.map((f: any) => [f.keyname, f.datatype])).toEqual([
      ["title", "STRING"],
      ["v", "INTEGER"],
      ["w", "REAL"],
      ["day", "DATE"],
    ]);
    const feats = await s.json(
      `/api/resource/${wl.resource.id}/feature/?srs=4326&geom_format=geojson&order_by=v`,
      { auth: s.admin },
    );
    expect(feats.body.length).toBe(7);
    // GDAL 3.6 writes DATE values as six-key objects; they must land as plain dates.
    expect(feats.body[3].fields).toEqual({
      title: "t3",
      v: 3,
      w: 1.5,
      day: { year: 2024, month: 3, day: 4 },
    });
    expect(feats.body[3].geom.coordinates[0]).toBeCloseTo(13, 6);
    expect(feats.body[3].geom.coordinates[1]).toBeCloseTo(50.3, 6);

    // -update appends through PATCH batches (BATCH_SIZE) into the existing group.
    const appended = await gdal("ogr2ogr", [
      "-f",
      "NGW",
      "-update",
      "-append",
      "-doo",
      "BATCH_SIZE=3",
      `NGW:${s.url}/resource/${g.resource.id}`,
      src,
      "-nln",
      "wlayer",
      "-t_srs",
      "EPSG:3857",
      ...cfg,
    ]);
    expect(appended.stderr).not.toContain("ERROR");
    expect(appended.code).toBe(0);
    const count = await s.json(`/api/resource/${wl.resource.id}/feature_count`, { auth: s.admin });
    expect(count.body.total_count).toBe(14);
  },
);

test.skipIf(!hasGdal)(
  "GDAL's DELETE FROM empties the layer through DELETE …/feature/",
  async () => {
    const r = await gdal("ogrinfo", [
      `NGW:${s.url}/resource/${layer}`,
      "-sql",
      "DELETE FROM pts",
      ...cfg,
    ]);
    expect(r.code).toBe(0);
    const count = await s.json(`/api/resource/${layer}/feature_count`, { auth: s.admin });
    expect(count.body.total_count).toBe(0);
  },
);
