/**
 * @module GeoNode `maps` over the catalog's map model against a real server: a web map made
 * through NextGIS Web is a GeoNode map with maplayers (top first), its datasets, the maps a
 * dataset is drawn in, metadata PATCH, and the ACL (a guest sees no private map).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { create, type Fixture, fixture } from "../../catalog/classes/webmap/fixture.ts";
import { startServer, type TestServer } from "../../helpers/server.ts";

let s: TestServer;
let f: Fixture;
let mapId: number;

beforeAll(async () => {
  s = await startServer();
  f = await fixture(s);
  const layer = (style: number, extra: Record<string, unknown> = {}) => ({
    item_type: "layer",
    display_name: `L${style}`,
    layer_style_id: style,
    layer_adapter: "image",
    layer_enabled: true,
    ...extra,
  });
  mapId = await create(s, {
    resource: { cls: "webmap", parent: { id: f.group }, display_name: "Atlas" },
    webmap: {
      title: "The atlas",
      initial_extent: [0, 0, 10, 10],
      root_item: {
        children: [layer(f.styleA, { layer_opacity: 0.5 }), layer(f.styleB)],
      },
    },
  });
});
afterAll(() => s.stop());

test("a web map is a GeoNode map with maplayers, top first", async () => {
  const list = await s.json("/api/v2/maps", { auth: s.admin });
  expect(list.status).toBe(200);
  expect(list.body.total).toBe(1);
  const m = list.body.maps[0];
  expect(m).toMatchObject({ pk: String(mapId), resource_type: "map", title: "The atlas" });
  expect(m.maplayers.map((l: any) => l.dataset.pk)).toEqual([String(f.layerA), String(f.layerB)]);
  expect(m.maplayers[0]).toMatchObject({ order: 0, opacity: 0.5, visibility: true });
  expect(m.extent.srid).toBe("EPSG:4326");
  const one = await s.json(`/api/v2/maps/${mapId}/`, { auth: s.admin });
  expect(one.body.map.pk).toBe(String(mapId));
  const all = await s.json("/api/v2/resources?filter{resource_type}=map", { auth: s.admin });
  expect(all.body.total).toBe(1);
  const types = await s.json("/api/v2/resources/resource_types", { auth: s.admin });
  expect(types.body.resource_types.find((t: any) => t.name === "map").count).toBe(1);
});

test("maplayers and datasets of a map; maps and maplayers of a dataset: bare arrays", async () => {
  const ml = await s.json(`/api/v2/maps/${mapId}/maplayers`, { auth: s.admin });
  expect(Array.isArray(ml.body)).toBe(true);
  expect(ml.body.length).toBe(2);
  const ds = await s.json(`/api/v2/maps/${mapId}/datasets`, { auth: s.admin });
  expect(ds.body.map((d: any) => d.pk).sort()).toEqual([String(f.layerA), String(f.layerB)].sort());
  const dm = await s.json(`/api/v2/datasets/${f.layerA}/maps`, { auth: s.admin });
  expect(dm.body.map((x: any) => x.pk)).toEqual([String(mapId)]);
  const dl = await s.json(`/api/v2/datasets/${f.layerA}/maplayers`, { auth: s.admin });
  expect(dl.body).toEqual([
    expect.objectContaining({ dataset: expect.objectContaining({ pk: String(f.layerA) }) }),
  ]);
});

test("PATCH of a map's metadata, read back through NGW", async () => {
  const r = await s.json(`/api/v2/maps/${mapId}`, {
    method: "PATCH",
    auth: s.admin,
    body: { abstract: "An atlas", keywords: ["atlas"] },
  });
  expect(r.status).toBe(200);
  expect(r.body.map.abstract).toBe("An atlas");
  const n = await s.json(`/api/resource/${mapId}`, { auth: s.admin });
  expect(n.body.resource.description).toBe("An atlas");
});

test("a guest sees no private map, in lists, counts or detail", async () => {
  expect((await s.json("/api/v2/maps")).body.total).toBe(0);
  expect((await s.json(`/api/v2/maps/${mapId}`)).status).toBe(404);
  const types = await s.json("/api/v2/resources/resource_types");
  expect(types.body.resource_types.find((t: any) => t.name === "map").count).toBe(0);
  expect((await s.json(`/api/v2/maps/${mapId}/maplayers`)).status).toBe(404);
});
