/**
 * @module GeoNode's management commands over HTTP (reference B.3.6), limited to a whitelist of
 * what is real in gisd; nothing a client sends is ever run as a program. A job row records each
 * run (CREATED -> QUEUED -> STARTED -> FINISHED) with its output, in the catalog database.
 */
import type { Catalog } from "../index.ts";
import { renderThumbnail } from "../render/index.ts";
import { retryBusy } from "./busy.ts";
import { GnInvalid } from "./errors.ts";
import { DATASET_CLASSES } from "./index.ts";

interface Command {
  app: string;
  help: string;
  run(catalog: Catalog, args: string[], kwargs: Record<string, unknown>): Promise<string>;
}

export const COMMANDS: Record<string, Command> = {
  ping_mngmt_commands_http: {
    app: "management_commands_http",
    help: "usage: ping_mngmt_commands_http [--sleep SECONDS]\n\nAnswers pong; checks that jobs run.",
    async run(_c, _a, kwargs) {
      const sleep = Number(kwargs.sleep ?? 0);
      if (!Number.isFinite(sleep) || sleep < 0 || sleep > 60)
        throw new GnInvalid("kwargs", "sleep must be 0..60 seconds.");
      if (sleep > 0) await Bun.sleep(sleep * 1000);
      return "pong";
    },
  },
  sync_thumbnails: {
    app: "base",
    help:
      "usage: sync_thumbnails [ids ...]\n\nRenders the thumbnail of every dataset (or of the ids " +
      "given) through the catalog renderer, warming the render cache; reports failures.",
    async run(catalog, args) {
      const ids = args.length > 0 ? args.map(Number) : await datasetIds(catalog);
      if (ids.some((n) => !Number.isSafeInteger(n)))
        throw new GnInvalid("args", "ids must be integers.");
      const failed: string[] = [];
      for (const id of ids) {
        try {
          await renderThumbnail(catalog, id);
        } catch (err) {
          failed.push(`${id}: ${(err as Error).message}`);
        }
      }
      return `${ids.length - failed.length} thumbnails rendered, ${failed.length} failed${failed.length ? `\n${failed.join("\n")}` : ""}`;
    },
  },
  optimize_database: {
    app: "base",
    help:
      "usage: optimize_database\n\nCheckpoints the write-ahead log and lets SQLite refresh " +
      "its query planner statistics (PRAGMA optimize).",
    async run(catalog) {
      const db = catalog.database.client;
      await db.execute("PRAGMA optimize");
      if (catalog.database.embedded) await db.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      return "database optimized";
    },
  },
};

/** The command of that name; a request's "__proto__" or "constructor" names none. */
export function commandOf(name: string): Command | undefined {
  return Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
}

async function datasetIds(catalog: Catalog): Promise<number[]> {
  const r = await catalog.database.client.execute({
    sql: `SELECT id FROM resource WHERE cls IN (${DATASET_CLASSES.map(() => "?").join(",")}) ORDER BY id`,
    args: DATASET_CLASSES,
  });
  return r.rows.map((x) => Number(x.id));
}

export interface JobRow {
  id: number;
  command: string;
  app_name: string;
  user: number;
  status: "CREATED" | "QUEUED" | "STARTED" | "FINISHED";
  created_at: string;
  start_time: string | null;
  end_time: string | null;
  args: string[];
  kwargs: Record<string, unknown>;
  celery_result_id: string | null;
  output_message: string | null;
}

const now = () => new Date().toISOString();

export class ManagementJobs {
  #running = new Set<Promise<void>>();

  constructor(private readonly catalog: Catalog) {}

