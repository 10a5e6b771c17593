/** @module Resource metadata items (NGW's resmeta): typed key/value pairs, replaced as a whole. */
import { eq } from "drizzle-orm";
import type { Db } from "./db.ts";
import { ValidationError } from "./errors.ts";
import { resmeta } from "./schema.ts";
import type { Tx } from "./tx.ts";

export type ResmetaValue = string | number | boolean | null;

export async function readResmeta(db: Db, id: number): Promise<Record<string, ResmetaValue>> {
  const rows = await db.select().from(resmeta).where(eq(resmeta.resourceId, id));
  const out: Record<string, ResmetaValue> = {};
  for (const r of rows.sort((a, b) => a.key.localeCompare(b.key))) {
    out[r.key] =
      r.vtype === "int" || r.vtype === "float"
        ? Number(r.value)
        : r.vtype === "bool"
          ? r.value === "true"
          : r.vtype === "null"
            ? null
            : (r.value ?? "");
  }
  return out;
}

export async function writeResmeta(tx: Tx, id: number, items: unknown): Promise<void> {
  if (items === undefined) return;
  if (typeof items !== "object" || items === null || Array.isArray(items)) {
    throw new ValidationError("'resmeta.items' must be an object.");
  }
  const entries = Object.entries(items as Record<string, unknown>);
  if (entries.length > 10000) throw new ValidationError("Too many metadata items.");
  const rows = entries.map(([key, v]) => {
    if (key.length === 0 || key.length > 255)
      throw new ValidationError("Metadata keys must be 1-255 characters.");
    if (v === null) return { resourceId: id, key, vtype: "null", value: null };
    if (typeof v === "string") return { resourceId: id, key, vtype: "str", value: v };
    if (typeof v === "boolean") return { resourceId: id, key, vtype: "bool", value: String(v) };
    if (typeof v === "number" && Number.isFinite(v)) {
      return {
        resourceId: id,
        key,
        vtype: Number.isInteger(v) ? "int" : "float",
        value: String(v),
      };
    }
    throw new ValidationError(`Metadata item '${key}' must be a string, number, boolean or null.`);
  });
  await tx.db.delete(resmeta).where(eq(resmeta.resourceId, id));
  if (rows.length > 0) await tx.db.insert(resmeta).values(rows);
}
