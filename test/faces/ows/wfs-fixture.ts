/**
 * @module A WFS test fixture: a real gisd server with two feature layers made through the NGW
 * API (points in EPSG:4326, polygons in EPSG:3857), a private layer, a reader without write
 * permission, and an NGW wfsserver_service publishing them at /api/resource/{id}/wfs.
 */
import { SYSTEM } from "../../../src/catalog/acl.ts";
import { startServer, type TestServer } from "../../helpers/server.ts";

export interface WfsFixture {
  s: TestServer;
  /** Absolute URL of the WFS endpoint (no query): NGW's /api/resource/{id}/wfs. */
  wfs: string;
  /** Namespace prefix and URI of the type names. */
  prefix: string;
  ns: string;
  points: number;
  polygons: number;
  secret: number;
  reader: string;
  stop(): Promise<void>;
}

export const POINTS = [
  { name: "Alpha", pop: 100, area: 1.5, founded: "1900-01-01", geom: "POINT (10 50)" },
  { name: "Beta & <Co>", pop: 200, area: 2.5, founded: "1950-06-01", geom: "POINT (20 55)" },
  { name: "Gamma", pop: null, area: 3.5, founded: null, geom: "POINT (30 60)" },
  { name: "Дельта", pop: 400, area: null, founded: "2000-12-31", geom: "POINT (-5 40)" },
];

const FIELDS = [
  { keyname: "name", datatype: "STRING" },
  { keyname: "pop", datatype: "INTEGER" },
  { keyname: "area", datatype: "REAL" },
  { keyname: "founded", datatype: "DATE" },
];

export async function wfsFixture(): Promise<WfsFixture> {
  const s = await startServer();
  const post = async (path: string, body: unknown, method = "POST", auth = s.admin) => {
    const r = await s.json(path, { method, auth, body });
    if (r.status >= 300)
      throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const group = (
    await post("/api/resource/", {
      resource: { cls: "resource_group", parent: { id: 0 }, display_name: "wfs" },
    })
  ).id;
  const layer = async (name: string, srs: number, type: string, fields: unknown[]) =>
    (
      await post("/api/resource/", {
        resource: { cls: "vector_layer", parent: { id: group }, display_name: name },
        vector_layer: { srs: { id: srs }, geometry_type: type, fields },
      })
    ).id as number;
  const points = await layer("places", 4326, "POINT", FIELDS);
  for (const p of POINTS) {
    const { geom, ...fields } = p;
    const d = fields.founded?.split("-").map(Number);
    await post(`/api/resource/${points}/feature/?srs=4326`, {
      geom,
      fields: { ...fields, founded: d ? { year: d[0], month: d[1], day: d[2] } : null },
    });
  }
  const polygons = await layer("parcels", 3857, "MULTIPOLYGON", [
    { keyname: "code", datatype: "STRING" },
  ]);
  await post(`/api/resource/${polygons}/feature/?srs=3857`, {
    geom: "MULTIPOLYGON (((0 0, 100000 0, 100000 100000, 0 100000, 0 0), (10000 10000, 20000 10000, 20000 20000, 10000 10000)))",
    fields: { code: "P-1", "two words": "not XML" },
  });
  const secret = await layer("secret", 4326, "POINT", [{ keyname: "note", datatype: "STRING" }]);
  await post(`/api/resource/${secret}/feature/`, {
    geom: "POINT (1 1)",
    fields: { note: "hidden" },
  });

  // Guests read the group and the two public layers; "reader" may read but not write.
  const u = await post("/api/component/auth/user/", {
    keyname: "reader",
    display_name: "Reader",
    password: "reader-pass-1",
  });
  const rule = (principal: number, scope: string, permission: string) => ({
    action: "allow",
    principal: { id: principal },
    identity: "",
    scope,
    permission,
    propagate: true,
  });
  const root = (await s.json("/api/resource/0", { auth: s.admin })).body.resource.permissions;
  await post(
    "/api/resource/0",
    { resource: { permissions: [...root, rule(SYSTEM.guest, "resource", "read")] } },
    "PUT",
  );
  await post(
    `/api/resource/${group}`,
    { resource: { permissions: [rule(u.id, "resource", "read"), rule(u.id, "data", "read")] } },
    "PUT",
  );
  for (const rid of [points, polygons])
    await post(
      `/api/resource/${rid}`,
      { resource: { permissions: [rule(SYSTEM.guest, "data", "read")] } },
      "PUT",
    );

  // The NGW service resource publishing the three layers (its own ACL: service.connect).
  const svc = (
    await post("/api/resource/", {
      resource: { cls: "wfsserver_service", parent: { id: group }, display_name: "WFS" },
      wfsserver_service: {
        layers: [
          { keyname: "places", display_name: "Places", resource_id: points, maxfeatures: null },
          { keyname: "parcels", display_name: "Parcels", resource_id: polygons, maxfeatures: null },
          { keyname: "secret", display_name: "Secret", resource_id: secret, maxfeatures: null },
        ],
      },
    })
  ).id as number;
  await post(
    `/api/resource/${svc}`,
    {
      resource: {
        permissions: [rule(SYSTEM.guest, "service", "connect"), rule(u.id, "service", "connect")],
      },
    },
    "PUT",
  );
  const wfs = `${s.url}/api/resource/${svc}/wfs`;
  return {
    s,
    wfs,
    prefix: "ngw",
    ns: wfs,
    points,
    polygons,
    secret,
    reader: "reader:reader-pass-1",
    stop: () => s.stop(),
  };
}
