/**
 * @module GetMap images after drawing: the renderer draws in EPSG:3857, so a map asked for in
 * another CRS is drawn over the Web Mercator box that covers it and warped onto the requested
 * grid (each output pixel centre taken to 3857 and sampled nearest; the transform is computed
 * on a coarse grid and interpolated between, which is exact for 4326/3395 whose axes separate).
 * Then the background (TRANSPARENT=FALSE with BGCOLOR) and the encoding (PNG or JPEG).
 */
import { createCanvas, ImageData, loadImage } from "@napi-rs/canvas";
import type { XY } from "../../../catalog/render/srs.ts";
import type { BBox } from "../../../geo/geometry/types.ts";
import { encodePng } from "../../../geo/render/png.ts";

export interface Pixels {
  rgba: Uint8ClampedArray;
  width: number;
  height: number;
}

export async function decodePng(png: Uint8Array, width: number, height: number): Promise<Pixels> {
  const img = await loadImage(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext("2d");
  ctx.drawImage(img, 0, 0, width, height);
  return { rgba: ctx.getImageData(0, 0, width, height).data, width, height };
}

/** Grid step in pixels at which the exact transform is computed. */
const STEP = 8;

/**
 * Warps `src` (covering `srcBox` in 3857) onto a width×height grid over `box` in another CRS;
 * `toMerc` maps that CRS to 3857. Pixels mapping outside the source stay transparent.
 */
export function warp(
  src: Pixels,
  srcBox: BBox,
  box: BBox,
  width: number,
  height: number,
  toMerc: XY,
): Pixels {
  const out = new Uint8ClampedArray(width * height * 4);
  const dx = (box[2] - box[0]) / width;
  const dy = (box[3] - box[1]) / height;
  const sx = src.width / (srcBox[2] - srcBox[0]);
  const sy = src.height / (srcBox[3] - srcBox[1]);
  const gw = Math.ceil(width / STEP) + 1;
  const gh = Math.ceil(height / STEP) + 1;
  // Source pixel coordinates at grid nodes (NaN where the CRS point has no Mercator image).
  const gx = new Float64Array(gw * gh);
  const gy = new Float64Array(gw * gh);
  for (let j = 0; j < gh; j++)
    for (let i = 0; i < gw; i++) {
      const px = Math.min(i * STEP, width);
      const py = Math.min(j * STEP, height);
      const [mx, my] = toMerc(box[0] + px * dx, box[3] - py * dy);
      gx[j * gw + i] = (mx - srcBox[0]) * sx;
      gy[j * gw + i] = (srcBox[3] - my) * sy;
    }
  for (let y = 0; y < height; y++) {
    const fy = (y + 0.5) / STEP;
    const j = Math.min(Math.floor(fy), gh - 2);
    const ty = fy - j;
    for (let x = 0; x < width; x++) {
      const fx = (x + 0.5) / STEP;
      const i = Math.min(Math.floor(fx), gw - 2);
      const tx = fx - i;
      const a = j * gw + i;
      const b = a + gw;
      const u =
        (gx[a]! * (1 - tx) + gx[a + 1]! * tx) * (1 - ty) +
        (gx[b]! * (1 - tx) + gx[b + 1]! * tx) * ty;
      const v =
        (gy[a]! * (1 - tx) + gy[a + 1]! * tx) * (1 - ty) +
        (gy[b]! * (1 - tx) + gy[b + 1]! * tx) * ty;
      if (!(u >= 0 && v >= 0 && u < src.width && v < src.height)) continue;
      const s = (Math.floor(v) * src.width + Math.floor(u)) * 4;
      const o = (y * width + x) * 4;
      out[o] = src.rgba[s]!;
      out[o + 1] = src.rgba[s + 1]!;
      out[o + 2] = src.rgba[s + 2]!;
      out[o + 3] = src.rgba[s + 3]!;
    }
  }
  return { rgba: out, width, height };
}

/** Straight-alpha pixels composed over an opaque colour. */
export function overBackground(p: Pixels, rgb: [number, number, number]): Pixels {
  const out = new Uint8ClampedArray(p.rgba.length);
  for (let o = 0; o < out.length; o += 4) {
    const a = p.rgba[o + 3]! / 255;
    out[o] = p.rgba[o]! * a + rgb[0] * (1 - a);
    out[o + 1] = p.rgba[o + 1]! * a + rgb[1] * (1 - a);
    out[o + 2] = p.rgba[o + 2]! * a + rgb[2] * (1 - a);
    out[o + 3] = 255;
  }
  return { ...p, rgba: out };
}

export async function encode(p: Pixels, format: "image/png" | "image/jpeg"): Promise<Uint8Array> {
  if (format === "image/png") return encodePng(p.rgba, p.width, p.height);
  const canvas = createCanvas(p.width, p.height);
  canvas.getContext("2d").putImageData(new ImageData(p.rgba, p.width, p.height), 0, 0);
  return new Uint8Array(await canvas.encode("jpeg", 90));
}
