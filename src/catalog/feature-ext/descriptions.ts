/**
 * @module Feature descriptions (NGW's feature_description extension): one sanitized HTML string
 * per feature, null when there is none. Stored in `feature_description`; writes go through the
 * same allow-list sanitizer as resource descriptions, so stored HTML never carries script.
 */
import { ValidationError } from "../errors.ts";
import { sanitizeHtml } from "../html.ts";
import type { Executor } from "../tx.ts";

const MAX_DESCRIPTION = 1024 * 1024;

export async function readDescriptions(
  db: Executor,
  layerId: number,
  fids: number[],
): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (let i = 0; i < fids.length; i += 500) {
    const chunk = fids.slice(i, i + 500);
    const r = await db.execute({
      sql: `SELECT feature_id, value FROM feature_description
            WHERE resource_id = ? AND feature_id IN (${chunk.map(() => "?").join(",")})`,
      args: [layerId, ...chunk],
    });
    for (const row of r.rows) out.set(Number(row.feature_id), String(row.value));
  }
  return out;
}

/** Sets (string) or deletes (null, or an empty string) the description of one feature. */
export async function writeDescription(
  db: Executor,
  layerId: number,
  fid: number,
  value: unknown,
): Promise<void> {
  if (value !== null && typeof value !== "string")
    throw new ValidationError("extensions.description must be an HTML string or null.");
  if (typeof value === "string" && value.length > MAX_DESCRIPTION)
    throw new ValidationError("extensions.description is too long.");
  if (value === null || value.trim() === "") {
    await db.execute({
      sql: "DELETE FROM feature_description WHERE resource_id = ? AND feature_id = ?",
      args: [layerId, fid],
    });
    return;
  }
  await db.execute({
    sql: `INSERT INTO feature_description (resource_id, feature_id, value) VALUES (?, ?, ?)
          ON CONFLICT (resource_id, feature_id) DO UPDATE SET value = excluded.value`,
    args: [layerId, fid, sanitizeHtml(value)],
  });
}

export async function deleteDescriptions(
  db: Executor,
  layerId: number,
  fids: number[] | "all",
): Promise<void> {
  if (fids === "all") {
    await db.execute({
      sql: "DELETE FROM feature_description WHERE resource_id = ?",
      args: [layerId],
    });
    return;
  }
  for (let i = 0; i < fids.length; i += 500) {
    const chunk = fids.slice(i, i + 500);
    await db.execute({
      sql: `DELETE FROM feature_description
            WHERE resource_id = ? AND feature_id IN (${chunk.map(() => "?").join(",")})`,
      args: [layerId, ...chunk],
    });
  }
}
