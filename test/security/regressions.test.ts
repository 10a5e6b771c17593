/**
 * @module Bugs the attack suite found, each pinned by the smallest request that showed it:
 * a malformed session cookie (500 on every face), a broken multipart login body (500), invalid
 * UTF-8 in NGW and GeoServer bodies (repaired silently and written), and deeply nested
 * GeoServer JSON (stored as settings).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readCookie } from "../../src/http/auth.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s.stop());

test("a session cookie with a malformed escape is no session, on every face", async () => {
  expect(readCookie("ngw_sid=%ff", "ngw_sid")).toBeUndefined();
  const headers = { Cookie: "ngw_sid=%ff; ngw_sid=" };
  const me = await s.json("/api/component/auth/current_user", { headers });
  expect(me.status).toBe(200);
  expect(me.body.keyname).toBe("guest");
  expect((await s.fetch("/geoserver/rest/workspaces", { headers })).status).toBe(401);
  expect((await s.fetch("/ogcapi/collections", { headers })).status).toBe(200);
});

test("a login form with a broken multipart body is a 422, not a 500", async () => {
  const r = await s.json("/api/component/auth/login", {
    method: "POST",
    headers: { "Content-Type": "multipart/form-data; boundary=zz" },
    body: '--zz\r\nContent-Disposition: form-data; name="login"\r\n\r\nabc',
  });
  expect(r.status).toBe(422);
  expect(r.body.exception).toBe("nextgisweb.core.exception.ValidationError");
});

test("NGW JSON bodies with invalid UTF-8 are malformed JSON (400), nothing written", async () => {
  const g = await s.json("/api/resource/", {
    method: "POST",
    auth: s.admin,
    body: {
      resource: { cls: "vector_layer", parent: { id: 0 }, display_name: "utf8" },
      vector_layer: { srs: { id: 3857 }, geometry_type: "POINT", fields: [] },
    },
  });
  const bytes = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]);
  const r = await s.fetch(`/api/resource/${g.body.id}/feature/`, {
    method: "POST",
    auth: s.admin,
    headers: { "Content-Type": "application/json" },
    body: bytes,
  });
  expect(r.status).toBe(400);
  expect((await r.json()).exception).toBe("nextgisweb.pyramid.tomb.exception.MalformedJSONBody");
  const count = await s.json(`/api/resource/${g.body.id}/feature_count`, { auth: s.admin });
  expect(count.body.total_count).toBe(0);
});

test("GeoServer JSON nested deeper than 64 levels is a 400 and is not stored", async () => {
  const deep = `{"contact":${'{"a":'.repeat(100)}1${"}".repeat(100)}}`;
  const r = await s.fetch("/geoserver/rest/settings/contact", {
    method: "PUT",
    auth: s.admin,
    headers: { "Content-Type": "application/json" },
    body: deep,
  });
  expect(r.status).toBe(400);
  expect(await r.text()).toContain("64 levels");
  expect((await s.fetch("/geoserver/rest/settings/contact.json", { auth: s.admin })).status).toBe(
    200,
  );
});

test("GeoServer bodies with invalid UTF-8 are a 400 and are not stored", async () => {
  const r = await s.fetch("/geoserver/rest/settings/contact", {
    method: "PUT",
    auth: s.admin,
    headers: { "Content-Type": "application/json" },
    body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
  });
  expect(r.status).toBe(400);
  expect(await r.text()).toContain("UTF-8");
  const contact = await s.fetch("/geoserver/rest/settings/contact.json", { auth: s.admin });
  expect(await contact.text()).not.toContain("\ufffd");
});
