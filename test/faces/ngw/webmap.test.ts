/**
 * @module The webmap and basemap_layer classes through NGW's resource API over HTTP: the JSON
 * shape of GET (reference/ngw.md §3.7), partial PUT, validation errors, references that must
 * be readable styles/basemaps, the cascade when a style or basemap is deleted, and
 * /api/resource/{id}/webmap/extent.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  create,
  type Fixture,
  fixture,
  rule,
  setAcl,
  user,
} from "../../catalog/classes/webmap/fixture.ts";
import { gdal, hasGdal } from "../../helpers/gdal.ts";
import { startServer, type TestServer } from "../../helpers/server.ts";

let s: TestServer;
let f: Fixture;
const carol = "carol:carol-pass-1";
let carolId: number;

beforeAll(async () => {
  s = await startServer();
  f = await fixture(s);
  carolId = await user(s, "carol", "carol-pass-1");
});
afterAll(() => s.stop());

const layer = (style: number, extra: Record<string, unknown> = {}) => ({
  item_type: "layer",
  display_name: `L${style}`,
  layer_style_id: style,
  layer_adapter: "image",
  ...extra,
});

async function webmap(body: Record<string, unknown>, name: string, auth = s.admin) {
  return s.json("/api/resource/", {
    method: "POST",
    auth,
    body: {
      resource: { cls: "webmap", parent: { id: f.group }, display_name: name },
      ...body,
    },
  });
}

const get = async (id: number, auth = s.admin) =>
  (await s.json(`/api/resource/${id}`, { auth })).body;

describe("webmap JSON", () => {
  test("create with a tree and basemaps; GET answers NGW's shape", async () => {
    const r = await webmap(
      {
        webmap: {
          extent_left: 5,
          extent_right: 35,
          extent_bottom: 15,
          extent_top: 45,
          draw_order_enabled: false,
          root_item: {
            item_type: "root",
            children: [
              layer(f.styleA, {
                layer_enabled: true,
                layer_opacity: 0.75,
                layer_max_scale_denom: 1e6,
              }),
              {
                item_type: "group",
                display_name: "Water",
                group_expanded: true,
                children: [layer(f.styleB, { layer_adapter: "tile", layer_transparency: 40 })],
              },
            ],
          },
        },
        basemap_webmap: {
          basemaps: [{ resource_id: f.basemap, display_name: "OSM", enabled: true, opacity: 0.5 }],
        },
      },
      "Main map",
    );
    expect(r.status).toBe(201);
    const doc = await get(r.body.id);
    expect(doc.resource).toMatchObject({
      cls: "webmap",
      scopes: ["resource", "webmap", "metadata"],
    });
    expect(Object.keys(doc.webmap)).toEqual([
      "initial_extent",
      "constraining_extent",
      "title",
      "draw_order_enabled",
      "editable",
      "annotation_enabled",
      "annotation_default",
      "legend_symbols",
      "measure_srs",
      "bookmark_resource",
      "root_item",
      "extent_left",
      "extent_right",
      "extent_bottom",
      "extent_top",
      "extent_const_left",
      "extent_const_right",
      "extent_const_bottom",
      "extent_const_top",
      "options",
    ]);
    expect(doc.webmap).toMatchObject({
      initial_extent: [5, 15, 35, 45],
      constraining_extent: null,
      title: null,
      draw_order_enabled: false,
      editable: true,
      annotation_enabled: false,
      annotation_default: "no",
      legend_symbols: null,
      measure_srs: null,
      bookmark_resource: null,
      extent_left: 5,
      extent_right: 35,
      extent_bottom: 15,
      extent_top: 45,
      extent_const_left: null,
      options: {},
    });
    expect(doc.webmap.root_item).toEqual({
      item_type: "root",
      children: [
        {
          item_type: "layer",
          display_name: `L${f.styleA}`,
          layer_style_id: f.styleA,
          style_parent_id: f.layerA,
          layer_adapter: "image",
          layer_enabled: true,
          layer_identifiable: true,
          layer_min_scale_denom: null,
          layer_max_scale_denom: 1e6,
          legend_symbols: null,
          layer_opacity: 0.75,
          draw_order_position: null,
          layer_transparency: 25,
        },
        {
          item_type: "group",
          display_name: "Water",
          group_expanded: true,
          group_enabled: true,
          group_exclusive: false,
          children: [
            {
              item_type: "layer",
              display_name: `L${f.styleB}`,
              layer_style_id: f.styleB,
              style_parent_id: f.layerB,
              layer_adapter: "tile",
              layer_enabled: false,
              layer_identifiable: true,
              layer_min_scale_denom: null,
              layer_max_scale_denom: null,
              legend_symbols: null,
              layer_opacity: 0.6,
              draw_order_position: null,
              layer_transparency: 40,
            },
          ],
        },
      ],
    });
    expect(doc.basemap_webmap).toEqual({
      basemaps: [
        { resource_id: f.basemap, display_name: "OSM", enabled: true, opacity: 0.5, position: 0 },
      ],
      background_color: null,
      disable: false,
    });
  });

  test("a bare create gets NGW's defaults (whole world, empty tree)", async () => {
    const r = await webmap({}, "Empty map");
    expect(r.status).toBe(201);
    const doc = await get(r.body.id);
    expect(doc.webmap.initial_extent).toEqual([-180, -90, 180, 90]);
    expect(doc.webmap.root_item).toEqual({ item_type: "root", children: [] });
    expect(doc.basemap_webmap.basemaps).toEqual([]);
  });

  test("PUT changes only what it sends; a GET body sent back is accepted unchanged", async () => {
    const r = await webmap(
      { webmap: { root_item: { children: [layer(f.styleA)] } } },
      "Edited map",
    );
    const id = r.body.id;
    const put = await s.json(`/api/resource/${id}`, {
      method: "PUT",
      auth: s.admin,
      body: {
        webmap: {
          title: "Shown title",
          initial_extent: [1, 2, 3, 4],
          constraining_extent: [-10, -20, 10, 20],
          legend_symbols: "expand",
          annotation_default: "messages",
          options: { "webmap.hmux": true },
          measure_srs: { id: 3857 },
          bookmark_resource: { id: f.layerA },
        },
        basemap_webmap: { background_color: "a0b1c2", disable: true },
      },
    });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({});
    const doc = await get(id);
    expect(doc.webmap).toMatchObject({
      title: "Shown title",
      initial_extent: [1, 2, 3, 4],
      extent_left: 1,
      extent_bottom: 2,
      extent_right: 3,
      extent_top: 4,
      constraining_extent: [-10, -20, 10, 20],
      extent_const_top: 20,
      legend_symbols: "expand",
      annotation_default: "messages",
      options: { "webmap.hmux": true },
      measure_srs: { id: 3857 },
      bookmark_resource: { id: f.layerA, parent: { id: f.group } },
    });
    expect(doc.webmap.root_item.children).toHaveLength(1);
    expect(doc.basemap_webmap).toMatchObject({ background_color: "a0b1c2", disable: true });

    const back = await s.json(`/api/resource/${id}`, { method: "PUT", auth: s.admin, body: doc });
    expect(back.status).toBe(200);
    expect(await get(id)).toEqual(doc);
  });

  test("an exclusive group keeps only its first enabled child enabled", async () => {
    const r = await webmap(
      {
        webmap: {
          root_item: {
            children: [
              {
                item_type: "group",
                display_name: "Radio",
                group_exclusive: true,
                children: [
                  layer(f.styleA, { layer_enabled: true }),
                  layer(f.styleB, { layer_enabled: true }),
                ],
              },
            ],
          },
        },
      },
      "Exclusive map",
    );
    const kids = (await get(r.body.id)).webmap.root_item.children[0].children;
    expect(kids.map((k: { layer_enabled: boolean }) => k.layer_enabled)).toEqual([true, false]);
  });

  test("web maps list after groups among siblings (cls_order 20)", async () => {
    const kids = (await s.json(`/api/resource/?parent=${f.group}`, { auth: s.admin })).body;
    const classes = kids.map((k: { resource: { cls: string } }) => k.resource.cls);
    expect(classes.indexOf("webmap")).toBeLessThan(classes.indexOf("vector_layer"));
  });
});

describe("validation", () => {
  // Bodies are built after beforeAll, with real style and basemap ids, so only the named flaw
  // can be what is refused.
  const bad: [string, () => Record<string, unknown>][] = [
    [
      "unknown item_type",
      () => ({ webmap: { root_item: { children: [{ item_type: "folder", display_name: "x" }] } } }),
    ],
    [
      "root item_type other than root",
      () => ({ webmap: { root_item: { item_type: "group", children: [] } } }),
    ],
    [
      "layer without layer_adapter",
      () => ({
        webmap: {
          root_item: {
            children: [{ item_type: "layer", display_name: "x", layer_style_id: f.styleA }],
          },
        },
      }),
    ],
    [
      "unknown adapter",
      () => ({ webmap: { root_item: { children: [layer(f.styleA, { layer_adapter: "wms" })] } } }),
    ],
    [
      "opacity above 1",
      () => ({ webmap: { root_item: { children: [layer(f.styleA, { layer_opacity: 1.5 })] } } }),
    ],
    [
      "opacity as a string",
      () => ({ webmap: { root_item: { children: [layer(f.styleA, { layer_opacity: "0.5" })] } } }),
    ],
    [
      "negative scale",
      () => ({
        webmap: { root_item: { children: [layer(f.styleA, { layer_min_scale_denom: -5 })] } },
      }),
    ],
    [
      "fractional draw order",
      () => ({
        webmap: { root_item: { children: [layer(f.styleA, { draw_order_position: 1.5 })] } },
      }),
    ],
    ["children not a list", () => ({ webmap: { root_item: { children: { a: 1 } } } })],
    ["longitude out of range", () => ({ webmap: { extent_left: 200 } })],
    ["latitude out of range", () => ({ webmap: { initial_extent: [0, -95, 10, 10] } })],
    ["extent of three numbers", () => ({ webmap: { initial_extent: [0, 0, 10] } })],
    ["unknown option", () => ({ webmap: { options: { "webmap.nonsense": true } } })],
    ["unknown annotation_default", () => ({ webmap: { annotation_default: "maybe" } })],
    ["unknown SRS", () => ({ webmap: { measure_srs: { id: 999999 } } })],
    [
      "basemap opacity 0",
      () => ({
        basemap_webmap: { basemaps: [{ resource_id: f.basemap, display_name: "x", opacity: 0 }] },
      }),
    ],
    [
      "basemap without display_name",
      () => ({ basemap_webmap: { basemaps: [{ resource_id: f.basemap }] } }),
    ],
    ["background colour in upper case", () => ({ basemap_webmap: { background_color: "AABBCC" } })],
    ["editable as a string", () => ({ webmap: { editable: "yes" } })],
  ];
  for (const [what, body] of bad) {
    test(`${what} -> 422 ValidationError`, async () => {
      const r = await webmap(body(), `bad ${what}`);
      expect(r.status).toBe(422);
      expect(r.body.exception).toBe("nextgisweb.core.exception.ValidationError");
      expect(typeof r.body.message).toBe("string");
    });
  }

  test("the message names the JSON path of the bad value", async () => {
    const r = await webmap(
      { webmap: { root_item: { children: [layer(f.styleA, { layer_opacity: 1.5 })] } } },
      "bad path",
    );
    expect(r.body.message).toBe(
      "Expected `float` <= 1 - at `$.webmap.root_item.children[0].layer_opacity`",
    );
  });

  test("deep nesting and huge trees are refused, not crashed on", async () => {
    let item: Record<string, unknown> = layer(f.styleA);
    for (let i = 0; i < 100; i++)
      item = { item_type: "group", display_name: `g${i}`, children: [item] };
    const deep = await webmap({ webmap: { root_item: { children: [item] } } }, "too deep");
    expect(deep.status).toBe(422);
    const many = Array.from({ length: 10_001 }, () => layer(f.styleA));
    const wide = await webmap({ webmap: { root_item: { children: many } } }, "too wide");
    expect(wide.status).toBe(422);
  });

  test("a style that does not exist, or a resource that is not a style -> 422", async () => {
    const missing = await webmap({ webmap: { root_item: { children: [layer(987654)] } } }, "m1");
    expect(missing.status).toBe(422);
    const notStyle = await webmap({ webmap: { root_item: { children: [layer(f.layerA)] } } }, "m2");
    expect(notStyle.status).toBe(422);
    const notBasemap = await webmap(
      { basemap_webmap: { basemaps: [{ resource_id: f.styleA, display_name: "x" }] } },
      "m3",
    );
    expect(notBasemap.status).toBe(422);
    const notFeatures = await webmap({ webmap: { bookmark_resource: { id: f.basemap } } }, "m4");
    expect(notFeatures.status).toBe(422);
    // Nothing was left behind by the refused creates.
    const names = (await s.json(`/api/resource/?parent=${f.group}`, { auth: s.admin })).body.map(
      (k: { resource: { display_name: string } }) => k.resource.display_name,
    );
    expect(names).not.toContain("m1");
    expect(names).not.toContain("m4");
  });

  test("a webmap only lives in a resource group", async () => {
    const r = await s.json("/api/resource/", {
      method: "POST",
      auth: s.admin,
      body: { resource: { cls: "webmap", parent: { id: f.layerA }, display_name: "x" } },
    });
    expect(r.status).toBe(422);
    expect(r.body.exception).toBe("nextgisweb.resource.exception.HierarchyError");
  });
});

describe("permissions", () => {
  test("a user who cannot read a style cannot put it in a web map; a readable one is fine", async () => {
    const g = await create(s, {
      resource: { cls: "resource_group", parent: { id: 0 }, display_name: "carol's maps" },
    });
    await setAcl(s, g, [rule("allow", carolId)]);
    // Carol may read the fixture group and layer A (and its style) but not layer B.
    await setAcl(s, f.group, [rule("allow", carolId, "resource", "read")]);
    await setAcl(s, f.layerB, [rule("deny", carolId, "resource", "read")]);
    const body = (style: number, name: string) => ({
      resource: { cls: "webmap", parent: { id: g }, display_name: name },
      webmap: { root_item: { children: [layer(style)] } },
    });
    const denied = await s.json("/api/resource/", {
      method: "POST",
      auth: carol,
      body: body(f.styleB, "B"),
    });
    expect(denied.status).toBe(403);
    expect(denied.body.exception).toBe("nextgisweb.core.exception.InsufficientPermissions");
    const ok = await s.json("/api/resource/", {
      method: "POST",
      auth: carol,
      body: body(f.styleA, "A"),
    });
    expect(ok.status).toBe(201);

    // An admin adds B to carol's map; carol may still edit the map and keep B in it.
    const doc = await get(ok.body.id);
    doc.webmap.root_item.children.push(layer(f.styleB));
    expect(
      (await s.json(`/api/resource/${ok.body.id}`, { method: "PUT", auth: s.admin, body: doc }))
        .status,
    ).toBe(200);
    const mine = await get(ok.body.id, carol);
    mine.webmap.title = "renamed by carol";
    mine.webmap.root_item.children.reverse();
    const put = await s.json(`/api/resource/${ok.body.id}`, {
      method: "PUT",
      auth: carol,
      body: mine,
    });
    expect(put.status).toBe(200);
    expect((await get(ok.body.id)).webmap.root_item.children[0].layer_style_id).toBe(f.styleB);
    await setAcl(s, f.layerB, []);
    await setAcl(s, f.group, []);
  });

  test("PUT of webmap keys needs resource.update", async () => {
    const r = await webmap({}, "read-only map");
    await setAcl(s, f.group, [rule("allow", carolId, "resource", "read")]);
    const put = await s.json(`/api/resource/${r.body.id}`, {
      method: "PUT",
      auth: carol,
      body: { webmap: { title: "nope" } },
    });
    expect(put.status).toBe(403);
    await setAcl(s, f.group, []);
  });
});

describe("references to deleted resources", () => {
  test("deleting a style removes its items from web maps (NGW cascades), and the basemap goes too", async () => {
    const g = await fixture(s);
    const r = await s.json("/api/resource/", {
      method: "POST",
      auth: s.admin,
      body: {
        resource: { cls: "webmap", parent: { id: g.group }, display_name: "cascade" },
        webmap: {
          bookmark_resource: { id: g.layerB },
          root_item: {
            children: [
              layer(g.styleA),
              { item_type: "group", display_name: "G", children: [layer(g.styleB)] },
            ],
          },
        },
        basemap_webmap: { basemaps: [{ resource_id: g.basemap, display_name: "OSM" }] },
      },
    });
    const id = r.body.id;
    expect(
      (await s.json(`/api/resource/${g.styleA}`, { method: "DELETE", auth: s.admin })).status,
    ).toBe(200);
    let doc = await get(id);
    expect(doc.webmap.root_item.children).toHaveLength(1);
    expect(doc.webmap.root_item.children[0]).toMatchObject({
      item_type: "group",
      display_name: "G",
    });
    // Deleting a whole layer takes its style with it, and the bookmark reference is cleared.
    expect(
      (await s.json(`/api/resource/${g.layerB}`, { method: "DELETE", auth: s.admin })).status,
    ).toBe(200);
    expect(
      (await s.json(`/api/resource/${g.basemap}`, { method: "DELETE", auth: s.admin })).status,
    ).toBe(200);
    doc = await get(id);
    expect(doc.webmap.root_item.children[0].children).toEqual([]);
    expect(doc.webmap.bookmark_resource).toBeNull();
    expect(doc.basemap_webmap.basemaps).toEqual([]);
    // Deleting the web map itself leaves the layers alone.
    expect((await s.json(`/api/resource/${id}`, { method: "DELETE", auth: s.admin })).status).toBe(
      200,
    );
    expect((await s.json(`/api/resource/${id}`, { auth: s.admin })).status).toBe(404);
  });
});

describe("basemap_layer", () => {
  test("GET shape; url required and only http(s); zoom range checked", async () => {
    const doc = await get(f.basemap);
    expect(doc.resource.scopes).toEqual(["resource", "data", "metadata"]);
    expect(doc.basemap_layer).toEqual({
      url: "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
      qms: "448",
      copyright_text: "© OpenStreetMap contributors",
      copyright_url: "https://www.openstreetmap.org/copyright",
      z_min: 0,
      z_max: 19,
    });
    const mk = (basemap_layer: unknown, name: string) =>
      s.json("/api/resource/", {
        method: "POST",
        auth: s.admin,
        body: {
          resource: { cls: "basemap_layer", parent: { id: f.group }, display_name: name },
          basemap_layer,
        },
      });
    expect((await mk({ qms: "1" }, "no url")).status).toBe(422);
    expect((await mk({ url: "javascript:alert(1)" }, "js")).status).toBe(422);
    expect(
      (await mk({ url: "https://x/{z}/{x}/{y}.png", z_min: 10, z_max: 3 }, "zoom")).status,
    ).toBe(422);
    const ok = await mk({ url: "https://x/{z}/{x}/{y}.png" }, "minimal");
    expect(ok.status).toBe(201);
    expect((await get(ok.body.id)).basemap_layer).toMatchObject({ qms: null, z_max: null });
    const put = await s.json(`/api/resource/${ok.body.id}`, {
      method: "PUT",
      auth: s.admin,
      body: { basemap_layer: { qms: "7" } },
    });
    expect(put.status).toBe(200);
    expect((await get(ok.body.id)).basemap_layer).toMatchObject({
      url: "https://x/{z}/{x}/{y}.png",
      qms: "7",
    });
  });

  test("without data.read the attributes are left out, as NGW does", async () => {
    await setAcl(s, f.group, [rule("allow", carolId, "resource", "read")]);
    const doc = await get(f.basemap, carol);
    expect(doc.basemap_layer).toEqual({});
    await setAcl(s, f.group, []);
  });
});

describe("webmap/extent", () => {
  test("the combined lon/lat extent of the layers; null for an empty map; 404 for a non-map", async () => {
    const r = await webmap(
      { webmap: { root_item: { children: [layer(f.styleA), layer(f.styleB)] } } },
      "extent map",
    );
    const e = await s.json(`/api/resource/${r.body.id}/webmap/extent`, { auth: s.admin });
    expect(e.status).toBe(200);
    expect(e.body.minLon).toBeCloseTo(-5, 6);
    expect(e.body.maxLon).toBeCloseTo(30, 6);
    expect(e.body.minLat).toBeCloseTo(-10, 6);
    expect(e.body.maxLat).toBeCloseTo(40, 6);
    const empty = await webmap({}, "empty extent map");
    const n = await s.json(`/api/resource/${empty.body.id}/webmap/extent`, { auth: s.admin });
    expect(n.status).toBe(200);
    expect(n.body).toBeNull();
    expect(
      (await s.json(`/api/resource/${f.layerA}/webmap/extent`, { auth: s.admin })).status,
    ).toBe(404);
    expect((await s.json(`/api/resource/${r.body.id}/webmap/extent`)).status).toBe(403);
  });
});

describe("webmap/display_config", () => {
  test("NGW's display configuration: item ids, checked/expanded items, adapters, ACL", async () => {
    const r = await webmap(
      {
        webmap: {
          title: "Display",
          annotation_enabled: true,
          root_item: {
            children: [
              layer(f.styleA, { layer_enabled: true, layer_opacity: 0.5 }),
              {
                item_type: "group",
                display_name: "G",
                group_expanded: true,
                children: [layer(f.styleB, { layer_adapter: "tile" })],
              },
            ],
          },
        },
      },
      "display map",
    );
    const d = await s.json(`/api/resource/${r.body.id}/webmap/display_config`, { auth: s.admin });
    expect(d.status).toBe(200);
    expect(d.body).toMatchObject({
      webmapId: r.body.id,
      webmapTitle: "Display",
      initialExtent: [-180, -90, 180, 90],
      constrainingExtent: null,
      webmapEditable: true,
      annotations: {
        enabled: true,
        default: "no",
        scope: { read: true, write: true, manage: true },
      },
    });
    const [a, g] = d.body.rootItem.children;
    expect(a).toMatchObject({
      type: "layer",
      layerId: f.layerA,
      styleId: f.styleA,
      visibility: true,
      opacity: 0.5,
      adapter: "@nextgisweb/webmap/image-adapter",
      identification: { mode: "feature_layer", resource: { id: f.layerA } },
    });
    expect(g).toMatchObject({ type: "group", expanded: true, label: "G" });
    expect(g.children[0].adapter).toBe("@nextgisweb/webmap/tile-adapter");
    expect(d.body.checkedItems).toEqual([a.id]);
    expect(d.body.expandedItems).toEqual([g.id]);
    expect(d.body.mid.adapter.sort()).toEqual([
      "@nextgisweb/webmap/image-adapter",
      "@nextgisweb/webmap/tile-adapter",
    ]);

    // A reader without data.read on layer B sees no B and no group G.
    await setAcl(s, f.group, [rule("allow", carolId, "resource", "read")]);
    await setAcl(s, f.layerA, [rule("allow", carolId, "data", "read")]);
    const c = (await s.json(`/api/resource/${r.body.id}/webmap/display_config`, { auth: carol }))
      .body;
    expect(c.rootItem.children.map((x: { type: string }) => x.type)).toEqual(["layer"]);
    expect(c.annotations.scope).toEqual({ read: false, write: false, manage: false });
    await setAcl(s, f.layerA, []);
    await setAcl(s, f.group, []);
    expect(
      (await s.json(`/api/resource/${f.layerA}/webmap/display_config`, { auth: s.admin })).status,
    ).toBe(404);
  });
});

describe("real clients", () => {
  test.skipIf(!hasGdal)(
    "GDAL's NGW driver opens a group holding a web map and lists its layers",
    async () => {
      const r = await webmap(
        { webmap: { root_item: { children: [layer(f.styleA)] } } },
        "gdal map",
      );
      expect(r.status).toBe(201);
      const info = await gdal("ogrinfo", [
        "-ro",
        "-so",
        `NGW:${s.url}/resource/${f.group}`,
        "-oo",
        `USERPWD=${s.admin}`,
      ]);
      expect(info.code).toBe(0);
      expect(info.stdout).toContain("Towns");
      expect(info.stdout).toContain("Wells");
      expect(info.stderr).not.toContain("ERROR");
    },
  );

  test("pyramid/route publishes the webmap routes ngw-connector resolves by name", async () => {
    const r = await s.json("/api/component/pyramid/route", { auth: s.admin });
    expect(r.body["webmap.extent"]).toEqual(["/api/resource/{0}/webmap/extent", "id"]);
    expect(r.body["webmap.annotation.collection"]).toEqual(["/api/resource/{0}/annotation/", "id"]);
    expect(r.body["webmap.annotation.item"]).toEqual([
      "/api/resource/{0}/annotation/{1}",
      "id",
      "annotation_id",
    ]);
  });
});
