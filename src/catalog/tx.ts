/** @module One libSQL write transaction, usable both raw (bulk SQL) and through drizzle. */
import type { Client, InStatement, Transaction } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import type { Db } from "./db.ts";
import { CatalogError, InsufficientStorage, isDiskFull } from "./errors.ts";

export interface Tx {
  /** drizzle over the same transaction, for typed queries on catalog tables. */
  db: Db;
  /** The libSQL transaction, for per-layer tables and bulk statements. */
  raw: Transaction;
  /** Run after a successful commit (cache invalidation, file cleanup). */
  afterCommit(fn: () => void | Promise<void>): void;
  /** Run when the transaction rolls back (ends work joined to it in another database). */
  onRollback(fn: () => void | Promise<void>): void;
}

/** Anything that can execute a statement: the client or an open transaction. */
export type Executor = Pick<Client, "execute" | "batch">;

/**
 * Runs `fn` inside one write transaction (BEGIN IMMEDIATE): it commits when `fn` resolves and
 * rolls back when it throws, so a failed import or edit leaves nothing behind.
 */
export async function withTx<T>(client: Client, fn: (tx: Tx) => Promise<T>): Promise<T> {
  let raw: Transaction;
  try {
    raw = await client.transaction("write");
  } catch (err) {
    throw isDiskFull(err) ? new InsufficientStorage("The server is out of disk space.") : err;
  }
  const after: Array<() => void | Promise<void>> = [];
  const undo: Array<() => void | Promise<void>> = [];
  // drizzle only calls execute/batch on what it is given, which a Transaction provides.
  const db = drizzle(raw as unknown as Client) as unknown as Db;
  try {
    const result = await fn({
      db,
      raw,
      afterCommit: (f) => after.push(f),
      onRollback: (f) => undo.push(f),
    });
    await raw.commit();
    for (const f of after) await f();
    return result;
  } catch (err) {
    if (!raw.closed) await raw.rollback().catch(() => {});
    for (const f of undo) await (async () => f())().catch(() => {});
    if (!(err instanceof CatalogError) && isDiskFull(err)) {
      throw new InsufficientStorage("The server is out of disk space.");
    }
    throw err;
  } finally {
    raw.close();
  }
}

export type { InStatement };
