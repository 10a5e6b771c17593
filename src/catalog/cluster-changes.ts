/**
 * @module Cache invalidation across nodes that share one catalog server. Triggers (migration
 * 0820) append every resource create/update/delete to `gisd_change`; each node polls the rows
 * past the last one it has seen and replays them through `Resources.emit`, so the listeners that
 * keep this node's caches honest (tile cache, FlatGeobuf export cache) hear about changes made on
 * other nodes. Every row is replayed as kind "data" ("forget what you hold for this id"), never as
 * "delete": delete listeners also remove files (attachments), which the deleting node already did
 * and which, replayed late after the id was reused, would remove the new resource's files.
 * Replaying a change this node made itself is therefore harmless.
 *
 * Most caches are keyed by resource version and never serve stale data anyway; the feed is what
 * covers deletions and a deleted id coming back (SQLite reuses the highest rowid), and it frees
 * memory held for resources that are gone. Rows older than an hour are pruned.
 */
import type { Client } from "@libsql/client";

/** How often a node looks for changes made elsewhere. */
export const DEFAULT_POLL_MS = 1000;
/** Changes older than this are deleted: a node that was away longer starts with empty caches. */
const KEEP_MS = 3_600_000;

export class ChangeFeed {
  #last = -1;
  #timer: ReturnType<typeof setInterval> | undefined;
  #running: Promise<number> | undefined;
  #polls = 0;

  constructor(
    private readonly client: Client,
    private readonly forget: (id: number) => void,
  ) {}

  /** Starts from the current end of the feed (caches are empty at start) and polls. */
  async start(intervalMs = DEFAULT_POLL_MS): Promise<this> {
    const r = await this.client.execute("SELECT coalesce(max(seq), 0) AS seq FROM gisd_change");
    this.#last = Number(r.rows[0]!.seq);
    this.#timer = setInterval(() => {
      this.poll().catch(() => {}); // an unreachable server is retried at the next tick
    }, intervalMs);
    this.#timer.unref?.();
    return this;
  }

  /** Replays the changes made since the last poll; returns how many. One poll at a time. */
  poll(): Promise<number> {
    this.#running ??= this.#poll().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #poll(): Promise<number> {
    if (this.#last < 0) return 0;
    const r = await this.client.execute({
      sql: "SELECT seq, resource_id, kind FROM gisd_change WHERE seq > ? ORDER BY seq LIMIT 1000",
      args: [this.#last],
    });
    for (const row of r.rows) {
      this.#last = Number(row.seq);
      this.forget(Number(row.resource_id));
    }
    // Pruning now and then is enough; any node may do it, deleting old rows twice is harmless.
    if (++this.#polls % 60 === 1)
      await this.client.execute({
        sql: "DELETE FROM gisd_change WHERE at < ?",
        args: [Date.now() - KEEP_MS],
      });
    return r.rows.length;
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
