/** @module NGW auth: sessions, current_user, user and group administration, registration, throttling. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startServer, type TestServer } from "../../helpers/server.ts";

let s: TestServer;
beforeAll(async () => {
  s = await startServer({ GISD_REGISTER: "true" });
});
afterAll(() => s.stop());

describe("session login", () => {
  test("login sets an HttpOnly ngw_sid cookie that authenticates; logout ends it", async () => {
    const r = await s.json("/api/component/auth/login", {
      method: "POST",
      body: { login: "Administrator", password: "admin-pass-123" },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: 4, keyname: "administrator" });
    const setCookie = r.res.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/^ngw_sid=[^;]+;/);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Lax");
    const cookie = setCookie.split(";")[0]!;
    const me = await s.json("/api/component/auth/current_user", { headers: { cookie } });
    expect(me.body).toMatchObject({ id: 4, keyname: "administrator", auth_medium: "session" });
    expect((await s.json("/api/resource/0", { headers: { cookie } })).status).toBe(200);
    await s.json("/api/component/auth/logout", { method: "POST", headers: { cookie } });
    const after = await s.json("/api/component/auth/current_user", { headers: { cookie } });
    expect(after.body.keyname).toBe("guest");
  });

  test("form-encoded login works; a bad password is 401 InvalidCredentials", async () => {
    const ok = await s.fetch("/api/component/auth/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "login=administrator&password=admin-pass-123",
    });
    expect(ok.status).toBe(200);
    const bad = await s.json("/api/component/auth/login", {
      method: "POST",
      body: { login: "administrator", password: "nope" },
    });
    expect(bad.status).toBe(401);
    expect(bad.body.exception).toBe("nextgisweb.auth.exception.InvalidCredentialsException");
  });

  test("current_user: GET and POST, guest, require_authenticated", async () => {
    const g = await s.json("/api/component/auth/current_user");
    expect(g.body).toMatchObject({ id: 3, keyname: "guest", auth_medium: null });
    const p = await s.json("/api/component/auth/current_user", { method: "POST", auth: s.admin });
    expect(p.body).toMatchObject({ id: 4, auth_medium: "basic" });
    expect(
      (await s.json("/api/component/auth/current_user?require_authenticated=true")).status,
    ).toBe(401);
    expect(
      (await s.json("/api/component/auth/current_user?require_authenticated=maybe")).status,
    ).toBe(422);
  });
});

describe("users and groups", () => {
  test("administrators manage users; others are refused", async () => {
    const c = await s.json("/api/component/auth/user/", {
      method: "POST",
      auth: s.admin,
      body: {
        keyname: "carol",
        display_name: "Carol",
        password: "carol-pass-1",
        description: null,
      },
    });
    expect(c.status).toBe(201);
    const id = c.body.id;
    const u = await s.json(`/api/component/auth/user/${id}`, { auth: s.admin });
    expect(u.body).toMatchObject({
      id,
      keyname: "carol",
      display_name: "Carol",
      disabled: false,
      superuser: false,
      system: false,
      password: true,
      member_of: [],
    });
    expect(JSON.stringify(u.body)).not.toContain("argon2");
    expect((await s.json("/api/component/auth/user/", { auth: "carol:carol-pass-1" })).status).toBe(
      403,
    );
    expect((await s.json("/api/component/auth/user/")).status).toBe(401);
    const brief = await s.json("/api/component/auth/user/?brief=true", {
      auth: "carol:carol-pass-1",
    });
    expect(brief.body.some((x: any) => x.keyname === "carol")).toBe(true);
    const dupe = await s.json("/api/component/auth/user/", {
      method: "POST",
      auth: s.admin,
      body: { keyname: "CAROL", password: "xxxxxxxx1" },
    });
    expect(dupe.status).toBe(422);
    const weak = await s.json("/api/component/auth/user/", {
      method: "POST",
      auth: s.admin,
      body: { keyname: "weak", password: "123" },
    });
    expect(weak.status).toBe(422);

    const grp = await s.json("/api/component/auth/group/", {
      method: "POST",
      auth: s.admin,
      body: { keyname: "editors", display_name: "Editors", members: [id] },
    });
    expect(grp.status).toBe(201);
    const gget = await s.json(`/api/component/auth/group/${grp.body.id}`, { auth: s.admin });
    expect(gget.body).toMatchObject({ keyname: "editors", members: [id] });
    expect(
      (await s.json(`/api/component/auth/user/${id}`, { auth: s.admin })).body.member_of,
    ).toEqual([grp.body.id]);

    // a disabled user cannot log in, by Basic or by form
    await s.json(`/api/component/auth/user/${id}`, {
      method: "PUT",
      auth: s.admin,
      body: { disabled: true },
    });
    expect((await s.json("/api/resource/0", { auth: "carol:carol-pass-1" })).status).toBe(401);
    expect(
      (
        await s.json("/api/component/auth/login", {
          method: "POST",
          body: { login: "carol", password: "carol-pass-1" },
        })
      ).status,
    ).toBe(401);
    await s.json(`/api/component/auth/user/${id}`, {
      method: "PUT",
      auth: s.admin,
      body: { disabled: false, password: "carol-pass-2" },
    });
    expect((await s.json("/api/resource/0", { auth: "carol:carol-pass-1" })).status).toBe(401);
    expect((await s.json("/api/resource/0", { auth: "carol:carol-pass-2" })).status).toBe(200);

    expect(
      (
        await s.json(`/api/component/auth/group/${grp.body.id}`, {
          method: "DELETE",
          auth: s.admin,
        })
      ).status,
    ).toBe(200);
    expect(
      (await s.json(`/api/component/auth/user/${id}`, { method: "DELETE", auth: s.admin })).status,
    ).toBe(200);
    expect((await s.json(`/api/component/auth/user/${id}`, { auth: s.admin })).status).toBe(404);
    expect(
      (await s.json("/api/component/auth/user/4", { method: "DELETE", auth: s.admin })).status,
    ).toBe(403);
    expect(
      (await s.json("/api/component/auth/group/5", { method: "DELETE", auth: s.admin })).status,
    ).toBe(403);
  });

  test("self-registration when enabled joins the register groups", async () => {
    const g = await s.json("/api/component/auth/group/", {
      method: "POST",
      auth: s.admin,
      body: { keyname: "newcomers", register: true },
    });
    const r = await s.json("/api/component/auth/register", {
      method: "POST",
      body: { keyname: "dave", password: "dave-pass-1", display_name: "Dave" },
    });
    expect(r.status).toBe(201);
    const u = await s.json(`/api/component/auth/user/${r.body.id}`, { auth: s.admin });
    expect(u.body.member_of).toEqual([g.body.id]);
  });
});

describe("registration disabled and login throttling", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(() => t.stop());

  test("registration is refused unless enabled", async () => {
    const r = await t.json("/api/component/auth/register", {
      method: "POST",
      body: { keyname: "eve", password: "eve-pass-12" },
    });
    expect(r.status).toBe(403);
    const short = await t.json("/register", {
      method: "POST",
      body: { keyname: "eve", password: "eve-pass-12" },
    });
    expect(short.status).toBe(403);
  });

  test("repeated failures are throttled with 429, for Basic and the login form alike", async () => {
    let last = 0;
    for (let i = 0; i < 11; i++)
      last = (await t.json("/api/resource/0", { auth: "administrator:bad" })).status;
    expect(last).toBe(429);
    const form = await t.json("/api/component/auth/login", {
      method: "POST",
      body: { login: "administrator", password: "admin-pass-123" },
    });
    expect(form.status).toBe(429);
    expect(form.res.headers.get("retry-after")).toMatch(/^\d+$/);
  });
});
