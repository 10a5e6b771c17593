/**
 * @module Security writes of the GeoServer REST face over HTTP: geoserver-node-client's
 * createUser / updateUser / associateUserRole, and the raw usergroup and roles endpoints, mapped
 * onto gisd principals (a created user logs in through every face; ADMIN is the administrators
 * group). Non-administrators are refused; hostile names, weak passwords and bad XML are 4xx.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { GeoServerRestClient } from "geoserver-node-client";
import { ADMIN_PASSWORD, startServer, type TestServer } from "../../helpers/server.ts";

let s: TestServer;
let grc: GeoServerRestClient;
const R = "/geoserver/rest";

async function call(
  method: string,
  path: string,
  body?: string,
  auth = s.admin,
  type = "application/json",
) {
  const res = await s.fetch(R + path, {
    method,
    auth,
    body,
    headers: body === undefined ? {} : { "Content-Type": type },
  });
  return { status: res.status, text: await res.text() };
}

/** Whether `user:password` gets through Basic auth, asked of the NGW face. */
async function canLogIn(auth: string): Promise<boolean> {
  const r = await s.fetch("/api/component/auth/current_user", { auth });
  const body = (await r.json()) as { keyname?: string };
  return r.status === 200 && body.keyname === auth.split(":")[0];
}

beforeAll(async () => {
  s = await startServer();
  grc = new GeoServerRestClient(`${s.url}${R}/`, "administrator", ADMIN_PASSWORD);
});
afterAll(async () => {
  await s.stop();
});

describe("users through geoserver-node-client", () => {
  test("createUser makes a gisd user who can log in; it is listed", async () => {
    await grc.security.createUser("alice", "alice-secret-1");
    expect(await canLogIn("alice:alice-secret-1")).toBe(true);
    const users = await grc.security.getAllUsers();
    expect(users.users.map((u: { userName: string }) => u.userName)).toContain("alice");
    // A second create of the same name is refused (the client reports it as an error).
    await expect(grc.security.createUser("alice", "alice-secret-2")).rejects.toThrow();
  });

  test("updateUser changes the password and disables the user", async () => {
    await grc.security.updateUser("alice", "alice-secret-9", true);
    expect(await canLogIn("alice:alice-secret-1")).toBe(false);
    expect(await canLogIn("alice:alice-secret-9")).toBe(true);
    await grc.security.updateUser("alice", "alice-secret-9", false);
    expect(await canLogIn("alice:alice-secret-9")).toBe(false);
    await grc.security.updateUser("alice", "alice-secret-9", true);
    expect(await canLogIn("alice:alice-secret-9")).toBe(true);
  });

  test("associateUserRole ADMIN makes the user an administrator; DELETE takes it back", async () => {
    const before = await call(
      "POST",
      "/workspaces",
      JSON.stringify({ workspace: { name: "a1" } }),
      "alice:alice-secret-9",
    );
    expect(before.status).toBe(403);
    await grc.security.associateUserRole("alice", "ADMIN");
    const roles = await s.json(`${R}/security/roles/user/alice.json`, { auth: s.admin });
    expect(roles.body.roles).toContain("ADMIN");
    const after = await call(
      "POST",
      "/workspaces",
      JSON.stringify({ workspace: { name: "a1" } }),
      "alice:alice-secret-9",
    );
    expect(after.status).toBe(201);
    expect((await call("DELETE", "/security/roles/role/ADMIN/user/alice")).status).toBe(200);
    const again = await call(
      "POST",
      "/workspaces",
      JSON.stringify({ workspace: { name: "a2" } }),
      "alice:alice-secret-9",
    );
    expect(again.status).toBe(403);
  });
});

describe("groups and roles", () => {
  test("a role is a gisd group: create, assign, list, revoke, delete", async () => {
    expect((await call("POST", "/security/roles/role/EDITORS")).status).toBe(201);
    expect((await call("POST", "/security/roles/role/EDITORS")).status).toBe(409);
    const list = await s.json(`${R}/security/roles.json`, { auth: s.admin });
    expect(list.body.roles).toContain("EDITORS");
    expect((await call("POST", "/security/roles/role/EDITORS/user/alice")).status).toBe(200);
    const mine = await s.json(`${R}/security/roles/user/alice.json`, { auth: s.admin });
    expect(mine.body.roles).toEqual(["EDITORS"]);
    // The same group answers as a user group, and through the NGW API.
    const groups = await s.json(`${R}/security/usergroup/user/alice/groups.json`, {
      auth: s.admin,
    });
    expect(groups.body.groups).toEqual(["EDITORS"]);
    const ngw = await s.json("/api/component/auth/group/", { auth: s.admin });
    expect(ngw.body.map((g: { keyname: string }) => g.keyname)).toContain("EDITORS");
    expect((await call("DELETE", "/security/roles/role/EDITORS/user/alice")).status).toBe(200);
    expect(
      (await s.json(`${R}/security/roles/user/alice.json`, { auth: s.admin })).body.roles,
    ).toEqual([]);
    expect((await call("DELETE", "/security/roles/role/EDITORS")).status).toBe(200);
    expect((await call("DELETE", "/security/roles/role/EDITORS")).status).toBe(404);
  });

  test("user groups: create, join, leave, delete; unknown ones are 404", async () => {
    expect((await call("POST", "/security/usergroup/group/field")).status).toBe(201);
    expect((await call("POST", "/security/usergroup/user/alice/group/field")).status).toBe(200);
    const g = await s.json(`${R}/security/usergroup/groups.json`, { auth: s.admin });
    expect(g.body.groups).toContain("field");
    expect((await call("DELETE", "/security/usergroup/user/alice/group/field")).status).toBe(200);
    expect((await call("POST", "/security/usergroup/user/alice/group/nosuch")).status).toBe(404);
    expect((await call("POST", "/security/usergroup/user/nobody/group/field")).status).toBe(404);
    expect((await call("DELETE", "/security/usergroup/group/field")).status).toBe(200);
  });

  test("GROUP_ADMIN cannot be assigned; ADMIN cannot be deleted or taken from the administrator", async () => {
    expect((await call("POST", "/security/roles/role/GROUP_ADMIN/user/alice")).status).toBe(400);
    expect((await call("DELETE", "/security/roles/role/ADMIN")).status).toBe(403);
    expect((await call("DELETE", "/security/roles/role/ADMIN/user/administrator")).status).toBe(
      403,
    );
    // System groups are not roles: they cannot be addressed (or deleted) here.
    expect((await call("DELETE", "/security/roles/role/administrators")).status).toBe(404);
  });
});

