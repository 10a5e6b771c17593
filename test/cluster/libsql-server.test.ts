/**
 * @module Cluster mode on a real libSQL server (sqld): two gisd nodes started at the same moment
 * against one empty server migrate it once; a layer made on node A is listed, read and tiled on
 * node B; an edit on B is in A's next tile; a session cookie from A works on B. Skips with the
 * reason when no sqld binary can be had on this machine.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createClient } from "@libsql/client";
import { VectorTile } from "@mapbox/vector-tile";
import { PbfReader } from "pbf";
import { startServer, type TestServer } from "../helpers/server.ts";
import { type Sqld, sqldBinary, startSqld } from "../helpers/sqld.ts";

const binary = sqldBinary();
if (!("path" in binary)) console.warn(`cluster tests skipped: ${binary.reason}`);
const maybe = "path" in binary ? describe : describe.skip;

let sqld: Sqld;
let a: TestServer;
let b: TestServer;

// Tile z14 (9900, 5121) in EPSG:3857 and a point inside it.
const Z = 14;
const X = 9900;
const Y = 5121;
const SIZE = (2 * 20037508.342789244) / 2 ** Z;
const at = (fx: number, fy: number) =>
  `POINT(${-20037508.342789244 + (X + fx) * SIZE} ${20037508.342789244 - (Y + fy) * SIZE})`;
const mvt = (id: number) => `/api/component/feature_layer/mvt?resource=${id}&z=${Z}&x=${X}&y=${Y}`;

async function tileNames(srv: TestServer, id: number): Promise<string[]> {
  const res = await srv.fetch(mvt(id), { auth: srv.admin });
  if (res.status === 204) return [];
  expect(res.status).toBe(200);
  const layer = new VectorTile(new PbfReader(new Uint8Array(await res.arrayBuffer()))).layers[
    `ngw:${id}`
  ];
  const out: string[] = [];
  for (let i = 0; layer && i < layer.length; i++)
    out.push(String(layer.feature(i).properties.name));
  return out.sort();
}

async function createLayer(srv: TestServer, name: string): Promise<number> {
  const r = await srv.json("/api/resource/", {
    method: "POST",
    auth: srv.admin,
    body: {
      resource: { cls: "vector_layer", parent: { id: 0 }, display_name: name },
      vector_layer: {
        srs: { id: 3857 },
        geometry_type: "POINT",
        fields: [{ keyname: "name", datatype: "STRING" }],
      },
    },
  });
  expect(r.status).toBe(201);
  return r.body.id;
}

async function addPoint(srv: TestServer, id: number, name: string, f = 0.5): Promise<void> {
  const r = await srv.json(`/api/resource/${id}/feature/`, {
    method: "PATCH",
    auth: srv.admin,
    body: [{ geom: at(f, f), fields: { name } }],
  });
  expect(r.status).toBe(200);
}

maybe("two gisd nodes on one libSQL server", () => {
  beforeAll(async () => {
    if (!("path" in binary)) return;
    sqld = await startSqld(binary.path);
    const env = { GISD_DATABASE_URL: sqld.url, GISD_DATABASE_AUTH_TOKEN: sqld.authToken };
    // Node B speaks Hrana over WebSocket (libsql://, plain because sqld here has no TLS), node A
    // over HTTP: both transports of @libsql/client see the same catalog.
    const envB = { ...env, GISD_DATABASE_URL: `${sqld.url.replace("http:", "libsql:")}?tls=0` };
    // Both at once against the empty server: the migrations and first-start bootstrap race.
    [a, b] = await Promise.all([startServer(env), startServer(envB)]);
  }, 120_000);

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await sqld?.stop();
  });

  test("migrations ran once and the bootstrap made one root and one administrator", async () => {
    const c = createClient({ url: sqld.url, authToken: sqld.authToken });
    const ids = (await c.execute("SELECT id FROM gisd_migration")).rows.map((r) => r.id);
    expect(ids.length).toBe(new Set(ids).size);
    expect(ids).toContain("0001_core");
    // Each migration was applied by exactly one of the two nodes.
    const byA = a.server.ctx.catalog.database.applied;
    const byB = b.server.ctx.catalog.database.applied;
    expect([...byA, ...byB].sort()).toEqual([...ids].sort() as string[]);
    const acl = await c.execute("SELECT count(*) AS n FROM resource_acl WHERE resource_id = 0");
    expect(Number(acl.rows[0]!.n)).toBe(2);
    c.close();
  });

  test("a wrong auth token is refused by the server", async () => {
    const c = createClient({ url: sqld.url, authToken: `${sqld.authToken.slice(0, -4)}AAAA` });
    await expect(c.execute("SELECT 1")).rejects.toThrow();
    c.close();
  });

  let layer: number;
  test("a layer made on A is listed, read and tiled on B", async () => {
    layer = await createLayer(a, "shared");
    await addPoint(a, layer, "from-a");

    const list = await b.json("/api/resource/?parent=0", { auth: b.admin });
    expect(list.body.map((x: any) => x.resource.display_name)).toContain("shared");
    const feats = await b.json(`/api/resource/${layer}/feature/`, { auth: b.admin });
    expect(feats.body.map((f: any) => f.fields.name)).toEqual(["from-a"]);
    expect(await tileNames(b, layer)).toEqual(["from-a"]);
  });

  test("an edit on B is in A's next tile", async () => {
    expect(await tileNames(a, layer)).toEqual(["from-a"]); // A's cache now holds the tile
    await addPoint(b, layer, "from-b", 0.25);
    expect(await tileNames(a, layer)).toEqual(["from-a", "from-b"]);
  });

  test("a deleted layer whose id comes back new is never served from B's tile cache", async () => {
    // SQLite reuses the highest rowid: delete the newest layer on A, make another on A, and it
    // gets the same id and, after the same edits, the same version, so only the change feed
    // (not the version key) tells B that its cached tiles are of another layer.
    const make = async (name: string) => {
      const id = await createLayer(a, `reuse ${name}`);
      await addPoint(a, id, name);
      return id;
    };
    const first = await make("old");
    expect(await tileNames(b, first)).toEqual(["old"]);
    const v1 = (await b.json(`/api/resource/${first}`, { auth: b.admin })).body.resource;
    expect(
      (await a.fetch(`/api/resource/${first}`, { method: "DELETE", auth: a.admin })).status,
    ).toBe(200);
    const second = await make("new");
    const v2 = (await b.json(`/api/resource/${second}`, { auth: b.admin })).body.resource;
    expect([second, v2.version]).toEqual([first, v1.version]); // the case this test is about
    await b.server.ctx.catalog.changes!.poll();
    expect(await tileNames(b, second)).toEqual(["new"]);
  });

  test("a session cookie from A authenticates on B, and logout on B ends it on A", async () => {
    const login = await a.json("/api/component/auth/login", {
      method: "POST",
      body: { login: "administrator", password: "admin-pass-123" },
    });
    expect(login.status).toBe(200);
    const cookie = login.res.headers.get("set-cookie")!.split(";")[0]!;
    const me = await b.json("/api/component/auth/current_user", { headers: { cookie } });
    expect(me.body).toMatchObject({ keyname: "administrator", auth_medium: "session" });
    const out = await b.fetch("/api/component/auth/logout", {
      method: "POST",
      headers: { cookie, "x-requested-with": "XMLHttpRequest" },
    });
    expect(out.status).toBeLessThan(300);
    const after = await a.json("/api/component/auth/current_user", { headers: { cookie } });
    expect(after.body.keyname).toBe("guest");
  });
});
