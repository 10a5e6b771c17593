/**
 * @module Job claims (src/catalog/jobs.ts) on a migrated catalog, through two separate clients
 * acting as two nodes: on an embedded file always, and on a real libSQL server (sqld) when one
 * can be had. Racing claims are won exactly once, leases expire and are taken over, and the
 * recovery query tells orphaned jobs from live ones.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Database, openDatabase } from "../../src/catalog/db.ts";
import { JobClaims, LEASE_MS, liveClaimSql } from "../../src/catalog/jobs.ts";
import { type Sqld, sqldBinary, startSqld } from "../helpers/sqld.ts";

const binary = sqldBinary();
if (!("path" in binary)) console.warn(`job claims on sqld skipped: ${binary.reason}`);
const backends = ["file", ...("path" in binary ? ["sqld"] : [])];

describe.each(backends)("job claims on %s", (backend) => {
  let dir: string;
  let sqld: Sqld | undefined;
  let one: Database;
  let two: Database;
  let a: JobClaims;
  let b: JobClaims;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "gisd-jobs-"));
    let url = `file:${dir}/c.db`;
    let token: string | undefined;
    if (backend === "sqld" && "path" in binary) {
      sqld = await startSqld(binary.path);
      url = sqld.url;
      token = sqld.authToken;
    }
    one = await openDatabase(url, token);
    two = await openDatabase(url, token);
    a = new JobClaims(one.client, "node-a");
    b = new JobClaims(two.client, "node-b");
  }, 120_000);

  afterAll(async () => {
    one?.close();
    two?.close();
    await sqld?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("two nodes racing for the same jobs: each job is won exactly once", async () => {
    const jobs = Array.from({ length: 20 }, (_, i) => `race:${i}`);
    const results = await Promise.all(
      jobs.map(async (job) => {
        const [x, y] = await Promise.all([a.claim(job), b.claim(job)]);
        return { job, x, y, holder: await a.holder(job) };
      }),
    );
    for (const r of results) {
      expect(Number(r.x) + Number(r.y)).toBe(1);
      expect(r.holder).toBe(r.x ? "node-a" : "node-b");
    }
  });

  test("a live lease is kept; an expired one is taken over and the old holder loses it", async () => {
    const t = Date.now();
    expect(await a.claim("lease:1", t)).toBe(true);
    expect(await b.claim("lease:1", t + 1000)).toBe(false);
    expect(await a.renew("lease:1", t + 2000)).toBe(true);
    const later = t + 2000 + LEASE_MS + 1;
    expect(await b.claim("lease:1", later)).toBe(true);
    expect(await b.holder("lease:1", later)).toBe("node-b");
    expect(await a.renew("lease:1", later)).toBe(false);
    await a.release("lease:1"); // not a's any more: nothing happens
    expect(await a.holder("lease:1", later)).toBe("node-b");
  });

  test("run: the job runs on one node only, and its claim is gone when it ends", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const first = a.run("run:1", async () => {
      await gate;
      return "done";
    });
    // a's claim is written before fn starts; wait for it rather than for time.
    while (!(await b.holder("run:1"))) await Bun.sleep(5);
    expect(await b.run("run:1", async () => "twice")).toEqual({ claimed: false });
    release();
    expect(await first).toEqual({ claimed: true, value: "done" });
    expect(await b.holder("run:1")).toBeUndefined();
    expect(await b.run("run:1", async () => "again")).toEqual({ claimed: true, value: "again" });
  });

  test("recovery fails only the running jobs whose claim is not live", async () => {
    await one.client.execute("CREATE TABLE IF NOT EXISTS t_job (id TEXT PRIMARY KEY, status TEXT)");
    await one.client.execute(
      "INSERT INTO t_job VALUES ('live', 'running'), ('dead', 'running'), ('gone', 'running')",
    );
    const t = Date.now();
    await a.claim("t_job:live", t);
    await a.claim("t_job:dead", t - 2 * LEASE_MS); // its lease ran out long ago
    await two.client.execute({
      sql: `UPDATE t_job SET status = 'failed' WHERE status = 'running' AND NOT ${liveClaimSql("t_job", "id")}`,
      args: [t],
    });
    const rows = await one.client.execute("SELECT id, status FROM t_job ORDER BY id");
    expect(rows.rows.map((r) => [r.id, r.status])).toEqual([
      ["dead", "failed"],
      ["gone", "failed"],
      ["live", "running"],
    ]);
  });

  test("liveClaimSql takes identifiers only", () => {
    expect(() => liveClaimSql("x'; DROP TABLE resource; --", "id")).toThrow();
    expect(() => liveClaimSql("t", "id) OR (1=1")).toThrow();
  });
});
