/**
 * @module lookup_table: a key → value dictionary that feature fields can refer to
 * (reference/ngw.md §3.8). JSON `{"sort", "items": {k: v}, "order": [k…]}`; items are stored
 * with their position because a JSON object cannot keep "10" after "2" (integer-like keys sort
 * first in JavaScript), which is why `order` exists.
 */
import { InsufficientPermissions, ValidationError } from "../errors.ts";
import type { Executor } from "../tx.ts";
import type { ResourceClass, SerializeContext, WriteContext } from "./registry.ts";

export const SORTS = ["KEY_ASC", "KEY_DESC", "VALUE_ASC", "VALUE_DESC", "CUSTOM"] as const;
export type Sort = (typeof SORTS)[number];
type Item = [key: string, value: string];

/** Generous limits: a lookup table is a picklist, not a data store. */
const MAX_ITEMS = 100_000;
const MAX_TEXT = 4096;

export const lookupTable: ResourceClass = {
  identity: "lookup_table",
  label: "Lookup table",
  order: 90,
  // NGW HEAD has only "resource"; seed-era NGW also listed "data", which clients may check.
  scopes: ["resource", "data"],
  interfaces: [],
  category: "miscellaneous",
  parents: ["resource_group"],
  keys: ["lookup_table"],

  async serialize(ctx: SerializeContext, row) {
    const { sort, items } = await readTable(ctx.client, row.id);
    return {
      lookup_table: {
        sort,
        items: Object.fromEntries(items),
        order: items.map(([k]) => k),
      },
    };
  },

  async write(ctx: WriteContext, row, body) {
    const data = body.lookup_table;
    if (data === undefined || data === null) {
      if (ctx.creating) await store(ctx.tx.raw, row.id, "KEY_ASC", []);
      return;
    }
    if (typeof data !== "object" || Array.isArray(data))
      throw new ValidationError("'lookup_table' must be an object.");
    if (!ctx.creating && !ctx.perms.has("resource.update"))
      throw new InsufficientPermissions(row.id, "resource", "update");
    const d = data as Record<string, unknown>;
    const current = ctx.creating
      ? { sort: "KEY_ASC" as Sort, items: [] as Item[] }
      : await readTable(ctx.tx.raw, row.id);
    const sort = d.sort === undefined ? current.sort : parseSort(d.sort);
    const items = d.items === undefined ? current.items : parseItems(d.items);
    const order = d.order === undefined ? undefined : parseOrder(d.order);
    await store(ctx.tx.raw, row.id, sort, sortItems(items, sort, order));
  },

  async remove(ctx, row) {
    await ctx.tx.raw.batch([
      { sql: "DELETE FROM lookup_table_item WHERE resource_id = ?", args: [row.id] },
      { sql: "DELETE FROM lookup_table WHERE resource_id = ?", args: [row.id] },
    ]);
  },
};

export async function readTable(db: Executor, id: number): Promise<{ sort: Sort; items: Item[] }> {
  const head = await db.execute({
    sql: "SELECT sort FROM lookup_table WHERE resource_id = ?",
    args: [id],
  });
  const rows = await db.execute({
    sql: "SELECT key, value FROM lookup_table_item WHERE resource_id = ? ORDER BY position",
    args: [id],
  });
  const sort = (head.rows[0]?.sort as Sort | undefined) ?? "KEY_ASC";
  return { sort, items: rows.rows.map((r) => [String(r.key), String(r.value)]) };
}

async function store(db: Executor, id: number, sort: Sort, items: Item[]): Promise<void> {
  await db.batch([
    {
      sql: `INSERT INTO lookup_table (resource_id, sort) VALUES (?, ?)
            ON CONFLICT (resource_id) DO UPDATE SET sort = excluded.sort`,
      args: [id, sort],
    },
    { sql: "DELETE FROM lookup_table_item WHERE resource_id = ?", args: [id] },
  ]);
  // Chunked multi-row inserts keep a 100k-item table to a few hundred statements.
  for (let i = 0; i < items.length; i += 200) {
    const chunk = items.slice(i, i + 200);
    await db.execute({
      sql: `INSERT INTO lookup_table_item (resource_id, position, key, value) VALUES ${chunk
        .map(() => "(?, ?, ?, ?)")
        .join(", ")}`,
      args: chunk.flatMap(([k, v], j) => [id, i + j, k, v]),
    });
  }
}

function parseSort(v: unknown): Sort {
  if (typeof v !== "string" || !(SORTS as readonly string[]).includes(v))
    throw new ValidationError(`'sort' must be one of ${SORTS.join(", ")}.`);
  return v as Sort;
}

function text(v: unknown, what: string): string {
  if (typeof v !== "string") throw new ValidationError(`${what} must be a string.`);
  if (v.length > MAX_TEXT) throw new ValidationError(`${what} is longer than ${MAX_TEXT}.`);
  return v;
}

function parseItems(v: unknown): Item[] {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new ValidationError("'items' must be an object of string keys and string values.");
  const entries = Object.entries(v);
  if (entries.length > MAX_ITEMS)
    throw new ValidationError(`A lookup table holds at most ${MAX_ITEMS} items.`);
  return entries.map(([k, val]) => [text(k, "An item key"), text(val, `Item '${k}'`)]);
}

function parseOrder(v: unknown): string[] {
  if (!Array.isArray(v) || v.length > MAX_ITEMS)
    throw new ValidationError("'order' must be a list of item keys.");
  return v.map((k) => text(k, "An 'order' entry"));
}

/** NGW's sort_items: CUSTOM follows `order` (every key must be listed), others sort by key or value. */
export function sortItems(items: Item[], sort: Sort, order?: string[]): Item[] {
  if (sort === "CUSTOM") {
    if (!order) return items;
    const pos = new Map(order.map((k, i) => [k, i]));
    if (items.some(([k]) => !pos.has(k))) throw new ValidationError("Invalid items order.");
    return [...items].sort((a, b) => pos.get(a[0])! - pos.get(b[0])!);
  }
  const idx = sort.startsWith("KEY") ? 0 : 1;
  const dir = sort.endsWith("DESC") ? -1 : 1;
  // Code-point comparison, as Python's sorted() on str: stable across locales.
  return [...items].sort((a, b) => (a[idx] < b[idx] ? -dir : a[idx] > b[idx] ? dir : 0));
}
