/**
 * @module The warper: fills a target grid (a tile or image in another SRS) from the stored
 * pyramid by inverse mapping, as gdalwarp does. Target pixel centres go through the inverse
 * transform on a coarse grid (every 8 pixels, interpolated between: GDAL's approximate
 * transformer does the same with a 0.125 px error budget), then the best pyramid level is
 * sampled with nearest or bilinear resampling. Bilinear widens its kernel when downsampling,
 * like GDAL's warp kernel, and renormalizes weights over valid pixels.
 */
import type { BBox } from "../geometry/types.ts";
import { BLOCK, type DecodedBlock, type RasterInfo } from "./types.ts";

export type Resampling = "nearest" | "bilinear";

export interface WarpRequest {
  info: RasterInfo;
  /** Target extent (target SRS) and grid size. */
  bbox: BBox;
  width: number;
  height: number;
  /** Maps target SRS coordinates to the raster's SRS; NaN where undefined. */
  inverse: (x: number, y: number) => [number, number];
  resampling: Resampling;
  /** Decoded block of a level, or undefined when missing. */
  block: (level: number, col: number, row: number) => Promise<DecodedBlock | undefined>;
}

export interface WarpResult {
  /** Per band, width×height values (row-major, top row first). */
  bands: Float32Array[];
  /** 1 where the pixel has data. */
  valid: Uint8Array;
  /** Pyramid level that was sampled. */
  level: number;
}

const STEP = 8;
/** Most blocks one warp may touch; beyond it a coarser level is used (extreme distortion). */
const MAX_BLOCKS = 64;

export async function warp(req: WarpRequest): Promise<WarpResult> {
  const { info, width: W, height: H } = req;
  const { px, py } = sourceGrid(req);
  const valid = new Uint8Array(W * H);
  const bands = Array.from({ length: info.bandCount }, () => new Float32Array(W * H));
  const ratio = sourceRatio(px, py, W, H);
  if (!Number.isFinite(ratio)) return { bands, valid, level: 0 };
  let level = chooseLevel(info, ratio);
  let win = neededBlocks(info, level, px, py, ratio);
  while (win && win.count > MAX_BLOCKS && level < info.levels.length - 1) {
    level++;
    win = neededBlocks(info, level, px, py, ratio);
  }
  if (!win || win.count > MAX_BLOCKS) return { bands, valid, level };
  const blocks: (DecodedBlock | undefined)[] = [];
  for (let r = win.r0; r <= win.r1; r++)
    for (let c = win.c0; c <= win.c1; c++) blocks.push(await req.block(level, c, r));
  const lvl = info.levels[level]!;
  const fx = lvl.width / info.width;
  const fy = lvl.height / info.height;
  const sampler = new Sampler(blocks, win, lvl.width, lvl.height, info.bandCount);
  const [kx, ky] = kernelScale(win.extent, W, H, req.resampling);
  const out = new Float64Array(info.bandCount);
  for (let i = 0; i < W * H; i++) {
    const x = px[i]! * fx;
    const y = py[i]! * fy;
    if (!(x >= 0 && y >= 0 && x < lvl.width && y < lvl.height)) continue;
    const ok =
      req.resampling === "nearest"
        ? sampler.nearest(x, y, out)
        : kx === 1 && ky === 1
          ? sampler.bilinear4(x, y, out)
          : sampler.bilinear(x, y, kx, ky, out);
    if (!ok) continue;
    valid[i] = 1;
    for (let b = 0; b < info.bandCount; b++) bands[b]![i] = out[b]!;
  }
  return { bands, valid, level };
}

