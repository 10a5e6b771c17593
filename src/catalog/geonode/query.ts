/**
 * @module dynamic-rest list semantics of GeoNode API v2 (reference Part B.1.2-B.1.3) over
 * already ACL-filtered documents: `filter{field[.op]}`, `filter{-field}`, `search` with
 * `search_fields`, `sort[]`, `page`/`page_size`. Field names are checked against a whitelist
 * per endpoint, so nothing a client sends ever reaches SQL or an arbitrary property path.
 */
import { CatalogError } from "../errors.ts";

export type Doc = Record<string, unknown>;

/** A bad list parameter; GeoNode answers it with 400 and code `invalid`. */
export class GeonodeQueryError extends CatalogError {
  override readonly status = 400;
}

/** GeoNode's "Invalid page." (DRF NotFound) for a page past the end. */
export class InvalidPage extends CatalogError {
  override readonly status = 404;
  override readonly code = "not_found";
}

export interface ListSpec {
  /** Dotted paths clients may filter and search on, e.g. "owner.username". */
  filterable: readonly string[];
  sortable: readonly string[];
  defaultSort: readonly string[];
  defaultSearch: readonly string[];
}

type Op =
  | "eq"
  | "in"
  | "icontains"
  | "contains"
  | "startswith"
  | "istartswith"
  | "endswith"
  | "iendswith"
  | "iexact"
  | "gt"
  | "gte"
  | "lt"
  | "lte"
  | "isnull";
const OPS = new Set<string>([
  "eq",
  "exact",
  "in",
  "icontains",
  "contains",
  "startswith",
  "istartswith",
  "endswith",
  "iendswith",
  "iexact",
  "gt",
  "gte",
  "lt",
  "lte",
  "isnull",
]);

interface Filter {
  path: string;
  op: Op;
  negate: boolean;
  values: string[];
}

export interface ListQuery {
  filters: Filter[];
  search: { terms: string[]; fields: string[] } | null;
  sort: { path: string; desc: boolean }[];
  page: number;
  pageSize: number;
}

/** The largest page served; MapStore asks for 9999 or 99999 and gets this many per page. */
export const MAX_PAGE_SIZE = 1000;
/** Beyond this a page_size is nonsense rather than "everything", and is refused. */
const ABSURD_PAGE_SIZE = 100_000;

const FILTER_KEY = /^filter\{(-?)([A-Za-z_][A-Za-z0-9_.]{0,100})\}$/;

function positiveInt(name: string, raw: string | undefined, dflt: number): number {
  if (raw === undefined || raw === "") return dflt;
  if (!/^\d{1,12}$/.test(raw) || Number(raw) < 1)
    throw new GeonodeQueryError(`Invalid ${name}: must be a positive integer.`);
  return Number(raw);
}

/** Parses the query string; keys lose a trailing `[]` (axios sends `sort[]`, `filter{x.in}[]`). */
export function parseListQuery(params: Iterable<[string, string]>, spec: ListSpec): ListQuery {
  const byKey = new Map<string, string[]>();
  for (const [k0, v] of params) {
    const k = k0.endsWith("[]") ? k0.slice(0, -2) : k0;
    const list = byKey.get(k) ?? [];
    list.push(v);
    byKey.set(k, list);
  }
  const filters: Filter[] = [];
  for (const [k, values] of byKey) {
    if (!k.startsWith("filter{")) continue;
    const m = FILTER_KEY.exec(k);
    if (!m) throw new GeonodeQueryError(`Invalid filter field: ${k.slice(7, 107)}`);
    const negate = m[1] === "-";
    let path = m[2]!;
    let op = "eq";
    const dot = path.lastIndexOf(".");
    if (dot > 0 && OPS.has(path.slice(dot + 1))) {
      op = path.slice(dot + 1);
      path = path.slice(0, dot);
    }
    if (path === "id") path = "pk";
    if (!spec.filterable.includes(path))
      throw new GeonodeQueryError(`Invalid filter field: ${path}`);
    const vals = op === "in" ? values.flatMap((v) => v.split(",")) : values;
    filters.push({ path, op: (op === "exact" ? "eq" : op) as Op, negate, values: vals });
  }
  const sortRaw = [...(byKey.get("sort") ?? []), ...(byKey.get("ordering") ?? [])].flatMap((s) =>
    s.split(","),
  );
  const sort = (sortRaw.length > 0 ? sortRaw : spec.defaultSort).map((s) => {
    const desc = s.startsWith("-");
    let path = desc ? s.slice(1) : s;
    if (path === "id") path = "pk";
    if (!spec.sortable.includes(path))
      throw new GeonodeQueryError(`Invalid sort field: ${s.slice(0, 100)}`);
    return { path, desc };
  });
  let search: ListQuery["search"] = null;
  const text = (byKey.get("search") ?? []).join(" ").trim();
  if (text !== "") {
    const fields = byKey.get("search_fields") ?? [...spec.defaultSearch];
    for (const f of fields)
      if (!spec.filterable.includes(f))
        throw new GeonodeQueryError(`Invalid search field: ${f.slice(0, 100)}`);
    search = { terms: text.split(/\s+/).map((t) => t.toLowerCase()), fields };
  }
  const page = positiveInt("page", byKey.get("page")?.[0], 1);
  const pageSize = positiveInt("page_size", byKey.get("page_size")?.[0], 10);
  if (pageSize > ABSURD_PAGE_SIZE)
    throw new GeonodeQueryError(`Invalid page_size: at most ${ABSURD_PAGE_SIZE}.`);
  return { filters, search, sort, page, pageSize: Math.min(pageSize, MAX_PAGE_SIZE) };
}

