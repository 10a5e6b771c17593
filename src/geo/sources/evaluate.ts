/**
 * @module FeatureQuery evaluated in JavaScript, for sources without SQL (memory, FlatGeobuf):
 * the same filter, order and paging semantics as the libSQL source, over a stream of features.
 * Ordering needs every match in memory; without `order` the stream is never buffered.
 */
import { bboxIntersects, bboxOf } from "../geometry/bbox.ts";
import { intersectsWith } from "../geometry/intersects.ts";
import { FieldValueError, UnknownFieldError } from "./errors.ts";
import type {
  AttrFilter,
  Feature,
  FeatureQuery,
  FieldDef,
  FieldType,
  FieldValue,
} from "./feature-source.ts";
import {
  coerceValue,
  compareKeys,
  likeLiteral,
  likeText,
  likeToRegExp,
  sortKey,
} from "./values.ts";

type Pred = (f: Feature) => boolean;
type Key = number | bigint | string | null;

/** Field type lookup that throws UnknownFieldError; "id" is the feature id. */
export function fieldTypes(defs: FieldDef[]): (name: string) => FieldType | "ID" {
  const m = new Map(defs.map((d) => [d.keyname, d.datatype]));
  return (name) => {
    if (name === "id") return "ID";
    const t = m.get(name);
    if (!t) throw new UnknownFieldError(name);
    return t;
  };
}

function idValue(v: unknown): number {
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isSafeInteger(n)) {
    throw new FieldValueError(`Value ${JSON.stringify(v) ?? String(v)} is not a valid id.`);
  }
  return n;
}

function compileFilter(f: AttrFilter, typeOf: (n: string) => FieldType | "ID"): Pred {
  const t = typeOf(f.field);
  const get = (x: Feature): FieldValue => (t === "ID" ? x.id : (x.fields[f.field] ?? null));
  const key = (v: FieldValue): Key => (t === "ID" ? (v as number) : sortKey(t, v));
  const coerce = (v: unknown): Key => (t === "ID" ? idValue(v) : key(coerceValue(t, v, f.field)));
  if (f.op === "isnull") {
    const want = f.value === true || f.value === "true" || f.value === "yes" || f.value === 1;
    return (x) => (get(x) === null) === want;
  }
  if (f.op === "like" || f.op === "ilike") {
    const re = likeToRegExp(String(f.value ?? ""), f.op === "ilike");
    return (x) => {
      const v = get(x);
      const s = t === "ID" ? String(v) : likeText(t, v);
      return s !== null && re.test(s);
    };
  }
  if (f.op === "in" || f.op === "notin") {
    const list = (Array.isArray(f.value) ? f.value : [f.value]).map(coerce);
    const has = (k: Key) => k !== null && list.some((l) => l !== null && compareKeys(k, l) === 0);
    return f.op === "in"
      ? (x) => has(key(get(x)))
      : (x) => key(get(x)) !== null && !has(key(get(x)));
  }
  const want = f.value === null ? null : coerce(f.value);
  if (want === null) {
    // eq null / ne null read as IS NULL / IS NOT NULL; an ordering against null matches nothing.
    if (f.op === "eq") return (x) => get(x) === null;
    if (f.op === "ne") return (x) => get(x) !== null;
    return () => false;
  }
  const test: Record<string, (c: number) => boolean> = {
    eq: (c) => c === 0,
    ne: (c) => c !== 0,
    lt: (c) => c < 0,
    le: (c) => c <= 0,
    gt: (c) => c > 0,
    ge: (c) => c >= 0,
  };
  const ok = test[f.op];
  if (!ok) throw new FieldValueError(`Unknown filter operation '${f.op}'.`);
  // SQL semantics: a comparison with NULL is never true.
  return (x) => {
    const k = key(get(x));
    return k !== null && ok(compareKeys(k, want));
  };
}

