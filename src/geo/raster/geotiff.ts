/**
 * @module GeoTIFF reading for import: opens a file with the `geotiff` package, checks it against
 * hard limits before reading pixels (sizes, bands, data types, tile/strip offsets inside the
 * file so a truncated TIFF fails clearly), derives the geotransform, EPSG code, nodata, color
 * interpretation and internal mask, and reads windows of native pixels.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { fromFile, type GeoTIFF, type GeoTIFFImage } from "geotiff";
import { type ColorInterp, type DType, LIMITS, RasterError, type RasterInfo } from "./types.ts";

type Typed =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array;

export interface Window {
  /** One native typed array per band, row-major, (x1-x0)×(y1-y0). */
  bands: Typed[];
  /** Internal mask (non-zero = valid) when the file has one. */
  mask: Uint8Array | null;
}

export interface GeoTiffReader {
  info: Omit<RasterInfo, "levels" | "stats">;
  read(x0: number, y0: number, x1: number, y1: number): Promise<Window>;
  close(): void;
}

/** NewSubfileType bits (TIFF 6.0): reduced-resolution image, transparency mask. */
const REDUCED = 1;
const MASK = 4;

export async function openGeoTiff(path: string): Promise<GeoTiffReader> {
  const size = fileSize(path);
  const head = readHead(path, 512);
  if (!isTiff(head)) throw new RasterError("The file is not a TIFF.");
  let tiff: GeoTIFF;
  try {
    tiff = await fromFile(path);
  } catch (err) {
    throw new RasterError(`The TIFF could not be parsed: ${msg(err)}`);
  }
  try {
    const count = await guard(() => tiff.getImageCount(), "image directory");
    const main = await guard(() => tiff.getImage(0), "image directory");
    const info = await describe(main, head);
    const palette = await paletteOf(main, info);
    await checkBlocks(main, size);
    let maskImage: GeoTIFFImage | null = null;
    for (let i = 1; i < Math.min(count, 64); i++) {
      const im = await guard(() => tiff.getImage(i), "image directory");
      const kind = Number(im.fileDirectory.getValue("NewSubfileType") ?? 0);
      if (kind & MASK && !(kind & REDUCED) && sameSize(im, main)) {
        await checkBlocks(im, size);
        maskImage = im;
        break;
      }
    }
    info.mask = maskImage !== null;
    return {
      info,
      read: async (x0, y0, x1, y1) => {
        const w = await readWindow(main, maskImage, [x0, y0, x1, y1]);
        return palette ? expandPalette(w, palette) : w;
      },
      close: () => void (tiff as unknown as { close?: () => void }).close?.(),
    };
  } catch (err) {
    (tiff as unknown as { close?: () => void }).close?.();
    throw err;
  }
}

async function describe(im: GeoTIFFImage, head: Uint8Array): Promise<GeoTiffReader["info"]> {
  const width = im.getWidth();
  const height = im.getHeight();
  if (!(width > 0 && height > 0)) throw new RasterError("The TIFF has no pixels.");
  if (width > LIMITS.maxSide || height > LIMITS.maxSide || width * height > LIMITS.maxPixels) {
    throw new RasterError(
      `Raster of ${width}×${height} pixels exceeds the limit (${LIMITS.maxSide} a side, ${LIMITS.maxPixels} pixels).`,
    );
  }
  const bandCount = im.getSamplesPerPixel();
  if (bandCount < 1 || bandCount > LIMITS.maxBands)
    throw new RasterError(`Rasters with ${bandCount} bands are not supported (1 to 4).`);
  const dtype = dtypeOf(im, bandCount);
  const geoTransform = geoTransformOf(im);
  const epsg = epsgOf(im);
  const nodata = im.getGDALNoData();
  return {
    width,
    height,
    bandCount,
    dtype,
    geoTransform,
    epsg,
    nodata: nodata !== null && Number.isFinite(nodata) ? nodata : nodata === null ? null : NaN,
    colorInterp: colorInterpOf(im, bandCount),
    mask: false,
    cog: new TextDecoder("latin1").decode(head).includes("LAYOUT=COG"),
  };
}

