/**
 * @module Geometry helpers shared by readers and writers: checking the structure of untrusted
 * GeoJSON geometry objects, naming their NGW geometry type, inferring a layer's type over a scan,
 * and envelopes. Rings are not checked for closure here: the importer validates (and with
 * fix_errors repairs) geometries with geometry/validate.ts; readers only refuse what cannot be a
 * geometry at all (wrong nesting, NaN, Infinity).
 */
import {
  type BBox,
  type Geometry,
  type GeometryType,
  hasZ,
  type Position,
} from "../geometry/types.ts";
import { FormatError } from "./errors.ts";

const MAX_GC_DEPTH = 8;

function position(p: unknown, where: string): Position {
  if (!Array.isArray(p) || p.length < 2) throw new Error(`${where}: a position needs 2-3 numbers`);
  const out: number[] = [];
  // A 4th ordinate (M) is dropped: gisd stores XY or XYZ only.
  for (let i = 0; i < Math.min(p.length, 3); i++) {
    const n = p[i];
    if (typeof n !== "number" || !Number.isFinite(n)) {
      throw new Error(
        `${where}: coordinate ${typeof n === "number" ? n : JSON.stringify(n ?? null)} is not a finite number`,
      );
    }
    out.push(n);
  }
  return out;
}

function positions(a: unknown, where: string, min: number): Position[] {
  if (!Array.isArray(a)) throw new Error(`${where}: expected an array of positions`);
  if (a.length < min) throw new Error(`${where}: needs at least ${min} positions`);
  return a.map((p) => position(p, where));
}

function nested<T>(a: unknown, where: string, each: (x: unknown) => T): T[] {
  if (!Array.isArray(a)) throw new Error(`${where}: expected an array`);
  return a.map(each);
}

function build(o: unknown, depth: number): Geometry {
  if (typeof o !== "object" || o === null || Array.isArray(o)) {
    throw new Error("geometry must be an object");
  }
  const g = o as { type?: unknown; coordinates?: unknown; geometries?: unknown };
  const c = g.coordinates;
  switch (g.type) {
    case "Point":
      // An empty array is POINT EMPTY, which GeoJSON writers (GDAL among them) produce.
      return {
        type: "Point",
        coordinates: Array.isArray(c) && c.length === 0 ? [] : position(c, "Point"),
      };
    case "MultiPoint":
      return { type: "MultiPoint", coordinates: positions(c, "MultiPoint", 0) };
    case "LineString":
      return { type: "LineString", coordinates: positions(c, "LineString", 0) };
    case "MultiLineString":
      return {
        type: "MultiLineString",
        coordinates: nested(c, "MultiLineString", (l) => positions(l, "MultiLineString", 0)),
      };
    case "Polygon":
      return {
        type: "Polygon",
        coordinates: nested(c, "Polygon", (r) => positions(r, "Polygon", 0)),
      };
    case "MultiPolygon":
      return {
        type: "MultiPolygon",
        coordinates: nested(c, "MultiPolygon", (p) =>
          nested(p, "MultiPolygon", (r) => positions(r, "MultiPolygon", 0)),
        ),
      };
    case "GeometryCollection":
      if (depth >= MAX_GC_DEPTH) throw new Error("GeometryCollection nested too deeply");
      return {
        type: "GeometryCollection",
        geometries: nested(g.geometries, "GeometryCollection", (x) => build(x, depth + 1)),
      };
    default:
      throw new Error(`unknown geometry type ${JSON.stringify(g.type ?? null)}`);
  }
}

/** Validates a parsed GeoJSON geometry (null stays null); throws FormatError naming the feature. */
export function toGeometry(o: unknown, featureIndex: number): Geometry | null {
  if (o === null || o === undefined) return null;
  try {
    return build(o, 0);
  } catch (e) {
    throw new FormatError(`invalid geometry: ${(e as Error).message}`, featureIndex);
  }
}

/** NGW type of one geometry; null for a GeometryCollection (NGW has no such layer type). */
export function geometryTypeOf(g: Geometry): GeometryType | null {
  if (g.type === "GeometryCollection") return null;
  return `${g.type.toUpperCase()}${hasZ(g) ? "Z" : ""}` as GeometryType;
}

/**
 * Merges the types of a scan: one type → it; X with Multi-X → Multi-X; Z anywhere → Z;
 * anything else (mixed or collections) → null so the importer decides; no geometry → "NONE".
 */
export class GeometryTypeInference {
  private base: string | null = null;
  private z = false;
  private mixed = false;
  private seen = false;

  add(g: Geometry | null): void {
    if (!g || this.mixed) return;
    const t = geometryTypeOf(g);
    if (t === null) {
      this.mixed = true;
      return;
    }
    if (t.endsWith("Z")) this.z = true;
    const b = t.replace(/Z$/, "");
    if (!this.seen) {
      this.base = b;
      this.seen = true;
    } else if (this.base !== b) {
      if (`MULTI${this.base}` === b) this.base = b;
      else if (`MULTI${b}` !== this.base) this.mixed = true;
    }
  }

  result(): GeometryType | null {
    if (this.mixed) return null;
    if (!this.seen) return "NONE";
    return `${this.base}${this.z ? "Z" : ""}` as GeometryType;
  }
}

function extendPositions(b: BBox, ps: Position[]): void {
  for (const p of ps) {
    const x = p[0]!;
    const y = p[1]!;
    if (x < b[0]) b[0] = x;
    if (y < b[1]) b[1] = y;
    if (x > b[2]) b[2] = x;
    if (y > b[3]) b[3] = y;
  }
}

/** XY envelope of a geometry; null when it has no positions. */
export function envelope(g: Geometry): BBox | null {
  const b: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (h: Geometry): void => {
    switch (h.type) {
      case "Point":
        extendPositions(b, [h.coordinates]);
        break;
      case "MultiPoint":
      case "LineString":
        extendPositions(b, h.coordinates);
        break;
      case "MultiLineString":
      case "Polygon":
        for (const r of h.coordinates) extendPositions(b, r);
        break;
      case "MultiPolygon":
        for (const p of h.coordinates) for (const r of p) extendPositions(b, r);
        break;
      case "GeometryCollection":
        h.geometries.forEach(visit);
    }
  };
  visit(g);
  return b[0] <= b[2] ? b : null;
}
