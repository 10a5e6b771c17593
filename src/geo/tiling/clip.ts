/**
 * @module Stage 3: clips tile geometry to the tile square grown by the buffer. Points are
 * filtered, lines are cut into several parts where they leave and re-enter, polygon rings go
 * through Sutherland–Hodgman against the four edges. Geometry entirely inside is returned as is.
 */
import { geometryBounds } from "./project.ts";
import type { TileGeometry } from "./types.ts";

/** Clips to [lo, hi] on both axes; null when nothing is left. */
export function clip(g: TileGeometry, lo: number, hi: number): TileGeometry | null {
  const b = geometryBounds(g);
  if (b[0] > hi || b[1] > hi || b[2] < lo || b[3] < lo) return null;
  if (b[0] >= lo && b[1] >= lo && b[2] <= hi && b[3] <= hi) return g;
  if (g.type === 1) {
    const pts: number[] = [];
    for (let i = 0; i < g.points.length; i += 2) {
      const x = g.points[i]!;
      const y = g.points[i + 1]!;
      if (x >= lo && x <= hi && y >= lo && y <= hi) pts.push(x, y);
    }
    return pts.length ? { type: 1, points: pts } : null;
  }
  if (g.type === 2) {
    let parts = g.lines;
    for (const axis of [0, 1]) {
      const next: number[][] = [];
      for (const l of parts) clipLine(l, lo, hi, axis, next);
      parts = next;
    }
    return parts.length ? { type: 2, lines: parts } : null;
  }
  const polygons: number[][][] = [];
  for (const poly of g.polygons) {
    const rings: number[][] = [];
    for (let r = 0; r < poly.length; r++) {
      const ring = clipRing(poly[r]!, lo, hi);
      if (ring.length >= 6) rings.push(ring);
      else if (r === 0) break; // the exterior vanished: so did the polygon
    }
    if (rings.length > 0) polygons.push(rings);
  }
  return polygons.length ? { type: 3, polygons } : null;
}

/** Interpolates the point where segment a→b crosses `v` on `axis`, appending it to `out`. */
function cross(
  out: number[],
  ax: number,
  ay: number,
  bx: number,
  by: number,
  v: number,
  axis: number,
) {
  if (axis === 0) out.push(v, ay + ((by - ay) * (v - ax)) / (bx - ax));
  else out.push(ax + ((bx - ax) * (v - ay)) / (by - ay), v);
}

/** Cuts a polyline to lo ≤ coord[axis] ≤ hi, pushing every surviving part (≥ 2 points). */
function clipLine(l: number[], lo: number, hi: number, axis: number, out: number[][]) {
  let part: number[] = [];
  const flush = () => {
    if (part.length >= 4) out.push(part);
    part = [];
  };
  const n = l.length / 2;
  for (let i = 0; i < n - 1; i++) {
    const ax = l[2 * i]!;
    const ay = l[2 * i + 1]!;
    const bx = l[2 * i + 2]!;
    const by = l[2 * i + 3]!;
    const a = axis === 0 ? ax : ay;
    const b = axis === 0 ? bx : by;
    if (a < lo) {
      if (b > lo) {
        cross(part, ax, ay, bx, by, lo, axis);
        if (b > hi) {
          cross(part, ax, ay, bx, by, hi, axis);
          flush();
        }
      }
    } else if (a > hi) {
      if (b < hi) {
        cross(part, ax, ay, bx, by, hi, axis);
        if (b < lo) {
          cross(part, ax, ay, bx, by, lo, axis);
          flush();
        }
      }
    } else {
      part.push(ax, ay);
      if (b < lo) {
        cross(part, ax, ay, bx, by, lo, axis);
        flush();
      } else if (b > hi) {
        cross(part, ax, ay, bx, by, hi, axis);
        flush();
      }
    }
  }
  if (n > 0) {
    const x = l[2 * n - 2]!;
    const y = l[2 * n - 1]!;
    const v = axis === 0 ? x : y;
    if (v >= lo && v <= hi) part.push(x, y);
  }
  flush();
}

/** Sutherland–Hodgman against x ≥ lo, x ≤ hi, y ≥ lo, y ≤ hi; the ring is open. */
function clipRing(ring: number[], lo: number, hi: number): number[] {
  let cur = ring;
  for (const [axis, bound, keepAbove] of [
    [0, lo, true],
    [0, hi, false],
    [1, lo, true],
    [1, hi, false],
  ] as const) {
    const n = cur.length / 2;
    if (n === 0) break;
    const next: number[] = [];
    let px = cur[2 * n - 2]!;
    let py = cur[2 * n - 1]!;
    let pIn = keepAbove ? (axis === 0 ? px : py) >= bound : (axis === 0 ? px : py) <= bound;
    for (let i = 0; i < n; i++) {
      const x = cur[2 * i]!;
      const y = cur[2 * i + 1]!;
      const v = axis === 0 ? x : y;
      const cIn = keepAbove ? v >= bound : v <= bound;
      if (cIn !== pIn) cross(next, px, py, x, y, bound, axis);
      if (cIn) next.push(x, y);
      px = x;
      py = y;
      pIn = cIn;
    }
    cur = next;
  }
  return cur;
}