function dtypeOf(im: GeoTIFFImage, bands: number): DType {
  const bits = toArray(im.fileDirectory.getValue("BitsPerSample"));
  const formats = toArray(im.fileDirectory.getValue("SampleFormat"));
  const b = bits[0] ?? 1;
  const f = formats[0] ?? 1;
  for (let i = 0; i < bands; i++) {
    if ((bits[i] ?? b) !== b || (formats[i] ?? f) !== f)
      throw new RasterError("Bands with different data types are not supported.");
  }
  const key = `${f}:${b}`;
  const map: Record<string, DType> = {
    "1:8": "Byte",
    "1:16": "UInt16",
    "2:16": "Int16",
    "1:32": "UInt32",
    "2:32": "Int32",
    "3:32": "Float32",
    "3:64": "Float64",
  };
  const dt = map[key];
  if (!dt) throw new RasterError(`Unsupported sample type (format ${f}, ${b} bits).`);
  return dt;
}

function geoTransformOf(im: GeoTIFFImage): RasterInfo["geoTransform"] {
  const fd = im.fileDirectory;
  const mt = fd.getValue("ModelTransformation") as number[] | undefined;
  const tie = fd.getValue("ModelTiepoint") as number[] | undefined;
  const scale = fd.getValue("ModelPixelScale") as number[] | undefined;
  let gt: RasterInfo["geoTransform"];
  if (mt && mt.length >= 8) {
    gt = [mt[3]!, mt[0]!, mt[1]!, mt[7]!, mt[4]!, mt[5]!];
  } else if (tie && tie.length >= 6 && scale && scale.length >= 2) {
    const [i, j, , x, y] = tie as [number, number, number, number, number];
    gt = [x - i * scale[0]!, scale[0]!, 0, y + j * scale[1]!, 0, -scale[1]!];
  } else {
    throw new RasterError("The TIFF has no georeferencing (no tie point or transformation).");
  }
  if (!gt.every(Number.isFinite) || gt[1] * gt[5] - gt[2] * gt[4] === 0)
    throw new RasterError("The TIFF's georeferencing is degenerate.");
  // PixelIsPoint: coordinates name pixel centres; GDAL shifts them to corners by default.
  if (keys(im)?.GTRasterTypeGeoKey === 2) {
    gt[0] -= (gt[1] + gt[2]) / 2;
    gt[3] -= (gt[4] + gt[5]) / 2;
  }
  return gt;
}

function epsgOf(im: GeoTIFFImage): number {
  const k = keys(im);
  const code = Number(k?.ProjectedCSTypeGeoKey ?? k?.GeographicTypeGeoKey ?? 0);
  if (!Number.isInteger(code) || code <= 0 || code >= 32767) {
    throw new RasterError(
      "The TIFF's coordinate system has no EPSG code; save it with an EPSG-coded CRS.",
    );
  }
  return code;
}

function colorInterpOf(im: GeoTIFFImage, bands: number): ColorInterp[] {
  const photo = Number(im.fileDirectory.getValue("PhotometricInterpretation") ?? 1);
  const extra = toArray(im.fileDirectory.getValue("ExtraSamples"));
  const out: ColorInterp[] = [];
  for (let i = 0; i < bands; i++) {
    if (photo === 2 && i < 3) out.push((["Red", "Green", "Blue"] as const)[i]!);
    else if (photo === 3 && i === 0) out.push("Palette");
    else if (i === 0 && photo <= 1) out.push("Gray");
    else out.push("Undefined");
  }
  // ExtraSamples 1 (associated) or 2 (unassociated) alpha marks the last extra band as alpha.
  const firstExtra = bands - extra.length;
  extra.forEach((e, i) => {
    if ((e === 1 || e === 2) && firstExtra + i >= 0) out[firstExtra + i] = "Alpha";
  });
  return out;
}

/** Every tile or strip of the image must lie inside the file: a truncated TIFF is refused here. */
async function checkBlocks(im: GeoTIFFImage, size: number): Promise<void> {
  const fd = im.fileDirectory;
  const tiled = fd.hasTag("TileOffsets");
  const offsets = toArray(
    await guard(() => fd.loadValue(tiled ? "TileOffsets" : "StripOffsets"), "offsets"),
  );
  const counts = toArray(
    await guard(() => fd.loadValue(tiled ? "TileByteCounts" : "StripByteCounts"), "byte counts"),
  );
  if (offsets.length === 0 || offsets.length !== counts.length)
    throw new RasterError("The TIFF's block tables are missing or inconsistent.");
  for (let i = 0; i < offsets.length; i++) {
    const end = Number(offsets[i]) + Number(counts[i]);
    if (Number(counts[i]) > 0 && !(end <= size))
      throw new RasterError("The TIFF is truncated: image data lies beyond the end of the file.");
  }
}

