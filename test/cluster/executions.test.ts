/**
 * @module GeoNode execution tickets on a catalog shared by two nodes (two clients of one file,
 * each with its own node name): a node that starts never fails the tickets another live node is
 * still working on, yet still fails the tickets of a node that stopped (no live claim).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Database, openDatabase } from "../../src/catalog/db.ts";
import { Executions } from "../../src/catalog/geonode/executions.ts";
import { JobClaims } from "../../src/catalog/jobs.ts";

let dir: string;
let one: Database;
let two: Database;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "gisd-exec-"));
  one = await openDatabase(`file:${dir}/c.db`);
  two = await openDatabase(`file:${dir}/c.db`);
});

afterAll(() => {
  one?.close();
  two?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function statusOf(ex: Executions, id: string, want: string) {
  for (let i = 0; i < 400; i++) {
    const row = await ex.get(id);
    if (row?.status === want) return want;
    await Bun.sleep(10);
  }
  return (await ex.get(id))?.status;
}

test("a starting node leaves a live node's running ticket alone and fails an orphaned one", async () => {
  const a = new Executions(one.client, new JobClaims(one.client, "node-a"));
  await a.recover();
  let release = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const live = await a.start({ userId: 4, funcName: "copy", input: {} }, async () => {
    await gate;
    return { ok: true };
  });
  expect(await statusOf(a, live, "running")).toBe("running");

  // A ticket a stopped node left running: its row says running, nobody holds its claim.
  await one.client.execute({
    sql: `INSERT INTO gn_execution (exec_id, user_id, status, func_name, action, name, created,
          last_updated, input_params, output_params) VALUES ('orphan', 4, 'running', 'copy',
          'copy', 'copy', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '{}', '{}')`,
  });

  const b = new Executions(two.client, new JobClaims(two.client, "node-b"));
  await b.recover();
  expect((await b.get(live))?.status).toBe("running");
  expect((await b.get("orphan"))?.status).toBe("failed");

  release();
  expect(await statusOf(b, live, "finished")).toBe("finished");
  await a.idle();
  const claims = await one.client.execute("SELECT count(*) AS n FROM gisd_job_claim");
  expect(Number(claims.rows[0]!.n)).toBe(0);
});
