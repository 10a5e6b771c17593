/**
 * @module GeoNode API v2 asynchronous side against a real server: uploads (zipped shapefile,
 * shapefile parts, GeoTIFF, a corrupt file), copy, delete and update tickets polled to their real
 * outcome, and permissions in both perm_spec formats enforced by NextGIS Web and vice versa.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { unzipSync } from "fflate";
import { startServer, type TestServer } from "../../helpers/server.ts";
import { aclRule, adminCall, everyoneReads, pointLayer, waitFor } from "./helpers.ts";

let s: TestServer;
let ws: number;
let layer: number;
let bobId: number;
const BOB = "bob:bob-pass-1234";
const FIX = `${import.meta.dir}/../../fixtures`;

const file = (path: string, name: string) => new File([readFileSync(path)], name);

async function upload(parts: Record<string, File>, auth = s.admin) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(parts)) fd.append(k, v);
  return s.json("/api/v2/uploads/upload", { method: "POST", auth, body: fd });
}

/** The dataset an import ticket made. */
async function datasetOf(st: any) {
  const id = st.output_params.output.resources[0].id;
  return (await s.json(`/api/v2/datasets/${id}`, { auth: s.admin })).body.dataset;
}

beforeAll(async () => {
  s = await startServer();
  await everyoneReads(s);
  ws = (
    await adminCall(s, "/api/resource/", {
      resource: { cls: "resource_group", parent: { id: 0 }, display_name: "gn" },
    })
  ).id;
  layer = await pointLayer(s, ws, "Places");
  await adminCall(
    s,
    `/api/resource/${layer}/feature/`,
    [
      { geom: "POINT (1 2)", fields: { name: "a" } },
      { geom: "POINT (3 4)", fields: { name: "b" } },
    ],
    "PATCH",
  );
  bobId = (
    await adminCall(s, "/api/component/auth/user/", {
      keyname: "bob",
      display_name: "Bob",
      password: "bob-pass-1234",
    })
  ).id;
});

afterAll(() => s.stop());

describe("uploads/upload", () => {
  test("a zipped shapefile becomes a vector dataset", async () => {
    const r = await upload({ base_file: file(`${FIX}/formats/cities_shp.zip`, "cities.zip") });
    expect(r.status).toBe(201);
    expect(Object.keys(r.body)).toEqual(["execution_id"]);
    const st = await waitFor(s, r.body.execution_id);
    expect(st.status).toBe("finished");
    expect(st.func_name).toBe("import");
    const id = st.output_params.output.resources[0].id;
    const d = (await s.json(`/api/v2/datasets/${id}`, { auth: s.admin })).body.dataset;
    expect(d.subtype).toBe("vector");
    const n = await s.json(`/api/resource/${id}/feature_count`, { auth: s.admin });
    expect(n.body.total_count).toBeGreaterThan(0);
  });

  test("a shapefile sent as base_file plus sidecar parts", async () => {
    const z = unzipSync(readFileSync(`${FIX}/formats/cities_shp.zip`));
    const pick = (ext: string) => {
      const name = Object.keys(z).find((n) => n.toLowerCase().endsWith(ext))!;
      return new File([z[name]!], `town${ext}`);
    };
    const r = await upload({
      base_file: pick(".shp"),
      dbf_file: pick(".dbf"),
      shx_file: pick(".shx"),
      prj_file: pick(".prj"),
    });
    expect(r.status).toBe(201);
    const st = await waitFor(s, r.body.execution_id);
    expect(st.status).toBe("finished");
    const d = await datasetOf(st);
    expect(d.title).toBe("town");
  });

  test("a GeoTIFF becomes a raster dataset", async () => {
    const r = await upload({ base_file: file(`${FIX}/raster/elev.tif`, "elev.tif") });
    const st = await waitFor(s, r.body.execution_id);
    expect(st.status).toBe("finished");
    const d = await datasetOf(st);
    expect(d.subtype).toBe("raster");
  });

  test("a corrupt file ends as a failed execution with the reason, and no dataset", async () => {
    const before = (await s.json("/api/v2/datasets", { auth: s.admin })).body.total;
    const r = await upload({ base_file: new File(["{ this is not json"], "broken.geojson") });
    expect(r.status).toBe(201);
    const st = await waitFor(s, r.body.execution_id);
    expect(st.status).toBe("failed");
    expect(typeof st.log).toBe("string");
    expect(st.log.length).toBeGreaterThan(0);
    expect(st.output_params.errors[0]).toBe(st.log);
    expect((await s.json("/api/v2/datasets", { auth: s.admin })).body.total).toBe(before);
    const shp = await upload({ base_file: new File(["x"], "lonely.shp") });
    expect(shp.status).toBe(201);
    expect((await waitFor(s, shp.body.execution_id)).log).toContain(".dbf");
  });

  test("refusals: guest 403, no base_file or an unknown type 400", async () => {
    const g = await upload({ base_file: new File(["x"], "a.geojson") }, "");
    expect(g.status).toBe(403);
    expect(g.body.code).toBe("not_authenticated");
    const none = await upload({ other: new File(["x"], "a.geojson") });
    expect(none.status).toBe(400);
    expect(none.body.success).toBe(false);
    const exe = await upload({ base_file: new File(["x"], "evil.exe") });
    expect(exe.status).toBe(400);
    const json = await s.json("/api/v2/uploads/upload", {
      method: "POST",
      auth: s.admin,
      body: {},
    });
    expect(json.status).toBe(400);
  });

  test("executionrequest lists the user's tickets; uploads lists imports", async () => {
    const r = await s.json("/api/v2/executionrequest?filter{action}=import&page_size=99999", {
      auth: s.admin,
    });
    expect(r.status).toBe(200);
    expect(r.body.requests.length).toBe(5);
    expect(r.body.requests[0]).toHaveProperty("exec_id");
    expect(r.body.requests.map((x: any) => x.status)).toContain("failed");
    const u = await s.json("/api/v2/uploads", { auth: s.admin });
    expect(u.body.uploads.map((x: any) => x.state)).toContain("PROCESSED");
    expect(u.body.uploads.map((x: any) => x.state)).toContain("INVALID");
    expect((await s.json("/api/v2/executionrequest", { auth: BOB })).body.total).toBe(0);
    expect((await s.json("/api/v2/executionrequest")).status).toBe(403);
  });
});

