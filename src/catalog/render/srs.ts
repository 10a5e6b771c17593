/**
 * @module Coordinate transforms the renderer needs: EPSG:3857 to a layer's SRS (raster warping,
 * query boxes) and a layer's SRS to 3857 (vector geometries). 3857 and 4326 use closed formulas;
 * other codes go through the shared SRS engine (geo/srs).
 */

import { type BBox, type Geometry, mapPositions } from "../../geo/geometry/types.ts";
import { hasSrs, transformer } from "../../geo/srs/index.ts";

const R = 6378137;
const D2R = Math.PI / 180;
const MAX_LAT = 85.0511287798066;

export type XY = (x: number, y: number) => [number, number];

/** Whether transforms to and from this code are available. */
export function srsSupported(epsg: number): boolean {
  return epsg === 3857 || epsg === 4326 || hasSrs(epsg);
}

/** The shared SRS engine as an (x, y) function; NaN where a point has no image. */
function viaEngine(from: number, to: number): XY {
  const t = transformer(from, to);
  return (x, y) => {
    try {
      const p = t([x, y]);
      return [p[0]!, p[1]!];
    } catch {
      return [Number.NaN, Number.NaN];
    }
  };
}

/** EPSG:3857 → epsg. */
export function fromMercator(epsg: number): XY {
  if (epsg === 3857) return (x, y) => [x, y];
  if (epsg === 4326)
    return (x, y) => [x / R / D2R, (2 * Math.atan(Math.exp(y / R)) - Math.PI / 2) / D2R];
  return viaEngine(3857, epsg);
}

/** epsg → EPSG:3857. */
export function toMercator(epsg: number): XY {
  if (epsg === 3857) return (x, y) => [x, y];
  if (epsg === 4326)
    return (x, y) => {
      const lat = Math.max(-MAX_LAT, Math.min(MAX_LAT, y));
      return [R * x * D2R, R * Math.log(Math.tan(Math.PI / 4 + (lat * D2R) / 2))];
    };
  return viaEngine(epsg, 3857);
}

/** Transforms a box by sampling its edges (11 points a side), so curved edges are covered. */
export function transformBBox(b: BBox, fn: XY): BBox {
  let out: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i <= 10; i++) {
    const fx = b[0] + ((b[2] - b[0]) * i) / 10;
    const fy = b[1] + ((b[3] - b[1]) * i) / 10;
    for (const [x, y] of [
      [fx, b[1]],
      [fx, b[3]],
      [b[0], fy],
      [b[2], fy],
    ] as const) {
      const [px, py] = fn(x, y);
      if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
      out = [
        Math.min(out[0], px),
        Math.min(out[1], py),
        Math.max(out[2], px),
        Math.max(out[3], py),
      ];
    }
  }
  return out;
}

export function transformGeometry(g: Geometry, fn: XY): Geometry {
  return mapPositions(g, (c) => fn(c[0]!, c[1]!));
}
