/**
 * @module Exact intersection test for every pair of geometry types (DE-9IM "intersects": the
 * geometries share at least one point, boundaries included). Geometries are split into points,
 * lines and polygons; each pair is tested with segment intersection and point-in-polygon
 * (holes respected), after a bounding-box rejection.
 */
import { bboxIntersects, bboxOf } from "./bbox.ts";
import type { BBox, Geometry, Position } from "./types.ts";

interface Parts {
  points: Position[];
  lines: { coords: Position[]; bbox: BBox }[];
  polys: { rings: Position[][]; bbox: BBox }[];
}

function lineBox(l: Position[]): BBox {
  return bboxOf({ type: "LineString", coordinates: l }) as BBox;
}

function split(g: Geometry, out: Parts): Parts {
  switch (g.type) {
    case "Point":
      if (g.coordinates.length) out.points.push(g.coordinates);
      break;
    case "MultiPoint":
      out.points.push(...g.coordinates);
      break;
    case "LineString":
      if (g.coordinates.length)
        out.lines.push({ coords: g.coordinates, bbox: lineBox(g.coordinates) });
      break;
    case "MultiLineString":
      for (const l of g.coordinates) if (l.length) out.lines.push({ coords: l, bbox: lineBox(l) });
      break;
    case "Polygon":
      if (g.coordinates[0]?.length)
        out.polys.push({ rings: g.coordinates, bbox: lineBox(g.coordinates[0]) });
      break;
    case "MultiPolygon":
      for (const p of g.coordinates)
        if (p[0]?.length) out.polys.push({ rings: p, bbox: lineBox(p[0]) });
      break;
    case "GeometryCollection":
      for (const m of g.geometries) split(m, out);
  }
  return out;
}

function orient(a: Position, b: Position, c: Position): number {
  const v = (b[0]! - a[0]!) * (c[1]! - a[1]!) - (b[1]! - a[1]!) * (c[0]! - a[0]!);
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

/** c lies within the box of segment ab (used once c is known to be collinear with ab). */
function within(a: Position, b: Position, c: Position): boolean {
  return (
    Math.min(a[0]!, b[0]!) <= c[0]! &&
    c[0]! <= Math.max(a[0]!, b[0]!) &&
    Math.min(a[1]!, b[1]!) <= c[1]! &&
    c[1]! <= Math.max(a[1]!, b[1]!)
  );
}

function segmentsIntersect(p1: Position, p2: Position, q1: Position, q2: Position): boolean {
  const o1 = orient(p1, p2, q1);
  const o2 = orient(p1, p2, q2);
  const o3 = orient(q1, q2, p1);
  const o4 = orient(q1, q2, p2);
  if (o1 !== o2 && o3 !== o4) return true;
  return (
    (o1 === 0 && within(p1, p2, q1)) ||
    (o2 === 0 && within(p1, p2, q2)) ||
    (o3 === 0 && within(q1, q2, p1)) ||
    (o4 === 0 && within(q1, q2, p2))
  );
}

function pointOnLine(p: Position, l: Position[]): boolean {
  if (l.length === 1) return l[0]![0] === p[0] && l[0]![1] === p[1];
  for (let i = 1; i < l.length; i++) {
    if (orient(l[i - 1]!, l[i]!, p) === 0 && within(l[i - 1]!, l[i]!, p)) return true;
  }
  return false;
}

/** 1 inside, 0 on the boundary, -1 outside (ray casting; ring closure not required). */
function pointInRing(p: Position, r: Position[]): number {
  const x = p[0]!;
  const y = p[1]!;
  let inside = false;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
    const a = r[j]!;
    const b = r[i]!;
    if (orient(a, b, p) === 0 && within(a, b, p)) return 0;
    if (a[1]! > y !== b[1]! > y && x < ((b[0]! - a[0]!) * (y - a[1]!)) / (b[1]! - a[1]!) + a[0]!) {
      inside = !inside;
    }
  }
  return inside ? 1 : -1;
}