describe("resource service: copy, update, delete", () => {
  test("copy with a form body sent as JSON (MapStore) creates a copy with the data", async () => {
    const r = await s.fetch(`/api/v2/resources/${layer}/copy`, {
      method: "PUT",
      auth: s.admin,
      headers: { "content-type": "application/json" },
      body: 'defaults={"title":"Places copy"}',
    });
    expect(r.status).toBe(200);
    const t = await r.json();
    expect(t.status).toBe("ready");
    expect(t.status_url).toBe(
      `${s.url}/api/v2/resource-service/execution-status/${t.execution_id}`,
    );
    const st = await waitFor(s, t.execution_id);
    expect(st.status).toBe("finished");
    expect(st.user).toBe("administrator");
    const id = st.output_params.output.uuid;
    const d = (await s.json(`/api/v2/resources/${id}`, { auth: s.admin })).body.resource;
    expect(d.title).toBe("Places copy");
    const n = await s.json(`/api/resource/${id}/feature_count`, { auth: s.admin });
    expect(n.body.total_count).toBe(2);
  });

  test("update with vals/keywords as form fields; a bad value fails with a reason", async () => {
    const r = await s.fetch(`/api/v2/resources/${layer}/update`, {
      method: "PUT",
      auth: s.admin,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        vals: '{"title":"Places 2"}',
        keywords: '["k1","k2"]',
      }).toString(),
    });
    const st = await waitFor(s, (await r.json()).execution_id);
    expect(st.status).toBe("finished");
    const d = (await s.json(`/api/v2/resources/${layer}`)).body.resource;
    expect(d.title).toBe("Places 2");
    expect(d.keywords.map((k: any) => k.name)).toEqual(["k1", "k2"]);
    const bad = await s.json(`/api/v2/resources/${layer}/update`, {
      method: "PUT",
      auth: s.admin,
      body: { vals: { category: "nope" } },
    });
    const failed = await waitFor(s, bad.body.execution_id);
    expect(failed.status).toBe("failed");
    expect(failed.log).toContain("category");
  });

  test("refusals are 403/404 in DRF's shape; status of someone else's ticket is 403", async () => {
    const no = await s.json(`/api/v2/resources/${layer}/delete`, { method: "DELETE", auth: BOB });
    expect(no.status).toBe(403);
    expect(no.body).toMatchObject({ success: false, code: "permission_denied" });
    const gone = await s.fetch("/api/v2/resources/99999/copy", { method: "PUT", auth: s.admin });
    expect(gone.status).toBe(404);
    const unknown = await s.fetch("/api/v2/resource-service/execution-status/nope");
    expect(unknown.status).toBe(404);
    const mine = (await s.json("/api/v2/executionrequest", { auth: s.admin })).body.requests[0];
    const other = await s.fetch(`/api/v2/resource-service/execution-status/${mine.exec_id}`, {
      auth: BOB,
    });
    expect(other.status).toBe(403);
  });

  test("hostile bodies are 400 and start nothing", async () => {
    const before = (await s.json("/api/v2/resources", { auth: s.admin })).body.total;
    for (const body of [
      '{"login":{},"password":[]}',
      "{not json",
      'defaults="a string"',
      "x".repeat(300_000),
      new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
    ]) {
      const r = await s.fetch(`/api/v2/resources/${layer}/copy`, {
        method: "PUT",
        auth: s.admin,
        headers: { "content-type": "application/json" },
        body,
      });
      expect(r.status).toBe(400);
      expect((await r.json()).success).toBe(false);
    }
    const upd = await s.json(`/api/v2/resources/${layer}/update`, {
      method: "PUT",
      auth: s.admin,
      body: { vals: [1, 2] },
    });
    expect(upd.status).toBe(400);
    const empty = await s.json(`/api/v2/resources/${layer}/permissions`, {
      method: "PUT",
      auth: s.admin,
      body: {},
    });
    expect(empty.status).toBe(400);
    expect((await s.json("/api/v2/resources", { auth: s.admin })).body.total).toBe(before);
  });

  test("delete removes the dataset", async () => {
    const victim = await pointLayer(s, ws, "Victim");
    const r = await s.fetch(`/api/v2/resources/${victim}/delete`, {
      method: "DELETE",
      auth: s.admin,
    });
    const st = await waitFor(s, (await r.json()).execution_id);
    expect(st.status).toBe("finished");
    expect(st.output_params).toEqual({ output: 1 });
    expect((await s.json(`/api/v2/resources/${victim}`, { auth: s.admin })).status).toBe(404);
    expect((await s.json(`/api/resource/${victim}`, { auth: s.admin })).status).toBe(404);
  });
});

