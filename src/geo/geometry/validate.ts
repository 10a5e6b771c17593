/**
 * @module Validity checks with messages a user can act on: non-finite numbers, wrong nesting,
 * short or unclosed rings, empty parts, longitude/latitude out of range.
 */
import { GeometryError } from "./errors.ts";
import type { Geometry, Position } from "./types.ts";

const MAX_DEPTH = 32;

// `i` is the point index, kept apart from `where` so the message is only built on failure
// (validation runs on every imported feature).
function position(p: unknown, where: string, i = -1): void {
  const at = () => (i >= 0 ? `${where}, point ${i}` : where);
  if (!Array.isArray(p) || p.length < 2 || p.length > 3) {
    throw new GeometryError(`${at()}: a position must have 2 or 3 numbers`);
  }
  for (const v of p) {
    if (typeof v !== "number")
      throw new GeometryError(`${at()}: coordinate ${String(v)} is not a number`);
    if (!Number.isFinite(v)) throw new GeometryError(`${at()}: coordinate ${v} is not finite`);
  }
}

function line(ps: unknown, where: string): void {
  if (!Array.isArray(ps)) throw new GeometryError(`${where}: expected an array of positions`);
  if (ps.length < 2)
    throw new GeometryError(`${where}: a line needs at least 2 points, got ${ps.length}`);
  for (let i = 0; i < ps.length; i++) position(ps[i], where, i);
}

function ring(ps: unknown, where: string): void {
  if (!Array.isArray(ps)) throw new GeometryError(`${where}: expected an array of positions`);
  if (ps.length < 4)
    throw new GeometryError(`${where}: a ring needs at least 4 points, got ${ps.length}`);
  for (let i = 0; i < ps.length; i++) position(ps[i], where, i);
  const a = ps[0] as Position;
  const b = ps[ps.length - 1] as Position;
  if (a[0] !== b[0] || a[1] !== b[1] || (a[2] ?? 0) !== (b[2] ?? 0)) {
    throw new GeometryError(`${where}: the ring is not closed (first point differs from the last)`);
  }
}

function polygon(rs: unknown, where: string): void {
  if (!Array.isArray(rs)) throw new GeometryError(`${where}: expected an array of rings`);
  if (rs.length === 0) throw new GeometryError(`${where}: a polygon part has no rings`);
  for (let i = 0; i < rs.length; i++) ring(rs[i], `${where}, ring ${i}`);
}

function parts(c: unknown, where: string, check: (x: unknown, w: string) => void): void {
  if (!Array.isArray(c)) throw new GeometryError(`${where}: coordinates must be an array`);
  for (let i = 0; i < c.length; i++) check(c[i], `${where}, part ${i}`);
}

const isEmptyArray = (c: unknown) => Array.isArray(c) && c.length === 0;

function check(g: Geometry, where: string, depth: number): void {
  if (depth > MAX_DEPTH) throw new GeometryError(`${where}: collections nested too deep`);
  const c = (g as { coordinates?: unknown }).coordinates;
  switch (g.type) {
    case "Point":
      if (!isEmptyArray(c)) position(c, where);
      break;
    case "LineString":
      if (!isEmptyArray(c)) line(c, where);
      break;
    case "Polygon":
      if (!isEmptyArray(c)) polygon(c, where);
      break;
    case "MultiPoint":
      parts(c, where, position);
      break;
    case "MultiLineString":
      parts(c, where, line);
      break;
    case "MultiPolygon":
      parts(c, where, polygon);
      break;
    case "GeometryCollection":
      if (!Array.isArray(g.geometries))
        throw new GeometryError(`${where}: geometries must be an array`);
      for (let i = 0; i < g.geometries.length; i++) {
        check(g.geometries[i]!, `${where}, member ${i}`, depth + 1);
      }
      break;
    default:
      throw new GeometryError(`Unknown geometry type '${String((g as { type: unknown }).type)}'`);
  }
}

/**
 * Throws GeometryError when the geometry is structurally invalid: non-finite coordinates, wrong
 * nesting, lines with < 2 points, rings with < 4 points or unclosed, empty parts inside multi
 * geometries. A wholly empty geometry (POINT EMPTY, MULTIPOLYGON EMPTY) is valid.
 */
export function validateGeometry(g: Geometry): void {
  check(g, g?.type ?? "geometry", 0);
}

function eachPosition(g: Geometry, f: (p: Position) => void): void {
  switch (g.type) {
    case "Point":
      if (g.coordinates.length) f(g.coordinates);
      break;
    case "MultiPoint":
    case "LineString":
      for (const p of g.coordinates) f(p);
      break;
    case "Polygon":
    case "MultiLineString":
      for (const r of g.coordinates) for (const p of r) f(p);
      break;
    case "MultiPolygon":
      for (const poly of g.coordinates) for (const r of poly) for (const p of r) f(p);
      break;
    case "GeometryCollection":
      for (const m of g.geometries) eachPosition(m, f);
  }
}

/** Throws GeometryError when a longitude is outside ±180 or a latitude outside ±90 (EPSG:4326). */
export function checkLonLat(g: Geometry): void {
  eachPosition(g, (p) => {
    const [x, y] = p as [number, number];
    if (!(x >= -180 && x <= 180))
      throw new GeometryError(`Longitude ${x} is out of range [-180, 180]`);
    if (!(y >= -90 && y <= 90)) throw new GeometryError(`Latitude ${y} is out of range [-90, 90]`);
  });
}
