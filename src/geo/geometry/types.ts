/**
 * @module The in-memory geometry model of gisd: GeoJSON geometry objects (RFC 7946 shapes, any
 * CRS, optional Z as a third ordinate). Codecs (WKB, WKT, EWKB, GPKG, FlatGeobuf) convert to and
 * from this model; engines (tiling, rendering, filters) work on it.
 */

export type Position = number[];
export type BBox = [minX: number, minY: number, maxX: number, maxY: number];

export interface Point {
  type: "Point";
  coordinates: Position;
}
export interface MultiPoint {
  type: "MultiPoint";
  coordinates: Position[];
}
export interface LineString {
  type: "LineString";
  coordinates: Position[];
}
export interface MultiLineString {
  type: "MultiLineString";
  coordinates: Position[][];
}
export interface Polygon {
  type: "Polygon";
  coordinates: Position[][];
}
export interface MultiPolygon {
  type: "MultiPolygon";
  coordinates: Position[][][];
}
export interface GeometryCollection {
  type: "GeometryCollection";
  geometries: Geometry[];
}

export type Geometry =
  | Point
  | MultiPoint
  | LineString
  | MultiLineString
  | Polygon
  | MultiPolygon
  | GeometryCollection;

/** NextGIS Web's geometry types (reference/ngw.md §3.4). */
export const GEOMETRY_TYPES = [
  "POINT",
  "LINESTRING",
  "POLYGON",
  "MULTIPOINT",
  "MULTILINESTRING",
  "MULTIPOLYGON",
  "POINTZ",
  "LINESTRINGZ",
  "POLYGONZ",
  "MULTIPOINTZ",
  "MULTILINESTRINGZ",
  "MULTIPOLYGONZ",
  "NONE",
] as const;
export type GeometryType = (typeof GEOMETRY_TYPES)[number];

const SINGLE_TO_MULTI = {
  Point: "MultiPoint",
  LineString: "MultiLineString",
  Polygon: "MultiPolygon",
} as const;

/** Whether any position of the geometry carries a third ordinate (Z). */
export function hasZ(g: Geometry): boolean {
  if (g.type === "GeometryCollection") return g.geometries.some(hasZ);
  let c: unknown = g.coordinates;
  while (Array.isArray(c) && Array.isArray(c[0])) c = c[0];
  return Array.isArray(c) && c.length >= 3;
}

export function isMulti(g: Geometry): boolean {
  return g.type.startsWith("Multi");
}

/**
 * The NGW geometry type of a geometry ("MULTIPOLYGONZ"...). A GeometryCollection has no NGW type:
 * it maps to the type of its members when they agree after promotion to multi, else throws.
 */
export function geometryTypeOf(g: Geometry): GeometryType {
  const z = hasZ(g) ? "Z" : "";
  if (g.type === "GeometryCollection") {
    const types = new Set(g.geometries.map((m) => toMulti(m).type));
    if (types.size !== 1) throw new Error("A GeometryCollection has no single NGW geometry type");
    return `${[...types][0]!.toUpperCase()}${z}` as GeometryType;
  }
  return `${g.type.toUpperCase()}${z}` as GeometryType;
}

/** Promotes a single geometry to its multi counterpart; multi and collections are returned as is. */
export function toMulti(g: Geometry): Geometry {
  switch (g.type) {
    case "Point":
      return {
        type: SINGLE_TO_MULTI.Point,
        coordinates: g.coordinates.length ? [g.coordinates] : [],
      };
    case "LineString":
      return {
        type: SINGLE_TO_MULTI.LineString,
        coordinates: g.coordinates.length ? [g.coordinates] : [],
      };
    case "Polygon":
      return {
        type: SINGLE_TO_MULTI.Polygon,
        coordinates: g.coordinates.length ? [g.coordinates] : [],
      };
    default:
      return g;
  }
}

/**
 * Turns a one-member multi geometry into its single counterpart; returns null when the geometry
 * has more than one member (it cannot be made single without losing data).
 */
export function forceSingle(g: Geometry): Geometry | null {
  switch (g.type) {
    case "MultiPoint":
      return g.coordinates.length <= 1
        ? { type: "Point", coordinates: g.coordinates[0] ?? [] }
        : null;
    case "MultiLineString":
      return g.coordinates.length <= 1
        ? { type: "LineString", coordinates: g.coordinates[0] ?? [] }
        : null;
    case "MultiPolygon":
      return g.coordinates.length <= 1
        ? { type: "Polygon", coordinates: g.coordinates[0] ?? [] }
        : null;
    case "GeometryCollection":
      return g.geometries.length === 1 ? forceSingle(g.geometries[0]!) : null;
    default:
      return g;
  }
}

/** Whether the geometry has no coordinates at all (POINT EMPTY, MULTIPOLYGON EMPTY...). */
export function isEmpty(g: Geometry): boolean {
  if (g.type === "GeometryCollection") return g.geometries.every(isEmpty);
  if (g.type === "Point") return g.coordinates.length === 0;
  return g.coordinates.length === 0;
}

/** A new geometry with `fn` applied to every position (reprojection, axis swaps, scaling). */
export function mapPositions(g: Geometry, fn: (p: Position) => Position): Geometry {
  switch (g.type) {
    case "Point":
      return { type: g.type, coordinates: g.coordinates.length ? fn(g.coordinates) : [] };
    case "MultiPoint":
    case "LineString":
      return { type: g.type, coordinates: g.coordinates.map(fn) };
    case "MultiLineString":
    case "Polygon":
      return { type: g.type, coordinates: g.coordinates.map((r) => r.map(fn)) };
    case "MultiPolygon":
      return { type: g.type, coordinates: g.coordinates.map((p) => p.map((r) => r.map(fn))) };
    case "GeometryCollection":
      return { type: g.type, geometries: g.geometries.map((m) => mapPositions(m, fn)) };
  }
}
