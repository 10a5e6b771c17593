/**
 * @module Import: cuts a GeoTIFF into the stored pyramid. Level 0 is the file at native
 * resolution in its own SRS, in 256×256 blocks; each further level halves the previous one
 * (mean of the valid pixels of each 2×2, as GDAL's AVERAGE overviews) until one block holds it.
 * Memory stays bounded: one source window (≤ LIMITS.windowPixels) or four blocks at a time.
 */
import { decodeBlock, emptyBlock, encodeBlock } from "./blocks.ts";
import type { GeoTiffReader } from "./geotiff.ts";
import {
  BLOCK,
  type BlockStore,
  type DecodedBlock,
  type LevelInfo,
  LIMITS,
  type RasterInfo,
} from "./types.ts";

/** Builds every level into `store`; returns the raster description including its levels. */
export async function buildPyramid(reader: GeoTiffReader, store: BlockStore): Promise<RasterInfo> {
  const info: RasterInfo = {
    ...reader.info,
    levels: levelsOf(reader.info),
    stats: Array.from({ length: reader.info.bandCount }, () => ({ min: Infinity, max: -Infinity })),
  };
  await buildLevel0(reader, info, store);
  for (const s of info.stats) {
    if (s.min > s.max) [s.min, s.max] = [0, 0];
  }
  for (let k = 1; k < info.levels.length; k++) await buildOverview(info, k, store);
  return info;
}

/** Level sizes as GDAL makes overviews: ceil(size / 2^k), resolution = extent / size. */
export function levelsOf(info: Pick<RasterInfo, "width" | "height" | "geoTransform">): LevelInfo[] {
  const out: LevelInfo[] = [];
  let w = info.width;
  let h = info.height;
  const ex = Math.abs(info.geoTransform[1]) * info.width;
  const ey = Math.abs(info.geoTransform[5]) * info.height;
  for (;;) {
    out.push({ width: w, height: h, resX: ex / w, resY: ey / h });
    if (w <= BLOCK && h <= BLOCK) break;
    w = Math.ceil(w / 2);
    h = Math.ceil(h / 2);
  }
  return out;
}

async function buildLevel0(reader: GeoTiffReader, info: RasterInfo, store: BlockStore) {
  const cols = Math.ceil(info.width / BLOCK);
  const rows = Math.ceil(info.height / BLOCK);
  const perRead = Math.max(1, Math.floor(LIMITS.windowPixels / (BLOCK * BLOCK)));
  const nd = info.nodata;
  for (let r = 0; r < rows; r++) {
    const y0 = r * BLOCK;
    const y1 = Math.min(info.height, y0 + BLOCK);
    for (let c0 = 0; c0 < cols; c0 += perRead) {
      const x0 = c0 * BLOCK;
      const x1 = Math.min(info.width, (c0 + perRead) * BLOCK);
      const win = await reader.read(x0, y0, x1, y1);
      const ww = x1 - x0;
      for (let c = c0; c < Math.min(cols, c0 + perRead); c++) {
        const blk = emptyBlock(info.bandCount, info.dtype);
        const valid = blk.valid!;
        const bx = c * BLOCK - x0;
        const bw = Math.min(BLOCK, x1 - c * BLOCK);
        const nb = info.bandCount;
        const src = win.bands;
        const dst = blk.bands;
        const mask = win.mask;
        const mins = info.stats.map((st) => st.min);
        const maxs = info.stats.map((st) => st.max);
        for (let y = 0; y < y1 - y0; y++) {
          for (let x = 0; x < bw; x++) {
            const si = y * ww + bx + x;
            const di = y * BLOCK + x;
            let ok = mask ? mask[si] !== 0 : true;
            for (let b = 0; b < nb; b++) {
              const v = src[b]![si] as number;
              dst[b]![di] = v;
              if (Number.isNaN(v) || v === nd) ok = false;
            }
            valid[di] = ok ? 1 : 0;
            if (ok) {
              for (let b = 0; b < nb; b++) {
                const v = dst[b]![di]!;
                if (v < mins[b]!) mins[b] = v;
                if (v > maxs[b]!) maxs[b] = v;
              }
            }
          }
        }
        info.stats.forEach((st, b) => {
          st.min = mins[b]!;
          st.max = maxs[b]!;
        });
        await store.put(0, c, r, encodeBlock(info, blk));
      }
    }
  }
}

async function buildOverview(info: RasterInfo, k: number, store: BlockStore) {
  const lvl = info.levels[k]!;
  const prev = info.levels[k - 1]!;
  const cols = Math.ceil(lvl.width / BLOCK);
  const rows = Math.ceil(lvl.height / BLOCK);
  const pcols = Math.ceil(prev.width / BLOCK);
  const prows = Math.ceil(prev.height / BLOCK);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const quads: (DecodedBlock | null)[] = [];
      for (let q = 0; q < 4; q++) {
        const pc = 2 * c + (q & 1);
        const pr = 2 * r + (q >> 1);
        const data = pc < pcols && pr < prows ? await store.get(k - 1, pc, pr) : undefined;
        quads.push(data ? decodeBlock(info, data) : null);
      }
      const out = emptyBlock(info.bandCount, info.dtype);
      halve(info, prev, quads, c, r, out);
      await store.put(k, c, r, encodeBlock(info, out));
    }
  }
}

/** Fills `out` (block c,r of the next level) with the mean of each valid 2×2 of the previous. */
function halve(
  info: RasterInfo,
  prev: LevelInfo,
  quads: (DecodedBlock | null)[],
  c: number,
  r: number,
  out: DecodedBlock,
) {
  const sums = new Float64Array(info.bandCount);
  for (let oy = 0; oy < BLOCK; oy++) {
    for (let ox = 0; ox < BLOCK; ox++) {
      sums.fill(0);
      let n = 0;
      for (let dy = 0; dy < 2; dy++) {
        for (let dx = 0; dx < 2; dx++) {
          const gx = (c * BLOCK + ox) * 2 + dx;
          const gy = (r * BLOCK + oy) * 2 + dy;
          if (gx >= prev.width || gy >= prev.height) continue;
          const q = quads[(Math.floor(gy / BLOCK) - 2 * r) * 2 + (Math.floor(gx / BLOCK) - 2 * c)];
          if (!q) continue;
          const i = (gy % BLOCK) * BLOCK + (gx % BLOCK);
          if (q.valid && !q.valid[i]) continue;
          for (let b = 0; b < info.bandCount; b++) sums[b]! += q.bands[b]![i]!;
          n++;
        }
      }
      const di = oy * BLOCK + ox;
      if (n === 0) continue;
      out.valid![di] = 1;
      for (let b = 0; b < info.bandCount; b++) out.bands[b]![di] = sums[b]! / n;
    }
  }
}
