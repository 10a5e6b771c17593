/**
 * @module LibsqlSource: SpatiaLite-style layer storage in the catalog's libSQL database. One table
 * per layer (typed columns, WKB `geom`, exact bbox columns) with an R*Tree `<table>_rtree` kept
 * in step by triggers; editable, every edit call atomic. The caller owns transactions: pass a
 * client or an open transaction as the Executor.
 */
import type { InValue, Row } from "@libsql/client";
import { bboxOf } from "../geometry/bbox.ts";
import { intersectsWith } from "../geometry/intersects.ts";
import type { BBox } from "../geometry/types.ts";
import { decodeWkb } from "../geometry/wkb.ts";
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
import {
  ident,
  type LayerTableSpec,
  orderSql,
  type Resolver,
  resolver,
  whereSql,
} from "./libsql-sql.ts";
import { type Executor, insertStmt, updateStmt } from "./libsql-write.ts";
import { fromSql } from "./values.ts";

export type { LayerTableSpec } from "./libsql-sql.ts";
// The layer-table API lives in one place for callers (catalog, importers).
export {
  addColumn,
  bulkInsert,
  createLayerTable,
  dropColumn,
  dropLayerTable,
  type Executor,
} from "./libsql-write.ts";
export { UnknownFieldError };

/** Rows fetched per page when streaming. */
const PAGE = 1000;

// ---- reading ----------------------------------------------------------------------------------

interface Select {
  sql: string;
  args: InValue[];
  decode: (r: Row) => Feature;
}

export class LibsqlSource implements EditableSource {
  private readonly resolve: Resolver;

  constructor(
    private readonly exec: Executor,
    private readonly spec: LayerTableSpec,
  ) {
    ident(spec.table);
    this.resolve = resolver(spec);
  }

  async info(): Promise<SourceInfo> {
    return {
      srs: this.spec.srs,
      geometryType: this.spec.geometryType,
      fields: this.spec.fields.map((f) => ({ keyname: f.keyname, datatype: f.datatype })),
    };
  }

  /** SELECT list and row decoder for the requested fields; BIGINT read as TEXT (number intMode). */
  private select(
    q: FeatureQuery,
    withGeom: boolean,
  ): Omit<Select, "sql" | "args"> & { list: string } {
    const names = q.fields ?? this.spec.fields.map((f) => f.keyname);
    const fields = names
      .filter((n) => n !== "id")
      .map((n) => {
        const { col, type } = this.resolve(n);
        return {
          n,
          type: type as FieldType,
          expr: type === "BIGINT" ? `CAST(${col} AS TEXT)` : col,
        };
      });
    const list = ["t.id", withGeom ? "t.geom" : "NULL", ...fields.map((f) => f.expr)].join(", ");
    const decode = (r: Row): Feature => {
      const out: Record<string, FieldValue> = {};
      fields.forEach((f, i) => {
        out[f.n] = fromSql(f.type, r[i + 2]);
      });
      const g = r[1];
      return {
        id: Number(r[0]),
        geom: g ? decodeWkb(new Uint8Array(g as ArrayBuffer)) : null,
        fields: out,
      };
    };
    return { list, decode };
  }

