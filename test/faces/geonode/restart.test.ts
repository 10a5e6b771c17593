/**
 * @module Execution tickets outlive the server: a finished copy is still reported after a
 * restart on the same data folder, and a ticket left running by a crashed process is reported
 * failed (with the reason) instead of "running" forever.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { loadConfig } from "../../../src/config.ts";
import { createServer } from "../../../src/server.ts";
import { ADMIN_PASSWORD } from "../../helpers/server.ts";
import { pointLayer, waitFor } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "gisd-gn-restart-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A real server on `dir` that stop() closes without removing the folder. */
async function serveOn(dataDir: string) {
  const config = loadConfig(
    { port: "0", data: dataDir },
    { GISD_ADMIN_PASSWORD: ADMIN_PASSWORD, GISD_LOG: "off", GISD_SAMPLES: "false" },
  );
  const server = await createServer(config);
  const http = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: (r, srv) => server.app.fetch(r, srv),
  });
  const url = `http://127.0.0.1:${http.port}`;
  const admin = `administrator:${ADMIN_PASSWORD}`;
  const json = async (
    path: string,
    init: { method?: string; auth?: string; body?: unknown } = {},
  ) => {
    const headers = new Headers({ "content-type": "application/json" });
    if (init.auth)
      headers.set("Authorization", `Basic ${Buffer.from(init.auth).toString("base64")}`);
    const res = await fetch(url + path, {
      method: init.method,
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, res };
  };
  return {
    url,
    admin,
    json,
    stop: async () => {
      await http.stop(true);
      await server.close();
    },
  };
}

test("a ticket survives a restart; one interrupted by a crash reads as failed", async () => {
  const a = await serveOn(dir);
  // The helpers only need json() and admin.
  const s = a as unknown as Parameters<typeof pointLayer>[0];
  const id = await pointLayer(s, 0, "Survivor");
  const t = await a.json(`/api/v2/resources/${id}/copy`, {
    method: "PUT",
    auth: a.admin,
    body: {},
  });
  expect(t.status).toBe(200);
  const done = await waitFor(s, t.body.execution_id);
  expect(done.status).toBe("finished");
  await a.stop();

  // A process that died mid-import leaves its ticket running.
  const db = createClient({ url: `file:${join(dir, "catalog.db")}` });
  await db.execute({
    sql: `INSERT INTO gn_execution (exec_id, user_id, status, func_name, created, last_updated)
          VALUES ('crashed-1', 4, 'running', 'import', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`,
    args: [],
  });
  db.close();

  const b = await serveOn(dir);
  try {
    const again = await b.json(`/api/v2/resource-service/execution-status/${t.body.execution_id}`, {
      auth: b.admin,
    });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(done);
    const crashed = await b.json("/api/v2/resource-service/execution-status/crashed-1", {
      auth: b.admin,
    });
    expect(crashed.body.status).toBe("failed");
    expect(crashed.body.log).toContain("stopped");
    const list = await b.json("/api/v2/executionrequest", { auth: b.admin });
    expect(list.body.total).toBe(2);
  } finally {
    await b.stop();
  }
});
