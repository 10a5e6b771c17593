/**
 * @module The worker pool when workers fail: a worker dying mid-job fails only that job and is
 * replaced by a fresh thread; an entry that cannot load fails jobs without respawning in a loop;
 * a big catalog image still renders (in process) when the pool cannot draw it.
 */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { projectService } from "../../src/catalog/projects/service.ts";
import { renderPooled } from "../../src/catalog/render/pooled.ts";
import { viewOf } from "../../src/geo/render/view.ts";
import { PoolError, WorkerPool } from "../../src/workers/pool.ts";

const fixture = (name: string) => join(import.meta.dir, "fixtures", name);
const job = {
  kind: "features" as const,
  layers: [],
  view: viewOf([0, 0, 1, 1], 8, 8),
};

test("a worker dying mid-job fails that job (500) and is replaced by a new thread", async () => {
  const pool = new WorkerPool(1, fixture("crash-worker.ts"));
  try {
    const [before] = await pool.status();
    const err = await pool.render(job).catch((e) => e);
    expect(err).toBeInstanceOf(PoolError);
    expect(err.status).toBe(500);
    const [after] = await pool.status();
    expect(after!.threadId).not.toBe(before!.threadId);
  } finally {
    await pool.close();
  }
});

test("an entry that cannot load fails jobs and does not respawn in a loop", async () => {
  const pool = new WorkerPool(2, fixture("broken-worker.ts"));
  try {
    expect((await pool.render(job).catch((e) => e)).status).toBe(500);
    expect((await pool.status().catch((e) => e)).status).toBe(500);
  } finally {
    await pool.close();
  }
});

test("catalog rendering falls back to drawing in process when the pool fails", async () => {
  const owner = {};
  const svc = projectService(owner, { projectsDir: undefined, workers: 1 });
  // Replace the service's pool by a broken one: renderPooled must answer null (draw in process).
  Object.defineProperty(svc, "pool", { value: new WorkerPool(1, fixture("broken-worker.ts")) });
  try {
    const layer = {
      kind: "vector" as const,
      style: { kind: "vector" as const, rules: [], opacity: 1 },
      input: { async *features() {} },
    };
    const out = await renderPooled(owner, [layer as never], viewOf([0, 0, 1, 1], 512, 512));
    expect(out).toBeNull();
  } finally {
    await svc.close();
  }
});