describe("permissions", () => {
  const put = async (id: number, body: unknown, method = "PUT", auth = s.admin) => {
    const r = await s.json(`/api/v2/resources/${id}/permissions`, { method, auth, body });
    expect(r.status).toBe(200);
    return waitFor(s, r.body.execution_id);
  };

  test("GET lists owner, administrators, anonymous and registered-members", async () => {
    const r = await s.json(`/api/v2/resources/${layer}/permissions`, { auth: s.admin });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual(["groups", "organizations", "users"]);
    const admin = r.body.users.find((u: any) => u.username === "administrator");
    expect(admin.permissions).toBe("owner");
    expect(r.body.groups.map((g: any) => g.name)).toEqual(["anonymous", "registered-members"]);
    // everyoneReads() gives guests resource.read on the whole tree.
    expect(r.body.groups[0].permissions).toBe("view");
  });

  test("what GeoNode grants, NGW enforces: anonymous none hides the layer from guests", async () => {
    const st = await put(layer, {
      users: [{ id: -1, permissions: "none" }],
      groups: [],
      organizations: [],
    });
    expect(st.status).toBe("finished");
    expect((await s.json(`/api/resource/${layer}`)).status).toBeGreaterThanOrEqual(400);
    expect((await s.fetch(`/api/resource/${layer}/geojson`)).status).toBeGreaterThanOrEqual(400);
    expect((await s.json(`/api/v2/resources/${layer}`)).status).toBe(404);
    const spec = (await s.json(`/api/v2/resources/${layer}/permissions`, { auth: s.admin })).body;
    expect(spec.groups[0].permissions).toBe("none");
    // Then anonymous download: guests read the data through NGW again.
    await put(layer, { groups: [{ id: 1, permissions: "download" }] }, "PATCH");
    expect((await s.json(`/api/resource/${layer}`)).status).toBe(200);
    expect((await s.fetch(`/api/resource/${layer}/geojson`)).status).toBe(200);
  });

  test("a user granted edit here can PATCH here and write features through NGW", async () => {
    const before = await s.json(`/api/v2/datasets/${layer}`, {
      method: "PATCH",
      auth: BOB,
      body: { abstract: "by bob" },
    });
    expect(before.status).toBe(403);
    await put(layer, { users: [{ id: bobId, permissions: "edit" }] }, "PATCH");
    const after = await s.json(`/api/v2/datasets/${layer}`, {
      method: "PATCH",
      auth: BOB,
      body: { abstract: "by bob" },
    });
    expect(after.status).toBe(200);
    expect(after.body.dataset.perms).toContain("change_resourcebase_metadata");
    expect(after.body.dataset.perms).not.toContain("delete_resourcebase");
    const f = await s.json(`/api/resource/${layer}/feature/`, {
      method: "POST",
      auth: BOB,
      body: { geom: "POINT (5 6)", fields: { name: "bob" } },
    });
    expect(f.status).toBe(200);
    const spec = (await s.json(`/api/v2/resources/${layer}/permissions`, { auth: s.admin })).body;
    expect(spec.users.find((u: any) => u.id === bobId).permissions).toBe("edit");
  });

  test("what NGW grants, GeoNode reports: an NGW ACL rule shows as bob's level", async () => {
    const other = await pointLayer(s, ws, "Other");
    await adminCall(
      s,
      `/api/resource/${other}`,
      {
        resource: {
          permissions: [
            aclRule(bobId, "resource", ""),
            aclRule(bobId, "data", ""),
            aclRule(bobId, "metadata", ""),
          ],
        },
      },
      "PUT",
    );
    const spec = (await s.json(`/api/v2/resources/${other}/permissions`, { auth: BOB })).body;
    expect(spec.users.find((u: any) => u.id === bobId).permissions).toBe("manage");
    const ext = await s.json(`/api/v2/resources/${other}/permissions?perm_spec=extended`, {
      auth: BOB,
    });
    expect(ext.body.users.bob).toContain("change_resourcebase_permissions");
  });

  test("extended format PUT; bad specs 400; no change_permissions 403", async () => {
    const st = await put(layer, {
      users: { bob: ["view_resourcebase"], AnonymousUser: ["view_resourcebase"] },
      groups: {},
    });
    expect(st.status).toBe("finished");
    const spec = (await s.json(`/api/v2/resources/${layer}/permissions`, { auth: s.admin })).body;
    expect(spec.users.find((u: any) => u.id === bobId).permissions).toBe("view");
    expect(spec.groups[0].permissions).toBe("view");
    expect((await s.fetch(`/api/resource/${layer}/geojson`)).status).toBeGreaterThanOrEqual(400);
    for (const bad of [
      [1],
      { users: [{ id: bobId, permissions: "god" }] },
      { users: [{ id: "x", permissions: "view" }] },
      { users: [{ id: 99999, permissions: "view" }] },
      { users: { nobody: ["view_resourcebase"] } },
      { hackers: [] },
    ]) {
      const r = await s.json(`/api/v2/resources/${layer}/permissions`, {
        method: "PUT",
        auth: s.admin,
        body: bad,
      });
      expect(r.status).toBe(400);
      expect(r.body.success).toBe(false);
    }
    const bob = await s.json(`/api/v2/resources/${layer}/permissions`, {
      method: "PUT",
      auth: BOB,
      body: { users: [] },
    });
    expect(bob.status).toBe(403);
    expect((await s.json(`/api/v2/resources/${layer}/permissions`)).status).toBe(403);
  });

  test("DELETE leaves only the owner", async () => {
    const r = await s.json(`/api/v2/resources/${layer}/permissions`, {
      method: "DELETE",
      auth: s.admin,
    });
    expect((await waitFor(s, r.body.execution_id)).status).toBe("finished");
    expect((await s.json(`/api/v2/resources/${layer}`)).status).toBe(404);
    const spec = (await s.json(`/api/v2/resources/${layer}/permissions`, { auth: s.admin })).body;
    expect(spec.groups[0].permissions).toBe("none");
    expect(spec.users.find((u: any) => u.id === bobId)).toBeUndefined();
  });
});