async function readWindow(
  im: GeoTIFFImage,
  maskImage: GeoTIFFImage | null,
  window: [number, number, number, number],
): Promise<Window> {
  const data = await guard(() => im.readRasters({ window, interleave: false }), "pixels");
  const bands = Array.from(data as unknown as ArrayLike<Typed>);
  let mask: Uint8Array | null = null;
  if (maskImage) {
    const m = await guard(() => maskImage.readRasters({ window, interleave: false }), "mask");
    mask = (m as unknown as Uint8Array[])[0] ?? null;
  }
  return { bands, mask };
}

/**
 * A paletted (PhotometricInterpretation 3) Byte image is expanded to RGBA at import, as NGW
 * does with `gdal_translate -expand rgba`; the colour map's 16-bit entries become 8-bit and the
 * nodata index becomes transparent. Changes `info` to 4 Byte bands.
 */
async function paletteOf(
  im: GeoTIFFImage,
  info: GeoTiffReader["info"],
): Promise<Uint8Array | null> {
  if (Number(im.fileDirectory.getValue("PhotometricInterpretation")) !== 3) return null;
  const map = toArray(await guard(() => im.fileDirectory.loadValue("ColorMap"), "colour map"));
  if (info.bandCount !== 1 || info.dtype !== "Byte" || map.length !== 3 * 256)
    throw new RasterError("Only 8-bit single-band paletted TIFFs are supported.");
  const lut = new Uint8Array(256 * 4);
  for (let i = 0; i < 256; i++) {
    lut[i * 4] = map[i]! >> 8;
    lut[i * 4 + 1] = map[256 + i]! >> 8;
    lut[i * 4 + 2] = map[512 + i]! >> 8;
    lut[i * 4 + 3] = info.nodata === i ? 0 : 255;
  }
  info.bandCount = 4;
  info.colorInterp = ["Red", "Green", "Blue", "Alpha"];
  info.nodata = null;
  return lut;
}

function expandPalette(w: Window, lut: Uint8Array): Window {
  const idx = w.bands[0]!;
  const bands = [0, 1, 2, 3].map(() => new Uint8Array(idx.length));
  for (let i = 0; i < idx.length; i++) {
    const k = (idx[i] as number) * 4;
    for (let b = 0; b < 4; b++) bands[b]![i] = lut[k + b]!;
  }
  return { bands, mask: w.mask };
}

async function guard<T>(fn: () => Promise<T> | T, what: string): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof RasterError) throw err;
    throw new RasterError(`The TIFF's ${what} could not be read: ${msg(err)}`);
  }
}

function keys(im: GeoTIFFImage): Record<string, unknown> | null {
  try {
    return im.getGeoKeys() as Record<string, unknown> | null;
  } catch {
    return null;
  }
}

function sameSize(a: GeoTIFFImage, b: GeoTIFFImage): boolean {
  return a.getWidth() === b.getWidth() && a.getHeight() === b.getHeight();
}

function toArray(v: unknown): number[] {
  if (v === undefined || v === null) return [];
  if (typeof v === "number" || typeof v === "bigint") return [Number(v)];
  return Array.from(v as ArrayLike<number>, Number);
}

function isTiff(h: Uint8Array): boolean {
  const le = h[0] === 0x49 && h[1] === 0x49 && (h[2] === 42 || h[2] === 43) && h[3] === 0;
  const be = h[0] === 0x4d && h[1] === 0x4d && h[2] === 0 && (h[3] === 42 || h[3] === 43);
  return le || be;
}

function fileSize(path: string): number {
  const fd = openSync(path, "r");
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}

function readHead(path: string, n: number): Uint8Array {
  const fd = openSync(path, "r");
  try {
    const buf = new Uint8Array(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

function msg(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
