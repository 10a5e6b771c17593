/**
 * @module Pyramid blocks: 256×256 pixels of one level, stored as the native data type,
 * band-sequential little-endian, plus a mask plane when the raster has an internal mask, all
 * deflated with fflate. Decoding yields float bands and a validity plane (nodata, NaN, mask),
 * which is all the warper needs.
 */
import { deflateSync, inflateSync } from "fflate";
import { BLOCK, type DecodedBlock, DTYPE_BYTES, type DType, type RasterInfo } from "./types.ts";

const N = BLOCK * BLOCK;

type Ctor =
  | Uint8ArrayConstructor
  | Uint16ArrayConstructor
  | Int16ArrayConstructor
  | Uint32ArrayConstructor
  | Int32ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor;

const CTOR: Record<DType, Ctor> = {
  Byte: Uint8Array,
  UInt16: Uint16Array,
  Int16: Int16Array,
  UInt32: Uint32Array,
  Int32: Int32Array,
  Float32: Float32Array,
  Float64: Float64Array,
};

const RANGE: Partial<Record<DType, [number, number]>> = {
  Byte: [0, 255],
  UInt16: [0, 65535],
  Int16: [-32768, 32767],
  UInt32: [0, 4294967295],
  Int32: [-2147483648, 2147483647],
};

type Info = Pick<RasterInfo, "bandCount" | "dtype" | "nodata" | "mask">;

/** Encodes float bands (+ validity) into a stored block of the raster's native type. */
export function encodeBlock(info: Info, block: DecodedBlock): Uint8Array {
  const bpp = DTYPE_BYTES[info.dtype];
  const planes = info.bandCount * bpp + (info.mask ? 1 : 0);
  const raw = new Uint8Array(N * planes);
  const range = RANGE[info.dtype];
  const fill = info.nodata ?? (range ? 0 : Number.NaN);
  for (let b = 0; b < info.bandCount; b++) {
    const out = new CTOR[info.dtype](raw.buffer, b * N * bpp, N);
    const src = block.bands[b]!;
    for (let i = 0; i < N; i++) {
      let v = block.valid && !block.valid[i] ? fill : src[i]!;
      if (range) v = Math.min(range[1], Math.max(range[0], Math.round(v)));
      out[i] = v;
    }
  }
  if (info.mask) {
    const m = raw.subarray(info.bandCount * N * bpp);
    for (let i = 0; i < N; i++) m[i] = !block.valid || block.valid[i] ? 255 : 0;
  }
  return deflateSync(raw, { level: 1 });
}

/** Decodes a stored block; pixels equal to nodata, NaN or masked out become invalid. */
export function decodeBlock(info: Info, data: Uint8Array): DecodedBlock {
  const raw = inflateSync(data);
  const bpp = DTYPE_BYTES[info.dtype];
  // Copy into an aligned buffer: the inflated bytes may start at any offset.
  const aligned = new Uint8Array(raw.length);
  aligned.set(raw);
  const bands: (Float32Array | Float64Array)[] = [];
  const Out = wide(info.dtype) ? Float64Array : Float32Array;
  let valid: Uint8Array | null = null;
  const nd = info.nodata;
  const isFloat = info.dtype === "Float32" || info.dtype === "Float64";
  for (let b = 0; b < info.bandCount; b++) {
    const src = new CTOR[info.dtype](aligned.buffer, b * N * bpp, N);
    const f = new Out(N);
    for (let i = 0; i < N; i++) {
      const v = src[i]!;
      f[i] = v;
      if (
        (nd !== null && (v === nd || (Number.isNaN(nd) && Number.isNaN(v)))) ||
        (isFloat && Number.isNaN(v))
      ) {
        valid ??= new Uint8Array(N).fill(1);
        valid[i] = 0;
      }
    }
    bands.push(f);
  }
  if (info.mask) {
    const m = aligned.subarray(info.bandCount * N * bpp, info.bandCount * N * bpp + N);
    valid ??= new Uint8Array(N).fill(1);
    for (let i = 0; i < N; i++) if (m[i] === 0) valid[i] = 0;
  }
  return { bands, valid };
}

/** An empty block: every pixel invalid (used for padding and missing data). */
export function emptyBlock(bandCount: number, dtype: DType = "Byte"): DecodedBlock {
  const Out = wide(dtype) ? Float64Array : Float32Array;
  return {
    bands: Array.from({ length: bandCount }, () => new Out(N)),
    valid: new Uint8Array(N),
  };
}

/** Types whose values Float32 cannot represent exactly. */
function wide(dtype: DType): boolean {
  return dtype === "Float64" || dtype === "Int32" || dtype === "UInt32";
}
