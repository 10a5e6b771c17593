/**
 * @module The FeatureSource seam: every store of vector features (libSQL tables, FlatGeobuf
 * files, PostGIS) implements it, and every consumer (feature API, exports, MVT, rendering, WFS,
 * identify) uses only it. Writable stores also implement EditableSource (see isEditable).
 */
import type { BBox, Geometry, GeometryType } from "../geometry/types.ts";

/** NextGIS Web field types (reference/ngw.md §2.3). */
export const FIELD_TYPES = [
  "INTEGER",
  "BIGINT",
  "REAL",
  "STRING",
  "DATE",
  "TIME",
  "DATETIME",
  "BOOLEAN",
  "JSON",
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/**
 * A field value in memory. DATE is "YYYY-MM-DD", TIME "HH:MM:SS", DATETIME "YYYY-MM-DDTHH:MM:SS"
 * (no zone); BIGINT is a number when within ±2^53−1, otherwise its decimal string; JSON is the
 * parsed value; BOOLEAN is a boolean.
 */
export type FieldValue = string | number | boolean | null | Record<string, unknown> | unknown[];

export interface FieldDef {
  keyname: string;
  datatype: FieldType;
}

export interface Feature {
  id: number;
  geom: Geometry | null;
  fields: Record<string, FieldValue>;
}

export type FilterOp =
  | "eq"
  | "ne"
  | "lt"
  | "le"
  | "gt"
  | "ge"
  | "like"
  | "ilike"
  | "in"
  | "notin"
  | "isnull";

/** One attribute condition; conditions in a query are ANDed. `field` "id" means the feature id. */
export interface AttrFilter {
  field: string;
  op: FilterOp;
  /** A scalar; a list for in/notin; a boolean for isnull (true = IS NULL). */
  value: FieldValue | FieldValue[];
}

export interface FeatureQuery {
  /** Bounding-box prefilter in the source SRS (uses the spatial index). */
  bbox?: BBox;
  /** Exact intersection test in the source SRS (implies a bbox prefilter). */
  intersects?: Geometry;
  filter?: AttrFilter[];
  /** Substring search over the given text fields, ORed: %value% (like) or case-insensitive (ilike). */
  textSearch?: { value: string; caseInsensitive: boolean; fields: string[] };
  fids?: number[];
  /** Sort keys; "id" ascending is always appended as the tie-breaker so paging is stable. */
  order?: { field: string; desc: boolean }[];
  limit?: number;
  offset?: number;
  /** Attribute subset to return; undefined means all. */
  fields?: string[];
  /** Whether to return geometries (default true). */
  geom?: boolean;
  signal?: AbortSignal;
}

export interface SourceInfo {
  /** EPSG code of stored coordinates; 0 for geometry type NONE. */
  srs: number;
  geometryType: GeometryType;
  fields: FieldDef[];
}

export interface FeatureSource {
  info(): Promise<SourceInfo>;
  /** Streams matching features; stops early when the signal aborts. */
  query(q?: FeatureQuery): AsyncIterable<Feature>;
  count(q?: FeatureQuery): Promise<number>;
  /** Extent of matching geometries in the source SRS; null when there are none. */
  extent(q?: FeatureQuery): Promise<BBox | null>;
}

/** A feature to write: `geom` undefined means "leave unchanged" on update. */
export interface FeatureInput {
  geom?: Geometry | null;
  fields: Record<string, FieldValue>;
}

/** Batch edit items as NGW's PATCH: no id creates, {id, delete} deletes, otherwise updates. */
export type BatchOp =
  | { op: "insert"; feature: FeatureInput; id?: number }
  | { op: "update"; id: number; feature: FeatureInput }
  | { op: "delete"; id: number };

export interface EditableSource extends FeatureSource {
  /** Inserts and returns the new ids, in order. */
  insert(features: FeatureInput[]): Promise<number[]>;
  /** Updates one feature; throws FeatureNotFound-like errors via the result (false when missing). */
  update(id: number, feature: FeatureInput): Promise<boolean>;
  delete(ids: number[]): Promise<number[]>;
  deleteAll(): Promise<void>;
  /** Applies all operations atomically; returns the id of each item in order. */
  batch(ops: BatchOp[]): Promise<number[]>;
}

export function isEditable(src: FeatureSource): src is EditableSource {
  return typeof (src as Partial<EditableSource>).batch === "function";
}
