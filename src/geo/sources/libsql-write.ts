/**
 * @module Writing libSQL layer tables: DDL (create, drop, field editor columns), per-feature
 * INSERT/UPDATE statements and the multi-row bulk insert. Only validated identifiers and `?`
 * parameters reach SQL.
 */
import type { Client, InStatement, InValue } from "@libsql/client";
import { bboxOf } from "../geometry/bbox.ts";
import type { Geometry } from "../geometry/types.ts";
import { encodeWkb } from "../geometry/wkb.ts";
import { UnknownFieldError } from "./errors.ts";
import type { FeatureInput, FieldType } from "./feature-source.ts";
import { createTableSql, fieldColumn, ident, type LayerTableSpec, sqlType } from "./libsql-sql.ts";
import { coerceValue, toSql } from "./values.ts";

/** A libSQL client or an open transaction. */
export type Executor = Pick<Client, "execute" | "batch">;

export async function createLayerTable(exec: Executor, spec: LayerTableSpec): Promise<void> {
  const stmts = createTableSql(spec);
  for (const sql of stmts) await exec.execute(sql);
}

export async function dropLayerTable(exec: Executor, table: string): Promise<void> {
  // Dropping the table drops its triggers too.
  await exec.execute(`DROP TABLE IF EXISTS ${ident(`${table}_rtree`)}`);
  await exec.execute(`DROP TABLE IF EXISTS ${ident(table)}`);
}

/** Adds a field column (the field editor); existing rows get NULL. */
export async function addColumn(
  exec: Executor,
  table: string,
  field: { column: string; datatype: FieldType; keyname?: string },
): Promise<void> {
  await exec.execute(
    `ALTER TABLE ${ident(table)} ADD COLUMN ${fieldColumn(field.column)} ${sqlType(field.datatype)}`,
  );
}

export async function dropColumn(exec: Executor, table: string, column: string): Promise<void> {
  await exec.execute(`ALTER TABLE ${ident(table)} DROP COLUMN ${fieldColumn(column)}`);
}

// ---- writing ----------------------------------------------------------------------------------

interface Prepared {
  geom: InValue[] | undefined;
  cols: string[];
  vals: InValue[];
}

function geomArgs(g: Geometry | null): InValue[] {
  if (!g) return [null, null, null, null, null];
  const b = bboxOf(g);
  return [encodeWkb(g), b?.[0] ?? null, b?.[1] ?? null, b?.[2] ?? null, b?.[3] ?? null];
}

const GEOM_COLS = ["geom", "geom_minx", "geom_miny", "geom_maxx", "geom_maxy"];

// Per-spec keyname lookup, built once: prepare() runs for every row of a bulk insert.
const keyMaps = new WeakMap<LayerTableSpec, Map<string, LayerTableSpec["fields"][number]>>();

/** Coerces an input against the schema: all fields (insert) or only the given ones (update). */
function prepare(spec: LayerTableSpec, f: FeatureInput, all: boolean): Prepared {
  let byKey = keyMaps.get(spec);
  if (!byKey) keyMaps.set(spec, (byKey = new Map(spec.fields.map((d) => [d.keyname, d]))));
  const given = f.fields ?? {};
  for (const k of Object.keys(given)) if (!byKey.has(k)) throw new UnknownFieldError(k);
  const cols: string[] = [];
  const vals: InValue[] = [];
  for (const d of spec.fields) {
    if (!all && !(d.keyname in given)) continue;
    cols.push(fieldColumn(d.column));
    vals.push(toSql(d.datatype, coerceValue(d.datatype, given[d.keyname], d.keyname)) as InValue);
  }
  return { geom: f.geom === undefined ? undefined : geomArgs(f.geom), cols, vals };
}

export function insertStmt(spec: LayerTableSpec, f: FeatureInput, id?: number): InStatement {
  const p = prepare(spec, f, true);
  const cols = [...(id !== undefined ? ["id"] : []), ...GEOM_COLS, ...p.cols];
  const args = [...(id !== undefined ? [id] : []), ...(p.geom ?? geomArgs(null)), ...p.vals];
  return {
    sql: `INSERT INTO ${ident(spec.table)} (${cols.join(", ")}) VALUES (${cols.map(() => "?").join(", ")}) RETURNING id`,
    args,
  };
}

export function updateStmt(spec: LayerTableSpec, id: number, f: FeatureInput): InStatement {
  const p = prepare(spec, f, false);
  const sets = [...(p.geom ? GEOM_COLS : []), ...p.cols].map((c) => `${c} = ?`);
  if (!sets.length) return { sql: `SELECT id FROM ${ident(spec.table)} WHERE id = ?`, args: [id] };
  return {
    sql: `UPDATE ${ident(spec.table)} SET ${sets.join(", ")} WHERE id = ? RETURNING id`,
    args: [...(p.geom ?? []), ...p.vals, id],
  };
}

/**
 * Inserts a stream of features with multi-row INSERTs (a few hundred rows each, bounded by
 * SQLite's parameter limit). Atomic only inside the caller's transaction; returns the count.
 */
export async function bulkInsert(
  exec: Executor,
  spec: LayerTableSpec,
  features: AsyncIterable<FeatureInput> | Iterable<FeatureInput>,
  onProgress?: (n: number) => void,
): Promise<number> {
  const width = GEOM_COLS.length + spec.fields.length;
  const perStmt = Math.max(1, Math.min(500, Math.floor(30000 / width)));
  const cols = [...GEOM_COLS, ...spec.fields.map((f) => fieldColumn(f.column))].join(", ");
  const row = `(${new Array(width).fill("?").join(",")})`;
  const head = `INSERT INTO ${ident(spec.table)} (${cols}) VALUES `;
  const full = head + new Array(perStmt).fill(row).join(",");
  let args: InValue[] = [];
  let rows = 0;
  let total = 0;
  const flush = async () => {
    if (!rows) return;
    await exec.execute({
      sql: rows === perStmt ? full : head + new Array(rows).fill(row).join(","),
      args,
    });
    total += rows;
    rows = 0;
    args = [];
    onProgress?.(total);
  };
  for await (const f of features) {
    const p = prepare(spec, f, true);
    args.push(...(p.geom ?? geomArgs(null)), ...p.vals);
    if (++rows === perStmt) await flush();
  }
  await flush();
  return total;
}