/** Level-0 source pixel coordinates of every target pixel centre. */
function sourceGrid(req: WarpRequest): { px: Float64Array; py: Float64Array } {
  const { bbox, width: W, height: H, info } = req;
  const gt = info.geoTransform;
  const det = gt[1] * gt[5] - gt[2] * gt[4];
  const resX = (bbox[2] - bbox[0]) / W;
  const resY = (bbox[3] - bbox[1]) / H;
  const toPixel = (tx: number, ty: number): [number, number] => {
    const [sx, sy] = req.inverse(tx, ty);
    const dx = sx - gt[0];
    const dy = sy - gt[3];
    return [(dx * gt[5] - dy * gt[2]) / det, (dy * gt[1] - dx * gt[4]) / det];
  };
  const nx = Math.ceil(W / STEP) + 1;
  const ny = Math.ceil(H / STEP) + 1;
  const gx = new Float64Array(nx * ny);
  const gy = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const [a, b] = toPixel(bbox[0] + (i * STEP + 0.5) * resX, bbox[3] - (j * STEP + 0.5) * resY);
      gx[j * nx + i] = a;
      gy[j * nx + i] = b;
    }
  }
  const px = new Float64Array(W * H);
  const py = new Float64Array(W * H);
  for (let y = 0; y < H; y++) {
    const j = (y / STEP) | 0;
    const t = (y - j * STEP) / STEP;
    for (let i = 0; i * STEP < W; i++) {
      const k = j * nx + i;
      // Left and right edges of this grid cell at row y, then a constant step across it.
      const lx = gx[k]! + (gx[k + nx]! - gx[k]!) * t;
      const rx = gx[k + 1]! + (gx[k + nx + 1]! - gx[k + 1]!) * t;
      const ly = gy[k]! + (gy[k + nx]! - gy[k]!) * t;
      const ry = gy[k + 1]! + (gy[k + nx + 1]! - gy[k + 1]!) * t;
      const x1 = Math.min(W, (i + 1) * STEP);
      const exact = !Number.isFinite(lx + rx + ly + ry);
      for (let x = i * STEP; x < x1; x++) {
        const s = (x - i * STEP) / STEP;
        const o = y * W + x;
        if (exact) {
          // A cell touching an undefined point (outside the projection) is computed exactly.
          const [vx, vy] = toPixel(bbox[0] + (x + 0.5) * resX, bbox[3] - (y + 0.5) * resY);
          px[o] = vx;
          py[o] = vy;
        } else {
          px[o] = lx + (rx - lx) * s;
          py[o] = ly + (ry - ly) * s;
        }
      }
    }
  }
  return { px, py };
}

/** Source (level 0) pixels per target pixel near the centre of the grid. */
function sourceRatio(px: Float64Array, py: Float64Array, W: number, H: number): number {
  const candidates = [
    [W >> 1, H >> 1],
    [W >> 2, H >> 2],
    [(3 * W) >> 2, (3 * H) >> 2],
  ];
  for (const [cx, cy] of candidates) {
    const x = Math.min(cx!, W - 2);
    const y = Math.min(cy!, H - 2);
    const i = y * W + x;
    const dx = Math.hypot(px[i + 1]! - px[i]!, py[i + 1]! - py[i]!);
    const dy = Math.hypot(px[i + W]! - px[i]!, py[i + W]! - py[i]!);
    const r = Math.min(dx, dy);
    if (Number.isFinite(r) && r > 0) return r;
  }
  return Number.NaN;
}

/** The coarsest level whose pixels are still no larger than a target pixel (gdalwarp AUTO). */
function chooseLevel(info: RasterInfo, ratio: number): number {
  let best = 0;
  info.levels.forEach((l, k) => {
    if (info.width / l.width <= ratio * 1.0001) best = k;
  });
  return best;
}

/**
 * Kernel radius in source pixels per axis, computed as GDAL's warper does: from the size of the
 * whole (unclamped) source window against the target size, not per pixel, with reciprocal scales within
 * 0.05 of an integer snapped, and the plain 4-sample bilinear when neither axis shrinks by 5 %.
 */