  /** Validates a POST body ({args, kwargs, autostart}) and records the job. */
  async create(userId: number, command: string, body: unknown): Promise<JobRow> {
    const cmd = commandOf(command);
    if (!cmd) throw new GnInvalid("command", "Command not found");
    const b = (body ?? {}) as Record<string, unknown>;
    if (typeof b !== "object" || Array.isArray(b))
      throw new GnInvalid("non_field_errors", "Expected an object.");
    const args = b.args ?? [];
    const kwargs = b.kwargs ?? {};
    if (!Array.isArray(args) || args.some((a) => typeof a !== "string" && typeof a !== "number"))
      throw new GnInvalid("args", "args must be a list.");
    if (args.some((a) => String(a) === "--help" || String(a) === "-h"))
      throw new GnInvalid("args", "--help is not allowed; GET the command for its help.");
    if (typeof kwargs !== "object" || kwargs === null || Array.isArray(kwargs))
      throw new GnInvalid("kwargs", "kwargs must be a dict.");
    const res = await retryBusy(() =>
      this.catalog.database.client.execute({
        sql: `INSERT INTO gn_mgmt_job (command, app_name, user_id, status, created_at, args, kwargs)
            VALUES (?, ?, ?, 'CREATED', ?, ?, ?) RETURNING id`,
        args: [
          command,
          cmd.app,
          userId,
          now(),
          JSON.stringify(args.map(String)),
          JSON.stringify(kwargs),
        ],
      }),
    );
    const id = Number(res.rows[0]!.id);
    if (b.autostart !== false) await this.start(id);
    return (await this.get(id))!;
  }

  /** Queues a CREATED job; 400 for any other state. */
  async start(id: number): Promise<void> {
    const job = await this.get(id);
    if (!job) throw new GnInvalid("id", "No such job.");
    if (job.status !== "CREATED")
      throw new GnInvalid("status", `Job is ${job.status}, not CREATED.`);
    await this.#set(id, { status: "QUEUED" });
    const p = (async () => {
      await Bun.sleep(0);
      await this.#set(id, { status: "STARTED", start_time: now() });
      let out: string;
      try {
        out = await COMMANDS[job.command]!.run(this.catalog, job.args, job.kwargs);
      } catch (err) {
        out = `Error: ${(err as Error).message}`;
      }
      await this.#set(id, { status: "FINISHED", end_time: now(), output_message: out });
    })().catch((err) => console.error("[geonode] management job:", err));
    this.#running.add(p);
    p.finally(() => this.#running.delete(p));
  }

  /** A job not yet started is stopped (FINISHED, "stopped"); a started one cannot be. */
  async stop(id: number): Promise<void> {
    const job = await this.get(id);
    if (!job) throw new GnInvalid("id", "No such job.");
    if (job.status === "STARTED" || job.status === "FINISHED")
      throw new GnInvalid("status", `Job is ${job.status} and cannot be stopped.`);
    await this.#set(id, { status: "FINISHED", end_time: now(), output_message: "stopped" });
  }

  async #set(id: number, cols: Record<string, string>): Promise<void> {
    const keys = Object.keys(cols);
    await retryBusy(() =>
      this.catalog.database.client.execute({
        sql: `UPDATE gn_mgmt_job SET ${keys.map((k) => `${k} = ?`).join(", ")} WHERE id = ?`,
        args: [...keys.map((k) => cols[k]!), id],
      }),
    );
  }

  async get(id: number): Promise<JobRow | undefined> {
    const r = await this.catalog.database.client.execute({
      sql: "SELECT * FROM gn_mgmt_job WHERE id = ?",
      args: [id],
    });
    return r.rows[0] ? toJob(r.rows[0] as Record<string, unknown>) : undefined;
  }

  async list(command?: string): Promise<JobRow[]> {
    const r = await this.catalog.database.client.execute({
      sql: `SELECT * FROM gn_mgmt_job ${command ? "WHERE command = ?" : ""} ORDER BY id DESC`,
      args: command ? [command] : [],
    });
    return r.rows.map((x) => toJob(x as Record<string, unknown>));
  }
}

function toJob(r: Record<string, unknown>): JobRow {
  const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    id: Number(r.id),
    command: String(r.command),
    app_name: String(r.app_name),
    user: Number(r.user_id),
    status: String(r.status) as JobRow["status"],
    created_at: String(r.created_at),
    start_time: str(r.start_time),
    end_time: str(r.end_time),
    args: JSON.parse(String(r.args)),
    kwargs: JSON.parse(String(r.kwargs)),
    celery_result_id: null,
    output_message: str(r.output_message),
  };
}
