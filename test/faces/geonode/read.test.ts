/** @module GeoNode API v2 read slice against a real server: envelope, paging, search, filters, sort, dataset fields, ACL, bad input. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startServer, type TestServer } from "../../helpers/server.ts";

let s: TestServer;
let ws: number;
let roads: number;
let secret: number;
const rivers: number[] = [];
let userId: number;
const USER = "alice:alice-pass-123";

async function post(path: string, body: unknown, method = "POST") {
  const r = await s.json(path, { method, auth: s.admin, body });
  expect(r.status).toBeLessThan(300);
  return r.body;
}

async function layer(name: string, parent: number, description?: string): Promise<number> {
  const b = await post("/api/resource/", {
    resource: { cls: "vector_layer", parent: { id: parent }, display_name: name, description },
    vector_layer: {
      srs: { id: 3857 },
      geometry_type: "LINESTRING",
      fields: [{ keyname: "name", datatype: "STRING" }],
    },
  });
  return b.id;
}

const everyone = (permission: string, scope = "resource", action = "allow") => ({
  action,
  principal: { id: 1 },
  identity: "",
  scope,
  permission,
  propagate: true,
});

beforeAll(async () => {
  s = await startServer();
  const g = await post("/api/resource/", {
    resource: { cls: "resource_group", parent: { id: 0 }, display_name: "topp" },
  });
  ws = g.id;
  roads = await layer("Roads", ws, "Main roads of the town");
  for (let i = 0; i < 4; i++) rivers.push(await layer(`River ${i}`, ws));
  secret = await layer("Secret bunker", ws, "classified");
  const root = await s.json("/api/resource/0", { auth: s.admin });
  await post(
    "/api/resource/0",
    {
      resource: {
        permissions: [
          ...root.body.resource.permissions,
          everyone("read"),
          everyone("read", "data"),
        ],
      },
    },
    "PUT",
  );
  await post(
    `/api/resource/${secret}`,
    { resource: { permissions: [everyone("read", "resource", "deny")] } },
    "PUT",
  );
  const grp = await post("/api/component/auth/group/", {
    keyname: "editors",
    display_name: "Editors",
  });
  const u = await post("/api/component/auth/user/", {
    keyname: "alice",
    display_name: "Alice Smith",
    password: "alice-pass-123",
    member_of: [grp.id],
  });
  userId = u.id;
});

afterAll(async () => {
  await s?.stop();
});

describe("GeoNode v2 root and envelope", () => {
  test("root lists absolute endpoint URLs", async () => {
    const r = await s.json("/api/v2/");
    expect(r.status).toBe(200);
    expect(r.body.datasets).toBe(`${s.url}/api/v2/datasets`);
    expect(r.body.users).toBe(`${s.url}/api/v2/users`);
    expect((await s.json("/api/v2")).status).toBe(200);
  });

  test("list envelope keys and defaults", async () => {
    const r = await s.json("/api/v2/datasets", { auth: s.admin });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual(["datasets", "links", "page", "page_size", "total"]);
    expect(r.body.total).toBe(6);
    expect(r.body.page).toBe(1);
    expect(r.body.page_size).toBe(10);
    expect(r.body.links).toEqual({ next: null, previous: null });
    // default order -created: newest first; equal timestamps fall back to pk
    expect(r.body.datasets.length).toBe(6);
  });

  test("paging with next/previous links keeping other params", async () => {
    const q = "/api/v2/datasets?page_size=2&sort[]=title&filter{subtype}=vector";
    const p1 = await s.json(q, { auth: s.admin });
    expect(p1.body.total).toBe(6);
    expect(p1.body.datasets.map((d: any) => d.title)).toEqual(["River 0", "River 1"]);
    expect(p1.body.links.previous).toBeNull();
    const next = new URL(p1.body.links.next);
    expect(next.searchParams.get("page")).toBe("2");
    expect(next.searchParams.get("filter{subtype}")).toBe("vector");
    const p3 = await s.json(`${q}&page=3`, { auth: s.admin });
    expect(p3.body.datasets.map((d: any) => d.title)).toEqual(["Roads", "Secret bunker"]);
    expect(p3.body.links.next).toBeNull();
    expect(new URL(p3.body.links.previous).searchParams.get("page")).toBe("2");
    const p4 = await s.json(`${q}&page=4`, { auth: s.admin });
    expect(p4.status).toBe(404);
    expect(p4.body.errors).toEqual(["Invalid page."]);
  });
});

describe("GeoNode v2 query parameters", () => {
  test("search over title and abstract, each term must match", async () => {
    const r = await s.json("/api/v2/datasets?search=town%20roads", { auth: s.admin });
    expect(r.body.datasets.map((d: any) => d.title)).toEqual(["Roads"]);
    const t = await s.json("/api/v2/datasets?search=town&search_fields=title", { auth: s.admin });
    expect(t.body.total).toBe(0);
  });

  test("filter exact, icontains, in, negation and nested owner", async () => {
    const get = async (qs: string) =>
      (await s.json(`/api/v2/datasets?${qs}`, { auth: s.admin })).body.datasets.map(
        (d: any) => d.title,
      );
    expect(await get("filter{title}=Roads")).toEqual(["Roads"]);
    expect(await get("filter{title.icontains}=RIVER&sort[]=-title")).toEqual([
      "River 3",
      "River 2",
      "River 1",
      "River 0",
    ]);
    expect(await get(`filter{id.in}[]=${roads}&filter{id.in}[]=${rivers[0]}&sort[]=pk`)).toEqual([
      "Roads",
      "River 0",
    ]);
    expect(await get("filter{-title.icontains}=river&sort[]=title")).toEqual([
      "Roads",
      "Secret bunker",
    ]);
    expect((await get("filter{owner.username}=administrator")).length).toBe(6);
    expect((await get("filter{owner.username}=nobody")).length).toBe(0);
    expect(await get("filter{alternate}=topp:Roads")).toEqual(["Roads"]);
  });

  test("unknown filter fields, sort injection and absurd sizes are 400 in GeoNode's envelope", async () => {
    for (const qs of [
      "filter{password}=x",
      "filter{title;drop table resource}=x",
      "sort[]=title;DROP TABLE resource",
      "sort[]=owner.password",
      "page_size=1000000000",
      "page_size=abc",
      "page=0",
      "page=NaN",
      "search=x&search_fields=owner.password",
    ]) {
      const r = await s.json(`/api/v2/datasets?${qs}`, { auth: s.admin });
      expect(r.status, qs).toBe(400);
      expect(r.body.success).toBe(false);
      expect(r.body.code).toBe("invalid");
      expect(typeof r.body.errors[0]).toBe("string");
      expect(r.body.detail).toBe(r.body.errors[0]);
    }
    const bad = await s.json("/api/v2/datasets?filter{x}=1");
    expect(bad.body.errors).toEqual(["Invalid filter field: x"]);
  });

  test("large page sizes are capped and the effective size reported", async () => {
    const r = await s.json("/api/v2/datasets?page_size=9999", { auth: s.admin });
    expect(r.status).toBe(200);
    expect(r.body.page_size).toBe(1000);
    expect(r.body.total).toBe(6);
  });
});

describe("GeoNode v2 datasets", () => {
  test("dataset detail fields", async () => {
    const r = await s.json(`/api/v2/datasets/${roads}/`, { auth: s.admin });
    expect(r.status).toBe(200);
    const d = r.body.dataset;
    expect(d.pk).toBe(String(roads));
    expect(d.resource_type).toBe("dataset");
    expect(d.subtype).toBe("vector");
    expect(d.title).toBe("Roads");
    expect(d.abstract).toBe("Main roads of the town");
    expect(d.alternate).toBe("topp:Roads");
    expect(d.owner.username).toBe("administrator");
    expect(d.owner.pk).toBe(4);
    expect(d.link).toBe(`${s.url}/api/v2/datasets/${roads}`);
    expect(d.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(d.perms).toContain("change_resourcebase_permissions");
    const res = await s.json(`/api/v2/resources/${roads}`, { auth: s.admin });
    expect(res.body.resource.pk).toBe(String(roads));
  });

  test("links point at gisd's own working URLs", async () => {
    const d = (await s.json(`/api/v2/datasets/${roads}`, { auth: s.admin })).body.dataset;
    const geojson = d.links.find((l: any) => l.extension === "geojson");
    expect(geojson.url.startsWith(s.url)).toBe(true);
    const g = await s.fetch(geojson.url.slice(s.url.length), { auth: s.admin });
    expect(g.status).toBe(200);
    expect((await g.json()).type).toBe("FeatureCollection");
    const mvt = d.links.find((l: any) => l.extension === "pbf");
    const t = await s.fetch(
      mvt.url.slice(s.url.length).replace("{z}", "0").replace("{x}", "0").replace("{y}", "0"),
      { auth: s.admin },
    );
    expect(t.status).toBeLessThan(300);
    const png = d.links.find((l: any) => l.name === "PNG tiles");
    const tile = (u: string) => u.replace("{z}", "0").replace("{x}", "0").replace("{y}", "0");
    const p = await s.fetch(tile(png.url.slice(s.url.length)), { auth: s.admin });
    expect(p.status).toBe(200);
    expect(p.headers.get("content-type")).toContain("image/png");
    // OGC links name the GeoServer-compatible OWS endpoint (served by the OGC work, not here).
    const wms = d.links.find((l: any) => l.link_type === "OGC:WMS");
    expect(wms.url.startsWith(`${s.url}/geoserver/ows?`)).toBe(true);
    expect(d.thumbnail_url).toBe(`${s.url}/api/resource/${roads}/preview.png`);
  });

  test("a guest never sees the private layer, in lists, totals, search or detail", async () => {
    const r = await s.json("/api/v2/datasets?page_size=100");
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(5);
    expect(r.body.datasets.map((d: any) => d.title)).not.toContain("Secret bunker");
    expect((await s.json("/api/v2/datasets?search=bunker")).body.total).toBe(0);
    expect((await s.json("/api/v2/resources?filter{title.icontains}=secret")).body.total).toBe(0);
    const one = await s.json(`/api/v2/datasets/${secret}`);
    expect(one.status).toBe(404);
    expect(one.body).toMatchObject({ success: false, code: "not_found" });
    expect(JSON.stringify(one.body)).not.toContain("bunker");
    const guestPerms = (await s.json(`/api/v2/datasets/${roads}`)).body.dataset.perms;
    expect(guestPerms).toEqual(["view_resourcebase", "download_resourcebase"]);
  });

  test("writes are 405, unknown paths 404, both in GeoNode's envelope", async () => {
    const r = await s.json(`/api/v2/datasets/${roads}`, { method: "DELETE", auth: s.admin });
    expect(r.status).toBe(405);
    expect(r.body.code).toBe("method_not_allowed");
    const n = await s.json("/api/v2/nothing-here");
    expect(n.status).toBe(404);
    expect(n.body.code).toBe("not_found");
  });
});

describe("GeoNode v2 users and groups", () => {
  test("users need authentication: 403 not_authenticated for a guest", async () => {
    const r = await s.json("/api/v2/users");
    expect(r.status).toBe(403);
    expect(r.body.code).toBe("not_authenticated");
    expect(r.body.errors).toEqual(["Authentication credentials were not provided."]);
  });

  test("administrator sees every user; a user sees itself", async () => {
    const a = await s.json("/api/v2/users?sort[]=username", { auth: s.admin });
    expect(a.body.users.map((u: any) => u.username)).toEqual(["administrator", "alice"]);
    expect(a.body.users[1].pk).toBe(userId);
    expect(a.body.users[1].first_name).toBe("Alice");
    const mine = await s.json("/api/v2/users", { auth: USER });
    expect(mine.body.users.map((u: any) => u.username)).toEqual(["alice"]);
    expect((await s.json(`/api/v2/users/${userId}`, { auth: USER })).body.user.username).toBe(
      "alice",
    );
    expect((await s.json("/api/v2/users/4", { auth: USER })).status).toBe(404);
    const f = await s.json("/api/v2/users?filter{username.icontains}=ALI", { auth: s.admin });
    expect(f.body.total).toBe(1);
  });

  test("groups are group_profiles; members see their groups", async () => {
    const g = await s.json("/api/v2/groups", { auth: USER });
    expect(g.status).toBe(200);
    expect(g.body.group_profiles.map((x: any) => x.slug)).toEqual(["editors"]);
    const one = await s.json(`/api/v2/groups/${g.body.group_profiles[0].pk}`, { auth: USER });
    expect(one.body.group_profile.title).toBe("Editors");
    const guest = await s.json("/api/v2/groups");
    expect(guest.body.total).toBe(0);
  });
});

describe("GeoNode v2 schema", () => {
  test("an OpenAPI document of the face, YAML by default (JSON text) or JSON on request", async () => {
    const y = await s.fetch("/api/v2/schema/");
    expect(y.status).toBe(200);
    expect(y.headers.get("content-type")).toBe("application/vnd.oai.openapi");
    const doc = JSON.parse(await y.text());
    expect(doc.openapi).toBe("3.0.3");
    expect(Object.keys(doc.paths["/api/v2/datasets/{pk}/"]).sort()).toEqual([
      "get",
      "patch",
      "put",
    ]);
    const j = await s.fetch("/api/v2/schema?format=json");
    expect(j.headers.get("content-type")).toBe("application/vnd.oai.openapi+json");
  });
});