/** Compiles the non-spatial and spatial conditions of a query into one predicate. */
export function compileMatch(defs: FieldDef[], q: FeatureQuery): Pred {
  const typeOf = fieldTypes(defs);
  const preds: Pred[] = (q.filter ?? []).map((f) => compileFilter(f, typeOf));
  if (q.fids) {
    const ids = new Set(q.fids.map(idValue));
    preds.push((x) => ids.has(x.id));
  }
  if (q.textSearch) {
    const ts = q.textSearch;
    const re = likeToRegExp(`%${likeLiteral(ts.value)}%`, ts.caseInsensitive);
    const fields = ts.fields.map((n) => [n, typeOf(n)] as const);
    preds.push((x) =>
      fields.some(([n, t]) => {
        const s = t === "ID" ? String(x.id) : likeText(t, x.fields[n] ?? null);
        return s !== null && re.test(s);
      }),
    );
  }
  if (q.bbox) {
    const b = q.bbox;
    preds.push((x) => {
      const gb = x.geom ? bboxOf(x.geom) : null;
      return gb !== null && bboxIntersects(gb, b);
    });
  }
  if (q.intersects) {
    const test = intersectsWith(q.intersects);
    preds.push((x) => x.geom !== null && test(x.geom));
  }
  return (x) => preds.every((p) => p(x));
}

/** Comparator for `order` with the id ascending tie-breaker. */
export function compileOrder(
  defs: FieldDef[],
  q: FeatureQuery,
): (a: Feature, b: Feature) => number {
  const typeOf = fieldTypes(defs);
  const keys = (q.order ?? []).map((o) => {
    const t = typeOf(o.field);
    const k = (x: Feature): Key => (t === "ID" ? x.id : sortKey(t, x.fields[o.field] ?? null));
    return { k, desc: o.desc };
  });
  return (a, b) => {
    for (const { k, desc } of keys) {
      const c = compareKeys(k(a), k(b));
      if (c !== 0) return desc ? -c : c;
    }
    return a.id - b.id;
  };
}

/** Projects a matched feature to the requested fields and geometry (a copy). */
export function projector(defs: FieldDef[], q: FeatureQuery): (f: Feature) => Feature {
  const typeOf = fieldTypes(defs);
  const names = q.fields ?? defs.map((d) => d.keyname);
  for (const n of names) if (n !== "id") typeOf(n);
  const withGeom = q.geom !== false;
  return (f) => {
    const fields: Record<string, FieldValue> = {};
    for (const n of names) if (n !== "id") fields[n] = f.fields[n] ?? null;
    return { id: f.id, geom: withGeom ? f.geom : null, fields };
  };
}

function checkPaging(q: FeatureQuery): { offset: number; limit: number } {
  const offset = q.offset ?? 0;
  const limit = q.limit ?? Number.POSITIVE_INFINITY;
  if (!(Number.isInteger(offset) && offset >= 0))
    throw new FieldValueError("offset must be a non-negative integer");
  if (!(limit === Number.POSITIVE_INFINITY || (Number.isInteger(limit) && limit >= 0))) {
    throw new FieldValueError("limit must be a non-negative integer");
  }
  return { offset, limit };
}

/**
 * Runs a query over a stream of candidate features (any order; already id-ascending when
 * `sortedById`): filter, order, offset/limit, projection.
 */
export async function* runQuery(
  defs: FieldDef[],
  q: FeatureQuery,
  candidates: AsyncIterable<Feature> | Iterable<Feature>,
  sortedById: boolean,
): AsyncGenerator<Feature> {
  const match = compileMatch(defs, q);
  const project = projector(defs, q);
  const { offset, limit } = checkPaging(q);
  if (limit === 0) return;
  const needSort = (q.order?.length ?? 0) > 0 || !sortedById;
  let skipped = 0;
  let sent = 0;
  if (!needSort) {
    for await (const f of candidates) {
      if (q.signal?.aborted) return;
      if (!match(f)) continue;
      if (skipped++ < offset) continue;
      yield project(f);
      if (++sent >= limit) return;
    }
    return;
  }
  const all: Feature[] = [];
  for await (const f of candidates) {
    if (q.signal?.aborted) return;
    if (match(f)) all.push(f);
  }
  all.sort(compileOrder(defs, q));
  for (const f of all.slice(offset, offset + limit)) {
    if (q.signal?.aborted) return;
    yield project(f);
  }
}
