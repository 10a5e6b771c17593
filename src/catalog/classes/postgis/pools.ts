/**
 * @module Connection pools to PostGIS databases, one per postgis_connection and its current
 * settings, kept per catalog (keyed by the catalog's libSQL client, so two catalogs in one process
 * never share pools). Changing a connection's settings retires its old pool. Connect attempts are
 * bounded so a wrong host answers in seconds, not when the OS gives up.
 */
import { dirname } from "node:path";
import type { Client } from "@libsql/client";
import { SQL } from "bun";
import { Secrets } from "../../secrets.ts";
import type { ClassDeps } from "../registry.ts";

export interface ConnectionRow {
  resourceId: number;
  hostname: string;
  port: number | null;
  dbname: string;
  username: string;
  passwordEnc: string;
}

/** Seconds to wait for a TCP connect + authentication before giving up. */
const CONNECT_TIMEOUT = 5;
/** Idle connections close after this many seconds: gisd holds nothing it does not use. */
const IDLE_TIMEOUT = 60;
/** Connections per pool: enough for a tile burst, polite to a shared database. */
const MAX_CONNECTIONS = 4;

const pools = new WeakMap<Client, Map<number, { key: string; sql: SQL }>>();
const secrets = new Map<string, Secrets>();

/** The secrets of the catalog's data directory (the file store lives in `<data>/files`). */
export function secretsOf(deps: Pick<ClassDeps, "files">): Secrets {
  const dir = dirname(deps.files.root);
  let s = secrets.get(dir);
  if (!s) {
    s = Secrets.forDataDir(dir);
    secrets.set(dir, s);
  }
  return s;
}

/** A pool for explicit settings (create-time checks before anything is stored). */
export function openPool(deps: Pick<ClassDeps, "files">, c: Omit<ConnectionRow, "resourceId">) {
  return new SQL({
    hostname: c.hostname,
    port: c.port ?? 5432,
    database: c.dbname,
    username: c.username,
    password: secretsOf(deps).decrypt(c.passwordEnc),
    max: MAX_CONNECTIONS,
    connectionTimeout: CONNECT_TIMEOUT,
    idleTimeout: IDLE_TIMEOUT,
  });
}

export function poolFor(deps: Pick<ClassDeps, "files" | "client">, c: ConnectionRow): SQL {
  let byId = pools.get(deps.client);
  if (!byId) {
    byId = new Map();
    pools.set(deps.client, byId);
  }
  const key = [c.hostname, c.port, c.dbname, c.username, c.passwordEnc].join("\u0000");
  const cur = byId.get(c.resourceId);
  if (cur?.key === key) return cur.sql;
  if (cur) void cur.sql.close().catch(() => {});
  const sql = openPool(deps, c);
  byId.set(c.resourceId, { key, sql });
  return sql;
}

/** Closes a connection's pool (the connection was changed or deleted). */
export function dropPool(deps: Pick<ClassDeps, "client">, id: number): void {
  const cur = pools.get(deps.client)?.get(id);
  if (!cur) return;
  pools.get(deps.client)!.delete(id);
  void cur.sql.close().catch(() => {});
}
