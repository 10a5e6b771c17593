/**
 * @module PostgisSource: a table in someone's PostGIS database served through the FeatureSource
 * seam, in place. Box filters are `geom && ST_MakeEnvelope(…)` (the GiST index answers them),
 * exact tests are ST_Intersects, geometries travel as WKB (ST_AsBinary / ST_GeomFromWKB), and
 * every edit call is one PostgreSQL transaction. The driver is Bun's built-in SQL client
 * (`import { SQL } from "bun"`): no dependency, no native addon, so it lives inside the single
 * executable; it binds parameters, runs transactions and hands bytea back as bytes.
 */
import type { SQL } from "bun";
import type { BBox, Geometry } from "../geometry/types.ts";
import { toMulti } from "../geometry/types.ts";
import { decodeWkb, encodeWkb } from "../geometry/wkb.ts";
import { FieldValueError, MissingFeatureError, UnknownFieldError } from "./errors.ts";
import type {
  BatchOp,
  EditableSource,
  Feature,
  FeatureInput,
  FeatureQuery,
  FieldType,
  FieldValue,
  SourceInfo,
} from "./feature-source.ts";
import type { PgEditSession } from "./postgis-session.ts";
import {
  orderSql,
  Params,
  type PgTableSpec,
  pgValue,
  quoteIdent,
  type Resolver,
  resolver,
  selectExpr,
  tableRef,
  whereSql,
} from "./postgis-sql.ts";
import { coerceValue, fromSql } from "./values.ts";

export type { PgTableSpec } from "./postgis-sql.ts";

/** Rows fetched per round trip when streaming. */
const PAGE = 1000;

/** Anything that runs a parameterised statement: the pool or an open transaction. */
type Runner = Pick<SQL, "unsafe">;

/** The database is unreachable or refused us: a 4xx with a clear message, never a hang. */
export class PostgisConnectionError extends Error {
  readonly status = 422;
  override readonly name = "PostgisConnectionError";
}

/** The table no longer matches the layer (dropped, renamed column, revoked grant). */
export class PostgisTableError extends Error {
  readonly status = 422;
  override readonly name = "PostgisTableError";
}

/**
 * Turns driver errors into source errors with a status hint: bad data (SQLSTATE classes 22 and
 * 23: wrong type, constraint violated) is the caller's fault, a table that changed under the
 * layer (class 42) and connection trouble are reported as such. Anything else stays as it is.
 */
export function pgError(err: unknown): unknown {
  if (!(err instanceof Error) || "status" in err) return err;
  const e = err as Error & { code?: string; errno?: string };
  const state = typeof e.errno === "string" ? e.errno : "";
  if (state.startsWith("22") || state.startsWith("23")) return new FieldValueError(e.message);
  // 42: the table, a column or the right to use them is gone (changed since the layer was made).
  if (state.startsWith("42"))
    return new PostgisTableError(`The PostGIS table cannot be used as described: ${e.message}`);
  if (state.startsWith("28") || state === "3D000")
    return new PostgisConnectionError(`Cannot connect to the database: ${e.message}`);
  if (typeof e.code === "string" && /CONNECTION|TIMEOUT|TLS|SSL|AUTH/.test(e.code))
    return new PostgisConnectionError(`Cannot connect to the database: ${e.message}`);
  return err;
}

async function run<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw pgError(err);
  }
}

export class PostgisSource implements EditableSource {
  private readonly resolve: Resolver;
  private readonly table: string;
  private readonly id: string;

  /**
   * With a session, every statement (reads too, so an edit sees its own writes) runs in the
   * session's transaction and each edit call is a savepoint in it; without one, each edit call
   * is a transaction of its own.
   */
  constructor(
    private readonly sql: SQL,
    private readonly spec: PgTableSpec,
    private readonly session?: PgEditSession,
  ) {
    this.resolve = resolver(spec);
    this.table = tableRef(spec);
    this.id = quoteIdent(spec.idColumn);
  }

  private async runner(): Promise<Runner> {
    return this.session ? this.session.tx() : this.sql;
  }

  async info(): Promise<SourceInfo> {
    return {
      srs: this.spec.geomColumn ? this.spec.srs : 0,
      geometryType: this.spec.geomColumn ? this.spec.geometryType : "NONE",
      fields: this.spec.fields.map((f) => ({ keyname: f.keyname, datatype: f.datatype })),
    };
  }

  private paging(q: FeatureQuery): { offset: number; limit: number } {
    const offset = q.offset ?? 0;
    const limit = q.limit ?? Number.POSITIVE_INFINITY;
    if (!(Number.isInteger(offset) && offset >= 0))
      throw new FieldValueError("offset must be a non-negative integer");
    if (!(limit === Number.POSITIVE_INFINITY || (Number.isInteger(limit) && limit >= 0)))
      throw new FieldValueError("limit must be a non-negative integer");
    return { offset, limit };
  }

