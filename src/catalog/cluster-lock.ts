/**
 * @module A named lease lock held in the catalog database itself, for work that several gisd
 * nodes sharing one catalog server must not do at the same time (start-up migrations and the
 * first-start bootstrap). No engine of our own: every step is one atomic statement on the
 * shared database. A lease, not a session lock, so a node that dies holding it blocks the others
 * only until the lease runs out; the holder renews it while it works.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Client } from "@libsql/client";

/** How long a lease lasts without renewal, and how often the holder renews it. */
const LEASE_MS = 60_000;
const RENEW_MS = 20_000;
const POLL_MS = 100;

/** Identifies this process as a lock holder (readable in the table when debugging). */
export const NODE_ID = `${hostname()}:${process.pid}:${randomBytes(4).toString("hex")}`;

/** Runs fn while holding the named lease; waits (polling) while another node holds it. */
export async function withClusterLock<T>(
  client: Client,
  name: string,
  fn: () => Promise<T>,
): Promise<T> {
  // The lock table cannot come from a migration: it guards the migrations themselves.
  await client.execute(
    "CREATE TABLE IF NOT EXISTS gisd_lock (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires INTEGER NOT NULL)",
  );
  const holder = `${NODE_ID}:${randomBytes(4).toString("hex")}`;
  for (;;) {
    const now = Date.now();
    await client.execute({
      sql: "DELETE FROM gisd_lock WHERE name = ? AND expires < ?",
      args: [name, now],
    });
    const got = await client.execute({
      sql: "INSERT INTO gisd_lock (name, holder, expires) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING",
      args: [name, holder, now + LEASE_MS],
    });
    if (got.rowsAffected === 1) break;
    await Bun.sleep(POLL_MS);
  }
  const renew = setInterval(() => {
    client
      .execute({
        sql: "UPDATE gisd_lock SET expires = ? WHERE name = ? AND holder = ?",
        args: [Date.now() + LEASE_MS, name, holder],
      })
      .catch(() => {}); // a failed renewal only shortens the lease
  }, RENEW_MS);
  try {
    return await fn();
  } finally {
    clearInterval(renew);
    await client.execute({
      sql: "DELETE FROM gisd_lock WHERE name = ? AND holder = ?",
      args: [name, holder],
    });
  }
}
