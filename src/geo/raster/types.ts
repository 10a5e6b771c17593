/**
 * @module The raster engine's plain shapes: what a stored raster is (size, bands, data type,
 * georeferencing, pyramid levels), decoded blocks, and the limits that keep hostile files out.
 */

/** GDAL's data type names, as NGW's raster_layer.dtype reports them (reference/ngw.md §3.5). */
export type DType = "Byte" | "UInt16" | "Int16" | "UInt32" | "Int32" | "Float32" | "Float64";

export const DTYPE_BYTES: Record<DType, number> = {
  Byte: 1,
  UInt16: 2,
  Int16: 2,
  UInt32: 4,
  Int32: 4,
  Float32: 4,
  Float64: 8,
};

/** GDAL color interpretation names (GDALGetColorInterpretationName). */
export type ColorInterp = "Gray" | "Red" | "Green" | "Blue" | "Alpha" | "Undefined" | "Palette";

/** Pixel size of one block of the internal pyramid; also the render tile size. */
export const BLOCK = 256;

/** Refused before any pixel is read: absurd sizes are a 422, never an allocation. */
export const LIMITS = {
  /** Longest side in pixels. */
  maxSide: 100_000,
  /** width × height. */
  maxPixels: 2 ** 31,
  maxBands: 4,
  /** Pixels read per source window during import (bounds import memory to ~32 MB). */
  windowPixels: 4096 * BLOCK,
};

export interface LevelInfo {
  width: number;
  height: number;
  /** Source-SRS units per pixel of this level (GDAL's overview convention: extent / size). */
  resX: number;
  resY: number;
}

/** Everything needed to render from the stored pyramid; kept as JSON next to the blocks. */
export interface RasterInfo {
  width: number;
  height: number;
  bandCount: number;
  dtype: DType;
  /** GDAL geotransform: [originX, pixelW, rotX, originY, rotY, pixelH]. */
  geoTransform: [number, number, number, number, number, number];
  /** EPSG code of the source coordinates. */
  epsg: number;
  nodata: number | null;
  colorInterp: ColorInterp[];
  /** True when the file carried an internal (per-dataset) mask; stored as an extra plane. */
  mask: boolean;
  /** Whether the original file is a cloud-optimized GeoTIFF (tiled, overviews, IFDs first). */
  cog: boolean;
  levels: LevelInfo[];
  /** Per band minimum and maximum of the valid pixels (default stretch of gray styles). */
  stats: { min: number; max: number }[];
}

/**
 * One decoded block: each band as float values (Float64 for the 32-bit integer and Float64
 * types, which Float32 cannot hold exactly), plus validity (nodata, mask) per pixel.
 */
export interface DecodedBlock {
  bands: (Float32Array | Float64Array)[];
  /** 1 valid, 0 not; null when every pixel is valid. */
  valid: Uint8Array | null;
}

/** Where the pyramid's encoded blocks live (libSQL table, memory in tests). */
export interface BlockStore {
  put(level: number, col: number, row: number, data: Uint8Array): Promise<void>;
  get(level: number, col: number, row: number): Promise<Uint8Array | undefined>;
}

/** A raster the engine cannot take: bad or hostile input, surfaced as a 4xx by the catalog. */
export class RasterError extends Error {
  override readonly name = "RasterError";
}
