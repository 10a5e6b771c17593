/**
 * @module Test data for web map tests over HTTP: a group holding two point layers with features
 * (in EPSG:3857), a default qgis_vector_style under each, and a basemap layer; plus a user.
 */
import type { TestServer } from "../../../helpers/server.ts";

export interface Fixture {
  group: number;
  layerA: number;
  styleA: number;
  layerB: number;
  styleB: number;
  basemap: number;
}

/** Web Mercator metres of a lon/lat point. */
export function merc(lon: number, lat: number): [number, number] {
  const R = 6378137;
  return [(R * lon * Math.PI) / 180, R * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360))];
}

export async function create(s: TestServer, body: unknown, auth = s.admin): Promise<number> {
  const r = await s.json("/api/resource/", { method: "POST", auth, body });
  if (r.status !== 201) throw new Error(`create failed ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body.id;
}

async function pointLayer(s: TestServer, parent: number, name: string, pts: [number, number][]) {
  const id = await create(s, {
    resource: { cls: "vector_layer", parent: { id: parent }, display_name: name },
    vector_layer: {
      srs: { id: 3857 },
      geometry_type: "POINT",
      fields: [{ keyname: "name", datatype: "STRING" }],
    },
  });
  for (const [i, [lon, lat]] of pts.entries()) {
    const [x, y] = merc(lon, lat);
    const r = await s.json(`/api/resource/${id}/feature/`, {
      method: "POST",
      auth: s.admin,
      body: { geom: `POINT (${x} ${y})`, fields: { name: `${name} ${i}` } },
    });
    if (r.status !== 200) throw new Error(`feature failed ${r.status}: ${JSON.stringify(r.body)}`);
  }
  const style = await create(s, {
    resource: { cls: "qgis_vector_style", parent: { id }, display_name: `${name} style` },
  });
  return { id, style };
}

let n = 0;
export async function fixture(s: TestServer): Promise<Fixture> {
  n++;
  const group = await create(s, {
    resource: { cls: "resource_group", parent: { id: 0 }, display_name: `webmap fixture ${n}` },
  });
  const a = await pointLayer(s, group, "Towns", [
    [10, 20],
    [30, 40],
  ]);
  const b = await pointLayer(s, group, "Wells", [[-5, -10]]);
  const basemap = await create(s, {
    resource: { cls: "basemap_layer", parent: { id: group }, display_name: "OSM" },
    basemap_layer: {
      url: "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
      qms: "448",
      copyright_text: "© OpenStreetMap contributors",
      copyright_url: "https://www.openstreetmap.org/copyright",
      z_min: 0,
      z_max: 19,
    },
  });
  return { group, layerA: a.id, styleA: a.style, layerB: b.id, styleB: b.style, basemap };
}

export async function user(s: TestServer, keyname: string, password: string): Promise<number> {
  const r = await s.json("/api/component/auth/user/", {
    method: "POST",
    auth: s.admin,
    body: { keyname, password, display_name: keyname },
  });
  if (r.status !== 200 && r.status !== 201) throw new Error(`user failed: ${r.status}`);
  return r.body.id;
}

/** One ACL rule as NGW's resource.permissions holds it. */
export function rule(
  action: "allow" | "deny",
  principal: number,
  scope = "",
  permission = "",
  propagate = true,
) {
  return { action, principal: { id: principal }, identity: "", scope, permission, propagate };
}

export async function setAcl(s: TestServer, id: number, rules: unknown[]): Promise<void> {
  const r = await s.json(`/api/resource/${id}`, {
    method: "PUT",
    auth: s.admin,
    body: { resource: { permissions: rules } },
  });
  if (r.status !== 200) throw new Error(`acl failed ${r.status}: ${JSON.stringify(r.body)}`);
}
