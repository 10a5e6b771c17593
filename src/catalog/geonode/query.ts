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
    if (path === "id" && !spec.filterable.includes("id")) path = "pk";
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
    if (path === "id" && !spec.filterable.includes("id")) path = "pk";
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

/** The value at a dotted path; through a list (keywords.slug) it is the list of values. */
function valueAt(doc: Doc, path: string): unknown {
  let v: unknown = doc;
  for (const part of path.split(".")) {
    if (Array.isArray(v))
      v = v.map((x) => (x && typeof x === "object" ? (x as Doc)[part] : undefined));
    else if (v === null || typeof v !== "object") return undefined;
    else v = (v as Doc)[part];
  }
  return v;
}

/** A filter on a list-valued path holds when it holds for any element (Django's join). */
function matches(v: unknown, op: Op, values: string[]): boolean {
  if (Array.isArray(v)) {
    if (op === "isnull") return (v.length === 0) === TRUE.has(values[0] ?? "");
    return v.some((x) => matchOne(x, op, values));
  }
  return matchOne(v, op, values);
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
    q.filters.every((f) => matches(valueAt(d, f.path), f.op, f.values) !== f.negate),
  );
  if (q.search) {
    const { terms, fields } = q.search;
    out = out.filter((d) =>
      terms.every((t) =>
        fields.some((f) =>
          [valueAt(d, f)].flat().some((v) =>
            String(v ?? "")
              .toLowerCase()
              .includes(t),
          ),
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

/**
 * dynamic-rest field selection: `exclude[]=field`, `exclude[]=*` then `include[]=a` (only the
 * included fields stay), and GeoNode's `api_preset` names for such sets. `include[]` of a field
 * a document lacks is ignored, as gisd computes every field anyway.
 */
export interface Projection {
  excludeAll: boolean;
  include: Set<string>;
  exclude: Set<string>;
}

/** GeoNode's REST_API_PRESETS as shipped (settings.py): names for include/exclude sets. */
const PRESETS: Record<string, { include: string[]; exclude: string[] }> = {
  bare: { exclude: ["*"], include: ["pk", "title", "resource_type"] },
  map_viewer: { exclude: ["*"], include: ["pk", "title", "data", "maplayers", "links"] },
  catalog_list: {
    exclude: ["*"],
    include: [
      "pk",
      "uuid",
      "title",
      "abstract",
      "resource_type",
      "subtype",
      "owner",
      "perms",
      "thumbnail_url",
      "detail_url",
      "created",
      "last_updated",
      "featured",
      "favorite",
      "is_published",
      "is_approved",
      "category",
      "keywords",
      "link",
      "alternate",
      "executions",
    ],
  },
};

const FIELD_NAME = /^(\*|[A-Za-z_][A-Za-z0-9_.]{0,100})$/;

export function parseProjection(params: Iterable<[string, string]>): Projection {
  const p: Projection = { excludeAll: false, include: new Set(), exclude: new Set() };
  for (const [k0, v] of params) {
    const k = k0.endsWith("[]") ? k0.slice(0, -2) : k0;
    if (k === "api_preset") {
      const preset = PRESETS[v];
      if (!preset) throw new GeonodeQueryError(`Invalid api_preset: ${v.slice(0, 100)}`);
      for (const f of preset.exclude) addField(p, "exclude", f);
      for (const f of preset.include) addField(p, "include", f);
    } else if (k === "include" || k === "exclude") {
      for (const f of v.split(",")) addField(p, k, f.trim());
    }
  }
  return p;
}

function addField(p: Projection, kind: "include" | "exclude", f: string): void {
  if (!FIELD_NAME.test(f)) throw new GeonodeQueryError(`Invalid ${kind} field: ${f.slice(0, 100)}`);
  if (kind === "exclude" && f === "*") p.excludeAll = true;
  else p[kind].add(f.split(".")[0]!);
}

export function project(doc: Doc, p: Projection): Doc {
  if (!p.excludeAll && p.exclude.size === 0) return doc;
  const out: Doc = {};
  for (const [k, v] of Object.entries(doc)) {
    if (p.excludeAll ? p.include.has(k) : !p.exclude.has(k) || p.include.has(k)) out[k] = v;
  }
  return out;
}
