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
