/**
 * @module `/pool/` and `POST /pool/restart`: the render worker pool. Each worker is a Bun Worker
 * thread of this process, so `pid` is its thread id (the process id is `process_id`), `mem_usage`
 * is the worker's own heap plus native memory and `mem_percent` that over the machine's memory;
 * `cache` lists the projects the worker has loaded.
 */
import { totalmem } from "node:os";
import type { Context } from "hono";
import type { ManageDeps } from "./deps.ts";
import { origin, sendJson } from "./json.ts";

export function poolStatus(deps: ManageDeps) {
  return async (c: Context) => {
    const o = origin(c);
    const workers = await deps.projects.pool.status();
    return sendJson({
      num_workers: workers.length,
      workers: workers.map((w) => ({
        cache: w.cache.map((p) => ({
          ...p,
          link: `${o}/cache/content/${encodeURIComponent(p.key)}`,
          static: false,
        })),
        jobs: w.jobs,
        mem_percent: (w.heap / totalmem()) * 100,
        mem_usage: w.heap,
        pid: w.threadId,
        process_id: process.pid,
        rss: w.rss,
        thread_id: w.threadId,
      })),
    });
  };
}

export function poolRestart(deps: ManageDeps) {
  return async () => {
    await deps.projects.pool.restart();
    return sendJson({ status: "ok" });
  };
}