  /** SELECT list and row decoder of the requested fields. */
  private select(q: FeatureQuery) {
    const names = (q.fields ?? this.spec.fields.map((f) => f.keyname)).filter((n) => n !== "id");
    const cols = names.map((n) => ({ n, c: this.resolve(n) }));
    const g =
      q.geom !== false && this.spec.geomColumn
        ? `ST_AsBinary(t.${quoteIdent(this.spec.geomColumn)})`
        : "NULL::bytea";
    const list = [`t.${this.id}::bigint AS "id"`, `${g} AS "geom"`]
      .concat(cols.map(({ c }, i) => `${selectExpr(c)} AS "f${i}"`))
      .join(", ");
    const decode = (r: Record<string, unknown>): Feature => {
      const fields: Record<string, FieldValue> = {};
      cols.forEach(({ n, c }, i) => {
        fields[n] = fromSql(c.type as FieldType, r[`f${i}`]);
      });
      const g = r.geom as Uint8Array | null;
      return { id: Number(r.id), geom: g ? decodeWkb(new Uint8Array(g)) : null, fields };
    };
    return { list, decode };
  }

  /**
   * Streams in pages: keyset on the id when ordered by id only (each page is an index range
   * scan), LIMIT/OFFSET pages otherwise. Pages keep no connection or cursor open between reads,
   * so a client that stops reading holds nothing in the database.
   */
  async *query(q: FeatureQuery = {}): AsyncGenerator<Feature> {
    const { offset, limit } = this.paging(q);
    if (limit === 0) return;
    const { list, decode } = this.select(q);
    const order = orderSql(this.spec, q, this.resolve);
    const byIdOnly = !q.order?.length || (q.order.length === 1 && q.order[0]!.field === "id");
    const desc = byIdOnly && q.order?.[0]?.desc === true;
    let last: number | null = null;
    let skip = offset;
    let left = limit;
    while (left > 0) {
      if (q.signal?.aborted) return;
      const p = new Params();
      const conds = whereSql(this.spec, q, this.resolve, p);
      if (byIdOnly && last !== null) conds.push(`t.${this.id} ${desc ? "<" : ">"} ${p.add(last)}`);
      const where = conds.length ? ` WHERE ${conds.join(" AND ")}` : "";
      const page = Math.min(PAGE, left);
      const text = `SELECT ${list} FROM ${this.table} AS t${where} ${order} LIMIT ${p.add(page)} OFFSET ${p.add(skip)}`;
      const db = await run(() => this.runner());
      const rows = (await run(() => db.unsafe(text, p.values))) as Record<string, unknown>[];
      for (const r of rows) {
        if (q.signal?.aborted) return;
        yield decode(r);
      }
      left -= rows.length;
      if (rows.length < page) return;
      if (byIdOnly) {
        last = Number(rows[rows.length - 1]!.id);
        skip = 0;
      } else skip += rows.length;
    }
  }

  private where(q: FeatureQuery, p: Params): string {
    const conds = whereSql(this.spec, q, this.resolve, p);
    return conds.length ? ` WHERE ${conds.join(" AND ")}` : "";
  }

  async count(q: FeatureQuery = {}): Promise<number> {
    const p = new Params();
    const text = `SELECT count(*)::bigint AS n FROM ${this.table} AS t${this.where(q, p)}`;
    const db = await run(() => this.runner());
    const rows = await run(() => db.unsafe(text, p.values));
    return Number(rows[0].n);
  }

  async extent(q: FeatureQuery = {}): Promise<BBox | null> {
    if (!this.spec.geomColumn) return null;
    const p = new Params();
    const g = `t.${quoteIdent(this.spec.geomColumn)}`;
    // ST_Extent is float4-rounded outward (box2d); min/max of the exact per-row bounds is not.
    const text = `SELECT min(ST_XMin(${g})) AS a, min(ST_YMin(${g})) AS b, max(ST_XMax(${g})) AS c, max(ST_YMax(${g})) AS d FROM ${this.table} AS t${this.where(q, p)}`;
    const db = await run(() => this.runner());
    const r = (await run(() => db.unsafe(text, p.values)))[0];
    return r.a === null ? null : [Number(r.a), Number(r.b), Number(r.c), Number(r.d)];
  }

  // ---- editing: each call is one transaction ----------------------------------------------------