  private paging(q: FeatureQuery): { offset: number; limit: number } {
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
   * Streams rows matching the SQL part of the query in pages: keyset on id when ordered by id
   * only, LIMIT/OFFSET pages otherwise. `sqlOffset`/`sqlLimit` apply in SQL.
   */
  private async *rows(
    q: FeatureQuery,
    withGeom: boolean,
    sqlOffset: number,
    sqlLimit: number,
  ): AsyncGenerator<Feature> {
    const { list, decode } = this.select(q, withGeom);
    const w = whereSql(this.spec, q, this.resolve);
    const order = orderSql(q, this.resolve);
    const byIdOnly = !q.order?.length || (q.order.length === 1 && q.order[0]!.field === "id");
    const desc = byIdOnly && q.order?.[0]?.desc === true;
    const from = `SELECT ${list} FROM ${ident(this.spec.table)} AS t`;
    let last: number | null = null;
    let offset = sqlOffset;
    let left = sqlLimit;
    while (left > 0) {
      if (q.signal?.aborted) return;
      const page = Math.min(PAGE, left);
      const conds = [...w.sql];
      const args = [...w.args];
      if (byIdOnly && last !== null) {
        conds.push(desc ? "t.id < ?" : "t.id > ?");
        args.push(last);
      }
      const where = conds.length ? ` WHERE ${conds.join(" AND ")}` : "";
      const rs = await this.exec.execute({
        sql: `${from}${where} ${order} LIMIT ? OFFSET ?`,
        args: [...args, page, offset],
      });
      for (const r of rs.rows) {
        if (q.signal?.aborted) return;
        yield decode(r);
      }
      left -= rs.rows.length;
      if (rs.rows.length < page) return;
      if (byIdOnly) {
        last = Number(rs.rows[rs.rows.length - 1]![0]);
        offset = 0;
      } else offset += rs.rows.length;
    }
  }

  async *query(q: FeatureQuery = {}): AsyncGenerator<Feature> {
    const { offset, limit } = this.paging(q);
    if (limit === 0) return;
    const withGeom = q.geom !== false;
    if (!q.intersects) {
      yield* this.rows(q, withGeom, offset, limit);
      return;
    }
    // Exact test in JS on bbox candidates, so paging counts only features that pass it.
    const test = intersectsWith(q.intersects);
    let skipped = 0;
    let sent = 0;
    for await (const f of this.rows(q, true, 0, Number.POSITIVE_INFINITY)) {
      if (!f.geom || !test(f.geom)) continue;
      if (skipped++ < offset) continue;
      if (!withGeom) f.geom = null;
      yield f;
      if (++sent >= limit) return;
    }
  }

  async count(q: FeatureQuery = {}): Promise<number> {
    const all = { ...q, order: undefined, limit: undefined, offset: undefined, fields: [] };
    if (q.intersects) {
      let n = 0;
      for await (const _ of this.query(all)) n++;
      return n;
    }
    const w = whereSql(this.spec, all, this.resolve);
    const where = w.sql.length ? ` WHERE ${w.sql.join(" AND ")}` : "";
    const rs = await this.exec.execute({
      sql: `SELECT count(*) FROM ${ident(this.spec.table)} AS t${where}`,
      args: w.args,
    });
    return Number(rs.rows[0]![0]);
  }

  async extent(q: FeatureQuery = {}): Promise<BBox | null> {
    const all = { ...q, order: undefined, limit: undefined, offset: undefined, fields: [] };
    if (q.intersects) {
      let b: BBox | null = null;
      for await (const f of this.query(all)) {
        const fb = f.geom ? bboxOf(f.geom) : null;
        if (fb)
          b = b
            ? [
                Math.min(b[0], fb[0]),
                Math.min(b[1], fb[1]),
                Math.max(b[2], fb[2]),
                Math.max(b[3], fb[3]),
              ]
            : fb;
      }
      return b;
    }
    const w = whereSql(this.spec, all, this.resolve);
    const where = w.sql.length ? ` WHERE ${w.sql.join(" AND ")}` : "";
    const rs = await this.exec.execute({
      sql: `SELECT min(t.geom_minx), min(t.geom_miny), max(t.geom_maxx), max(t.geom_maxy) FROM ${ident(this.spec.table)} AS t${where}`,
      args: w.args,
    });
    const r = rs.rows[0]!;
    return r[0] === null || r[0] === undefined
      ? null
      : [Number(r[0]), Number(r[1]), Number(r[2]), Number(r[3])];
  }

  // ---- editing --------------------------------------------------------------------------------

  async insert(features: FeatureInput[]): Promise<number[]> {
    if (!features.length) return [];
    const rs = await this.exec.batch(
      features.map((f) => insertStmt(this.spec, f)),
      "write",
    );
    return rs.map((r) => Number(r.rows[0]![0]));
  }

  async update(id: number, feature: FeatureInput): Promise<boolean> {
    const rs = await this.exec.execute(updateStmt(this.spec, id, feature));
    return rs.rows.length > 0;
  }

  async delete(ids: number[]): Promise<number[]> {
    if (!ids.length) return [];
    const rs = await this.exec.execute({
      sql: `DELETE FROM ${ident(this.spec.table)} WHERE id IN (SELECT value FROM json_each(?)) RETURNING id`,
      args: [JSON.stringify(ids.filter(Number.isSafeInteger))],
    });
    return rs.rows.map((r) => Number(r[0])).sort((a, b) => a - b);
  }

  async deleteAll(): Promise<void> {
    await this.exec.batch(
      [`DELETE FROM ${ident(this.spec.table)}`, `DELETE FROM ${ident(`${this.spec.table}_rtree`)}`],
      "write",
    );
  }

  /**
   * All operations in one write batch (atomic on a client; inside the caller's transaction
   * otherwise). Updates and deletes of missing features are found before anything is written.
   */
  async batch(ops: BatchOp[]): Promise<number[]> {
    if (!ops.length) return [];
    const stmts = ops.map((op) =>
      op.op === "insert"
        ? insertStmt(this.spec, op.feature, op.id)
        : op.op === "update"
          ? updateStmt(this.spec, op.id, op.feature)
          : {
              sql: `DELETE FROM ${ident(this.spec.table)} WHERE id = ? RETURNING id`,
              args: [op.id],
            },
    );
    await this.checkExisting(ops);
    const rs = await this.exec.batch(stmts, "write");
    return rs.map((r, i) => {
      const row = r.rows[0];
      const op = ops[i]!;
      if (!row && op.op !== "insert") throw new MissingFeatureError(op.id);
      return Number(row?.[0] ?? (op as { id: number }).id);
    });
  }

  private async checkExisting(ops: BatchOp[]): Promise<void> {
    const wanted = new Set<number>();
    const made = new Set<number>();
    const gone = new Set<number>();
    for (const op of ops) {
      if (op.op === "insert") {
        if (op.id !== undefined) made.add(op.id);
        continue;
      }
      // Touching a feature an earlier op of this batch deleted fails before anything is written.
      if (gone.has(op.id)) throw new MissingFeatureError(op.id);
      const fromDb = !made.has(op.id);
      if (op.op === "delete") {
        gone.add(op.id);
        made.delete(op.id);
      }
      if (fromDb) {
        if (!Number.isSafeInteger(op.id)) throw new MissingFeatureError(op.id);
        wanted.add(op.id);
      }
    }
    if (!wanted.size) return;
    const rs = await this.exec.execute({
      sql: `SELECT id FROM ${ident(this.spec.table)} WHERE id IN (SELECT value FROM json_each(?))`,
      args: [JSON.stringify([...wanted])],
    });
    const found = new Set(rs.rows.map((r) => Number(r[0])));
    for (const id of wanted) if (!found.has(id)) throw new MissingFeatureError(id);
  }
}
