/**
 * @module SQL building for PostGIS tables: quoted identifiers, numbered `$n` parameters, and the
 * WHERE/ORDER clauses of a FeatureQuery. Column names come from the layer spec (inspected from
 * the database, never from a request); every value is a bound parameter. Parameters are sent
 * untyped, so PostgreSQL infers each one from the column it meets (a date string for a date
 * column, digits for a bigint).
 */

import type { BBox, GeometryType } from "../geometry/types.ts";
import { encodeWkb } from "../geometry/wkb.ts";
import { FieldValueError, UnknownFieldError } from "./errors.ts";
import type { AttrFilter, FeatureQuery, FieldType, FieldValue } from "./feature-source.ts";
import { coerceValue, likeLiteral } from "./values.ts";

export interface PgTableSpec {
  schema: string;
  table: string;
  /** Integer primary key column: the feature id. */
  idColumn: string;
  /** Geometry column; null for a table without one (geometry type NONE). */
  geomColumn: string | null;
  /** SRID of the geometry column (EPSG code). */
  srs: number;
  geometryType: GeometryType;
  fields: { keyname: string; datatype: FieldType; column: string }[];
}

/** A double-quoted PostgreSQL identifier ("" doubled); refuses empty names and NUL. */
export function quoteIdent(s: string): string {
  if (typeof s !== "string" || s.length === 0 || s.length > 63 || s.includes("\0"))
    throw new FieldValueError(`Invalid identifier ${JSON.stringify(s)}`);
  return `"${s.replaceAll('"', '""')}"`;
}

export function tableRef(spec: PgTableSpec): string {
  return `${quoteIdent(spec.schema)}.${quoteIdent(spec.table)}`;
}

/** Collects bound values; add() returns the placeholder. */
export class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

export interface Column {
  col: string;
  type: FieldType | "ID";
}

export type Resolver = (name: string) => Column;

export function resolver(spec: PgTableSpec): Resolver {
  const m = new Map(spec.fields.map((f) => [f.keyname, f]));
  return (name) => {
    if (name === "id") return { col: `t.${quoteIdent(spec.idColumn)}`, type: "ID" };
    const f = m.get(name);
    if (!f) throw new UnknownFieldError(name);
    return { col: `t.${quoteIdent(f.column)}`, type: f.datatype };
  };
}

function idValue(v: unknown): number {
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isSafeInteger(n))
    throw new FieldValueError(`Value ${JSON.stringify(v) ?? String(v)} is not a valid id.`);
  return n;
}

/** The value bound for a canonical FieldValue (JSON as its text; booleans stay booleans). */
export function pgValue(type: FieldType, v: FieldValue): unknown {
  if (v === null) return null;
  if (type === "JSON") return JSON.stringify(v);
  return v;
}

function bind(c: Column, v: unknown, field: string, p: Params): string {
  if (c.type === "ID") return p.add(idValue(v));
  return p.add(pgValue(c.type, coerceValue(c.type, v, field)));
}

/** The column as compared: JSON compares by its text (json has no equality operator). */
const cmpCol = (c: Column) => (c.type === "JSON" ? `${c.col}::text` : c.col);
const textCol = (c: Column) => (c.type === "STRING" ? c.col : `${c.col}::text`);

const OPS: Record<string, string> = { eq: "=", ne: "<>", lt: "<", le: "<=", gt: ">", ge: ">=" };
/** PostgreSQL takes at most 65535 parameters per statement. */
const MAX_LIST = 30000;

function filterSql(f: AttrFilter, resolve: Resolver, p: Params, out: string[]): void {
  const c = resolve(f.field);
  switch (f.op) {
    case "isnull": {
      const want = f.value === true || f.value === "true" || f.value === "yes" || f.value === 1;
      out.push(`${c.col} IS ${want ? "" : "NOT "}NULL`);
      return;
    }
    case "like":
    case "ilike":
      out.push(
        `${textCol(c)} ${f.op === "like" ? "LIKE" : "ILIKE"} ${p.add(String(f.value ?? ""))}`,
      );
      return;
    case "in":
    case "notin": {
      const list = (Array.isArray(f.value) ? f.value : [f.value]).filter((v) => v !== null);
      if (list.length > MAX_LIST)
        throw new FieldValueError(`Too many values in '${f.op}' (at most ${MAX_LIST}).`);
      const marks = list.map((v) => bind(c, v, f.field, p)).join(", ");
      if (f.op === "in") out.push(list.length ? `${cmpCol(c)} IN (${marks})` : "false");
      else
        out.push(
          list.length
            ? `${c.col} IS NOT NULL AND ${cmpCol(c)} NOT IN (${marks})`
            : `${c.col} IS NOT NULL`,
        );
      return;
    }
    default: {
      const op = OPS[f.op];
      if (!op) throw new FieldValueError(`Unknown filter operation '${String(f.op)}'.`);
      if (f.value === null || f.value === undefined) {
        out.push(
          f.op === "eq" ? `${c.col} IS NULL` : f.op === "ne" ? `${c.col} IS NOT NULL` : "false",
        );
        return;
      }
      // ne keeps NULLs out, as SQL's <> does in every source.
      out.push(`${cmpCol(c)} ${op} ${bind(c, f.value, f.field, p)}`);
    }
  }
}

