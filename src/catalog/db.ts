/** @module Opens the catalog database (embedded libSQL file or remote server) and migrates it. */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { type Client, createClient } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import { withClusterLock } from "./cluster-lock.ts";
import { networkFsOf } from "./cluster-storage.ts";
import { type Migration, migrations } from "./migrations/index.ts";

export type Db = LibSQLDatabase<Record<string, never>>;

export interface Database {
  client: Client;
  db: Db;
  /** True when the catalog is an embedded file (WAL applies, single writer). */
  embedded: boolean;
  /** Migrations this process applied when it opened the catalog (empty if another node did). */
  applied: string[];
  /**
   * Runs fn so that no other node sharing this catalog server runs the same-named work at the
   * same time (a lease lock in the database, see cluster-lock.ts). An embedded file has one
   * server process, so fn just runs: a lease left by a crash would only delay its restart.
   */
  exclusive<T>(name: string, fn: () => Promise<T>): Promise<T>;
  close(): void;
}

/** True for catalog URLs that name a libSQL server rather than a local file. */
export function isRemoteUrl(url: string): boolean {
  return /^(libsql|https?|wss?):\/\//i.test(url);
}

/**
 * Opens the catalog. For file: URLs: creates the folder, enables WAL and a busy timeout. For a
 * libSQL server (libsql://, http(s)://, ws(s)://, with an auth token): journal and sync pragmas
 * belong to the server and are skipped; migrations run under a cluster lock so nodes that start
 * together apply them once.
 */
export async function openDatabase(url: string, authToken?: string): Promise<Database> {
  const embedded = url.startsWith("file:");
  if (!embedded && !isRemoteUrl(url))
    throw new Error(
      `GISD_DATABASE_URL must be file:, libsql://, http(s):// or ws(s)://, not ${url.split(":")[0]}:`,
    );
  if (embedded) {
    const path = url.slice("file:".length).split("?")[0]!;
    if (path && path !== ":memory:") {
      mkdirSync(dirname(path), { recursive: true });
      const fs = networkFsOf(dirname(path));
      if (fs)
        console.warn(
          `gisd: the catalog ${path} is on ${fs}. An SQLite file must not be shared by several ` +
            "machines (WAL locking is local); for more than one node set GISD_DATABASE_URL to a " +
            "libSQL server and keep only the files in the shared folder (docs/cluster.md).",
        );
    }
  }
  // timeout (seconds) becomes SQLite's busy_timeout on every pooled connection, so concurrent
  // writers wait for each other instead of failing with SQLITE_BUSY.
  const client = createClient({ url, authToken, timeout: 15 } as Parameters<
    typeof createClient
  >[0]);
  if (embedded) {
    await client.execute("PRAGMA journal_mode = WAL");
    await client.execute("PRAGMA synchronous = NORMAL");
  }
  const exclusive = <T>(name: string, fn: () => Promise<T>): Promise<T> =>
    embedded ? fn() : withClusterLock(client, name, fn);
  const applied = await exclusive("migrate", () => migrate(client, migrations));
  return { client, db: drizzle(client), embedded, applied, exclusive, close: () => client.close() };
}

/**
 * Applies pending migrations, each in its own write transaction together with its bookkeeping
 * row, so a crash mid-migration leaves the previous state. BEGIN IMMEDIATE takes the write lock
 * first, which is what makes concurrent starts of several nodes apply each migration once.
 */
export async function migrate(client: Client, list: Migration[]): Promise<string[]> {
  await client.execute(
    "CREATE TABLE IF NOT EXISTS gisd_migration (id TEXT PRIMARY KEY, applied TEXT NOT NULL)",
  );
  const applied: string[] = [];
  for (const m of [...list].sort((a, b) => a.id.localeCompare(b.id))) {
    const tx = await client.transaction("write");
    try {
      const done = await tx.execute({
        sql: "SELECT 1 FROM gisd_migration WHERE id = ?",
        args: [m.id],
      });
      if (done.rows.length === 0) {
        await tx.executeMultiple(m.sql);
        await tx.execute({
          sql: "INSERT INTO gisd_migration (id, applied) VALUES (?, ?)",
          args: [m.id, new Date().toISOString()],
        });
        applied.push(m.id);
      }
      await tx.commit();
    } finally {
      tx.close();
    }
  }
  return applied;
}
