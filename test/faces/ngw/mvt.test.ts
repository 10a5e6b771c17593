/**
 * @module NGW vector tiles over HTTP against a real server: tiles decode with
 * @mapbox/vector-tile, hold the layer's features as `ngw:{id}` with typed properties and ids;
 * an edit through the feature API shows in the very next tile; 204 for empty tiles; gzip, ETag
 * and 304; several layers per tile; TileJSON; every bad input is a 4xx NGW error.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { gunzipSync } from "node:zlib";
import { VectorTile } from "@mapbox/vector-tile";
import { PbfReader } from "pbf";
import { startServer, type TestServer } from "../../helpers/server.ts";

let srv: TestServer;
let points: number;
let polys: number;

// Tile z14 (9900, 5121) in EPSG:3857 and points inside it.
const Z = 14;
const X = 9900;
const Y = 5121;
const SIZE = (2 * 20037508.342789244) / 2 ** Z;
const MINX = -20037508.342789244 + X * SIZE;
const MAXY = 20037508.342789244 - Y * SIZE;
const at = (fx: number, fy: number) => [MINX + fx * SIZE, MAXY - fy * SIZE];

async function createLayer(name: string, type: string): Promise<number> {
  const r = await srv.json("/api/resource/", {
    method: "POST",
    auth: srv.admin,
    body: {
      resource: { cls: "vector_layer", parent: { id: 0 }, display_name: name },
      vector_layer: {
        srs: { id: 3857 },
        geometry_type: type,
        fields: [
          { keyname: "name", datatype: "STRING" },
          { keyname: "floors", datatype: "INTEGER" },
          { keyname: "height", datatype: "REAL" },
          { keyname: "built", datatype: "DATE" },
        ],
      },
    },
  });
  expect(r.status).toBe(201);
  return r.body.id;
}

async function addFeatures(id: number, feats: { geom: string; fields: Record<string, unknown> }[]) {
  const r = await srv.json(`/api/resource/${id}/feature/`, {
    method: "PATCH",
    auth: srv.admin,
    body: feats,
  });
  expect(r.status).toBe(200);
  return (r.body as { id: number }[]).map((f) => f.id);
}

function decode(buf: ArrayBuffer | Uint8Array) {
  const vt = new VectorTile(new PbfReader(new Uint8Array(buf)));
  const out: Record<
    string,
    { id?: number; props: Record<string, unknown>; xy: { x: number; y: number }[][] }[]
  > = {};
  for (const [name, layer] of Object.entries(vt.layers)) {
    out[name] = [];
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i);
      out[name]!.push({ id: f.id, props: f.properties, xy: f.loadGeometry() });
    }
  }
  return out;
}

const mvtUrl = (ids: string | number, z = Z, x = X, y = Y, extra = "") =>
  `/api/component/feature_layer/mvt?resource=${ids}&z=${z}&x=${x}&y=${y}${extra}`;

beforeAll(async () => {
  srv = await startServer();
  points = await createLayer("points", "POINT");
  polys = await createLayer("polygons", "POLYGON");
  const p = (fx: number, fy: number) => `POINT (${at(fx, fy).join(" ")})`;
  await addFeatures(points, [
    {
      geom: p(0.25, 0.25),
      fields: { name: "a", floors: 3, height: 12.5, built: { year: 2001, month: 2, day: 3 } },
    },
    { geom: p(0.75, 0.5), fields: { name: "b", floors: -1, height: 3, built: null } },
    { geom: p(1.5, 0.5), fields: { name: "outside", floors: 0, height: 0, built: null } },
  ]);
  const [a, b] = [at(0.1, 0.1), at(0.6, 0.6)];
  await addFeatures(polys, [
    {
      geom: `POLYGON ((${a[0]} ${a[1]}, ${b[0]} ${a[1]}, ${b[0]} ${b[1]}, ${a[0]} ${b[1]}, ${a[0]} ${a[1]}))`,
      fields: { name: "block", floors: 9, height: 30.25, built: null },
    },
  ]);
});

afterAll(() => srv?.stop());

describe("feature_layer.mvt", () => {
  test("a tile holds the features inside it with ids, typed properties and coordinates", async () => {
    const res = await srv.fetch(mvtUrl(points), { auth: srv.admin });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/vnd.mapbox-vector-tile");
    const layers = decode(await res.arrayBuffer());
    expect(Object.keys(layers)).toEqual([`ngw:${points}`]);
    const fs = layers[`ngw:${points}`]!.sort((p, q) => p.id! - q.id!);
    expect(fs).toHaveLength(2);
    expect(fs[0]!.props).toEqual({ name: "a", floors: 3, height: 12.5, built: "2001-02-03" });
    expect(fs[1]!.props).toEqual({ name: "b", floors: -1, height: 3 });
    expect(Math.abs(fs[0]!.xy[0]![0]!.x - 1024)).toBeLessThanOrEqual(1);
    expect(Math.abs(fs[0]!.xy[0]![0]!.y - 1024)).toBeLessThanOrEqual(1);
  });

  test("several layers in one tile, each under ngw:{id}", async () => {
    const res = await srv.fetch(mvtUrl(`${points},${polys}`), { auth: srv.admin });
    const layers = decode(await res.arrayBuffer());
    expect(Object.keys(layers).sort()).toEqual([`ngw:${points}`, `ngw:${polys}`].sort());
    expect(layers[`ngw:${polys}`]).toHaveLength(1);
    expect(layers[`ngw:${polys}`]![0]!.props.height).toBe(30.25);
  });

  test("a repeated resource id gives one layer", async () => {
    const res = await srv.fetch(mvtUrl(`${points},${points}`), { auth: srv.admin });
    expect(Object.keys(decode(await res.arrayBuffer()))).toEqual([`ngw:${points}`]);
  });

  test("an empty tile is 204", async () => {
    const res = await srv.fetch(mvtUrl(points, 14, 0, 0), { auth: srv.admin });
    expect(res.status).toBe(204);
  });

  test("gzip when accepted; ETag and If-None-Match give 304", async () => {
    const res = await srv.fetch(mvtUrl(points), {
      auth: srv.admin,
      headers: { "Accept-Encoding": "gzip" },
      decompress: false,
    } as RequestInit);
    expect(res.headers.get("content-encoding")).toBe("gzip");
    const body = new Uint8Array(await res.arrayBuffer());
    const raw = body[0] === 0x1f ? gunzipSync(body) : body;
    expect(decode(raw)[`ngw:${points}`]).toHaveLength(2);
    const etag = res.headers.get("etag")!;
    expect(etag).toMatch(/^W\/".+"$/);
    expect(res.headers.get("cache-control")).toContain("no-cache");
    const again = await srv.fetch(mvtUrl(points), {
      auth: srv.admin,
      headers: { "If-None-Match": etag },
    });
    expect(again.status).toBe(304);
  });

  test("an edit shows in the next tile (fresh cache, new ETag), and so does a delete", async () => {
    const first = await srv.fetch(mvtUrl(points), { auth: srv.admin });
    const etag = first.headers.get("etag")!;
    expect(decode(await first.arrayBuffer())[`ngw:${points}`]).toHaveLength(2);
    const [fid] = await addFeatures(points, [
      {
        geom: `POINT (${at(0.5, 0.9).join(" ")})`,
        fields: { name: "new", floors: 1, height: 1, built: null },
      },
    ]);
    const second = await srv.fetch(mvtUrl(points), {
      auth: srv.admin,
      headers: { "If-None-Match": etag },
    });
    expect(second.status).toBe(200);
    const fs = decode(await second.arrayBuffer())[`ngw:${points}`]!;
    expect(fs.map((f) => f.props.name).sort()).toEqual(["a", "b", "new"]);
    expect(fs.find((f) => f.props.name === "new")!.id).toBe(fid);
    const del = await srv.json(`/api/resource/${points}/feature/${fid}`, {
      method: "DELETE",
      auth: srv.admin,
    });
    expect(del.status).toBe(200);
    const third = await srv.fetch(mvtUrl(points), { auth: srv.admin });
    expect(decode(await third.arrayBuffer())[`ngw:${points}`]).toHaveLength(2);
  });

  test("guests need data.read: 403 InsufficientPermissions", async () => {
    const r = await srv.json(mvtUrl(points));
    expect(r.status).toBe(403);
    expect(r.body.exception).toBe("nextgisweb.core.exception.InsufficientPermissions");
  });

  test("unknown resource is 404, a non-layer is 422", async () => {
    const a = await srv.json(mvtUrl(99999), { auth: srv.admin });
    expect(a.status).toBe(404);
    const b = await srv.json(mvtUrl(0), { auth: srv.admin });
    expect(b.status).toBe(422);
  });

  const bad = [
    "z=-1&x=0&y=0",
    "z=25&x=0&y=0",
    "z=2&x=4&y=0",
    "z=2&x=0&y=-1",
    "z=a&x=0&y=0",
    "z=1.5&x=0&y=0",
    "z=99999999999999999999&x=0&y=0",
    "z=3&x=1e3&y=0",
    "z=&x=0&y=0",
    "x=0&y=0",
    "z=NaN&x=0&y=0",
  ];
  for (const q of bad) {
    test(`bad tile ${q} is a 4xx NGW error`, async () => {
      const r = await srv.json(`/api/component/feature_layer/mvt?resource=${points}&${q}`, {
        auth: srv.admin,
      });
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(typeof r.body.message).toBe("string");
      expect(r.body.status_code).toBe(r.status);
    });
  }
  for (const q of [
    "resource=",
    "resource=abc",
    "resource=1,,x",
    "extent=7",
    "padding=2",
    "simplification=-1",
    "extent=1e9",
  ]) {
    test(`bad parameter ${q} is a 4xx`, async () => {
      const base = q.startsWith("resource") ? "" : `resource=${points}&`;
      const r = await srv.json(`/api/component/feature_layer/mvt?${base}${q}&z=1&x=0&y=0`, {
        auth: srv.admin,
      });
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
    });
  }

  test("route is published as feature_layer.mvt", async () => {
    const r = await srv.json("/api/component/pyramid/route");
    expect(r.body["feature_layer.mvt"]).toEqual(["/api/component/feature_layer/mvt"]);
  });
});

describe("seed path and TileJSON", () => {
  test("/api/resource/{id}/{z}/{x}/{y}.mvt serves the same tile", async () => {
    const a = await srv.fetch(`/api/resource/${points}/${Z}/${X}/${Y}.mvt`, { auth: srv.admin });
    expect(a.status).toBe(200);
    expect(decode(await a.arrayBuffer())[`ngw:${points}`]).toHaveLength(2);
    const bad = await srv.json(`/api/resource/${points}/3/9/0.mvt`, { auth: srv.admin });
    expect(bad.status).toBe(422);
  });

  test("TileJSON has an absolute tiles URL, lon/lat bounds and the layer's fields", async () => {
    const r = await srv.json(`/api/resource/${points}/tilejson`, { auth: srv.admin });
    expect(r.status).toBe(200);
    expect(r.body.tilejson).toBe("3.0.0");
    expect(r.body.tiles[0]).toStartWith(
      `${srv.url}/api/component/feature_layer/mvt?resource=${points}`,
    );
    const [w, s, e, n] = r.body.bounds;
    expect(w).toBeLessThan(e);
    expect(s).toBeLessThan(n);
    expect(w).toBeGreaterThan(37);
    expect(r.body.vector_layers[0].id).toBe(`ngw:${points}`);
    expect(r.body.vector_layers[0].fields).toEqual({
      name: "String",
      floors: "Number",
      height: "Number",
      built: "String",
    });
  });
});