describe("refusals", () => {
  test("non-administrators cannot write or read these lists", async () => {
    await grc.security.createUser("bob", "bob-secret-12");
    const bob = "bob:bob-secret-12";
    const body = JSON.stringify({
      user: { userName: "mallory", password: "mallory-pw-1", enabled: true },
    });
    expect((await call("POST", "/security/usergroup/users", body, bob)).status).toBe(403);
    expect((await call("POST", "/security/roles/role/ADMIN/user/bob", undefined, bob)).status).toBe(
      403,
    );
    expect((await call("DELETE", "/security/usergroup/user/alice", undefined, bob)).status).toBe(
      403,
    );
    expect((await call("GET", "/security/usergroup/groups.json", undefined, bob)).status).toBe(403);
    expect((await call("POST", "/security/usergroup/users", body, "")).status).toBe(401);
    expect(await canLogIn("mallory:mallory-pw-1")).toBe(false);
  });

  test("hostile names, weak passwords and bad bodies are 4xx and create nothing", async () => {
    const mk = (u: unknown) =>
      call("POST", "/security/usergroup/users", JSON.stringify({ user: u }));
    expect((await mk({ userName: "../etc", password: "good-password-1" })).status).toBe(400);
    expect((await mk({ userName: "weak", password: "weak" })).status).toBe(400);
    expect((await mk({ userName: "same-name", password: "same-name" })).status).toBe(400);
    expect((await mk({ password: "no-name-pw-1" })).status).toBe(400);
    const xxe = `<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]><user><userName>&x;</userName><password>good-password-1</password></user>`;
    expect(
      (await call("POST", "/security/usergroup/users", xxe, s.admin, "application/xml")).status,
    ).toBe(400);
    expect((await call("POST", "/security/usergroup/users", "{not json", s.admin)).status).toBe(
      400,
    );
    const users = await grc.security.getAllUsers();
    const names = users.users.map((u: { userName: string }) => u.userName);
    expect(names).not.toContain("weak");
    expect(names).not.toContain("same-name");
    // XML bodies work too.
    const xml =
      "<user><userName>carol</userName><password>carol-secret-1</password><enabled>true</enabled></user>";
    expect(
      (await call("POST", "/security/usergroup/users", xml, s.admin, "application/xml")).status,
    ).toBe(201);
    expect(await canLogIn("carol:carol-secret-1")).toBe(true);
  });

  test("deleting: a user goes away, the administrator and oneself cannot", async () => {
    expect((await call("DELETE", "/security/usergroup/user/carol")).status).toBe(200);
    expect(await canLogIn("carol:carol-secret-1")).toBe(false);
    expect((await call("DELETE", "/security/usergroup/user/carol")).status).toBe(404);
    expect((await call("DELETE", "/security/usergroup/user/administrator")).status).toBe(403);
    expect((await call("DELETE", "/security/usergroup/user/guest")).status).toBe(403);
  });

  test("WMS and WMTS stores are refused with a 400 (no cascading)", async () => {
    expect(
      (await call("POST", "/workspaces", JSON.stringify({ workspace: { name: "casc" } }))).status,
    ).toBe(201);
    const wms = await call(
      "POST",
      "/workspaces/casc/wmsstores",
      JSON.stringify({ wmsStore: { name: "x", capabilitiesURL: "http://example.invalid/wms" } }),
    );
    expect(wms.status).toBe(400);
    expect(wms.text).toContain("does not cascade");
    const wmts = await call(
      "POST",
      "/workspaces/casc/wmtsstores",
      JSON.stringify({ wmtsStore: { name: "x" } }),
    );
    expect(wmts.status).toBe(400);
    expect((await call("POST", "/workspaces/nosuch/wmsstores", "{}")).status).toBe(404);
  });
});
