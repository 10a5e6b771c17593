/** Identify by polygon: the NGW response shape, the 100-feature limit, per-layer permissions. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startServer, type TestServer } from "../../helpers/server.ts";
import { CITIES, importLayer, sourceCities } from "./extras-helpers.ts";

let s: TestServer;
let open: number;
let closed: number;
let group: number;
const src = sourceCities();
const EUROPE = "POLYGON((-10 35,40 35,40 60,-10 60,-10 35))";
const WORLD = "POLYGON((-180 -85,180 -85,180 85,-180 85,-180 -85))";

beforeAll(async () => {
  s = await startServer();
  const g = await s.json("/api/resource/", {
    method: "POST",
    auth: s.admin,
    body: { resource: { cls: "resource_group", parent: { id: 0 }, display_name: "idf" } },
  });
  group = g.body.id;
  open = await importLayer(s, CITIES, "open cities", group);
  closed = await importLayer(s, CITIES, "closed cities", group);
  // Guests: the root and the group readable; data of `open` only.
  const rule = (scope: string, permission: string, propagate = false) => ({
    action: "allow",
    principal: { id: 1 },
    identity: "",
    scope,
    permission,
    propagate,
  });
  const root = await s.json("/api/resource/0", { auth: s.admin });
  for (const [id, rules] of [
    [0, [...root.body.resource.permissions, rule("resource", "read")]],
    [group, [rule("resource", "read")]],
    [open, [rule("resource", "read"), rule("data", "read")]],
    [closed, [rule("resource", "read")]],
  ] as const) {
    const r = await s.json(`/api/resource/${id}`, {
      method: "PUT",
      auth: s.admin,
      body: { resource: { permissions: rules } },
    });
    expect(r.status).toBe(200);
  }
});
afterAll(() => s.stop());

function identify(
  body: unknown,
  auth?: string,
  path = "/api/feature_layer/identify",
  method = "POST",
) {
  return s.json(path, { method, auth, body });
}

describe("identify", () => {
  test("features intersecting a polygon, NGW's shape, #id labels and the parent name", async () => {
    const r = await identify({ geom: EUROPE, srs: 4326, layers: [open] }, s.admin);
    expect(r.status).toBe(200);
    const want = src.filter(
      (c) =>
        c.coordinates[0] >= -10 &&
        c.coordinates[0] <= 40 &&
        c.coordinates[1] >= 35 &&
        c.coordinates[1] <= 60,
    );
    const L = r.body[String(open)];
    expect(L.featureCount).toBe(want.length);
    expect(r.body.featureCount).toBe(want.length);
    expect(L.features.map((f: any) => f.fields.name).sort()).toEqual(
      want.map((c) => c.name).sort(),
    );
    const f = L.features[0];
    expect(Object.keys(f).sort()).toEqual(["fields", "id", "label", "layerId", "parent"]);
    expect(f.label).toBe(`#${f.id}`);
    expect(f.layerId).toBe(open);
    expect(f.parent).toBe("idf");
  });

  test("at most 100 features per layer; the seed's PUT path works too", async () => {
    const r = await identify(
      { geom: WORLD, srs: 4326, layers: [open, closed] },
      s.admin,
      "/feature_layer/identify",
      "PUT",
    );
    expect(r.status).toBe(200);
    expect(src.length).toBeGreaterThan(100);
    expect(r.body[String(open)].featureCount).toBe(100);
    expect(r.body[String(closed)].features).toHaveLength(100);
    expect(r.body.featureCount).toBe(200);
  });

  test("a polygon in EPSG:3857 finds the same features", async () => {
    const m = (lon: number, lat: number) => {
      const x = (lon * 20037508.342789244) / 180;
      const y = (Math.log(Math.tan(((90 + lat) * Math.PI) / 360)) * 20037508.342789244) / Math.PI;
      return `${x} ${y}`;
    };
    const wkt = `POLYGON((${m(-10, 35)},${m(40, 35)},${m(40, 60)},${m(-10, 60)},${m(-10, 35)}))`;
    const a = await identify({ geom: wkt, srs: 3857, layers: [open] }, s.admin);
    const b = await identify({ geom: EUROPE, srs: 4326, layers: [open] }, s.admin);
    expect(a.body[String(open)].featureCount).toBe(b.body[String(open)].featureCount);
  });

  test("per-layer Forbidden for guests; unknown ids are left out; non-layers are not identified", async () => {
    const r = await identify({ geom: EUROPE, srs: 4326, layers: [open, closed, 999999, group] });
    expect(r.status).toBe(200);
    expect(r.body[String(open)].featureCount).toBeGreaterThan(0);
    expect(r.body[String(closed)]).toEqual({ error: "Forbidden" });
    expect(r.body["999999"]).toBeUndefined();
    expect(r.body[String(group)].error).toBeDefined();
    expect(r.body.featureCount).toBe(r.body[String(open)].featureCount);
  });

  test("the label field labels features", async () => {
    const layer = await s.json(`/api/resource/${open}`, { auth: s.admin });
    const name = layer.body.feature_layer.fields.find((f: any) => f.keyname === "name");
    const put = await s.json(`/api/resource/${open}`, {
      method: "PUT",
      auth: s.admin,
      body: { feature_layer: { fields: [{ id: name.id, label_field: true }] } },
    });
    expect(put.status).toBe(200);
    const r = await identify({ geom: EUROPE, srs: 4326, layers: [open] }, s.admin);
    for (const f of r.body[String(open)].features) expect(f.label).toBe(f.fields.name);
  });

  test("pyramid/route publishes the routes ngw-connector resolves by name", async () => {
    const r = await s.json("/api/component/pyramid/route");
    expect(r.body["feature_layer.identify"]).toEqual(["/api/feature_layer/identify"]);
    expect(r.body["feature_attachment.item"]).toEqual([
      "/api/resource/{0}/feature/{1}/attachment/{2}",
      "id",
      "fid",
      "aid",
    ]);
    for (const name of [
      "feature_attachment.collection",
      "feature_attachment.download",
      "feature_attachment.image",
      "feature_layer.geojson",
      "resource.export",
      "resource.file_download",
    ])
      expect(r.body[name]).toBeDefined();
  });

  test("bad bodies are 422", async () => {
    for (const body of [
      {},
      { geom: "NOT WKT", srs: 4326, layers: [open] },
      { geom: EUROPE, srs: 123456789, layers: [open] },
      { geom: EUROPE, srs: 4326, layers: "1" },
      { geom: EUROPE, srs: 4326, layers: [-1] },
      { geom: 5, srs: 4326, layers: [] },
    ]) {
      const r = await identify(body, s.admin);
      expect(r.status).toBe(422);
    }
    const bad = await s.fetch("/api/feature_layer/identify", {
      method: "POST",
      auth: s.admin,
      body: "{oops",
    });
    expect(bad.status).toBe(400);
  });
});
