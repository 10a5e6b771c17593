/**
 * @module Planar and geodesic measures: area and length in the units of the coordinates, or in
 * metres/square metres on the WGS 84 sphere for longitude/latitude data.
 */
import type { Geometry, Position } from "./types.ts";

/** Radius used by the geodesic measures (WGS 84 semi-major axis, as turf and OpenLayers). */
const R = 6378137;
const RAD = Math.PI / 180;

function ringArea(r: Position[]): number {
  let s = 0;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
    s += (r[j]![0]! - r[i]![0]!) * (r[j]![1]! + r[i]![1]!);
  }
  return Math.abs(s / 2);
}

/** Spherical excess of a lon/lat ring (Chamberlain & Duquette), square metres. */
function ringAreaGeodesic(r: Position[]): number {
  let s = 0;
  const n = r.length;
  if (n < 3) return 0;
  for (let i = 0; i < n; i++) {
    const a = r[i]!;
    const b = r[(i + 1) % n]!;
    s += (b[0]! - a[0]!) * RAD * (2 + Math.sin(a[1]! * RAD) + Math.sin(b[1]! * RAD));
  }
  return Math.abs((s * R * R) / 2);
}

function polyArea(p: Position[][], f: (r: Position[]) => number): number {
  let a = 0;
  p.forEach((r, i) => {
    a += i === 0 ? f(r) : -f(r);
  });
  return Math.max(a, 0);
}

function areaWith(g: Geometry, f: (r: Position[]) => number): number {
  switch (g.type) {
    case "Polygon":
      return polyArea(g.coordinates, f);
    case "MultiPolygon":
      return g.coordinates.reduce((s, p) => s + polyArea(p, f), 0);
    case "GeometryCollection":
      return g.geometries.reduce((s, m) => s + areaWith(m, f), 0);
    default:
      return 0;
  }
}

function lineLength(l: Position[], d: (a: Position, b: Position) => number): number {
  let s = 0;
  for (let i = 1; i < l.length; i++) s += d(l[i - 1]!, l[i]!);
  return s;
}

function lengthWith(g: Geometry, d: (a: Position, b: Position) => number): number {
  switch (g.type) {
    case "LineString":
      return lineLength(g.coordinates, d);
    case "MultiLineString":
    case "Polygon":
      return g.coordinates.reduce((s, l) => s + lineLength(l, d), 0);
    case "MultiPolygon":
      return g.coordinates.reduce((s, p) => s + p.reduce((t, l) => t + lineLength(l, d), 0), 0);
    case "GeometryCollection":
      return g.geometries.reduce((s, m) => s + lengthWith(m, d), 0);
    default:
      return 0;
  }
}

const planar = (a: Position, b: Position) => Math.hypot(b[0]! - a[0]!, b[1]! - a[1]!);

/** Great-circle distance in metres between two lon/lat positions (haversine). */
export function haversine(a: Position, b: Position): number {
  const dLat = (b[1]! - a[1]!) * RAD;
  const dLon = (b[0]! - a[0]!) * RAD;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a[1]! * RAD) * Math.cos(b[1]! * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Planar area (holes subtracted) in squared coordinate units; 0 for points and lines. */
export function area(g: Geometry): number {
  return areaWith(g, ringArea);
}

/** Planar length of lines and polygon boundaries in coordinate units; 0 for points. */
export function length(g: Geometry): number {
  return lengthWith(g, planar);
}

/** Area in square metres of a lon/lat (EPSG:4326) geometry on the WGS 84 sphere. */
export function geodesicArea(g: Geometry): number {
  return areaWith(g, ringAreaGeodesic);
}

/** Length in metres of a lon/lat (EPSG:4326) geometry along great circles. */
export function geodesicLength(g: Geometry): number {
  return lengthWith(g, haversine);
}
