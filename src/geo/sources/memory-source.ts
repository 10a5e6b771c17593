/**
 * @module MemorySource: an editable FeatureSource over an in-memory array, with the libSQL
 * source's semantics (evaluate.ts). For tests of other engines and small derived layers.
 */
import { bboxOf, bboxUnion } from "../geometry/bbox.ts";
import type { BBox, Geometry, GeometryType } from "../geometry/types.ts";
import { MissingFeatureError } from "./errors.ts";
import { fieldTypes, runQuery } from "./evaluate.ts";
import type {
  BatchOp,
  EditableSource,
  Feature,
  FeatureInput,
  FeatureQuery,
  FieldDef,
  FieldValue,
  SourceInfo,
} from "./feature-source.ts";
import { coerceValue } from "./values.ts";

export class MemorySource implements EditableSource {
  private rows = new Map<number, Feature>();
  private nextId = 1;

  constructor(
    private readonly meta: { srs: number; geometryType: GeometryType; fields: FieldDef[] },
    features: (FeatureInput & { id?: number })[] = [],
  ) {
    for (const f of features) this.put(f.id ?? this.nextId, this.prepare(f, null));
  }

  async info(): Promise<SourceInfo> {
    return { ...this.meta, fields: this.meta.fields.map((f) => ({ ...f })) };
  }

  private sorted(): Feature[] {
    return [...this.rows.values()].sort((a, b) => a.id - b.id);
  }

  query(q: FeatureQuery = {}): AsyncIterable<Feature> {
    return runQuery(this.meta.fields, q, this.sorted(), true);
  }

  async count(q: FeatureQuery = {}): Promise<number> {
    let n = 0;
    for await (const _ of runQuery(
      this.meta.fields,
      { ...q, limit: undefined, offset: 0, order: [], geom: true },
      this.sorted(),
      true,
    ))
      n++;
    return n;
  }

  async extent(q: FeatureQuery = {}): Promise<BBox | null> {
    let b: BBox | null = null;
    const all = { ...q, limit: undefined, offset: 0, order: [], geom: true };
    for await (const f of runQuery(this.meta.fields, all, this.sorted(), true)) {
      if (f.geom) b = bboxUnion(b, bboxOf(f.geom));
    }
    return b;
  }

  /** Validates and coerces an input against the schema; `base` is the row being updated. */
  private prepare(
    f: FeatureInput,
    base: Feature | null,
  ): { geom: Geometry | null; fields: Record<string, FieldValue> } {
    const typeOf = fieldTypes(this.meta.fields);
    const fields: Record<string, FieldValue> = base
      ? { ...base.fields }
      : Object.fromEntries(this.meta.fields.map((d) => [d.keyname, null]));
    for (const [k, v] of Object.entries(f.fields ?? {})) {
      const t = typeOf(k);
      if (t !== "ID") fields[k] = coerceValue(t, v, k);
    }
    const geom = f.geom === undefined ? (base?.geom ?? null) : f.geom;
    return { geom: geom ? structuredClone(geom) : null, fields: structuredClone(fields) };
  }

  private put(
    id: number,
    v: { geom: Geometry | null; fields: Record<string, FieldValue> },
  ): number {
    this.rows.set(id, { id, ...v });
    this.nextId = Math.max(this.nextId, id + 1);
    return id;
  }

  async insert(features: FeatureInput[]): Promise<number[]> {
    return this.batch(features.map((feature) => ({ op: "insert", feature })));
  }

  async update(id: number, feature: FeatureInput): Promise<boolean> {
    const base = this.rows.get(id);
    if (!base) return false;
    this.put(id, this.prepare(feature, base));
    return true;
  }

  async delete(ids: number[]): Promise<number[]> {
    return ids.filter((id) => this.rows.delete(id));
  }

  async deleteAll(): Promise<void> {
    this.rows.clear();
  }

  /** All-or-nothing: every op is prepared and checked against a copy before any is applied. */
  async batch(ops: BatchOp[]): Promise<number[]> {
    const rows = new Map(this.rows);
    let next = this.nextId;
    const ids: number[] = [];
    for (const op of ops) {
      if (op.op === "insert") {
        const id = op.id ?? next;
        if (rows.has(id)) throw new Error(`Feature with id = ${id} already exists.`);
        rows.set(id, { id, ...this.prepare(op.feature, null) });
        next = Math.max(next, id + 1);
        ids.push(id);
      } else if (op.op === "update") {
        const base = rows.get(op.id);
        if (!base) throw new MissingFeatureError(op.id);
        rows.set(op.id, { id: op.id, ...this.prepare(op.feature, base) });
        ids.push(op.id);
      } else {
        if (!rows.delete(op.id)) throw new MissingFeatureError(op.id);
        ids.push(op.id);
      }
    }
    this.rows = rows;
    this.nextId = next;
    return ids;
  }
}
