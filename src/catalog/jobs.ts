/**
 * @module Background jobs claimed by exactly one node. When several gisd nodes share a catalog,
 * a job (a GeoNode execution, an import, a seeding run) must be run by one of them, and a job
 * whose node died must be recognisable as orphaned rather than "still running". A claim is one
 * row in gisd_job_claim (migration 0821) holding a lease:
 *
 * - claim: one atomic statement, an upsert that only takes over an expired lease, so of two
 *   nodes racing for the same job exactly one sees `rowsAffected = 1`;
 * - the holder renews the lease while it works (`run` does it), and deletes the row when done;
 * - a job whose row is missing or expired while its own table says "running" was orphaned by a
 *   node that stopped: `liveClaimSql` lets a recovery query tell the two apart.
 *
 * Jobs are named "<kind>:<id>" (e.g. "gn_execution:<uuid>"); the job's own table keeps its state.
 */
import type { Client } from "@libsql/client";
import { NODE_ID } from "./cluster-lock.ts";

/** Lease length without renewal, and how often `run` renews it. */
export const LEASE_MS = 60_000;
const RENEW_MS = 20_000;

/**
 * SQL true when the job named `'<kind>:' || <idColumn>` holds a live claim at time `?` (bind
 * Date.now()). For recovery: `... WHERE status = 'running' AND NOT (${liveClaimSql(...)})`.
 * `kind` and `idColumn` are identifiers from code, never from a request.
 */
export function liveClaimSql(kind: string, idColumn: string): string {
  if (!/^[a-z_][a-z0-9_]*$/i.test(kind) || !/^[a-z_][a-z0-9_.]*$/i.test(idColumn))
    throw new Error("liveClaimSql takes code identifiers only");
  return `EXISTS (SELECT 1 FROM gisd_job_claim c WHERE c.job = '${kind}:' || ${idColumn} AND c.lease_until >= ?)`;
}

export class JobClaims {
  constructor(
    private readonly client: Client,
    /** Who claims: this process (tests pass two names to act as two nodes). */
    readonly node: string = NODE_ID,
    private readonly leaseMs: number = LEASE_MS,
  ) {}

  /** Claims the job if nobody holds a live lease on it; true when this node now holds it. */
  async claim(job: string, now = Date.now()): Promise<boolean> {
    const r = await this.client.execute({
      sql: `INSERT INTO gisd_job_claim (job, claimed_by, claimed_at, lease_until) VALUES (?, ?, ?, ?)
            ON CONFLICT (job) DO UPDATE SET claimed_by = excluded.claimed_by,
              claimed_at = excluded.claimed_at, lease_until = excluded.lease_until
            WHERE gisd_job_claim.lease_until < excluded.claimed_at`,
      args: [job, this.node, now, now + this.leaseMs],
    });
    return r.rowsAffected === 1;
  }

  /** Extends this node's lease; false when the lease was lost (expired and taken over). */
  async renew(job: string, now = Date.now()): Promise<boolean> {
    const r = await this.client.execute({
      sql: "UPDATE gisd_job_claim SET lease_until = ? WHERE job = ? AND claimed_by = ?",
      args: [now + this.leaseMs, job, this.node],
    });
    return r.rowsAffected === 1;
  }

  /** Ends this node's claim (the job is done, or given back). */
  async release(job: string): Promise<void> {
    await this.client.execute({
      sql: "DELETE FROM gisd_job_claim WHERE job = ? AND claimed_by = ?",
      args: [job, this.node],
    });
  }

  /** The current holder of a live claim, if any. */
  async holder(job: string, now = Date.now()): Promise<string | undefined> {
    const r = await this.client.execute({
      sql: "SELECT claimed_by FROM gisd_job_claim WHERE job = ? AND lease_until >= ?",
      args: [job, now],
    });
    return r.rows[0] ? String(r.rows[0].claimed_by) : undefined;
  }

  /**
   * Claims the job and runs fn while renewing the lease; releases it when fn settles.
   * Returns `{ claimed: false }` without running fn when another node holds the job.
   */
  async run<T>(
    job: string,
    fn: () => Promise<T>,
  ): Promise<{ claimed: true; value: T } | { claimed: false }> {
    if (!(await this.claim(job))) return { claimed: false };
    const timer = setInterval(() => {
      this.renew(job).catch(() => {}); // a missed renewal only shortens the lease
    }, RENEW_MS);
    try {
      return { claimed: true, value: await fn() };
    } finally {
      clearInterval(timer);
      await this.release(job).catch(() => {}); // an unreleased claim expires on its own
    }
  }
}