/** The point touches the polygon: inside the shell and not strictly inside a hole. */
function pointInPolygon(p: Position, rings: Position[][]): boolean {
  const shell = pointInRing(p, rings[0]!);
  if (shell < 0) return false;
  if (shell === 0) return true;
  for (let i = 1; i < rings.length; i++) if (pointInRing(p, rings[i]!) > 0) return false;
  return true;
}

function linesCross(a: Position[], b: Position[]): boolean {
  if (a.length === 1) return pointOnLine(a[0]!, b);
  if (b.length === 1) return pointOnLine(b[0]!, a);
  for (let i = 1; i < a.length; i++) {
    const p1 = a[i - 1]!;
    const p2 = a[i]!;
    const minX = Math.min(p1[0]!, p2[0]!);
    const maxX = Math.max(p1[0]!, p2[0]!);
    const minY = Math.min(p1[1]!, p2[1]!);
    const maxY = Math.max(p1[1]!, p2[1]!);
    for (let j = 1; j < b.length; j++) {
      const q1 = b[j - 1]!;
      const q2 = b[j]!;
      // Cheap per-segment box rejection before the orientation tests.
      if (Math.max(q1[0]!, q2[0]!) < minX || Math.min(q1[0]!, q2[0]!) > maxX) continue;
      if (Math.max(q1[1]!, q2[1]!) < minY || Math.min(q1[1]!, q2[1]!) > maxY) continue;
      if (segmentsIntersect(p1, p2, q1, q2)) return true;
    }
  }
  return false;
}

function lineTouchesPolygon(l: Position[], rings: Position[][]): boolean {
  if (pointInPolygon(l[0]!, rings)) return true;
  return rings.some((r) => linesCross(l, r));
}

function polygonsTouch(a: Position[][], b: Position[][]): boolean {
  if (a.some((ra) => b.some((rb) => linesCross(ra, rb)))) return true;
  // No boundary crossing: one is inside the other, or they are disjoint.
  return pointInPolygon(a[0]![0]!, b) || pointInPolygon(b[0]![0]!, a);
}

function partsIntersect(A: Parts, B: Parts): boolean {
  for (const p of A.points) {
    for (const q of B.points) if (p[0] === q[0] && p[1] === q[1]) return true;
    for (const l of B.lines) if (pointOnLine(p, l.coords)) return true;
    for (const g of B.polys) if (pointInPolygon(p, g.rings)) return true;
  }
  for (const l of A.lines) {
    for (const q of B.points) if (pointOnLine(q, l.coords)) return true;
    for (const m of B.lines)
      if (bboxIntersects(l.bbox, m.bbox) && linesCross(l.coords, m.coords)) return true;
    for (const g of B.polys) {
      if (bboxIntersects(l.bbox, g.bbox) && lineTouchesPolygon(l.coords, g.rings)) return true;
    }
  }
  for (const g of A.polys) {
    for (const q of B.points) if (pointInPolygon(q, g.rings)) return true;
    for (const m of B.lines) {
      if (bboxIntersects(m.bbox, g.bbox) && lineTouchesPolygon(m.coords, g.rings)) return true;
    }
    for (const h of B.polys) {
      if (bboxIntersects(g.bbox, h.bbox) && polygonsTouch(g.rings, h.rings)) return true;
    }
  }
  return false;
}

/** Whether the two geometries share at least one point (boundaries included). */
export function geometryIntersects(a: Geometry, b: Geometry): boolean {
  const ba = bboxOf(a);
  const bb = bboxOf(b);
  if (!ba || !bb || !bboxIntersects(ba, bb)) return false;
  const empty = (): Parts => ({ points: [], lines: [], polys: [] });
  return partsIntersect(split(a, empty()), split(b, empty()));
}

/**
 * A reusable test against one fixed geometry (the query shape), so a scan over many features
 * splits the query once.
 */
export function intersectsWith(query: Geometry): (g: Geometry) => boolean {
  const qb = bboxOf(query);
  const qp = split(query, { points: [], lines: [], polys: [] });
  return (g) => {
    const gb = bboxOf(g);
    if (!qb || !gb || !bboxIntersects(qb, gb)) return false;
    return partsIntersect(qp, split(g, { points: [], lines: [], polys: [] }));
  };
}