/** The WHERE conditions of a query; the box test is `&&` so the GiST index answers it. */
export function whereSql(
  spec: PgTableSpec,
  q: FeatureQuery,
  resolve: Resolver,
  p: Params,
): string[] {
  const out: string[] = [];
  for (const f of q.filter ?? []) filterSql(f, resolve, p, out);
  if (q.fids)
    out.push(`t.${quoteIdent(spec.idColumn)} = ANY(${p.add(q.fids.map(idValue))}::bigint[])`);
  if (q.textSearch) {
    const ts = q.textSearch;
    const pattern = `%${likeLiteral(String(ts.value))}%`;
    const op = ts.caseInsensitive ? "ILIKE" : "LIKE";
    const ors = ts.fields.map((n) => `${textCol(resolve(n))} ${op} ${p.add(pattern)}`);
    out.push(ors.length ? `(${ors.join(" OR ")})` : "false");
  }
  const spatial = q.bbox !== undefined || q.intersects !== undefined;
  if (spatial && !spec.geomColumn) {
    out.push("false");
    return out;
  }
  const g = spec.geomColumn ? `t.${quoteIdent(spec.geomColumn)}` : "";
  if (q.bbox) {
    const b = q.bbox.map(Number) as BBox;
    if (!b.every(Number.isFinite))
      throw new FieldValueError("The bounding box must be four finite numbers.");
    if (b[0] > b[2] || b[1] > b[3]) out.push("false");
    else {
      const [x0, y0, x1, y1] = [p.add(b[0]), p.add(b[1]), p.add(b[2]), p.add(b[3])];
      // && answers from the GiST index on float4 boxes rounded outwards; the exact recheck on
      // the geometry's own bounds makes a box query return what every other source returns.
      out.push(
        `${g} && ST_MakeEnvelope(${x0}, ${y0}, ${x1}, ${y1}, ${p.add(spec.srs)})`,
        `ST_XMin(${g}) <= ${x1} AND ST_XMax(${g}) >= ${x0} AND ST_YMin(${g}) <= ${y1} AND ST_YMax(${g}) >= ${y0}`,
      );
    }
  }
  if (q.intersects) {
    // ST_Intersects does its own index-assisted box test first, then the exact one (holes too).
    out.push(
      `ST_Intersects(${g}, ST_GeomFromWKB(${p.add(encodeWkb(q.intersects))}, ${p.add(spec.srs)}))`,
    );
  }
  return out;
}

/** ORDER BY with the id tie-breaker; PostgreSQL already puts NULLs last ascending. */
export function orderSql(spec: PgTableSpec, q: FeatureQuery, resolve: Resolver): string {
  const keys = (q.order ?? []).map((o) => `${cmpCol(resolve(o.field))} ${o.desc ? "DESC" : "ASC"}`);
  if (!q.order?.some((o) => o.field === "id")) keys.push(`t.${quoteIdent(spec.idColumn)} ASC`);
  return `ORDER BY ${keys.join(", ")}`;
}

/** The SELECT expression of a field: types JavaScript cannot hold exactly are read as text. */
export function selectExpr(c: Column): string {
  switch (c.type) {
    case "INTEGER":
    case "BOOLEAN":
    case "STRING":
      return c.type === "STRING" ? `${c.col}::text` : c.col;
    case "REAL":
      return `${c.col}::float8`;
    case "DATETIME":
      return `to_char(${c.col}, 'YYYY-MM-DD"T"HH24:MI:SS')`;
    default:
      return `${c.col}::text`;
  }
}
