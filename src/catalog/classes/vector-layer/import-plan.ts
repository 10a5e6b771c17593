/**
 * @module Deciding what an imported layer looks like before any row is written, with NextGIS
 * Web's loader rules (vector_layer/ogrloader.py): the geometry type from the cast options and,
 * when the file does not say, from a scan of its features; the FID field; the attribute fields.
 */
import type { FixErrors } from "../../../geo/features/cast.ts";
import type { ReadFeature } from "../../../geo/formats/source.ts";
import {
  GEOMETRY_TYPES,
  type Geometry,
  type GeometryType,
  geometryTypeOf,
} from "../../../geo/geometry/types.ts";
import type { FieldDef } from "../../../geo/sources/feature-source.ts";
import { ValidationError } from "../../errors.ts";

export type Toggle = boolean | null;

export interface CastOptions {
  castGeometryType: "POINT" | "LINESTRING" | "POLYGON" | null;
  castIsMulti: Toggle;
  castHasZ: Toggle;
  skipOtherGeometryTypes: boolean;
}

const TYPES = GEOMETRY_TYPES.filter((t) => t !== "NONE");
const isMulti = (t: GeometryType) => t.startsWith("MULTI");
const hasZ = (t: GeometryType) => t.endsWith("Z");

/** The candidate types allowed by the cast options alone. */
export function initialFilter(o: CastOptions): Set<GeometryType> {
  let f = TYPES.filter((t) => o.castGeometryType === null || t.includes(o.castGeometryType));
  if (o.castIsMulti !== null) f = f.filter((t) => isMulti(t) === o.castIsMulti);
  if (o.castHasZ !== null) f = f.filter((t) => hasZ(t) === o.castHasZ);
  return new Set(f);
}

/** NGW's GeomTypeExplorer: narrows the candidates feature by feature. */
export class GeomTypeExplorer {
  multi = false;
  z = false;
  constructor(
    public filter: Set<GeometryType>,
    private readonly o: CastOptions,
  ) {}

  /** Returns true when exploring can stop. */
  explore(g: Geometry | null): boolean {
    if (!g) return false;
    if (g.type === "GeometryCollection" && g.geometries.length === 1) g = g.geometries[0]!;
    let type: GeometryType;
    try {
      type = geometryTypeOf(g);
    } catch {
      return false;
    }
    if (g.type === "GeometryCollection") return false;
    const keep = (pred: (t: GeometryType) => boolean) => {
      this.filter = new Set([...this.filter].filter(pred));
    };
    if (this.o.castGeometryType === null) {
      const family = ["POINT", "LINESTRING", "POLYGON"].find((f) => type.includes(f))!;
      keep((t) => t.includes(family));
    } else if (this.o.skipOtherGeometryTypes && !this.filter.has(type)) return false;
    if (this.o.castIsMulti === null && !this.multi && isMulti(type)) {
      keep(isMulti);
      this.multi = true;
    }
    if (this.o.castHasZ === null && !this.z && hasZ(type)) {
      keep(hasZ);
      this.z = true;
    }
    return this.filter.size <= 1;
  }

  /** The final candidates once the scan is over. */
  result(): Set<GeometryType> {
    let f = [...this.filter];
    if (this.o.castIsMulti === null && !this.multi) f = f.filter((t) => !isMulti(t));
    if (this.o.castHasZ === null && !this.z) f = f.filter((t) => !hasZ(t));
    return new Set(f);
  }
}

export function undetermined(filter: Set<GeometryType>): never {
  let msg = "Could not determine a geometry type.";
  if (filter.size === 0)
    msg +=
      " The source layer contains no suitable features, or contains features of different geometry types.";
  throw new ValidationError(msg);
}

/** Checks FID candidates: present, unique, within int32 (NGW's Uniqueness/Int32Range explorers). */
export class FidExplorer {
  private seen = new Set<number>();
  ok = true;
  constructor(readonly keyname: string) {}

  explore(f: ReadFeature): boolean {
    const v = f.fields[this.keyname];
    const n = typeof v === "string" ? Number(v) : v;
    if (typeof n !== "number" || !Number.isSafeInteger(n) || this.seen.has(n)) this.ok = false;
    else if (n <= -(2 ** 31) || n >= 2 ** 31 - 1) this.ok = false;
    else this.seen.add(n);
    return !this.ok;
  }
}

/** The first fid_field candidate that exists with an integer type. */
export function findFidField(fields: FieldDef[], names: string[]): FieldDef | null {
  for (const name of names) {
    const f = fields.find((x) => x.keyname === name);
    if (f && (f.datatype === "INTEGER" || f.datatype === "BIGINT")) return f;
  }
  return null;
}

export function fidFieldMissing(fields: FieldDef[], names: string[]): never {
  if (names.length === 0) throw new ValidationError("Parameter 'fid_field' is missing.");
  if (!names.some((n) => fields.some((f) => f.keyname === n)))
    throw new ValidationError(`Fields ${names.join(", ")} not found.`);
  throw new ValidationError(`None of fields ${names.join(", ")} are integer.`);
}

/** Source field names made usable: empty names get fld_1, duplicates get _1, _2 suffixes. */
export function uniqueKeynames(fields: FieldDef[]): { source: string; keyname: string }[] {
  const used = new Set<string>();
  return fields.map((f) => {
    let base = f.keyname.trim() === "" ? "fld_1" : f.keyname;
    if (base.length > 255) base = base.slice(0, 255);
    let name = base;
    for (let i = 1; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    return { source: f.keyname, keyname: name };
  });
}

export function parseFix(v: unknown): FixErrors {
  if (v === undefined || v === null) return "NONE";
  if (v === "NONE" || v === "SAFE" || v === "LOSSY") return v;
  throw new ValidationError("'fix_errors' must be NONE, SAFE or LOSSY.");
}
