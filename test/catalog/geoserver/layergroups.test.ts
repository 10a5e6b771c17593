/**
 * @module NGW web maps seen as GeoServer layer groups over HTTP: listed in their workspace (or
 * globally when under the root), members in drawing order, title editable both ways, members
 * refused from GeoServer's side, delete shared; stored layer groups keep bumping their version.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { GeoServerRestClient } from "geoserver-node-client";
import { ADMIN_PASSWORD, startServer, type TestServer } from "../../helpers/server.ts";
import { create, type Fixture, fixture } from "../classes/webmap/fixture.ts";

let s: TestServer;
let f: Fixture;
let ws: string;
let mapId: number;
const R = "/geoserver/rest";

async function gs(method: string, path: string, body?: unknown) {
  const res = await s.fetch(R + path, {
    method,
    auth: s.admin,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
  });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) };
}

beforeAll(async () => {
  s = await startServer();
  f = await fixture(s);
  ws = (await s.json(`/api/resource/${f.group}`, { auth: s.admin })).body.resource.display_name;
  mapId = await create(s, {
    resource: {
      cls: "webmap",
      parent: { id: f.group },
      display_name: "Atlas map",
      keyname: "atlas",
    },
    webmap: {
      title: "The atlas",
      initial_extent: [-5, -10, 30, 40],
      root_item: {
        children: [
          {
            item_type: "layer",
            display_name: "T",
            layer_style_id: f.styleA,
            layer_adapter: "image",
          },
          {
            item_type: "layer",
            display_name: "W",
            layer_style_id: f.styleB,
            layer_adapter: "image",
          },
        ],
      },
    },
  });
});
afterAll(() => s.stop());

const W = () => `/workspaces/${encodeURIComponent(ws)}`;

describe("web maps as layer groups", () => {
  test("listed in the workspace; members bottom first; title and bounds from the map", async () => {
    const list = (await gs("GET", `${W()}/layergroups.json`)).json();
    expect(JSON.stringify(list)).toContain('"name":"atlas"');
    const r = await gs("GET", `${W()}/layergroups/atlas.json`);
    expect(r.status).toBe(200);
    const g = r.json().layerGroup;
    expect(g.title).toBe("The atlas");
    expect(g.mode).toBe("SINGLE");
    const names = [g.publishables.published].flat().map((p: { name: string }) => p.name);
    expect(names).toEqual([`${ws}:Wells`, `${ws}:Towns`]);
    expect(g.bounds).toMatchObject({ minx: -5, miny: -10, maxx: 30, maxy: 40, crs: "EPSG:4326" });
  });

  test("geoserver-node-client reads the web map as a layer group", async () => {
    const grc = new GeoServerRestClient(
      `${s.url}/geoserver/rest/`,
      "administrator",
      ADMIN_PASSWORD,
    );
    const g = await grc.layergroups.get(ws, "atlas");
    expect(g.layerGroup.name).toBe("atlas");
    expect(g.layerGroup.title).toBe("The atlas");
  });

  test("a web map under the root is a global layer group; guests see none", async () => {
    const id = await create(s, {
      resource: { cls: "webmap", parent: { id: 0 }, display_name: "world" },
    });
    expect((await gs("GET", "/layergroups/world.json")).status).toBe(200);
    const guest = await s.fetch(`${R}/layergroups/world.json`);
    expect(guest.status).toBeGreaterThanOrEqual(400);
    expect((await s.json(`/api/resource/${id}`, { method: "DELETE", auth: s.admin })).status).toBe(
      200,
    );
    expect((await gs("GET", "/layergroups/world.json")).status).toBe(404);
  });

  test("PUT of the title reaches the web map; PUT of other members is refused", async () => {
    const doc = (await gs("GET", `${W()}/layergroups/atlas.json`)).json();
    doc.layerGroup.title = "Renamed atlas";
    expect((await gs("PUT", `${W()}/layergroups/atlas`, doc)).status).toBe(200);
    const ngw = (await s.json(`/api/resource/${mapId}`, { auth: s.admin })).body;
    expect(ngw.webmap.title).toBe("Renamed atlas");
    const other = {
      layerGroup: { publishables: { published: [{ "@type": "layer", name: `${ws}:Towns` }] } },
    };
    const refused = await gs("PUT", `${W()}/layergroups/atlas`, other);
    expect(refused.status).toBe(403);
    expect(refused.text).toContain("web map");
  });

  test("a new layer group cannot take a web map's name; a stored group's version bumps on update", async () => {
    const made = await gs("POST", `${W()}/layergroups`, {
      layerGroup: {
        name: "stack",
        publishables: { published: [{ "@type": "layer", name: `${ws}:Towns` }] },
      },
    });
    expect(made.status).toBe(201);
    const clash = await gs("POST", `${W()}/layergroups`, {
      layerGroup: {
        name: "atlas",
        publishables: { published: [{ "@type": "layer", name: `${ws}:Towns` }] },
      },
    });
    expect(clash.status).toBe(403);
    const cat = s.server.ctx.catalog;
    const found = await cat.search(
      await cat.principals.actorFor((await cat.principals.get(4))!, "basic"),
      {
        where: [{ column: "cls", op: "eq", value: "geoserver_layergroup" }],
        resmeta: [],
      },
    );
    const before = found[0]!.row.version;
    expect(
      (await gs("PUT", `${W()}/layergroups/stack`, { layerGroup: { title: "S" } })).status,
    ).toBe(200);
    expect((await cat.resources.row(found[0]!.row.id))!.version).toBeGreaterThan(before);
  });

  test("names GeoServer cannot carry are left out; the list still answers", async () => {
    const id = await create(s, {
      resource: { cls: "webmap", parent: { id: 0 }, display_name: "a/b: <map>" },
    });
    const r = await gs("GET", "/layergroups.json");
    expect(r.status).toBe(200);
    expect(r.text).not.toContain("a/b");
    expect((await s.json(`/api/resource/${id}`, { method: "DELETE", auth: s.admin })).status).toBe(
      200,
    );
  });

  test("DELETE through GeoServer deletes the web map", async () => {
    expect((await gs("DELETE", `${W()}/layergroups/atlas`)).status).toBe(200);
    expect((await s.json(`/api/resource/${mapId}`, { auth: s.admin })).status).toBe(404);
    expect((await s.json(`/api/resource/${f.layerA}`, { auth: s.admin })).status).toBe(200);
  });
});
