/**
 * @module Tile math for the Web Mercator (EPSG:3857) XYZ grid: validation of z/x/y, tile
 * bounds in metres and the buffered query box. Y grows southwards as in OSM/Google tiles.
 */
import type { BBox } from "../geometry/types.ts";

/** Half the width of the Web Mercator square, metres (EPSG:3857 bounds: ±π·6378137). */
export const WORLD_HALF = 20037508.342789244;
/** The deepest zoom accepted; beyond it tiles are far below a millimetre. */
export const MAX_ZOOM = 24;

export interface TileCoord {
  z: number;
  x: number;
  y: number;
}

/** Bad tile coordinates. `status` is a hint for faces: the request itself is wrong (400). */
export class TileRangeError extends RangeError {
  readonly status = 400;
  override readonly name = "TileRangeError";
}

/**
 * Parses and validates tile coordinates given as strings or numbers: integers only, z in
 * 0..MAX_ZOOM, x and y in 0..2^z-1. Anything else throws TileRangeError (never NaN through).
 */
export function parseTile(z: unknown, x: unknown, y: unknown): TileCoord {
  const zz = toInt(z, "z");
  if (zz > MAX_ZOOM) throw new TileRangeError(`z must be at most ${MAX_ZOOM}, got ${zz}.`);
  const n = 2 ** zz;
  const xx = toInt(x, "x");
  const yy = toInt(y, "y");
  if (xx >= n) throw new TileRangeError(`x must be below 2^z = ${n} at zoom ${zz}, got ${xx}.`);
  if (yy >= n) throw new TileRangeError(`y must be below 2^z = ${n} at zoom ${zz}, got ${yy}.`);
  return { z: zz, x: xx, y: yy };
}

function toInt(v: unknown, name: string): number {
  const s = typeof v === "number" ? String(v) : typeof v === "string" ? v.trim() : "";
  // At most 9 digits: 2^24 tiles per axis is 8 digits, so longer inputs are out of range anyway
  // and never reach Number() as huge or lossy values.
  if (!/^\d{1,9}$/.test(s))
    throw new TileRangeError(`${name} must be a non-negative integer, got '${String(v)}'.`);
  return Number(s);
}

/** The tile's bounds in EPSG:3857 metres. */
export function tileBBox(t: TileCoord): BBox {
  const size = (2 * WORLD_HALF) / 2 ** t.z;
  const minX = -WORLD_HALF + t.x * size;
  const maxY = WORLD_HALF - t.y * size;
  return [minX, maxY - size, minX + size, maxY];
}

/** The tile's bounds grown by `buffer` tile units (of `extent` per tile side) on every side. */
export function bufferedBBox(t: TileCoord, extent: number, buffer: number): BBox {
  const [minX, minY, maxX, maxY] = tileBBox(t);
  const pad = ((maxX - minX) * buffer) / extent;
  return [minX - pad, minY - pad, maxX + pad, maxY + pad];
}

/** Metres per tile unit at zoom z (the resolution simplification and size tests work in). */
export function unitSize(z: number, extent: number): number {
  return (2 * WORLD_HALF) / 2 ** z / extent;
}

/** A stable key for caches and file names: "z/x/y". */
export function tileKey(t: TileCoord): string {
  return `${t.z}/${t.x}/${t.y}`;
}
