/**
 * @module The tile pipeline's view of coordinate systems: tile boxes go from EPSG:3857 into the
 * source's SRS for the query, geometries come back to 3857. 3857 and 4326 are done here with
 * closed formulas (the common cases, no proj4 on the hot path); other SRSs go through the shared
 * SRS engine (src/geo/srs), which throws SrsError (a 4xx hint) for codes it does not know.
 */

import type { BBox, Geometry, Position } from "../geometry/types.ts";
import { mapPositions } from "../geometry/types.ts";
import { reprojectBBox, transformer } from "../srs/index.ts";
import { WORLD_HALF } from "./tile.ts";

const R = 6378137;
const MAX_LAT = 85.0511287798066;
const D2R = Math.PI / 180;

export type PointFn = (p: Position) => Position;

function lonLatToMerc(p: Position): Position {
  const lat = Math.max(-MAX_LAT, Math.min(MAX_LAT, p[1]!));
  return [R * p[0]! * D2R, R * Math.log(Math.tan(Math.PI / 4 + (lat * D2R) / 2))];
}

function mercToLonLat(p: Position): Position {
  return [p[0]! / R / D2R, (2 * Math.atan(Math.exp(p[1]! / R)) - Math.PI / 2) / D2R];
}

/** Maps positions of `srs` into 3857; null for 3857 itself (nothing to do). */
export function toMercator(srs: number): PointFn | null {
  if (srs === 3857) return null;
  if (srs === 4326) return lonLatToMerc;
  return transformer(srs, 3857);
}

/** The source-SRS box that covers a 3857 box (for the bbox prefilter). */
export function bboxFromMercator(b: BBox, srs: number): BBox {
  if (srs === 3857) return b;
  if (srs === 4326) {
    const clampY = (y: number) => Math.max(-WORLD_HALF, Math.min(WORLD_HALF, y));
    const lo = mercToLonLat([b[0], clampY(b[1])]);
    const hi = mercToLonLat([b[2], clampY(b[3])]);
    // At the poles of the Mercator square, widen to the pole so nothing beyond it is missed.
    return [lo[0]!, b[1] <= -WORLD_HALF ? -90 : lo[1]!, hi[0]!, b[3] >= WORLD_HALF ? 90 : hi[1]!];
  }
  return reprojectBBox(b, 3857, srs);
}

/** The 3857 box of a box in `srs`. */
export function bboxToMercator(b: BBox, srs: number): BBox {
  if (srs !== 3857 && srs !== 4326) return reprojectBBox(b, srs, 3857);
  const fn = toMercator(srs);
  if (!fn) return b;
  const lo = fn([b[0], b[1]]);
  const hi = fn([b[2], b[3]]);
  return [lo[0]!, lo[1]!, hi[0]!, hi[1]!];
}

/** The lon/lat box of a box in `srs` (TileJSON bounds). */
export function bboxToLonLat(b: BBox, srs: number): BBox {
  if (srs === 4326) return b;
  const m = bboxToMercator(b, srs);
  const lo = mercToLonLat([m[0], m[1]]);
  const hi = mercToLonLat([m[2], m[3]]);
  return [lo[0]!, lo[1]!, hi[0]!, hi[1]!];
}

/** Applies a position function to every coordinate of a geometry (a new geometry). */
export function mapGeometry(g: Geometry, fn: PointFn): Geometry {
  return mapPositions(g, fn);
}
