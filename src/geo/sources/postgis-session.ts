/**
 * @module PgEditSession: one PostgreSQL transaction spanning several calls of a PostgisSource, so
 * an NGW PATCH of many features (or a WFS-T Transaction) commits or rolls back as a whole. It is
 * opened on the first statement and ended by the owner of the enclosing work (the catalog's edit
 * transaction commits it after its own commit and rolls it back with its own rollback).
 */
import type { SQL, TransactionSQL } from "bun";

/** The transaction handle Bun passes to begin(): statements plus savepoints. */
export type PgTx = TransactionSQL;

const ROLLBACK = Symbol("rollback");

export class PgEditSession {
  #tx?: Promise<PgTx>;
  #end?: { commit: () => void; rollback: (why: unknown) => void };
  #done: Promise<unknown> = Promise.resolve();

  constructor(private readonly sql: SQL) {}

  /** The open transaction (BEGIN on first use). */
  tx(): Promise<PgTx> {
    this.#tx ??= new Promise<PgTx>((ready, fail) => {
      this.#done = this.sql
        .begin(
          (tx) =>
            new Promise<void>((commit, rollback) => {
              this.#end = { commit, rollback };
              ready(tx);
            }),
        )
        .catch((err) => {
          fail(err);
          if (err !== ROLLBACK) throw err;
        });
    });
    return this.#tx;
  }

  async commit(): Promise<void> {
    if (!this.#tx) return;
    this.#end?.commit();
    await this.#done;
  }

  async rollback(): Promise<void> {
    if (!this.#tx) return;
    this.#end?.rollback(ROLLBACK);
    await this.#done.catch(() => {});
  }
}