function valueAt(doc: Doc, path: string): unknown {
  let v: unknown = doc;
  for (const part of path.split(".")) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Doc)[part];
  }
  return v;
}

const TRUE = new Set(["true", "True", "1"]);

function compare(a: unknown, b: string): number {
  if (typeof a === "number" || (typeof a === "string" && /^-?\d+(\.\d+)?$/.test(a))) {
    const n = Number(b);
    if (!Number.isNaN(n) && b.trim() !== "") return Number(a) - n;
  }
  const s = String(a);
  return s < b ? -1 : s > b ? 1 : 0;
}

function matchOne(v: unknown, op: Op, values: string[]): boolean {
  if (op === "isnull") {
    const want = TRUE.has(values[0] ?? "");
    return (v === null || v === undefined) === want;
  }
  if (v === null || v === undefined) return false;
  if (typeof v === "boolean") {
    const b = TRUE.has(values[0] ?? "");
    return op === "in" ? values.some((x) => TRUE.has(x) === v) : v === b;
  }
  const s = String(v);
  const ls = s.toLowerCase();
  const x = values[0] ?? "";
  const lx = x.toLowerCase();
  switch (op) {
    case "eq":
      return s === x;
    case "in":
      return values.includes(s);
    case "iexact":
      return ls === lx;
    case "contains":
      return s.includes(x);
    case "icontains":
      return ls.includes(lx);
    case "startswith":
      return s.startsWith(x);
    case "istartswith":
      return ls.startsWith(lx);
    case "endswith":
      return s.endsWith(x);
    case "iendswith":
      return ls.endsWith(lx);
    case "gt":
      return compare(v, x) > 0;
    case "gte":
      return compare(v, x) >= 0;
    case "lt":
      return compare(v, x) < 0;
    case "lte":
      return compare(v, x) <= 0;
  }
}

function sortKey(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  const sa = String(a);
  const sb = String(b);
  // pk is a string in GeoNode but orders as a number.
  if (/^\d+$/.test(sa) && /^\d+$/.test(sb)) return Number(sa) - Number(sb);
  return sa.localeCompare(sb);
}

/** Filters, searches and sorts; then slices the page. `total` counts only what matched. */
export function applyListQuery(docs: Doc[], q: ListQuery): { total: number; items: Doc[] } {
  let out = docs.filter((d) =>
    q.filters.every((f) => matchOne(valueAt(d, f.path), f.op, f.values) !== f.negate),
  );
  if (q.search) {
    const { terms, fields } = q.search;
    out = out.filter((d) =>
      terms.every((t) =>
        fields.some((f) =>
          String(valueAt(d, f) ?? "")
            .toLowerCase()
            .includes(t),
        ),
      ),
    );
  }
  out.sort((a, b) => {
    for (const s of q.sort) {
      const c = sortKey(valueAt(a, s.path), valueAt(b, s.path));
      if (c !== 0) return s.desc ? -c : c;
    }
    return sortKey(a.pk, b.pk);
  });
  const start = (q.page - 1) * q.pageSize;
  if (start >= out.length && q.page > 1) throw new InvalidPage("Invalid page.");
  return { total: out.length, items: out.slice(start, start + q.pageSize) };
}
