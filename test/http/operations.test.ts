/** @module Operations: metrics, health endpoints, configurable CORS, JSON nesting and size limits. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startServer, type TestServer } from "../helpers/server.ts";

let s: TestServer;
beforeAll(async () => {
  s = await startServer({ GISD_CORS_ORIGINS: "https://maps.example.org", GISD_MAX_BODY: "2000" });
});
afterAll(() => s.stop());

test("/metrics counts requests by face and status class; health endpoints answer", async () => {
  await s.fetch("/api/resource/0");
  await s.fetch("/api/resource/0", { auth: s.admin });
  const m = await (await s.fetch("/metrics")).text();
  expect(m).toMatch(/gisd_http_requests_total\{face="ngw",method="GET",code="4xx"\} \d+/);
  expect(m).toMatch(/gisd_http_requests_total\{face="ngw",method="GET",code="2xx"\} \d+/);
  expect(m).toContain("process_resident_memory_bytes");
  expect((await s.fetch("/healthz")).status).toBe(200);
  expect((await s.fetch("/readyz")).status).toBe(200);
});

test("CORS allows only the configured origins", async () => {
  const ok = await s.fetch("/api/component/pyramid/route", {
    headers: { Origin: "https://maps.example.org" },
  });
  expect(ok.headers.get("access-control-allow-origin")).toBe("https://maps.example.org");
  const other = await s.fetch("/api/component/pyramid/route", {
    headers: { Origin: "https://evil.example" },
  });
  expect(other.headers.get("access-control-allow-origin")).toBeNull();
});

test("JSON bodies over the limit are 413 and deep nesting is 422, both in NGW's shape", async () => {
  const big = await s.json("/api/resource/", {
    method: "POST",
    auth: s.admin,
    body: { resource: { display_name: "x".repeat(5000) } },
  });
  expect(big.status).toBe(413);
  expect(big.body.status_code).toBe(413);
  const deep = `${"[".repeat(100)}${"]".repeat(100)}`;
  const nested = await s.json("/api/resource/", { method: "POST", auth: s.admin, body: deep });
  expect(nested.status).toBe(422);
  expect(nested.body.message).toContain("nesting");
});
