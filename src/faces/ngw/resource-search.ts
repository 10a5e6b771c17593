/**
 * @module GET /api/resource/search/ parameters (reference/ngw.md §2.2) turned into a catalog
 * search; legacy mode (no breadcrumb/limit/offset/order) answers a bare array.
 */
import type { Actor } from "../../catalog/acl.ts";
import { ValidationError } from "../../catalog/errors.ts";
import type { SearchFilter } from "../../catalog/search.ts";
import type { AppContext } from "../../http/context.ts";
import { parseBool, parseInt32 } from "./params.ts";

const ATTR: Record<string, SearchFilter["where"][number]["column"]> = {
  id: "id",
  cls: "cls",
  parent: "parent_id",
  parent_id: "parent_id",
  keyname: "keyname",
  display_name: "display_name",
  owner_user: "owner_user_id",
  owner_user_id: "owner_user_id",
};
const INT_ATTR = new Set(["id", "parent_id", "owner_user_id"]);
const CONTROL = new Set([
  "serialization",
  "breadcrumb",
  "limit",
  "offset",
  "order",
  "root",
  "client",
]);

export async function searchResources(app: AppContext, actor: Actor, q: URLSearchParams) {
  const f: SearchFilter = { where: [], resmeta: [] };
  for (const [key, value] of q) {
    if (CONTROL.has(key)) continue;
    const rm = /^resmeta__(has|json|like|ilike)\[(.+)\]$/.exec(key);
    if (rm) {
      f.resmeta.push({ key: rm[2]!, op: rm[1] as "has", value });
      continue;
    }
    const m = /^([a-z_]+?)(?:__(eq|in|like|ilike|recursive))?$/.exec(key);
    const column = m ? ATTR[m[1]!] : undefined;
    if (!m || !column) throw new ValidationError(`Unknown search parameter '${key}'.`);
    const op = m[2] ?? "eq";
    const conv = (v: string) => (INT_ATTR.has(column) ? parseInt32(v, key)! : v);
    if (op === "recursive") {
      f.root = parseInt32(value, key, { min: 0 });
    } else if (op === "in") {
      f.where.push({ column, op: "in", value: value === "" ? [] : value.split(",").map(conv) });
    } else if (op === "like" || op === "ilike") {
      f.where.push({ column, op, value });
    } else {
      f.where.push({
        column,
        op: "eq",
        value: value === "null" && column === "parent_id" ? null : conv(value),
      });
    }
  }
  const root = q.get("root");
  if (root !== null) f.root = parseInt32(root, "root", { min: 0 });
  const order = q.get("order");
  if (order) {
    f.order = order.split(",").map((o) => {
      const desc = o.startsWith("-");
      const name = o.replace(/^[-+ ]/, "");
      const column = ATTR[name];
      if (!column) throw new ValidationError(`Unknown order attribute '${name}'.`);
      return { column, desc };
    });
  }
  const serialization = q.get("serialization") ?? "resource";
  if (serialization !== "resource" && serialization !== "full") {
    throw new ValidationError("serialization must be 'resource' or 'full'.");
  }
  const found = await app.catalog.search(actor, f);
  const limit = parseInt32(q.get("limit") ?? undefined, "limit", { min: 0 });
  const offset = parseInt32(q.get("offset") ?? undefined, "offset", { min: 0 }) ?? 0;
  const page = limit === undefined ? found.slice(offset) : found.slice(offset, offset + limit);
  const items = await Promise.all(
    page.map(async ({ row, perms }) => {
      const doc = await app.catalog.describeRow(actor, row, perms, serialization === "full");
      return serialization === "full" ? doc : { resource: doc.resource };
    }),
  );
  const legacy = !q.has("breadcrumb") && !q.has("limit") && !q.has("offset") && !q.has("order");
  if (legacy) return items;
  const out: Record<string, unknown> = {
    items,
    total_count: found.length,
    limit: limit ?? null,
    offset,
    order: order ?? null,
  };
  if (parseBool(q.get("breadcrumb") ?? undefined, "breadcrumb", false)) out.breadcrumb = [];
  return out;
}