test("include[]=executions lists a resource's tickets (MapStore's smoke step 3/6)", async () => {
  const r = await s.json(
    `/api/v2/resources?page=1&page_size=20&filter{metadata_only}=false&include[]=executions&sort[]=-created&filter{pk}=${layer}`,
    { auth: s.admin },
  );
  const ex = r.body.resources[0].executions;
  expect(ex.map((e: any) => e.func_name)).toContain("copy");
  expect(ex.map((e: any) => e.func_name)).toContain("set_permissions");
  const one = await s.json(`/api/v2/resources/${layer}?include[]=executions`, { auth: BOB });
  expect(one.body.resource.executions ?? []).toEqual([]);
  const plain = await s.json(`/api/v2/resources/${layer}`, { auth: s.admin });
  expect(plain.body.resource.executions).toBeUndefined();
});

test("concurrent tickets while other writes run: every one is answered and finishes", async () => {
  const target = await pointLayer(s, ws, "Busy");
  const rs = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      s.fetch(`/api/v2/resources/${target}/${i % 2 ? "copy" : "update"}`, {
        method: "PUT",
        auth: s.admin,
        body: i % 2 ? `defaults={"title":"Busy ${i}"}` : `vals={"abstract":"pass ${i}"}`,
      }),
    ),
  );
  expect(rs.map((r) => r.status)).toEqual(Array(10).fill(200));
  for (const r of rs)
    expect((await waitFor(s, (await r.json()).execution_id)).status).toBe("finished");
});
