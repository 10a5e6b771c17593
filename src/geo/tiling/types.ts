/**
 * @module Shared shapes of the tile pipeline: tile-space geometry (flat coordinate arrays in
 * tile units, y down), tile features and layers, and the one options object with defaults.
 */
import type { FieldDef, FieldValue } from "../sources/feature-source.ts";

/**
 * Geometry in tile units. Coordinates are flat [x0, y0, x1, y1, …]. Polygon rings are open (the
 * first point is not repeated); the first ring of each polygon is its exterior.
 */
export type TileGeometry =
  | { type: 1; points: number[] }
  | { type: 2; lines: number[][] }
  | { type: 3; polygons: number[][][] };

export interface TileFeature {
  id: number;
  geom: TileGeometry;
  props: Record<string, FieldValue>;
  /** Size in tile units (bbox diagonal), used to drop the smallest features first. */
  size: number;
}

export interface TileLayerData {
  name: string;
  fields: FieldDef[];
  features: TileFeature[];
}

export interface TileOptions {
  /** Tile units per side (MVT extent); NGW's `extent`. */
  extent: number;
  /** Extra margin around the tile in tile units, clipped to; NGW's padding × extent. */
  buffer: number;
  /** Douglas–Peucker tolerance in tile units; 0 keeps every vertex. NGW's `simplification`. */
  simplification: number;
  /** Encoded tile size limit in bytes: above it the smallest features are dropped. */
  maxBytes: number;
}

export const defaultTileOptions: TileOptions = {
  extent: 4096,
  // NGW's default padding is 0.05 of the tile: 0.05 × 4096 ≈ 205 units.
  buffer: 205,
  // NGW: simplification defaults to extent / 512 (half a pixel of a 256 px tile).
  simplification: 8,
  // The ceiling: every tile under 500 KB.
  maxBytes: 500 * 1024,
};

/** Fills defaults and rejects values that would make the pipeline misbehave. */
export function tileOptions(o: Partial<TileOptions> = {}): TileOptions {
  const r = { ...defaultTileOptions, ...o };
  if (!Number.isInteger(r.extent) || r.extent < 64 || r.extent > 65536)
    throw new RangeError("extent must be an integer from 64 to 65536.");
  if (!Number.isFinite(r.buffer) || r.buffer < 0 || r.buffer > r.extent / 2)
    throw new RangeError("buffer must be from 0 to half the extent.");
  if (!Number.isFinite(r.simplification) || r.simplification < 0 || r.simplification > r.extent)
    throw new RangeError("simplification must be from 0 to the extent.");
  if (!Number.isFinite(r.maxBytes) || r.maxBytes < 1024)
    throw new RangeError("maxBytes must be at least 1024.");
  return r;
}
