/** @module GeoNode management commands over HTTP against a real server: whitelist, jobs, refusals. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startServer, type TestServer } from "../../helpers/server.ts";
import { adminCall, pointLayer } from "./helpers.ts";

let s: TestServer;
const BOB = "bob:bob-pass-1234";

beforeAll(async () => {
  s = await startServer();
  await pointLayer(s, 0, "Thumbed");
  await adminCall(s, "/api/component/auth/user/", {
    keyname: "bob",
    display_name: "Bob",
    password: "bob-pass-1234",
  });
});
afterAll(() => s.stop());

/** Polls a job until FINISHED. */
async function finished(id: number) {
  for (let i = 0; i < 3000; i++) {
    const r = await s.json(`/api/v2/management/jobs/${id}/`, { auth: s.admin });
    if (r.body.status === "FINISHED") return r.body;
    await Bun.sleep(20);
  }
  throw new Error("job never finished");
}

test("staff only: guest 403 not_authenticated, user 403 permission_denied", async () => {
  const g = await s.json("/api/v2/management/commands/");
  expect(g.status).toBe(403);
  expect(g.body.code).toBe("not_authenticated");
  const b = await s.json("/api/v2/management/commands/", { auth: BOB });
  expect(b.status).toBe(403);
  expect(b.body.code).toBe("permission_denied");
});

test("the whitelist, a command's help, unknown commands", async () => {
  const r = await s.json("/api/v2/management/commands/", { auth: s.admin });
  expect(r.body).toEqual({
    success: true,
    error: null,
    data: ["ping_mngmt_commands_http", "sync_thumbnails", "optimize_database"],
  });
  const h = await s.json("/api/v2/management/commands/sync_thumbnails/", { auth: s.admin });
  expect(h.body.data).toContain("usage: sync_thumbnails");
  const u = await s.json("/api/v2/management/commands/rm_rf/", { auth: s.admin });
  expect(u.status).toBe(404);
  expect(u.body).toEqual({ success: false, error: "Command not found", data: null });
  const p = await s.json("/api/v2/management/commands/", {
    method: "POST",
    auth: s.admin,
    body: { command: "shell", args: ["-c", "id"] },
  });
  expect(p.status).toBe(400);
});

test("a job runs in the background and reports its output", async () => {
  const r = await s.json("/api/v2/management/commands/ping_mngmt_commands_http/", {
    method: "POST",
    auth: s.admin,
    body: { args: [], kwargs: {} },
  });
  expect(r.status).toBe(201);
  expect(r.body.success).toBe(true);
  const done = await finished(r.body.data.id);
  expect(done.output_message).toBe("pong");
  const st = await s.json(`/api/v2/management/jobs/${done.id}/status/`, { auth: s.admin });
  expect(st.body.celery_task_meta).toMatchObject({ status: "SUCCESS", result: "pong" });
  const t = await s.json("/api/v2/management/commands/sync_thumbnails/", {
    method: "POST",
    auth: s.admin,
    body: {},
  });
  expect((await finished(t.body.data.id)).output_message).toMatch(
    /^1 thumbnails rendered, 0 failed/,
  );
  const list = await s.json("/api/v2/management/commands/sync_thumbnails/jobs/", { auth: s.admin });
  expect(list.body.total).toBe(1);
  expect(list.body.results[0]).toMatchObject({ command: "sync_thumbnails", status: "FINISHED" });
});

test("created jobs start and stop on request; bad args are 400", async () => {
  const r = await s.json("/api/v2/management/commands/optimize_database/", {
    method: "POST",
    auth: s.admin,
    body: { autostart: false },
  });
  expect(r.body.data.status).toBe("CREATED");
  const start = await s.json(`/api/v2/management/jobs/${r.body.data.id}/start/`, {
    method: "PATCH",
    auth: s.admin,
  });
  expect(start.status).toBe(200);
  expect((await finished(r.body.data.id)).output_message).toBe("database optimized");
  const again = await s.json(`/api/v2/management/jobs/${r.body.data.id}/start/`, {
    method: "PATCH",
    auth: s.admin,
  });
  expect(again.status).toBe(400);
  const c = await s.json("/api/v2/management/commands/ping_mngmt_commands_http/", {
    method: "POST",
    auth: s.admin,
    body: { autostart: false },
  });
  const stop = await s.json(`/api/v2/management/jobs/${c.body.data.id}/stop/`, {
    method: "PATCH",
    auth: s.admin,
  });
  expect(stop.body).toMatchObject({ status: "FINISHED", output_message: "stopped" });
  for (const body of [{ args: "x" }, { args: ["--help"] }, { kwargs: [1] }]) {
    const bad = await s.json("/api/v2/management/commands/ping_mngmt_commands_http/", {
      method: "POST",
      auth: s.admin,
      body,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.success).toBe(false);
  }
});

test("harvesters: gisd has none; reads are empty, creating one is a clear 400", async () => {
  const l = await s.json("/api/v2/harvesters/", { auth: s.admin });
  expect(l.status).toBe(200);
  expect(l.body).toMatchObject({ total: 0, harvesters: [] });
  expect((await s.json("/api/v2/harvesting-sessions", { auth: s.admin })).body.total).toBe(0);
  const p = await s.json("/api/v2/harvesters/", {
    method: "POST",
    auth: s.admin,
    body: { name: "other", remote_url: "http://127.0.0.1:1/", harvester_type: "x" },
  });
  expect(p.status).toBe(400);
  expect(p.body.errors[0]).toContain("not supported");
  expect((await s.json("/api/v2/harvesters/1", { auth: s.admin })).status).toBe(404);
  expect((await s.json("/api/v2/harvesters/", { auth: BOB })).status).toBe(403);
});

test("object-prototype names are unknown commands, not server errors", async () => {
  for (const name of ["__proto__", "constructor", "toString"]) {
    const h = await s.json(`/api/v2/management/commands/${name}/`, { auth: s.admin });
    expect(h.status).toBe(404);
    const j = await s.json(`/api/v2/management/commands/${name}/jobs/`, {
      method: "POST",
      auth: s.admin,
      body: {},
    });
    expect(j.status).toBe(404);
  }
});
