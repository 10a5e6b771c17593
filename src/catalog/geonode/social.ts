/**
 * @module Per-user favorites and ratings, and per-resource extra metadata (reference B.3.1).
 * Callers check that the actor can read (or, for extra metadata writes, update) the resource.
 */
import type { Executor } from "../tx.ts";
import { retryBusy } from "./busy.ts";
import { GnInvalid } from "./errors.ts";

export async function addFavorite(db: Executor, userId: number, id: number): Promise<boolean> {
  const r = await db.execute({
    sql: "INSERT OR IGNORE INTO gn_favorite (user_id, resource_id, created) VALUES (?, ?, ?)",
    args: [userId, id, new Date().toISOString()],
  });
  return r.rowsAffected > 0;
}

export async function removeFavorite(db: Executor, userId: number, id: number): Promise<boolean> {
  const r = await db.execute({
    sql: "DELETE FROM gn_favorite WHERE user_id = ? AND resource_id = ?",
    args: [userId, id],
  });
  return r.rowsAffected > 0;
}

/** The actor's rating (0 when none) and the average of all ratings of a resource. */
export async function ratingOf(db: Executor, userId: number, id: number) {
  const mine = await db.execute({
    sql: "SELECT rating FROM gn_rating WHERE user_id = ? AND resource_id = ?",
    args: [userId, id],
  });
  const all = await db.execute({
    sql: "SELECT avg(rating) AS a FROM gn_rating WHERE resource_id = ?",
    args: [id],
  });
  const avg = all.rows[0]?.a;
  return {
    rating: Number(mine.rows[0]?.rating ?? 0),
    overall_rating: avg === null || avg === undefined ? 0 : Math.round(Number(avg) * 100) / 100,
  };
}

export async function rate(db: Executor, userId: number, id: number, v: unknown): Promise<void> {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 5)
    throw new GnInvalid("rating", "A valid integer from 0 to 5 is required.");
  await db.execute({
    sql: `INSERT INTO gn_rating (user_id, resource_id, rating) VALUES (?, ?, ?)
          ON CONFLICT (user_id, resource_id) DO UPDATE SET rating = excluded.rating`,
    args: [userId, id, v],
  });
}

export type ExtraMetadata = Record<string, unknown> & { id: number };

export async function listExtra(db: Executor, id: number): Promise<ExtraMetadata[]> {
  const r = await db.execute({
    sql: "SELECT id, data FROM gn_extra_metadata WHERE resource_id = ? ORDER BY id",
    args: [id],
  });
  return r.rows.map((x) => ({ ...JSON.parse(String(x.data)), id: Number(x.id) }));
}

function checkItems(v: unknown, needId: boolean): Record<string, unknown>[] {
  if (!Array.isArray(v) || v.length > 1000)
    throw new GnInvalid("extra_metadata", "Expected a list of objects.");
  for (const m of v) {
    if (typeof m !== "object" || m === null || Array.isArray(m))
      throw new GnInvalid("extra_metadata", "Expected a list of objects.");
    if (needId && !Number.isSafeInteger((m as { id?: unknown }).id))
      throw new GnInvalid("extra_metadata", "Each item needs its integer id.");
  }
  return v as Record<string, unknown>[];
}

/** POST: adds items; PUT: replaces the items named by id; DELETE: removes the ids listed. */
export async function writeExtra(
  db: Executor,
  id: number,
  method: "POST" | "PUT" | "DELETE",
  body: unknown,
): Promise<void> {
  if (method === "DELETE") {
    if (!Array.isArray(body) || body.some((x) => !Number.isSafeInteger(x)))
      throw new GnInvalid("extra_metadata", "Expected a list of ids.");
    for (const x of body as number[])
      await db.execute({
        sql: "DELETE FROM gn_extra_metadata WHERE resource_id = ? AND id = ?",
        args: [id, x],
      });
    return;
  }
  const items = checkItems(body, method === "PUT");
  for (const m of items) {
    const { id: itemId, ...data } = m;
    if (method === "POST")
      await db.execute({
        sql: "INSERT INTO gn_extra_metadata (resource_id, data) VALUES (?, ?)",
        args: [id, JSON.stringify(data)],
      });
    else {
      const r = await db.execute({
        sql: "UPDATE gn_extra_metadata SET data = ? WHERE resource_id = ? AND id = ?",
        args: [JSON.stringify(data), id, itemId as number],
      });
      if (r.rowsAffected === 0) throw new GnInvalid("extra_metadata", `No item ${itemId}.`);
    }
  }
}

/** The extra-metadata writes of one request, all in one transaction. */
export async function writeExtraAtomically(
  client: import("@libsql/client").Client,
  id: number,
  method: "POST" | "PUT" | "DELETE",
  body: unknown,
): Promise<void> {
  const { withTx } = await import("../tx.ts");
  await withTx(client, (tx) => writeExtra(tx.raw, id, method, body));
}

/** The functions above bound to one catalog database, for the face (which holds no client). */
export class GeonodeSocial {
  constructor(private readonly client: import("@libsql/client").Client) {}
  addFavorite = (userId: number, id: number) =>
    retryBusy(() => addFavorite(this.client, userId, id));
  removeFavorite = (userId: number, id: number) =>
    retryBusy(() => removeFavorite(this.client, userId, id));
  ratingOf = (userId: number, id: number) => ratingOf(this.client, userId, id);
  rate = (userId: number, id: number, v: unknown) =>
    retryBusy(() => rate(this.client, userId, id, v));
  listExtra = (id: number) => listExtra(this.client, id);
  writeExtra = (id: number, method: "POST" | "PUT" | "DELETE", body: unknown) =>
    retryBusy(() => writeExtraAtomically(this.client, id, method, body));
}
