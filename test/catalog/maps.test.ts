/**
 * @module The catalog's map model (src/catalog/maps.ts) on a real server: web maps made over
 * NGW's API and a layer group made over GeoServer REST both come out as maps; drawing order,
 * opacity, groups, extents in both SRSs, basemaps, and the ACL (hidden layers, empty groups,
 * unreadable maps).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Actor } from "../../src/catalog/acl.ts";
import { InsufficientPermissions, ResourceNotFound } from "../../src/catalog/errors.ts";
import { listMaps, type MapDescription, openMap } from "../../src/catalog/maps.ts";
import { startServer, type TestServer } from "../helpers/server.ts";
import { create, type Fixture, fixture, rule, setAcl, user } from "./classes/webmap/fixture.ts";

let s: TestServer;
let f: Fixture;
let daveId: number;
let mapId: number;

const cat = () => s.server.ctx.catalog;
async function actorOf(id: number): Promise<Actor> {
  return cat().principals.actorFor((await cat().principals.get(id))!, "basic");
}
const admin = () => actorOf(4);

const layer = (style: number, extra: Record<string, unknown> = {}) => ({
  item_type: "layer",
  display_name: `L${style}`,
  layer_style_id: style,
  layer_adapter: "image",
  ...extra,
});

beforeAll(async () => {
  s = await startServer();
  f = await fixture(s);
  daveId = await user(s, "dave", "dave-pass-12");
  mapId = await create(s, {
    resource: { cls: "webmap", parent: { id: f.group }, display_name: "Atlas" },
    webmap: {
      title: "The atlas",
      initial_extent: [0, 0, 10, 10],
      root_item: {
        children: [
          layer(f.styleA, { layer_enabled: true, layer_opacity: 0.5, layer_min_scale_denom: 1000 }),
          {
            item_type: "group",
            display_name: "Water",
            group_expanded: true,
            children: [layer(f.styleB, { layer_adapter: "tile" })],
          },
        ],
      },
    },
    basemap_webmap: { basemaps: [{ resource_id: f.basemap, display_name: "OSM", enabled: true }] },
  });
});
afterAll(() => s.stop());

describe("webmap as a map", () => {
  test("layers bottom first: the last tree item is drawn first", async () => {
    const m = await openMap(cat(), await admin(), mapId);
    expect(m).toMatchObject({
      id: mapId,
      kind: "webmap",
      title: "The atlas",
      displayName: "Atlas",
    });
    expect(m.layers.map((l) => l.styleId)).toEqual([f.styleB, f.styleA]);
    expect(m.layers[0]).toMatchObject({
      layerId: f.layerB,
      layerCls: "vector_layer",
      adapter: "tile",
      visible: false,
      opacity: 1,
      groupPath: ["Water"],
      groupKeys: ["1"],
      key: "1.0",
    });
    expect(m.layers[1]).toMatchObject({
      layerId: f.layerA,
      opacity: 0.5,
      visible: true,
      minScaleDenom: 1000,
      maxScaleDenom: null,
      groupPath: [],
      key: "0",
    });
    expect(m.tree).toEqual([
      { type: "layer", key: "0" },
      {
        type: "group",
        key: "1",
        title: "Water",
        expanded: true,
        visible: true,
        exclusive: false,
        children: [{ type: "layer", key: "1.0" }],
      },
    ]);
  });

  test("extent in EPSG:4326 and 3857; basemaps with their URL", async () => {
    const m = await openMap(cat(), await admin(), mapId);
    expect(m.extent!.wgs84).toEqual([0, 0, 10, 10]);
    const [x0, y0, x1, y1] = m.extent!.webMercator;
    expect(x0).toBeCloseTo(0, 3);
    expect(y0).toBeCloseTo(0, 3);
    expect(x1).toBeCloseTo(1113194.908, 2);
    expect(y1).toBeCloseTo(1118889.975, 2);
    expect(m.constrainingExtent).toBeNull();
    expect(m.basemaps).toEqual([
      expect.objectContaining({
        resourceId: f.basemap,
        title: "OSM",
        url: "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        enabled: true,
        zMax: 19,
      }),
    ]);
  });

  test("with draw order enabled, position 1 is the top layer", async () => {
    const id = await create(s, {
      resource: { cls: "webmap", parent: { id: f.group }, display_name: "Ordered" },
      webmap: {
        draw_order_enabled: true,
        root_item: {
          children: [
            layer(f.styleA, { draw_order_position: 2 }),
            layer(f.styleB, { draw_order_position: 1 }),
          ],
        },
      },
    });
    const m = await openMap(cat(), await admin(), id);
    expect(m.drawOrderEnabled).toBe(true);
    expect(m.layers.map((l) => l.styleId)).toEqual([f.styleA, f.styleB]);
  });

  test("layers the actor cannot read are left out, and groups they empty", async () => {
    await setAcl(s, f.group, [rule("allow", daveId, "resource", "read")]);
    await setAcl(s, f.layerA, [rule("allow", daveId, "data", "read")]);
    await setAcl(s, f.styleA, [rule("allow", daveId, "data", "read")]);
    await setAcl(s, f.basemap, [rule("allow", daveId, "data", "read")]);
    const dave = await actorOf(daveId);
    const m = await openMap(cat(), dave, mapId);
    expect(m.layers.map((l) => l.layerId)).toEqual([f.layerA]);
    expect(m.tree).toEqual([{ type: "layer", key: "0" }]);
    expect(m.basemaps).toHaveLength(1);
    // Without data.read on the style, the layer is hidden too (NGW's display_config).
    await setAcl(s, f.styleA, [rule("deny", daveId, "data", "read")]);
    expect((await openMap(cat(), dave, mapId)).layers).toEqual([]);
    await setAcl(s, f.basemap, []);
    expect((await openMap(cat(), dave, mapId)).basemaps).toEqual([]);
    await setAcl(s, f.styleA, []);
    await setAcl(s, f.layerA, []);
    await setAcl(s, f.group, []);
  });

  test("resource.read opens a web map; an explicit deny of webmap.display closes it", async () => {
    await setAcl(s, f.group, [rule("allow", daveId, "resource", "read")]);
    const dave = await actorOf(daveId);
    expect((await openMap(cat(), dave, mapId)).id).toBe(mapId);
    await setAcl(s, mapId, [rule("deny", daveId, "webmap", "display")]);
    await expect(openMap(cat(), dave, mapId)).rejects.toBeInstanceOf(InsufficientPermissions);
    expect((await listMaps(cat(), dave)).map((m) => m.id)).not.toContain(mapId);
    // The resource itself stays readable, as in NGW.
    expect((await s.json(`/api/resource/${mapId}`, { auth: "dave:dave-pass-12" })).status).toBe(
      200,
    );
    await setAcl(s, mapId, []);
    await setAcl(s, f.group, []);
  });

  test("an unreadable map is refused; a resource that is not a map is not found", async () => {
    const dave = await actorOf(daveId);
    await expect(openMap(cat(), dave, mapId)).rejects.toBeInstanceOf(InsufficientPermissions);
    await expect(openMap(cat(), await admin(), f.layerA)).rejects.toBeInstanceOf(ResourceNotFound);
    await expect(openMap(cat(), await admin(), 999999)).rejects.toBeInstanceOf(ResourceNotFound);
  });
});

describe("GeoServer layer group as a map", () => {
  let lg: MapDescription;
  beforeAll(async () => {
    const ws = encodeURIComponent(
      (await s.json(`/api/resource/${f.group}`, { auth: s.admin })).body.resource.display_name,
    );
    const wsName = decodeURIComponent(ws);
    const res = await s.fetch(`/geoserver/rest/workspaces/${ws}/layergroups`, {
      method: "POST",
      auth: s.admin,
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        layerGroup: {
          name: "stack",
          title: "A stack",
          publishables: {
            published: [
              { "@type": "layer", name: `${wsName}:Wells` },
              { "@type": "layer", name: `${wsName}:Towns` },
            ],
          },
          bounds: { minx: -5, miny: -10, maxx: 30, maxy: 40, crs: "EPSG:4326" },
        },
      }),
    });
    expect(res.status).toBe(201);
    const found = (await listMaps(cat(), await admin())).find(
      (m) => m.kind === "geoserver_layergroup",
    );
    lg = await openMap(cat(), await admin(), found!.id);
  });

  test("publishables in order are the drawing order; title and bounds carry over", () => {
    expect(lg.title).toBe("A stack");
    expect(lg.displayName).toBe("stack");
    expect(lg.layers.map((l) => l.layerId)).toEqual([f.layerB, f.layerA]);
    expect(lg.layers.every((l) => l.styleId === null && l.opacity === 1 && l.visible)).toBe(true);
    // The tree shows the top layer first.
    expect(lg.tree.map((n) => n.key)).toEqual(["1", "0"]);
    expect(lg.extent!.wgs84).toEqual([-5, -10, 30, 40]);
  });

  test("an SLD style named by the group maps to its NGW mirror, which render can draw", async () => {
    const wsName = (await s.json(`/api/resource/${f.group}`, { auth: s.admin })).body.resource
      .display_name;
    const ws = encodeURIComponent(wsName);
    const sld = await Bun.file(`${import.meta.dir}/../fixtures/style/points-sld10.sld`).text();
    const post = (path: string, body: string, type: string, method = "POST") =>
      s.fetch(`/geoserver/rest${path}`, {
        method,
        auth: s.admin,
        headers: { "Content-Type": type },
        body,
      });
    expect(
      (await post(`/workspaces/${ws}/styles?name=dots`, sld, "application/vnd.ogc.sld+xml")).status,
    ).toBe(201);
    const def = JSON.stringify({ layer: { defaultStyle: { name: `${wsName}:dots` } } });
    expect((await post(`/layers/${ws}:Towns`, def, "application/json", "PUT")).status).toBe(200);
    const group = JSON.stringify({
      layerGroup: {
        name: "styled",
        publishables: { published: [{ "@type": "layer", name: `${wsName}:Towns` }] },
        styles: { style: [{ name: `${wsName}:dots` }] },
      },
    });
    expect((await post(`/workspaces/${ws}/layergroups`, group, "application/json")).status).toBe(
      201,
    );
    const found = (await listMaps(cat(), await admin())).find((m) => m.displayName === "styled");
    const m = await openMap(cat(), await admin(), found!.id);
    const l = m.layers[0]!;
    expect(l.sldStyleId).toBeGreaterThan(0);
    expect(l.styleId).not.toBeNull();
    const mirror = (await s.json(`/api/resource/${l.styleId}`, { auth: s.admin })).body.resource;
    expect(mirror).toMatchObject({ cls: "qgis_vector_style", parent: { id: f.layerA } });
    const tile = await s.fetch(`/api/component/render/tile?resource=${l.styleId}&z=0&x=0&y=0`, {
      auth: s.admin,
    });
    expect(tile.status).toBe(200);
    expect(tile.headers.get("content-type")).toBe("image/png");
  });

  test("listMaps gives web maps and layer groups the actor can read, by title", async () => {
    const all = await listMaps(cat(), await admin());
    const titles = all.map((m) => m.title);
    expect(titles).toContain("The atlas");
    expect(titles).toContain("A stack");
    expect([...titles].sort((a, b) => a.localeCompare(b))).toEqual(titles);
    expect(await listMaps(cat(), cat().principals.guest())).toEqual([]);
    await setAcl(s, f.group, [rule("allow", daveId, "resource", "read")]);
    expect((await listMaps(cat(), await actorOf(daveId))).map((m) => m.id)).toContain(mapId);
    await setAcl(s, f.group, []);
  });
});
