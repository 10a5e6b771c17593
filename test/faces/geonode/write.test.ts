/**
 * @module GeoNode API v2 metadata writes and vocabularies against a real server: PATCH of one
 * item read back through NextGIS Web, bulk PATCH by id and patch-all (all or nothing),
 * field projection, facet counts that never count what a guest cannot see, hostile bodies.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startServer, type TestServer } from "../../helpers/server.ts";
import { aclRule, adminCall, everyoneReads, pointLayer } from "./helpers.ts";

let s: TestServer;
let ws: number;
let a: number;
let b: number;
let secret: number;
const BOB = "bob:bob-pass-1234";

const ok = (path: string, body: unknown, method = "POST") => adminCall(s, path, body, method);
const layer = (name: string) => pointLayer(s, ws, name);
const rule = aclRule;

beforeAll(async () => {
  s = await startServer();
  ws = (
    await ok("/api/resource/", {
      resource: { cls: "resource_group", parent: { id: 0 }, display_name: "work" },
    })
  ).id;
  a = await layer("Alpha");
  b = await layer("Beta");
  secret = await layer("Hidden place");
  // Everyone reads everything; guests are denied the secret layer.
  await everyoneReads(s);
  await ok(
    `/api/resource/${secret}`,
    { resource: { permissions: [rule(3, "resource", "read", "deny")] } },
    "PUT",
  );
  await ok("/api/component/auth/user/", {
    keyname: "bob",
    display_name: "Bob",
    password: "bob-pass-1234",
  });
});

afterAll(() => s.stop());

describe("PATCH of one dataset", () => {
  test("title, abstract, keywords, category, regions, flags read back here and through NGW", async () => {
    const r = await s.json(`/api/v2/datasets/${a}`, {
      method: "PATCH",
      auth: s.admin,
      body: {
        title: "Alpha roads",
        abstract: "Roads of Alpha",
        keywords: ["roads", { name: "Town Centre" }],
        category: { identifier: "transportation" },
        regions: ["ITA", { name: "France" }],
        featured: true,
        purpose: "testing",
        pk: "999",
        unknown_field: 1,
      },
    });
    expect(r.status).toBe(200);
    const d = r.body.dataset;
    expect(d.pk).toBe(String(a));
    expect(d.title).toBe("Alpha roads");
    expect(d.abstract).toBe("Roads of Alpha");
    expect(d.keywords).toEqual([
      { name: "roads", slug: "roads" },
      { name: "Town Centre", slug: "town-centre" },
    ]);
    expect(d.category.identifier).toBe("transportation");
    expect(d.regions).toEqual([
      { code: "ITA", name: "Italy" },
      { code: "FRA", name: "France" },
    ]);
    expect(d.featured).toBe(true);
    expect(d.purpose).toBe("testing");
    // One catalog: the NGW resource JSON shows the same values.
    const n = (await s.json(`/api/resource/${a}`, { auth: s.admin })).body;
    expect(n.resource.display_name).toBe("Alpha roads");
    expect(n.resource.description).toBe("Roads of Alpha");
    expect(n.resmeta.items["geonode.keywords"]).toBe("roads, Town Centre");
    expect(n.resmeta.items["geonode.category"]).toBe("transportation");
    // …and what NGW writes shows up here.
    await ok(
      `/api/resource/${a}`,
      { resmeta: { items: { ...n.resmeta.items, "geonode.keywords": "roads, rail" } } },
      "PUT",
    );
    const again = (await s.json(`/api/v2/resources/${a}`)).body.resource;
    expect(again.keywords.map((k: any) => k.slug)).toEqual(["roads", "rail"]);
  });

  test("PUT works like PATCH and answers under the serializer name", async () => {
    const r = await s.json(`/api/v2/resources/${b}/`, {
      method: "PUT",
      auth: s.admin,
      body: { abstract: "Beta layer", category: "boundaries" },
    });
    expect(r.status).toBe(200);
    expect(r.body.resource.abstract).toBe("Beta layer");
    expect(r.body.resource.category.identifier).toBe("boundaries");
  });

  test("guest 401 (datasets) / 403 (resources), 404 when missing, 403 when read-only", async () => {
    // B.1.4: no credentials is 401 + challenge on datasets, 403 on resources.
    const guest = await s.json(`/api/v2/datasets/${secret}`, {
      method: "PATCH",
      body: { title: "x" },
    });
    expect(guest.status).toBe(401);
    expect(guest.res.headers.get("www-authenticate")).toBe('Basic realm="api"');
    expect(guest.body.code).toBe("not_authenticated");
    const guestRes = await s.json(`/api/v2/resources/${secret}`, {
      method: "PATCH",
      body: { title: "x" },
    });
    expect(guestRes.status).toBe(403);
    expect(guestRes.body.code).toBe("not_authenticated");
    const missing = await s.json("/api/v2/datasets/99999", {
      method: "PATCH",
      auth: BOB,
      body: { title: "x" },
    });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe("not_found");
    const ro = await s.json(`/api/v2/datasets/${b}`, {
      method: "PATCH",
      auth: BOB,
      body: { title: "Bob was here" },
    });
    expect(ro.status).toBe(403);
    expect(ro.body).toMatchObject({ success: false, code: "permission_denied" });
    expect((await s.json(`/api/v2/datasets/${b}`)).body.dataset.title).toBe("Beta");
  });

  test("bad bodies are 400 in DRF's shape", async () => {
    const bad = await s.fetch(`/api/v2/datasets/${a}`, {
      method: "PATCH",
      auth: s.admin,
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).code).toBe("parse_error");
    for (const body of [
      { category: "no-such-category" },
      { regions: ["Atlantis"] },
      { keywords: "not-a-list" },
      { title: "" },
      { featured: "yes" },
      { date: "not a date" },
      [1, 2],
    ]) {
      const r = await s.json(`/api/v2/datasets/${a}`, { method: "PATCH", auth: s.admin, body });
      expect(r.status).toBe(400);
      expect(r.body.success).toBe(false);
      expect(r.body.code).toBe("invalid");
    }
    expect((await s.json(`/api/v2/datasets/${a}`)).body.dataset.title).toBe("Alpha roads");
  });

  test("a title already used in the same group is refused", async () => {
    const r = await s.json(`/api/v2/datasets/${b}`, {
      method: "PATCH",
      auth: s.admin,
      body: { title: "Alpha roads" },
    });
    expect(r.status).toBe(400);
    expect(r.body.errors[0]).toContain("title");
  });
});

describe("bulk writes", () => {
  test("PATCH a list of records by id updates them all", async () => {
    const r = await s.json("/api/v2/datasets", {
      method: "PATCH",
      auth: s.admin,
      body: [
        { id: a, edition: "2" },
        { id: String(b), edition: "3" },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body.datasets.map((d: any) => d.edition).sort()).toEqual(["2", "3"]);
  });

  test("one bad record changes nothing (all or nothing)", async () => {
    const r = await s.json("/api/v2/datasets", {
      method: "PATCH",
      auth: s.admin,
      body: {
        datasets: [
          { id: a, edition: "9" },
          { id: b, category: "nope" },
        ],
      },
    });
    expect(r.status).toBe(400);
    const r2 = await s.json("/api/v2/datasets", {
      method: "PATCH",
      auth: s.admin,
      body: [
        { id: a, edition: "9" },
        { id: 999999, edition: "9" },
      ],
    });
    expect(r2.status).toBe(404);
    expect((await s.json(`/api/v2/datasets/${a}`)).body.dataset.edition).toBe("2");
  });

  test("patch-all over a filter answers meta.updated; forbidden rows abort the lot", async () => {
    const r = await s.json("/api/v2/datasets?filter{title.icontains}=a&patch-all=true", {
      method: "PATCH",
      auth: s.admin,
      body: { maintenance_frequency: "weekly" },
    });
    expect(r.status).toBe(200);
    // "Alpha roads", "Beta", "Hidden place" all contain an a.
    expect(r.body).toEqual({ meta: { updated: 3 } });
    const q = await s.json("/api/v2/datasets?filter{pk.in}=" + a + "&patch-all=query", {
      method: "PATCH",
      auth: s.admin,
      body: { doi: "10.1/x" },
    });
    expect(q.body).toEqual({ meta: { updated: 1 } });
    const bob = await s.json("/api/v2/datasets?patch-all=true", {
      method: "PATCH",
      auth: BOB,
      body: { doi: "bob" },
    });
    expect(bob.status).toBe(403);
    const bad = await s.json("/api/v2/datasets?patch-all=maybe", {
      method: "PATCH",
      auth: s.admin,
      body: {},
    });
    expect(bad.status).toBe(400);
  });
});

describe("query behaviour and projection", () => {
  test("filters on keywords, category and regions; negation; search_fields", async () => {
    const kw = await s.json("/api/v2/resources?filter{keywords.slug.in}[]=rail");
    expect(kw.body.resources.map((d: any) => d.pk)).toEqual([String(a)]);
    const cat = await s.json("/api/v2/resources?filter{category.identifier}=boundaries");
    expect(cat.body.total).toBe(1);
    const neg = await s.json("/api/v2/resources?filter{-category.identifier}=boundaries");
    expect(neg.body.resources.map((d: any) => d.pk)).not.toContain(String(b));
    const reg = await s.json("/api/v2/resources?filter{regions.name.in}=France");
    expect(reg.body.total).toBe(1);
    const srch = await s.json("/api/v2/resources?search=beta&search_fields=abstract");
    expect(srch.body.total).toBe(1);
    const sorted = await s.json("/api/v2/resources?sort[]=title");
    expect(sorted.body.resources.map((d: any) => d.title)).toEqual(["Alpha roads", "Beta"]);
  });

  test("include/exclude/api_preset shape the documents", async () => {
    const r = await s.json("/api/v2/resources?exclude[]=*&include[]=pk&include[]=title");
    expect(Object.keys(r.body.resources[0]).sort()).toEqual(["pk", "title"]);
    const e = await s.json(`/api/v2/resources/${a}?exclude[]=links&exclude[]=owner`);
    expect(e.body.resource.links).toBeUndefined();
    expect(e.body.resource.title).toBe("Alpha roads");
    const p = await s.json("/api/v2/resources?api_preset=bare");
    expect(Object.keys(p.body.resources[0]).sort()).toEqual(["pk", "resource_type", "title"]);
    const bad = await s.json("/api/v2/resources?api_preset=nope");
    expect(bad.status).toBe(400);
    const inj = await s.json("/api/v2/resources?include[]=title;drop table resource");
    expect(inj.status).toBe(400);
  });

  test("hostile filters and sorts: 400 in GeoNode's envelope, values are just values", async () => {
    for (const q of [
      "filter{title'--}=x",
      "filter{owner.password}=x",
      "sort[]=title;DROP TABLE resource",
      "sort[]=owner.password",
      "page_size=1000000000",
      "page=abc",
      "filter{keywords.slug.regex}=.*",
    ]) {
      const r = await s.json(`/api/v2/resources?${q}`);
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ success: false, code: "invalid" });
    }
    const v = await s.json(`/api/v2/resources?filter{title}=${encodeURIComponent("' OR 1=1 --")}`);
    expect(v.status).toBe(200);
    expect(v.body.total).toBe(0);
  });
});

describe("vocabularies and facets", () => {
  test("categories are the 19 ISO topic categories with counts", async () => {
    const r = await s.json("/api/v2/categories?page_size=100");
    expect(r.body.total).toBe(19);
    const t = r.body.categories.find((c: any) => c.identifier === "transportation");
    expect(t).toMatchObject({ id: 18, gn_description: "Transportation", count: 1 });
    const w = await s.json("/api/v2/categories?page_size=9999&with_resources=True");
    expect(w.body.categories.map((c: any) => c.identifier).sort()).toEqual([
      "boundaries",
      "transportation",
    ]);
    const one = await s.json("/api/v2/categories/3");
    expect(one.body.category.identifier).toBe("boundaries");
    const f = await s.json("/api/v2/categories?filter{identifier.icontains}=bound");
    expect(f.body.total).toBe(1);
  });

  test("regions come from the seeded Natural Earth list", async () => {
    const r = await s.json("/api/v2/regions?filter{name.icontains}=ital");
    expect(r.body.regions[0]).toMatchObject({ code: "ITA", name: "Italy", count: 1 });
    expect(r.body.regions[0].bbox_x0).toBeGreaterThan(6);
    const all = await s.json("/api/v2/regions?page_size=1000");
    expect(all.body.total).toBe(178);
  });

  test("keywords and owners; a guest's counts never include what it cannot see", async () => {
    await ok(
      `/api/v2/datasets/${secret}`,
      { keywords: ["classified"], category: "intelligenceMilitary" },
      "PATCH",
    );
    const admin = await s.json("/api/v2/keywords?filter{slug}=classified", { auth: s.admin });
    expect(admin.body.keywords[0].count).toBe(1);
    const guest = await s.json("/api/v2/keywords?filter{slug}=classified");
    expect(guest.body.keywords[0]?.count ?? 0).toBe(0);
    const gw = await s.json("/api/v2/keywords?with_resources=True&page_size=100");
    expect(JSON.stringify(gw.body)).not.toContain("classified");
    const gc = await s.json("/api/v2/categories?with_resources=True");
    expect(gc.body.categories.map((c: any) => c.identifier)).not.toContain("intelligenceMilitary");
    const owners = await s.json("/api/v2/owners");
    expect(owners.body.owners[0]).toMatchObject({ username: "administrator", count: 2 });
    const types = await s.json("/api/v2/resources/resource_types");
    expect(types.body.resource_types.find((t: any) => t.name === "dataset").count).toBe(2);
    const adminTypes = await s.json("/api/v2/resources/resource_types", { auth: s.admin });
    expect(adminTypes.body.resource_types.find((t: any) => t.name === "dataset").count).toBe(3);
  });

  test("a field of a resource as if sideloaded", async () => {
    const r = await s.json(`/api/v2/resources/${a}/keywords`);
    expect(r.body.keywords.map((k: any) => k.slug)).toEqual(["roads", "rail"]);
    expect((await s.json(`/api/v2/resources/${secret}/keywords`)).status).toBe(404);
  });
});
