/**
 * @module Strict reading of GeoJSON geometry objects (RFC 7946 shapes, any CRS): checks the
 * type, nesting and numbers, drops ordinates beyond Z, then runs validateGeometry.
 */
import { GeometryError } from "./errors.ts";
import type { Geometry, Position } from "./types.ts";
import { validateGeometry } from "./validate.ts";

const MAX_DEPTH = 32;

function position(v: unknown, where: string): Position {
  if (!Array.isArray(v) || v.length < 2) {
    throw new GeometryError(`${where}: a position must be an array of at least 2 numbers`);
  }
  for (const n of v) {
    if (typeof n !== "number" || !Number.isFinite(n)) {
      throw new GeometryError(
        `${where}: coordinate ${JSON.stringify(n) ?? String(n)} is not a finite number`,
      );
    }
  }
  // RFC 7946 §3.1.1: ordinates after the third (M) may be ignored.
  return v.length > 3 ? v.slice(0, 3) : (v as Position);
}

function array(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) throw new GeometryError(`${where}: expected an array`);
  return v;
}

function nested(v: unknown, levels: number, where: string): unknown {
  if (levels === 0) return position(v, where);
  return array(v, where).map((x) => nested(x, levels - 1, where));
}

const LEVELS: Record<string, number> = {
  Point: 0,
  MultiPoint: 1,
  LineString: 1,
  MultiLineString: 2,
  Polygon: 2,
  MultiPolygon: 3,
};

function read(obj: unknown, depth: number, opts: { validate: boolean }): Geometry {
  if (depth > MAX_DEPTH) throw new GeometryError("GeoJSON geometry collections nested too deep");
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) {
    throw new GeometryError("A GeoJSON geometry must be an object");
  }
  const o = obj as Record<string, unknown>;
  const type = o.type;
  if (type === "GeometryCollection") {
    const members = array(o.geometries, "GeometryCollection.geometries");
    return { type, geometries: members.map((m) => read(m, depth + 1, opts)) };
  }
  if (typeof type !== "string" || !(type in LEVELS)) {
    throw new GeometryError(`Unknown GeoJSON geometry type ${JSON.stringify(type) ?? "undefined"}`);
  }
  if (!("coordinates" in o)) throw new GeometryError(`${type}: missing 'coordinates'`);
  // An empty Point is not valid GeoJSON, but [] for it round-trips WKB's POINT EMPTY.
  const c =
    type === "Point" && Array.isArray(o.coordinates) && o.coordinates.length === 0
      ? []
      : nested(o.coordinates, LEVELS[type]!, type);
  return { type, coordinates: c } as Geometry;
}

/**
 * Parses a GeoJSON geometry object strictly; throws GeometryError saying what is wrong.
 * `validate: false` skips ring/line checks (for importers that repair geometries themselves).
 */
export function parseGeoJsonGeometry(obj: unknown, opts: { validate?: boolean } = {}): Geometry {
  const o = { validate: opts.validate ?? true };
  const g = read(obj, 0, o);
  if (o.validate) validateGeometry(g);
  return g;
}
