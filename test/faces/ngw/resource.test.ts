/** @module NGW resource API against a real server: CRUD, hierarchy rules, ACL denials, search, legacy forms. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startServer, type TestServer } from "../../helpers/server.ts";

let s: TestServer;
const alice = "alice:alice-pass-1";
const bob = "bob:bob-pass-12";
let aliceId: number;
let bobId: number;

async function group(
  parent: number,
  name: string,
  auth = s.admin,
  extra: Record<string, unknown> = {},
) {
  const r = await s.json("/api/resource/", {
    method: "POST",
    auth,
    body: {
      resource: { cls: "resource_group", parent: { id: parent }, display_name: name, ...extra },
    },
  });
  return r;
}

beforeAll(async () => {
  s = await startServer();
  aliceId = (
    await s.json("/api/component/auth/user/", {
      method: "POST",
      auth: s.admin,
      body: { keyname: "alice", password: "alice-pass-1", display_name: "Alice" },
    })
  ).body.id;
  bobId = (
    await s.json("/api/component/auth/user/", {
      method: "POST",
      auth: s.admin,
      body: { keyname: "bob", password: "bob-pass-12" },
    })
  ).body.id;
});
afterAll(() => s.stop());

describe("resource CRUD", () => {
  test("root is a resource_group with parent null; collection without parent is [root]", async () => {
    const r = await s.json("/api/resource/0", { auth: s.admin });
    expect(r.status).toBe(200);
    expect(r.res.headers.get("content-type")).toContain("application/json");
    expect(r.body.resource).toMatchObject({
      id: 0,
      cls: "resource_group",
      parent: null,
      owner_user: { id: 4 },
    });
    expect(r.body.resmeta).toEqual({ items: {} });
    const list = await s.json("/api/resource/", { auth: s.admin });
    expect(list.body.map((x: any) => x.resource.id)).toEqual([0]);
  });

  test("create, read, update, move, delete a group", async () => {
    const a = await group(0, "Alpha");
    expect(a.status).toBe(201);
    expect(a.body).toEqual({ id: expect.any(Number), parent: { id: 0 } });
    const b = await group(a.body.id, "Beta", s.admin, {
      keyname: "beta_key",
      description: "<b>bold</b><script>x()</script>",
    });
    const got = await s.json(`/api/resource/${b.body.id}`, { auth: s.admin });
    expect(got.body.resource).toMatchObject({
      display_name: "Beta",
      keyname: "beta_key",
      description: "<b>bold</b>",
      parent: { id: a.body.id, parent: { id: 0 } },
      children: false,
      scopes: ["resource", "metadata"],
    });
    const root = await s.json("/api/resource/0", { auth: s.admin });
    expect(root.body.resource.children).toBe(true);

    const put = await s.json(`/api/resource/${b.body.id}`, {
      method: "PUT",
      auth: s.admin,
      body: {
        resource: { display_name: "Beta 2", cls: "ignored", id: 999 },
        resmeta: { items: { n: 1, f: 1.5, s: "x", t: true } },
        unknown_key: {},
      },
    });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({});
    const after = await s.json(`/api/resource/${b.body.id}`, { auth: s.admin });
    expect(after.body.resource.display_name).toBe("Beta 2");
    expect(after.body.resource.cls).toBe("resource_group");
    expect(after.body.resmeta.items).toEqual({ f: 1.5, n: 1, s: "x", t: true });

    // move Beta to the root, then try to move Alpha under Beta's child (fine) and under itself (cycle)
    expect(
      (
        await s.json(`/api/resource/${b.body.id}`, {
          method: "PUT",
          auth: s.admin,
          body: { resource: { parent: { id: 0 } } },
        })
      ).status,
    ).toBe(200);
    const cycle = await s.json(`/api/resource/${a.body.id}`, {
      method: "PUT",
      auth: s.admin,
      body: { resource: { parent: { id: a.body.id } } },
    });
    expect(cycle.status).toBe(422);
    expect(cycle.body.exception).toBe("nextgisweb.resource.exception.HierarchyError");

    const del = await s.json(`/api/resource/${a.body.id}`, { method: "DELETE", auth: s.admin });
    expect(del).toMatchObject({ status: 200, body: {} });
    expect((await s.json(`/api/resource/${a.body.id}`, { auth: s.admin })).status).toBe(404);
  });

  test("recursive delete removes descendants", async () => {
    const p = await group(0, "Parent to delete");
    const c = await group(p.body.id, "Child");
    const g = await group(c.body.id, "Grandchild");
    expect(
      (await s.json(`/api/resource/${p.body.id}`, { method: "DELETE", auth: s.admin })).status,
    ).toBe(200);
    const nf = await s.json(`/api/resource/${g.body.id}`, { auth: s.admin });
    expect(nf.status).toBe(404);
    expect(nf.body).toMatchObject({
      status_code: 404,
      exception: "nextgisweb.resource.exception.ResourceNotFound",
      message: `Resource with id = ${g.body.id} was not found.`,
    });
  });

  test("validation errors: sibling name clash, keyname clash, root delete, bad class, bad JSON", async () => {
    const a = await group(0, "Unique");
    const dup = await group(0, "Unique");
    expect(dup.status).toBe(422);
    expect(dup.body.exception).toBe("nextgisweb.resource.exception.DisplayNameNotUnique");
    await group(0, "K1", s.admin, { keyname: "kk" });
    const kdup = await group(0, "K2", s.admin, { keyname: "kk" });
    expect(kdup.status).toBe(422);
    expect(kdup.body.message).toBe("Resource keyname is not unique.");
    const rootDel = await s.json("/api/resource/0", { method: "DELETE", auth: s.admin });
    expect(rootDel.status).toBe(422);
    expect(rootDel.body.exception).toBe("nextgisweb.resource.exception.ResourceRootDeleteError");
    const badCls = await s.json("/api/resource/", {
      method: "POST",
      auth: s.admin,
      body: { resource: { cls: "nope", parent: { id: 0 }, display_name: "x" } },
    });
    expect(badCls.status).toBe(422);
    const noParent = await s.json("/api/resource/", {
      method: "POST",
      auth: s.admin,
      body: { resource: { cls: "resource_group", display_name: "x" } },
    });
    expect(noParent.status).toBe(422);
    const bad = await s.json("/api/resource/", {
      method: "POST",
      auth: s.admin,
      body: "{not json",
      headers: { "content-type": "application/json" },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.exception).toBe("nextgisweb.pyramid.tomb.exception.MalformedJSONBody");
    const missing = await s.json("/api/resource/999999", { auth: s.admin });
    expect(missing.status).toBe(404);
    const notInt = await s.json("/api/resource/abc", { auth: s.admin });
    expect(notInt.status).toBe(404);
    expect(a.status).toBe(201);
  });
});

describe("permissions", () => {
  test("guest cannot read a private resource; an everyone read rule opens it", async () => {
    const g = await group(0, "Private");
    const denied = await s.json(`/api/resource/${g.body.id}`);
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({
      exception: "nextgisweb.core.exception.InsufficientPermissions",
      data: { resource: { id: g.body.id }, permission: "read", scope: "resource" },
    });
    expect(denied.res.headers.get("www-authenticate")).toBeNull();
    // A guest also needs read on the root: grant everyone read on root (not propagated) and the group.
    const everyone = {
      action: "allow",
      principal: { id: 1 },
      identity: "",
      scope: "resource",
      permission: "read",
      propagate: false,
    };
    const root = await s.json("/api/resource/0", { auth: s.admin });
    await s.json("/api/resource/0", {
      method: "PUT",
      auth: s.admin,
      body: { resource: { permissions: [...root.body.resource.permissions, everyone] } },
    });
    await s.json(`/api/resource/${g.body.id}`, {
      method: "PUT",
      auth: s.admin,
      body: { resource: { permissions: [everyone] } },
    });
    const ok = await s.json(`/api/resource/${g.body.id}`);
    expect(ok.status).toBe(200);
    // guests never see the private siblings in listings
    const list = await s.json("/api/resource/?parent=0");
    expect(list.body.map((x: any) => x.resource.display_name)).toEqual(["Private"]);
  });

  test("allow-read on a parent with propagate reaches the child; a deny on the child beats it", async () => {
    const p = await group(0, "Shared");
    const c = await group(p.body.id, "Inner");
    await s.json(`/api/resource/${p.body.id}`, {
      method: "PUT",
      auth: s.admin,
      body: {
        resource: {
          permissions: [
            {
              action: "allow",
              principal: { id: aliceId },
              identity: "",
              scope: "resource",
              permission: "read",
              propagate: true,
            },
          ],
        },
      },
    });
    expect((await s.json(`/api/resource/${c.body.id}`, { auth: alice })).status).toBe(200);
    const kids = await s.json(`/api/resource/?parent=${p.body.id}`, { auth: alice });
    expect(kids.body.map((x: any) => x.resource.id)).toEqual([c.body.id]);
    await s.json(`/api/resource/${c.body.id}`, {
      method: "PUT",
      auth: s.admin,
      body: {
        resource: {
          permissions: [
            {
              action: "deny",
              principal: { id: aliceId },
              identity: "",
              scope: "resource",
              permission: "read",
              propagate: false,
            },
          ],
        },
      },
    });
    expect((await s.json(`/api/resource/${c.body.id}`, { auth: alice })).status).toBe(403);
    expect((await s.json(`/api/resource/?parent=${p.body.id}`, { auth: alice })).body).toEqual([]);
  });

  test("a user without resource:update gets 403 on PUT; with it, 200", async () => {
    const g = await group(0, "Editable");
    const read = {
      action: "allow",
      principal: { id: bobId },
      identity: "",
      scope: "resource",
      permission: "read",
      propagate: true,
    };
    await s.json(`/api/resource/${g.body.id}`, {
      method: "PUT",
      auth: s.admin,
      body: { resource: { permissions: [read] } },
    });
    const denied = await s.json(`/api/resource/${g.body.id}`, {
      method: "PUT",
      auth: bob,
      body: { resource: { display_name: "Hacked" } },
    });
    expect(denied.status).toBe(403);
    expect(denied.body.data).toMatchObject({ scope: "resource", permission: "update" });
    const upd = { ...read, permission: "update" };
    await s.json(`/api/resource/${g.body.id}`, {
      method: "PUT",
      auth: s.admin,
      body: { resource: { permissions: [read, upd] } },
    });
    expect(
      (
        await s.json(`/api/resource/${g.body.id}`, {
          method: "PUT",
          auth: bob,
          body: { resource: { display_name: "Edited" } },
        })
      ).status,
    ).toBe(200);
    // changing the ACL needs change_permissions
    const acl = await s.json(`/api/resource/${g.body.id}`, {
      method: "PUT",
      auth: bob,
      body: { resource: { permissions: [] } },
    });
    expect(acl.status).toBe(403);
    // deleting needs delete + manage_children on the parent
    expect(
      (await s.json(`/api/resource/${g.body.id}`, { method: "DELETE", auth: bob })).status,
    ).toBe(403);
    // creating under it needs manage_children
    expect((await group(g.body.id, "Sub", bob)).status).toBe(403);
  });

  test("bad Basic password gets 401; malformed header 400", async () => {
    const r = await s.json("/api/resource/0", { auth: "administrator:wrong" });
    expect(r.status).toBe(401);
    expect(r.body.exception).toBe("nextgisweb.auth.exception.InvalidCredentialsException");
    const m = await s.json("/api/resource/0", { headers: { Authorization: "Basic !!!" } });
    expect(m.status).toBe(400);
  });

  test("GET /permission gives the class's scopes; ?user= needs change_permissions", async () => {
    const mine = await s.json("/api/resource/0/permission", { auth: s.admin });
    expect(mine.body.resource).toEqual({
      read: true,
      create: true,
      update: true,
      delete: true,
      manage_children: true,
      change_permissions: true,
    });
    expect(mine.body.metadata).toEqual({ read: true, write: true });
    const asAlice = await s.json(`/api/resource/0/permission?user=${aliceId}`, { auth: s.admin });
    expect(asAlice.body.resource).toMatchObject({ read: true, update: false });
    const aliceAsks = await s.json(`/api/resource/0/permission?user=${bobId}`, { auth: alice });
    expect(aliceAsks.status).toBe(403);
  });
});

describe("search, schema, routes and legacy forms", () => {
  test("search: bare array in legacy mode, paged object otherwise, ACL applied", async () => {
    await group(0, "Searchable One", s.admin, { keyname: "search_one" });
    const arr = await s.json("/api/resource/search/?keyname=search_one&serialization=full", {
      auth: s.admin,
    });
    expect(Array.isArray(arr.body)).toBe(true);
    expect(arr.body[0].resource.display_name).toBe("Searchable One");
    const like = await s.json("/api/resource/search/?display_name__ilike=%25searchable%25", {
      auth: s.admin,
    });
    expect(like.body.length).toBe(1);
    const paged = await s.json(
      "/api/resource/search/?cls=resource_group&limit=2&offset=0&order=-id",
      { auth: s.admin },
    );
    expect(paged.body.items.length).toBe(2);
    expect(paged.body.total_count).toBeGreaterThan(2);
    expect(paged.body.items[0].resource.id).toBeGreaterThan(paged.body.items[1].resource.id);
    const asGuest = await s.json("/api/resource/search/?keyname=search_one");
    expect(asGuest.body).toEqual([]);
    const bad = await s.json("/api/resource/search/?nope=1", { auth: s.admin });
    expect(bad.status).toBe(422);
    const inj = await s.json("/api/resource/search/?display_name=x%27%20OR%201%3D1--", {
      auth: s.admin,
    });
    expect(inj.body).toEqual([]);
  });

  test("blueprint and the legacy /resource/schema", async () => {
    const bp = await s.json("/api/component/resource/blueprint");
    expect(bp.body.resources.resource_group).toMatchObject({
      identity: "resource_group",
      scopes: ["resource", "metadata"],
    });
    expect(Object.keys(bp.body.scopes)).toContain("data");
    const sc = await s.json("/resource/schema");
    expect(sc.body.scopes.resource.permissions.read).toEqual({ label: "Read" });
    expect(sc.body.resources.resource_group.identity).toBe("resource_group");
  });

  test("pyramid: route names with positional templates, pkg_version, healthcheck", async () => {
    const r = await s.json("/api/component/pyramid/route");
    expect(r.body["resource.item"]).toEqual(["/api/resource/{0}", "id"]);
    expect(r.body["resource.collection"]).toEqual(["/api/resource/"]);
    expect(r.body["auth.current_user"]).toEqual(["/api/component/auth/current_user"]);
    expect(r.body["file_upload.upload"]).toEqual(["/api/component/file_upload/upload"]);
    const v = await s.json("/api/component/pyramid/pkg_version");
    const [major, minor] = v.body.nextgisweb.split(".").map(Number);
    expect(major).toBeGreaterThanOrEqual(3);
    expect(minor).toBeGreaterThanOrEqual(1);
    expect((await s.json("/api/component/pyramid/healthcheck")).body.success).toBe(true);
  });

  test("legacy child and store forms", async () => {
    const g = await group(0, "Legacy");
    const kids = await s.json("/resource/0/child/", { auth: s.admin });
    expect(kids.body.some((x: any) => x.resource.id === g.body.id)).toBe(true);
    const one = await s.json(`/resource/0/child/${g.body.id}`, { auth: s.admin });
    expect(one.body.resource.display_name).toBe("Legacy");
    const rootList = await s.json("/resource/-/child/", { auth: s.admin });
    expect(rootList.body[0].resource.id).toBe(0);
    const store = await s.json(`/resource/store/?id=${g.body.id}`, { auth: s.admin });
    expect(store.body).toMatchObject({ id: g.body.id, cls: "resource_group", parent_id: 0 });
    const byParent = await s.json("/resource/store/?parent_id=0", { auth: s.admin });
    expect(byParent.body.some((x: any) => x.id === g.body.id)).toBe(true);
  });
});

describe("engine errors", () => {
  test("an engine error with a 4xx status hint keeps it in NGW's shape", async () => {
    const { ngwOnError } = await import("../../../src/faces/ngw/errors.ts");
    const { Hono } = await import("hono");
    const { GeometryError } = await import("../../../src/geo/geometry/errors.ts");
    const app = new Hono();
    app.get("/x", () => {
      throw new GeometryError("Ring is not closed.");
    });
    app.onError(ngwOnError);
    const r = await app.request("/x");
    expect(r.status).toBe(422);
    expect(await r.json()).toMatchObject({ status_code: 422, message: "Ring is not closed." });
  });
});
