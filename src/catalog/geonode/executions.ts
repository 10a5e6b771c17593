/**
 * @module GeoNode's ExecutionRequest (reference B.3.3): every asynchronous action (upload, copy,
 * delete, metadata update, permissions) gets a ticket row in gn_execution at once, then runs in
 * the background: ready -> running -> finished | failed, the outcome in output_params and the
 * reason of a failure in log. Rows are in the catalog database, so tickets outlive a restart; a
 * ticket still ready or running when the process stopped is marked failed on the next start.
 */
import { randomUUID } from "node:crypto";
import type { Client } from "@libsql/client";
import { JobClaims, liveClaimSql } from "../jobs.ts";
import { retryBusy } from "./busy.ts";

export type ExecStatus = "ready" | "running" | "finished" | "failed";

export interface ExecutionRow {
  exec_id: string;
  user_id: number;
  status: ExecStatus;
  func_name: string;
  action: string | null;
  name: string | null;
  created: string;
  finished: string | null;
  last_updated: string;
  input_params: Record<string, unknown>;
  output_params: Record<string, unknown>;
  resource_id: number | null;
  step: string | null;
  log: string | null;
}

/** How many actions run at once; the rest wait in order (one writer at a time: see busy.ts). */
const CONCURRENCY = 1;
/** How often a running ticket renews its claim (the lease is jobs.ts LEASE_MS). */
const RENEW_MS = 20_000;

const now = () => new Date().toISOString();

export class Executions {
  #queue: (() => Promise<void>)[] = [];
  #running = 0;
  #recovered: Promise<void> | null = null;
  /** Settles when nothing is queued or running (tests and shutdown wait on it). */
  #idle: Promise<void> = Promise.resolve();
  #resolveIdle: (() => void) | null = null;

  readonly #claims: JobClaims;

  /** `claims` names this node; tests pass two to act as two nodes on one catalog. */
  constructor(
    private readonly db: Client,
    claims?: JobClaims,
  ) {
    this.#claims = claims ?? new JobClaims(db);
  }

  /**
   * Once per process: tickets left ready/running by a stopped process can never finish. A
   * ticket whose node still holds a live claim (another gisd node on the same catalog) is
   * left alone; every ticket is claimed from the moment it is recorded.
   */
  recover(): Promise<void> {
    this.#recovered ??= retryBusy(() =>
      this.db.execute({
        sql: `UPDATE gn_execution SET status = 'failed', finished = ?, last_updated = ?,
                log = 'The server stopped before this operation finished.'
              WHERE status IN ('ready', 'running')
                AND NOT ${liveClaimSql("gn_execution", "exec_id")}`,
        args: [now(), now(), Date.now()],
      }),
    ).then(() => undefined);
    return this.#recovered;
  }

  /**
   * Records a ticket and queues `work`; its result becomes output_params.output, a thrown
   * error makes the ticket failed with the message in log and output_params.errors.
   */
  async start(
    o: {
      userId: number;
      funcName: string;
      action?: string;
      name?: string;
      input: Record<string, unknown>;
      resourceId?: number | null;
    },
    work: () => Promise<unknown>,
  ): Promise<string> {
    await this.recover();
    const id = randomUUID();
    const t = now();
    await retryBusy(() =>
      this.db.execute({
        sql: `INSERT INTO gn_execution (exec_id, user_id, status, func_name, action, name, created,
              last_updated, input_params, output_params, resource_id)
            VALUES (?, ?, 'ready', ?, ?, ?, ?, ?, ?, '{}', ?)`,
        args: [
          id,
          o.userId,
          o.funcName,
          o.action ?? o.funcName,
          o.name ?? o.funcName,
          t,
          t,
          JSON.stringify(o.input),
          o.resourceId ?? null,
        ],
      }),
    );
    const job = `gn_execution:${id}`;
    await retryBusy(() => this.#claims.claim(job));
    this.#enqueue(async () => {
      const renew = setInterval(() => {
        this.#claims.renew(job).catch(() => {}); // a missed renewal only shortens the lease
      }, RENEW_MS);
      try {
        await this.#set(id, { status: "running" });
        const output = await retryBusy(work);
        await this.#set(id, {
          status: "finished",
          finished: now(),
          output_params: JSON.stringify({ output: output ?? null }),
        });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        await this.#set(id, {
          status: "failed",
          finished: now(),
          log: message,
          output_params: JSON.stringify({ errors: [message] }),
        }).catch(() => {});
      } finally {
        clearInterval(renew);
        await this.#claims.release(job).catch(() => {}); // an unreleased claim expires on its own
      }
    });
    return id;
  }

  #enqueue(job: () => Promise<void>): void {
    if (this.#running === 0 && this.#queue.length === 0)
      this.#idle = new Promise((r) => {
        this.#resolveIdle = r;
      });
    this.#queue.push(job);
    this.#pump();
  }

  #pump(): void {
    while (this.#running < CONCURRENCY && this.#queue.length > 0) {
      const job = this.#queue.shift()!;
      this.#running++;
      // Off the request: the ticket is answered before the work starts.
      setTimeout(() => {
        job()
          .catch((err) => console.error("[geonode] execution:", err))
          .finally(() => {
            this.#running--;
            if (this.#running === 0 && this.#queue.length === 0) this.#resolveIdle?.();
            this.#pump();
          });
      }, 0);
    }
  }

  /** Resolves when every queued action has ended. */
  idle(): Promise<void> {
    return this.#idle;
  }

  async #set(id: string, cols: Record<string, string | null>): Promise<void> {
    const keys = Object.keys(cols);
    await retryBusy(() =>
      this.db.execute({
        sql: `UPDATE gn_execution SET ${keys.map((k) => `${k} = ?`).join(", ")}, last_updated = ?
              WHERE exec_id = ?`,
        args: [...keys.map((k) => cols[k] ?? null), now(), id],
      }),
    );
  }

  async get(id: string): Promise<ExecutionRow | undefined> {
    await this.recover();
    const r = await this.db.execute({
      sql: "SELECT * FROM gn_execution WHERE exec_id = ?",
      args: [id],
    });
    return r.rows[0] ? toRow(r.rows[0] as Record<string, unknown>) : undefined;
  }

  /** A user's tickets, newest first (all of them for `userId` null). */
  async list(userId: number | null): Promise<ExecutionRow[]> {
    await this.recover();
    const r = await this.db.execute({
      sql: `SELECT * FROM gn_execution ${userId === null ? "" : "WHERE user_id = ?"}
            ORDER BY created DESC`,
      args: userId === null ? [] : [userId],
    });
    return r.rows.map((x) => toRow(x as Record<string, unknown>));
  }

  async delete(id: string): Promise<void> {
    await this.db.execute({ sql: "DELETE FROM gn_execution WHERE exec_id = ?", args: [id] });
  }
}

function toRow(r: Record<string, unknown>): ExecutionRow {
  const json = (v: unknown) => {
    try {
      return JSON.parse(String(v ?? "{}")) as Record<string, unknown>;
    } catch {
      return {};
    }
  };
  const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    exec_id: String(r.exec_id),
    user_id: Number(r.user_id),
    status: String(r.status) as ExecStatus,
    func_name: String(r.func_name),
    action: str(r.action),
    name: str(r.name),
    created: String(r.created),
    finished: str(r.finished),
    last_updated: String(r.last_updated),
    input_params: json(r.input_params),
    output_params: json(r.output_params),
    resource_id: r.resource_id === null ? null : Number(r.resource_id),
    step: str(r.step),
    log: str(r.log),
  };
}
