/**
 * @module Auth hardening: session cookie attributes (Secure only over TLS or a trusted proxy),
 * CSRF refusal of cookie-authenticated cross-site writes (Basic clients unaffected), login
 * throttling with exponential backoff, the password policy and the audit log with its endpoint.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TooManyRequests } from "../../src/catalog/errors.ts";
import { checkPassword } from "../../src/catalog/principals.ts";
import { LoginThrottle } from "../../src/http/auth.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

let s: TestServer;
let proxied: TestServer;
beforeAll(async () => {
  s = await startServer();
  proxied = await startServer({ GISD_TRUST_PROXY: "true" });
});
afterAll(async () => {
  await s.stop();
  await proxied.stop();
});

async function login(t: TestServer, headers: Record<string, string> = {}) {
  const r = await t.json("/api/component/auth/login", {
    method: "POST",
    headers,
    body: { login: "administrator", password: "admin-pass-123" },
  });
  expect(r.status).toBe(200);
  return r.res.headers.get("set-cookie")!;
}

describe("session cookie", () => {
  test("HttpOnly and SameSite=Lax always; Secure not over plain HTTP", async () => {
    const c = await login(s);
    expect(c).toContain("HttpOnly");
    expect(c).toContain("SameSite=Lax");
    expect(c).not.toContain("Secure");
  });

  test("X-Forwarded-Proto: https sets Secure only when the proxy is trusted", async () => {
    expect(await login(s, { "X-Forwarded-Proto": "https" })).not.toContain("Secure");
    expect(await login(proxied, { "X-Forwarded-Proto": "https" })).toContain("Secure");
    expect(await login(proxied)).not.toContain("Secure");
  });
});

describe("CSRF", () => {
  const group = (name: string) => ({
    resource: { cls: "resource_group", parent: { id: 0 }, display_name: name },
  });

  test("a cookie authenticates a write only from this origin or with X-Requested-With", async () => {
    const cookie = (await login(s)).split(";")[0]!;
    const post = (name: string, headers: Record<string, string>) =>
      s.json("/api/resource/", {
        method: "POST",
        headers: { cookie, ...headers },
        body: group(name),
      });
    // No Origin, no Referer, no custom header: served as the guest, so refused.
    const bare = await post("csrf bare", {});
    expect([401, 403]).toContain(bare.status);
    expect(bare.body.exception).toBeString();
    const evil = await post("csrf evil", { Origin: "https://evil.example" });
    expect([401, 403]).toContain(evil.status);
    const evilRef = await post("csrf evil ref", { Referer: "https://evil.example/page" });
    expect([401, 403]).toContain(evilRef.status);
    expect((await post("csrf null", { Origin: "null" })).status).toBeGreaterThanOrEqual(401);
    // Same origin (what a browser sends for the server's own pages) and the custom header work.
    expect((await post("csrf same", { Origin: s.url })).status).toBe(201);
    expect((await post("csrf referer", { Referer: `${s.url}/resource/0` })).status).toBe(201);
    expect((await post("csrf xrw", { "X-Requested-With": "XMLHttpRequest" })).status).toBe(201);
    // Reads with the cookie need nothing extra.
    expect((await s.json("/api/resource/0", { headers: { cookie } })).status).toBe(200);
  });

  test("Basic auth is not ambient: scripts and GDAL write without Origin", async () => {
    const r = await s.json("/api/resource/", {
      method: "POST",
      auth: s.admin,
      body: group("basic write"),
    });
    expect(r.status).toBe(201);
  });

  test("the GeoServer face follows the same rule", async () => {
    const cookie = (await login(s)).split(";")[0]!;
    const ws = (name: string, headers: Record<string, string>) =>
      s.fetch("/geoserver/rest/workspaces", {
        method: "POST",
        headers: { cookie, "Content-Type": "application/json", ...headers },
        body: JSON.stringify({ workspace: { name } }),
      });
    expect((await ws("csrfws1", { Origin: "https://evil.example" })).status).toBe(401);
    expect((await ws("csrfws2", { Origin: s.url })).status).toBe(201);
  });
});

describe("login throttling", () => {
  test("lockout after 10 failures, doubling with each further failure", () => {
    const t = new LoginThrottle(10, 15 * 60_000, 60_000);
    const keys = ["u:x"];
    for (let i = 0; i < 9; i++) expect(t.fail(keys)).toBe(false);
    t.check(keys);
    expect(t.fail(keys)).toBe(true);
    const retry = () => {
      try {
        t.check(keys);
      } catch (e) {
        expect(e).toBeInstanceOf(TooManyRequests);
        return (e as TooManyRequests).data.retry_after as number;
      }
      throw new Error("not locked");
    };
    const first = retry();
    expect(first).toBeGreaterThan(50);
    expect(first).toBeLessThanOrEqual(60);
    t.fail(keys);
    expect(retry()).toBeGreaterThan(100);
    t.fail(keys);
    expect(retry()).toBeGreaterThan(200);
    t.succeed(keys);
    t.check(keys);
  });

  test("429 with Retry-After within 10 failures, by Basic and by form; audited", async () => {
    await s.json("/api/component/auth/user/", {
      method: "POST",
      auth: s.admin,
      body: { keyname: "mallory", password: "mallory-pass-1" },
    });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++)
      statuses.push((await s.fetch("/api/resource/0", { auth: "mallory:wrong-password" })).status);
    expect(statuses.slice(0, 9).every((x) => x === 401)).toBe(true);
    const locked = await s.json("/api/component/auth/login", {
      method: "POST",
      body: { login: "mallory", password: "mallory-pass-1" },
    });
    expect(locked.status).toBe(429);
    expect(Number(locked.res.headers.get("retry-after"))).toBeGreaterThan(0);
    const log = await s.json("/api/component/audit/?event=login.", { auth: s.admin });
    expect(log.body.some((e: any) => e.event === "login.lockout")).toBe(true);
    expect(log.body.filter((e: any) => e.event === "login.fail").length).toBeGreaterThanOrEqual(9);
    expect(log.body.find((e: any) => e.event === "login.fail").detail).toEqual({
      login: "mallory",
      medium: "basic",
    });
    s.server.ctx.auth.throttle.reset();
  });
});

describe("password policy", () => {
  test("length, not the user name, not one character repeated", () => {
    expect(() => checkPassword("short")).toThrow("at least 8");
    expect(() => checkPassword("Alice-Smith", "alice-smith")).toThrow("user name");
    expect(() => checkPassword("htims-ecila", "alice-smith")).toThrow("user name");
    expect(() => checkPassword("xxxxxxxxxx")).toThrow("repeated");
    expect(() => checkPassword("x".repeat(1025))).toThrow("too long");
    checkPassword("correct horse", "alice");
  });

  test("applied on create, admin update and profile change", async () => {
    const create = (password: string) =>
      s.json("/api/component/auth/user/", {
        method: "POST",
        auth: s.admin,
        body: { keyname: "policyuser", password },
      });
    expect((await create("policyuser")).status).toBe(422);
    expect((await create("PolicyUser")).status).toBe(422);
    expect((await create("pp")).status).toBe(422);
    const ok = await create("a-good-passphrase");
    expect(ok.status).toBe(201);
    const upd = await s.json(`/api/component/auth/user/${ok.body.id}`, {
      method: "PUT",
      auth: s.admin,
      body: { password: "policyuser" },
    });
    expect(upd.status).toBe(422);
    const prof = await s.json("/api/component/auth/profile", {
      method: "PUT",
      auth: "policyuser:a-good-passphrase",
      body: { password: "aaaaaaaaaaaa" },
    });
    expect(prof.status).toBe(422);
  });
});

describe("audit log", () => {
  test("permission changes and logins are recorded, readable by administrators only", async () => {
    const u = await s.json("/api/component/auth/user/", {
      method: "POST",
      auth: s.admin,
      body: { keyname: "audited", password: "audited-pass-1" },
    });
    const g = await s.json("/api/component/auth/group/", {
      method: "POST",
      auth: s.admin,
      body: { keyname: "auditors", members: [u.body.id] },
    });
    expect(g.status).toBe(201);
    const r = await s.json("/api/resource/", {
      method: "POST",
      auth: s.admin,
      body: { resource: { cls: "resource_group", parent: { id: 0 }, display_name: "audited" } },
    });
    const rule = {
      action: "allow",
      principal: { id: u.body.id },
      identity: "",
      scope: "resource",
      permission: "read",
      propagate: true,
    };
    const put = await s.json(`/api/resource/${r.body.id}`, {
      method: "PUT",
      auth: s.admin,
      body: { resource: { permissions: [rule] } },
    });
    expect(put.status).toBe(200);
    await s.json(`/api/component/auth/user/${u.body.id}`, {
      method: "PUT",
      auth: s.admin,
      body: { superuser: true, password: "changed-pass-2" },
    });
    await login(s);

    const log = await s.json("/api/component/audit/?limit=100", { auth: s.admin });
    expect(log.status).toBe(200);
    const events = log.body.map(
      (e: any) => `${e.event}:${e.principal_id ?? ""}:${e.resource_id ?? ""}`,
    );
    expect(events).toContain(`acl.grant:${u.body.id}:${r.body.id}`);
    expect(events).toContain(`member.add:${u.body.id}:`);
    expect(events).toContain(`user.superuser:${u.body.id}:`);
    expect(events).toContain(`user.password:${u.body.id}:`);
    expect(events).toContain(`principal.create:${u.body.id}:`);
    expect(events).toContain("login.ok:4:");
    const grant = log.body.find((e: any) => e.event === "acl.grant" && e.resource_id === r.body.id);
    expect(grant.detail).toMatchObject({ action: "allow", scope: "resource", permission: "read" });
    // newest first, paging by id
    const ids = log.body.map((e: any) => e.id);
    expect([...ids].sort((a: number, b: number) => b - a)).toEqual(ids);
    const page = await s.json(`/api/component/audit/?before_id=${ids[2]}&limit=1`, {
      auth: s.admin,
    });
    expect(page.body.map((e: any) => e.id)).toEqual([ids[3]]);
    const acl = await s.json(`/api/component/audit/?event=acl.&resource=${r.body.id}`, {
      auth: s.admin,
    });
    expect(acl.body.every((e: any) => e.event.startsWith("acl."))).toBe(true);

    expect((await s.json("/api/component/audit/")).status).toBe(401);
    expect((await s.json("/api/component/audit/", { auth: "mallory:mallory-pass-1" })).status).toBe(
      403,
    );
    for (const q of ["limit=0", "limit=abc", "before_id=-1", "event=x'%20OR%201=1", "resource=1e3"])
      expect((await s.json(`/api/component/audit/?${q}`, { auth: s.admin })).status).toBe(422);
  });
});