function kernelScale(
  ext: [number, number, number, number],
  W: number,
  H: number,
  resampling: Resampling,
): [number, number] {
  if (resampling === "nearest") return [1, 1];
  const snap = (scale: number) => {
    if (scale >= 1) return 1;
    const inv = 1 / scale;
    return Math.abs(inv - Math.round(inv)) < 0.05 ? Math.round(inv) : inv;
  };
  const sx = W / Math.max(1e-9, ext[2] - ext[0]);
  const sy = H / Math.max(1e-9, ext[3] - ext[1]);
  if (sx >= 0.95 && sy >= 0.95) return [1, 1];
  return [snap(sx), snap(sy)];
}

interface BlockWindow {
  /** Extent of the source pixels the target covers, in level pixels (not clamped). */
  extent: [number, number, number, number];
  c0: number;
  c1: number;
  r0: number;
  r1: number;
  count: number;
}

function neededBlocks(
  info: RasterInfo,
  level: number,
  px: Float64Array,
  py: Float64Array,
  ratio: number,
): BlockWindow | null {
  const lvl = info.levels[level]!;
  const fx = lvl.width / info.width;
  const fy = lvl.height / info.height;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  let hit = false;
  for (let i = 0; i < px.length; i++) {
    const x = px[i]! * fx;
    const y = py[i]! * fy;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (x >= 0 && y >= 0 && x < lvl.width && y < lvl.height) hit = true;
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  if (!hit) return null;
  // Target pixel centres were sampled; their edges reach half a target pixel further.
  const half = (ratio * Math.max(fx, fy)) / 2;
  const extent: [number, number, number, number] = [x0 - half, y0 - half, x1 + half, y1 + half];
  x0 = Math.max(0, extent[0]);
  y0 = Math.max(0, extent[1]);
  x1 = Math.min(lvl.width, extent[2]);
  y1 = Math.min(lvl.height, extent[3]);
  const pad = Math.max(1, ratio * Math.max(fx, fy)) + 1;
  const c0 = Math.max(0, Math.floor((x0 - pad) / BLOCK));
  const r0 = Math.max(0, Math.floor((y0 - pad) / BLOCK));
  const c1 = Math.min(Math.ceil(lvl.width / BLOCK) - 1, Math.floor((x1 + pad) / BLOCK));
  const r1 = Math.min(Math.ceil(lvl.height / BLOCK) - 1, Math.floor((y1 + pad) / BLOCK));
  return { extent, c0, c1, r0, r1, count: (c1 - c0 + 1) * (r1 - r0 + 1) };
}

/** Pixel access across the fetched blocks of one level (no allocation per sample). */
class Sampler {
  readonly #cols: number;
  readonly #rows: number;
  /** Block and offset of the last successful lookup. */
  #blk: DecodedBlock | undefined;
  #idx = 0;

  constructor(
    private readonly blocks: (DecodedBlock | undefined)[],
    private readonly win: BlockWindow,
    private readonly w: number,
    private readonly h: number,
    private readonly bands: number,
  ) {
    this.#cols = win.c1 - win.c0 + 1;
    this.#rows = win.r1 - win.r0 + 1;
  }

  /** Looks up integer pixel (x, y); false when outside, missing or invalid. */
  #at(x: number, y: number): boolean {
    if (x < 0 || y < 0 || x >= this.w || y >= this.h) return false;
    const c = ((x / BLOCK) | 0) - this.win.c0;
    const r = ((y / BLOCK) | 0) - this.win.r0;
    if (c < 0 || r < 0 || c >= this.#cols || r >= this.#rows) return false;
    const blk = this.blocks[r * this.#cols + c];
    if (!blk) return false;
    const i = (y % BLOCK) * BLOCK + (x % BLOCK);
    if (blk.valid && !blk.valid[i]) return false;
    this.#blk = blk;
    this.#idx = i;
    return true;
  }

  nearest(x: number, y: number, out: Float64Array): boolean {
    if (!this.#at(Math.floor(x), Math.floor(y))) return false;
    const bands = this.#blk!.bands;
    for (let b = 0; b < this.bands; b++) out[b] = bands[b]![this.#idx]!;
    return true;
  }

  /** The classic 4-sample bilinear (no downsampling), weights renormalized over valid pixels. */
  bilinear4(x: number, y: number, out: Float64Array): boolean {
    if (!this.#at(Math.floor(x), Math.floor(y))) return false;
    const cx = x - 0.5;
    const cy = y - 0.5;
    const i0 = Math.floor(cx);
    const j0 = Math.floor(cy);
    const fx = cx - i0;
    const fy = cy - j0;
    // Fast path: all four neighbours in one fully valid block (the common case).
    const c = ((i0 / BLOCK) | 0) - this.win.c0;
    const r = ((j0 / BLOCK) | 0) - this.win.r0;
    if (
      i0 >= 0 &&
      j0 >= 0 &&
      i0 + 1 < this.w &&
      j0 + 1 < this.h &&
      (i0 % BLOCK) + 1 < BLOCK &&
      (j0 % BLOCK) + 1 < BLOCK &&
      c < this.#cols &&
      r < this.#rows
    ) {
      const blk = this.blocks[r * this.#cols + c];
      if (blk && !blk.valid) {
        const k = (j0 % BLOCK) * BLOCK + (i0 % BLOCK);
        const w00 = (1 - fx) * (1 - fy);
        const w10 = fx * (1 - fy);
        const w01 = (1 - fx) * fy;
        const w11 = fx * fy;
        for (let b = 0; b < this.bands; b++) {
          const v = blk.bands[b]!;
          out[b] = v[k]! * w00 + v[k + 1]! * w10 + v[k + BLOCK]! * w01 + v[k + BLOCK + 1]! * w11;
        }
        return true;
      }
    }
    for (let b = 0; b < this.bands; b++) out[b] = 0;
    let wsum = 0;
    for (let q = 0; q < 4; q++) {
      const dx = q & 1;
      const dy = q >> 1;
      const w = (dx ? fx : 1 - fx) * (dy ? fy : 1 - fy);
      if (w <= 0 || !this.#at(i0 + dx, j0 + dy)) continue;
      wsum += w;
      const bands = this.#blk!.bands;
      for (let b = 0; b < this.bands; b++) out[b]! += w * bands[b]![this.#idx]!;
    }
    if (wsum < 1e-6) return false;
    for (let b = 0; b < this.bands; b++) out[b]! /= wsum;
    return true;
  }

  /**
   * Triangle-weighted mean over pixel centres within (kx, ky) source pixels: the classic
   * 4-sample bilinear when k = 1, GDAL's widened kernel when downsampling. As in GDAL, a
   * target pixel whose containing source pixel is invalid stays empty.
   */
  bilinear(x: number, y: number, kx: number, ky: number, out: Float64Array): boolean {
    if (!this.#at(Math.floor(x), Math.floor(y))) return false;
    const cx = x - 0.5;
    const cy = y - 0.5;
    const i0 = Math.floor(cx - kx + 1);
    const i1 = Math.ceil(cx + kx - 1);
    const j0 = Math.floor(cy - ky + 1);
    const j1 = Math.ceil(cy + ky - 1);
    for (let b = 0; b < this.bands; b++) out[b] = 0;
    let wsum = 0;
    for (let j = j0; j <= j1; j++) {
      const wy = 1 - Math.abs(j - cy) / ky;
      if (wy <= 0) continue;
      for (let i = i0; i <= i1; i++) {
        const wx = 1 - Math.abs(i - cx) / kx;
        if (wx <= 0 || !this.#at(i, j)) continue;
        const w = wx * wy;
        wsum += w;
        const bands = this.#blk!.bands;
        for (let b = 0; b < this.bands; b++) out[b]! += w * bands[b]![this.#idx]!;
      }
    }
    if (wsum < 1e-6) return false;
    for (let b = 0; b < this.bands; b++) out[b]! /= wsum;
    return true;
  }
}
