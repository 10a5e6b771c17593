/**
 * @module The spatial operators of the filter encodings over the geometry model, planar in the
 * layer's SRS: BBOX/Intersects (geometry/intersects.ts), Disjoint, Within, Contains (a covers
 * test: every vertex and segment midpoint of the inner geometry lies in or on the outer one, and
 * no segment crosses the outer boundary), DWithin/Beyond (minimum vertex/segment distance).
 */
import { intersectsWith } from "../geometry/intersects.ts";
import type { Geometry, Position } from "../geometry/types.ts";
import type { SpatialOp } from "./ast.ts";

interface Parts {
  points: Position[];
  segments: [Position, Position][];
  polygons: Position[][][];
}

function parts(g: Geometry, out: Parts = { points: [], segments: [], polygons: [] }): Parts {
  const line = (ps: Position[]) => {
    for (let i = 1; i < ps.length; i++) out.segments.push([ps[i - 1]!, ps[i]!]);
    if (ps.length === 1) out.points.push(ps[0]!);
  };
  switch (g.type) {
    case "Point":
      out.points.push(g.coordinates);
      break;
    case "MultiPoint":
      out.points.push(...g.coordinates);
      break;
    case "LineString":
      line(g.coordinates);
      break;
    case "MultiLineString":
      g.coordinates.forEach(line);
      break;
    case "Polygon":
      out.polygons.push(g.coordinates);
      g.coordinates.forEach(line);
      break;
    case "MultiPolygon":
      for (const p of g.coordinates) {
        out.polygons.push(p);
        p.forEach(line);
      }
      break;
    case "GeometryCollection":
      for (const m of g.geometries) parts(m, out);
  }
  return out;
}

const EPS = 1e-12;

function cross(o: Position, a: Position, b: Position): number {
  return (a[0]! - o[0]!) * (b[1]! - o[1]!) - (a[1]! - o[1]!) * (b[0]! - o[0]!);
}

function onSegment(p: Position, a: Position, b: Position): boolean {
  return (
    Math.abs(cross(a, b, p)) <= EPS * (1 + Math.abs(b[0]! - a[0]!) + Math.abs(b[1]! - a[1]!)) &&
    Math.min(a[0]!, b[0]!) - EPS <= p[0]! &&
    p[0]! <= Math.max(a[0]!, b[0]!) + EPS &&
    Math.min(a[1]!, b[1]!) - EPS <= p[1]! &&
    p[1]! <= Math.max(a[1]!, b[1]!) + EPS
  );
}

/** 1 inside, 0 on the boundary, -1 outside (even-odd over all rings, so holes count). */
function locate(p: Position, rings: Position[][]): number {
  let inside = false;
  for (const r of rings) {
    for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
      const a = r[i]!;
      const b = r[j]!;
      if (onSegment(p, a, b)) return 0;
      if (
        a[1]! > p[1]! !== b[1]! > p[1]! &&
        p[0]! < ((b[0]! - a[0]!) * (p[1]! - a[1]!)) / (b[1]! - a[1]!) + a[0]!
      ) {
        inside = !inside;
      }
    }
  }
  return inside ? 1 : -1;
}

/** Whether two segments cross at a point interior to both. */
function properlyCross(a: Position, b: Position, c: Position, d: Position): boolean {
  const d1 = cross(c, d, a);
  const d2 = cross(c, d, b);
  const d3 = cross(a, b, c);
  const d4 = cross(a, b, d);
  return (
    ((d1 > EPS && d2 < -EPS) || (d1 < -EPS && d2 > EPS)) &&
    ((d3 > EPS && d4 < -EPS) || (d3 < -EPS && d4 > EPS))
  );
}

/** Whether `outer` covers `inner` (every point of inner is in or on outer). */
function covers(outer: Parts, inner: Parts): boolean {
  const innerPoints = [
    ...inner.points,
    ...inner.segments.flatMap(([a, b]) => [a, b, [(a[0]! + b[0]!) / 2, (a[1]! + b[1]!) / 2]]),
  ];
  if (innerPoints.length === 0) return false;
  if (outer.polygons.length > 0) {
    const inArea = (p: Position) => outer.polygons.some((rings) => locate(p, rings) >= 0);
    if (!innerPoints.every(inArea)) return false;
    return !inner.segments.some(([a, b]) =>
      outer.segments.some(([c, d]) => properlyCross(a, b, c, d)),
    );
  }
  const onOuter = (p: Position) =>
    outer.points.some((q) => q[0] === p[0] && q[1] === p[1]) ||
    outer.segments.some(([a, b]) => onSegment(p, a, b));
  return innerPoints.every(onOuter);
}

function pointSegmentDistance(p: Position, a: Position, b: Position): number {
  const dx = b[0]! - a[0]!;
  const dy = b[1]! - a[1]!;
  const len2 = dx * dx + dy * dy;
  const t =
    len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0]! - a[0]!) * dx + (p[1]! - a[1]!) * dy) / len2));
  return Math.hypot(p[0]! - (a[0]! + t * dx), p[1]! - (a[1]! + t * dy));
}

/** Minimum planar distance; 0 when the geometries intersect. */
function distance(a: Parts, b: Parts, intersects: boolean): number {
  if (intersects) return 0;
  let best = Number.POSITIVE_INFINITY;
  const vertsA = [...a.points, ...a.segments.flat()];
  const vertsB = [...b.points, ...b.segments.flat()];
  for (const p of vertsA) {
    for (const q of b.points) best = Math.min(best, Math.hypot(p[0]! - q[0]!, p[1]! - q[1]!));
    for (const [s, t] of b.segments) best = Math.min(best, pointSegmentDistance(p, s, t));
  }
  for (const p of vertsB) {
    for (const q of a.points) best = Math.min(best, Math.hypot(p[0]! - q[0]!, p[1]! - q[1]!));
    for (const [s, t] of a.segments) best = Math.min(best, pointSegmentDistance(p, s, t));
  }
  return best;
}

/**
 * A test of feature geometries against one fixed query geometry; `distance` (for dwithin and
 * beyond) is in the units of the coordinates.
 */
export function spatialTest(rel: SpatialOp, query: Geometry, dist = 0): (g: Geometry) => boolean {
  const hits = intersectsWith(query);
  const q = parts(query);
  switch (rel) {
    case "bbox":
    case "intersects":
      return hits;
    case "disjoint":
      return (g) => !hits(g);
    case "within":
      return (g) => hits(g) && covers(q, parts(g));
    case "contains":
      return (g) => hits(g) && covers(parts(g), q);
    case "dwithin":
      return (g) => distance(parts(g), q, hits(g)) <= dist;
    case "beyond":
      return (g) => distance(parts(g), q, hits(g)) > dist;
  }
}