  /** Column list and placeholders for the given input (geometry as WKB in the column's SRID). */
  private assignments(f: FeatureInput, p: Params): { cols: string[]; vals: string[] } {
    const cols: string[] = [];
    const vals: string[] = [];
    const byKey = new Map(this.spec.fields.map((x) => [x.keyname, x]));
    for (const [k, v] of Object.entries(f.fields ?? {})) {
      const fd = byKey.get(k);
      if (!fd) throw new UnknownFieldError(k);
      cols.push(quoteIdent(fd.column));
      vals.push(p.add(pgValue(fd.datatype, coerceValue(fd.datatype, v, k))));
    }
    if (f.geom !== undefined) {
      if (!this.spec.geomColumn) throw new FieldValueError("The layer has no geometry column.");
      cols.push(quoteIdent(this.spec.geomColumn));
      vals.push(
        f.geom === null
          ? "NULL"
          : `ST_GeomFromWKB(${p.add(this.wkb(f.geom))}, ${p.add(this.spec.srs)})`,
      );
    }
    return { cols, vals };
  }

  /** Single geometries go into MULTI columns as one-part multis, as NGW's vector layers do. */
  private wkb(g: Geometry): Uint8Array {
    return encodeWkb(this.spec.geometryType.startsWith("MULTI") ? toMulti(g) : g);
  }

  private async insertOne(tx: Runner, f: FeatureInput, id?: number): Promise<number> {
    const p = new Params();
    const { cols, vals } = this.assignments(f, p);
    if (id !== undefined) {
      cols.unshift(this.id);
      vals.unshift(p.add(id));
    }
    const text = cols.length
      ? `INSERT INTO ${this.table} (${cols.join(", ")}) VALUES (${vals.join(", ")}) RETURNING ${this.id}::bigint AS id`
      : `INSERT INTO ${this.table} DEFAULT VALUES RETURNING ${this.id}::bigint AS id`;
    const rows = await tx.unsafe(text, p.values);
    return Number(rows[0].id);
  }

  private async updateOne(tx: Runner, id: number, f: FeatureInput): Promise<boolean> {
    const p = new Params();
    const { cols, vals } = this.assignments(f, p);
    const key = p.add(id);
    const text = cols.length
      ? `UPDATE ${this.table} SET ${cols.map((c, i) => `${c} = ${vals[i]}`).join(", ")} WHERE ${this.id} = ${key} RETURNING 1`
      : `SELECT 1 FROM ${this.table} WHERE ${this.id} = ${key}`;
    return (await tx.unsafe(text, p.values)).length > 0;
  }

  private async deleteSome(tx: Runner, ids: number[]): Promise<number[]> {
    const text = `DELETE FROM ${this.table} WHERE ${this.id} = ANY($1::bigint[]) RETURNING ${this.id}::bigint AS id`;
    const rows = await tx.unsafe(text, [ids.filter(Number.isSafeInteger)]);
    return (rows as { id: string }[]).map((r) => Number(r.id)).sort((a, b) => a - b);
  }

  private tx<T>(fn: (tx: Runner) => Promise<T>): Promise<T> {
    const session = this.session;
    if (!session) return run(() => this.sql.begin((tx) => fn(tx)) as Promise<T>);
    return run(async () => (await session.tx()).savepoint((sp) => fn(sp)) as Promise<T>);
  }

  insert(features: FeatureInput[]): Promise<number[]> {
    if (!features.length) return Promise.resolve([]);
    return this.tx(async (tx) => {
      const ids: number[] = [];
      for (const f of features) ids.push(await this.insertOne(tx, f));
      return ids;
    });
  }

  update(id: number, feature: FeatureInput): Promise<boolean> {
    if (!Number.isSafeInteger(id)) return Promise.resolve(false);
    return this.tx((tx) => this.updateOne(tx, id, feature));
  }

  delete(ids: number[]): Promise<number[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.tx((tx) => this.deleteSome(tx, ids));
  }

  async deleteAll(): Promise<void> {
    await this.tx((tx) => tx.unsafe(`DELETE FROM ${this.table}`));
  }

  /** All operations in one transaction: a missing feature or a bad value rolls back every one. */
  batch(ops: BatchOp[]): Promise<number[]> {
    if (!ops.length) return Promise.resolve([]);
    return this.tx(async (tx) => {
      const out: number[] = [];
      for (const op of ops) {
        if (op.op === "insert") out.push(await this.insertOne(tx, op.feature, op.id));
        else if (op.op === "update") {
          if (!Number.isSafeInteger(op.id) || !(await this.updateOne(tx, op.id, op.feature)))
            throw new MissingFeatureError(op.id);
          out.push(op.id);
        } else {
          if ((await this.deleteSome(tx, [op.id])).length === 0)
            throw new MissingFeatureError(op.id);
          out.push(op.id);
        }
      }
      return out;
    });
  }
}
