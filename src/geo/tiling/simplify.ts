/**
 * @module Stage 4: simplification at tile resolution and the clean-up MVT needs. Douglas–Peucker
 * in tile units, then rounding to the integer grid, removal of repeated points, dropping of
 * parts that became degenerate or smaller than the tolerance (geojson-vt's rule: lines shorter
 * than it, rings with less area than its square), and polygon winding as the MVT 2.1 spec wants
 * (exterior rings clockwise on screen, i.e. positive shoelace area with y down; holes opposite).
 */
import type { TileGeometry } from "./types.ts";

/**
 * Simplifies and cleans; null when nothing drawable is left. With `keepTiny` (features an
 * overview chose to represent a dense area at low zoom), a polygon too small to draw becomes a
 * square of the tolerance's size at its centre instead of vanishing (tippecanoe's tiny-polygon
 * reduction, without the area accumulation).
 */
export function simplify(
  g: TileGeometry,
  tolerance: number,
  keepTiny = false,
): TileGeometry | null {
  const sq = tolerance * tolerance;
  if (g.type === 1) {
    const pts: number[] = [];
    const seen = new Set<number>();
    for (let i = 0; i < g.points.length; i += 2) {
      const x = Math.round(g.points[i]!);
      const y = Math.round(g.points[i + 1]!);
      // Several points of one multipoint on the same tile unit are drawn once.
      const key = x * 1048576 + y;
      if (seen.has(key)) continue;
      seen.add(key);
      pts.push(x, y);
    }
    return pts.length ? { type: 1, points: pts } : null;
  }
  if (g.type === 2) {
    const lines: number[][] = [];
    for (const l of g.lines) {
      if (tolerance > 0 && lineLength(l) < tolerance) continue;
      const r = quantize(sq > 0 ? douglasPeucker(l, sq) : l);
      if (r.length >= 4) lines.push(r);
    }
    return lines.length ? { type: 2, lines } : null;
  }
  const polygons: number[][][] = [];
  for (const poly of g.polygons) {
    const rings: number[][] = [];
    for (let i = 0; i < poly.length; i++) {
      const r =
        cleanRing(poly[i]!, sq) ?? (i === 0 && keepTiny ? square(poly[0]!, tolerance) : null);
      if (r === null) {
        if (i === 0) break;
        continue;
      }
      const outer = i === 0;
      if (outer !== area(r) > 0) reverse(r);
      rings.push(r);
    }
    if (rings.length > 0) polygons.push(rings);
  }
  return polygons.length ? { type: 3, polygons } : null;
}

function cleanRing(ring: number[], sq: number): number[] | null {
  if (sq > 0 && Math.abs(area(ring)) < sq) return null;
  let r = ring;
  if (sq > 0) {
    // Simplify as a closed line so the start point is an anchor, then reopen it.
    r = douglasPeucker([...ring, ring[0]!, ring[1]!], sq);
    r.length -= 2;
  }
  r = quantize(r);
  const n = r.length;
  if (n >= 4 && r[0] === r[n - 2] && r[1] === r[n - 1]) r.length -= 2;
  if (r.length < 6 || area(r) === 0) return null;
  return r;
}

/** A clockwise square of side max(tolerance, 2) around the ring's box centre. */
function square(ring: number[], tolerance: number): number[] {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < ring.length; i += 2) {
    minX = Math.min(minX, ring[i]!);
    maxX = Math.max(maxX, ring[i]!);
    minY = Math.min(minY, ring[i + 1]!);
    maxY = Math.max(maxY, ring[i + 1]!);
  }
  const h = Math.max(1, Math.round(tolerance / 2));
  const cx = Math.round((minX + maxX) / 2);
  const cy = Math.round((minY + maxY) / 2);
  return [cx - h, cy - h, cx + h, cy - h, cx + h, cy + h, cx - h, cy + h];
}

/** Twice the signed shoelace area of an open ring (positive = clockwise on screen, y down). */
export function area(r: number[]): number {
  let s = 0;
  const n = r.length;
  for (let i = 0, j = n - 2; i < n; j = i, i += 2) s += r[j]! * r[i + 1]! - r[i]! * r[j + 1]!;
  return s / 2;
}

function reverse(r: number[]) {
  for (let i = 0, j = r.length - 2; i < j; i += 2, j -= 2) {
    const x = r[i]!;
    const y = r[i + 1]!;
    r[i] = r[j]!;
    r[i + 1] = r[j + 1]!;
    r[j] = x;
    r[j + 1] = y;
  }
}

function lineLength(l: number[]): number {
  let s = 0;
  for (let i = 2; i < l.length; i += 2) s += Math.hypot(l[i]! - l[i - 2]!, l[i + 1]! - l[i - 1]!);
  return s;
}

/** Rounds to integers and drops consecutive repeats. */
function quantize(l: number[]): number[] {
  const out: number[] = [];
  let px = Number.NaN;
  let py = Number.NaN;
  for (let i = 0; i < l.length; i += 2) {
    const x = Math.round(l[i]!);
    const y = Math.round(l[i + 1]!);
    if (x === px && y === py) continue;
    out.push(x, y);
    px = x;
    py = y;
  }
  return out;
}

/** Iterative Douglas–Peucker over a flat polyline; `sq` is the squared tolerance. */
function douglasPeucker(l: number[], sq: number): number[] {
  const n = l.length / 2;
  if (n <= 2) return l.slice();
  const keep = new Uint8Array(n);
  keep[0] = 1;
  keep[n - 1] = 1;
  const stack = [0, n - 1];
  while (stack.length) {
    const last = stack.pop()!;
    const first = stack.pop()!;
    let maxD = 0;
    let idx = -1;
    for (let i = first + 1; i < last; i++) {
      const d = segDist2(l, i, first, last);
      if (d > maxD) {
        maxD = d;
        idx = i;
      }
    }
    if (idx >= 0 && maxD > sq) {
      keep[idx] = 1;
      stack.push(first, idx, idx, last);
    }
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) out.push(l[2 * i]!, l[2 * i + 1]!);
  return out;
}

/** Squared distance from point p to segment a–b (indices into a flat array). */
function segDist2(l: number[], p: number, a: number, b: number): number {
  const px = l[2 * p]!;
  const py = l[2 * p + 1]!;
  let x = l[2 * a]!;
  let y = l[2 * a + 1]!;
  let dx = l[2 * b]! - x;
  let dy = l[2 * b + 1]! - y;
  if (dx !== 0 || dy !== 0) {
    const t = ((px - x) * dx + (py - y) * dy) / (dx * dx + dy * dy);
    if (t > 1) {
      x = l[2 * b]!;
      y = l[2 * b + 1]!;
    } else if (t > 0) {
      x += dx * t;
      y += dy * t;
    }
  }
  dx = px - x;
  dy = py - y;
  return dx * dx + dy * dy;
}
