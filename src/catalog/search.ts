/**
 * @module Resource search with parameterised SQL over the tree, then the ACL: only resources the
 * actor can read are returned, and counts are taken after that filter so no private title or
 * count leaks.
 */
import type { Client, InValue } from "@libsql/client";
import type { Access } from "./access.ts";
import type { Actor } from "./acl.ts";
import { ValidationError } from "./errors.ts";
import type { ResourceRow } from "./resource-row.ts";

export interface SearchFilter {
  /** column -> operator -> value(s). Columns: id, cls, parent_id, keyname, display_name, owner_user_id. */
  where: { column: Column; op: "eq" | "in" | "like" | "ilike"; value: InValue | InValue[] }[];
  /** Descendants (any depth) of this resource, itself excluded. */
  root?: number;
  resmeta: { key: string; op: "has" | "json" | "like" | "ilike"; value: string }[];
  order?: { column: Column; desc: boolean }[];
}

type Column =
  | "id"
  | "cls"
  | "parent_id"
  | "keyname"
  | "display_name"
  | "owner_user_id"
  | "creation_date";
export const SEARCH_COLUMNS: readonly Column[] = [
  "id",
  "cls",
  "parent_id",
  "keyname",
  "display_name",
  "owner_user_id",
  "creation_date",
];

function mapRow(r: Record<string, unknown>): ResourceRow {
  return {
    id: Number(r.id),
    cls: String(r.cls),
    parentId: r.parent_id === null ? null : Number(r.parent_id),
    keyname: (r.keyname as string | null) ?? null,
    displayName: String(r.display_name),
    description: (r.description as string | null) ?? null,
    ownerUserId: Number(r.owner_user_id),
    creationDate: String(r.creation_date),
    version: Number(r.version),
  };
}

export async function searchRows(
  client: Pick<Client, "execute">,
  access: Access,
  actor: Actor,
  f: SearchFilter,
): Promise<{ row: ResourceRow; perms: Set<string> }[]> {
  const clauses: string[] = [];
  const args: InValue[] = [];
  for (const w of f.where) {
    if (!SEARCH_COLUMNS.includes(w.column))
      throw new ValidationError(`Unknown search attribute '${w.column}'.`);
    if (w.op === "in") {
      const vals = w.value as InValue[];
      if (vals.length === 0) return [];
      clauses.push(`${w.column} IN (${vals.map(() => "?").join(",")})`);
      args.push(...vals);
    } else if (w.op === "like") {
      clauses.push(`${w.column} LIKE ? ESCAPE '\\' AND ${w.column} GLOB ?`);
      const v = String(w.value);
      args.push(v, likeToGlob(v));
    } else if (w.op === "ilike") {
      clauses.push(`lower(${w.column}) LIKE lower(?) ESCAPE '\\'`);
      args.push(w.value as InValue);
    } else {
      clauses.push(w.value === null ? `${w.column} IS NULL` : `${w.column} = ?`);
      if (w.value !== null) args.push(w.value as InValue);
    }
  }
  for (const m of f.resmeta) {
    const base = "EXISTS (SELECT 1 FROM resmeta m WHERE m.resource_id = resource.id AND m.key = ?";
    args.push(m.key);
    if (m.op === "has") clauses.push(`${base})`);
    else if (m.op === "like") {
      clauses.push(`${base} AND m.value LIKE ? ESCAPE '\\')`);
      args.push(m.value);
    } else if (m.op === "ilike") {
      clauses.push(`${base} AND lower(m.value) LIKE lower(?) ESCAPE '\\')`);
      args.push(m.value);
    } else {
      const { vtype, value } = jsonValue(m.value);
      clauses.push(`${base} AND m.vtype = ? AND m.value IS ?)`);
      args.push(vtype, value);
    }
  }
  let sql = "SELECT * FROM resource";
  if (f.root !== undefined) {
    sql = `WITH RECURSIVE d(id) AS (SELECT id FROM resource WHERE parent_id = ?
             UNION ALL SELECT r.id FROM resource r JOIN d ON r.parent_id = d.id)
           SELECT * FROM resource WHERE id IN (SELECT id FROM d)`;
    args.unshift(f.root);
    if (clauses.length > 0) sql += ` AND ${clauses.join(" AND ")}`;
  } else if (clauses.length > 0) {
    sql += ` WHERE ${clauses.join(" AND ")}`;
  }
  const order = (f.order ?? []).map((o) => `${o.column} ${o.desc ? "DESC" : "ASC"}`);
  sql += ` ORDER BY ${[...order, "id ASC"].join(", ")}`;
  const res = await client.execute({ sql, args });
  const rows = res.rows.map((r) => mapRow(r as Record<string, unknown>));
  return filterReadable(access, actor, rows);
}

/** Keeps the rows the actor can read, evaluating each parent's chain once. */
async function filterReadable(access: Access, actor: Actor, rows: ResourceRow[]) {
  const byParent = new Map<number | null, ResourceRow[]>();
  for (const r of rows) {
    const list = byParent.get(r.parentId) ?? [];
    list.push(r);
    byParent.set(r.parentId, list);
  }
  const perms = new Map<number, Set<string>>();
  for (const [parentId, kids] of byParent) {
    if (parentId === null) {
      for (const k of kids) perms.set(k.id, await access.permissions(actor, k.id));
      continue;
    }
    const chain = await access.chain(parentId);
    if (chain.length === 0) continue;
    const parentPerms = access.evaluate(actor, chain).at(-1)!;
    if (!parentPerms.has("resource.read")) continue;
    const p = await access.childPermissions(actor, chain, parentPerms, kids);
    for (const [id, s] of p) perms.set(id, s);
  }
  return rows
    .filter((r) => perms.get(r.id)?.has("resource.read"))
    .map((row) => ({ row, perms: perms.get(row.id)! }));
}

/** SQLite's LIKE is case-insensitive for ASCII; NGW's like is case-sensitive, so add a GLOB. */
function likeToGlob(like: string): string {
  let out = "";
  for (const ch of like) {
    if (ch === "%") out += "*";
    else if (ch === "_") out += "?";
    else if (ch === "*" || ch === "?" || ch === "[") out += `[${ch}]`;
    else out += ch;
  }
  return out;
}

function jsonValue(s: string): { vtype: string; value: string | null } {
  let v: unknown;
  try {
    v = JSON.parse(s);
  } catch {
    throw new ValidationError("resmeta__json value must be JSON.");
  }
  if (v === null) return { vtype: "null", value: null };
  if (typeof v === "string") return { vtype: "str", value: v };
  if (typeof v === "boolean") return { vtype: "bool", value: String(v) };
  if (typeof v === "number")
    return { vtype: Number.isInteger(v) ? "int" : "float", value: String(v) };
  throw new ValidationError("resmeta__json value must be a scalar.");
}
