/**
 * @module Raster drawing: warps the stored pyramid onto the view (nearest or bilinear as the
 * style says) and turns band values into RGBA through the style's band mapping: RGB(A) channels
 * and gray with linear stretch, or a pseudocolor ramp (interpolated, discrete, exact).
 */

import type { DecodedBlock, RasterInfo } from "../raster/types.ts";
import { warp } from "../raster/warp.ts";
import { hexRgb } from "../style/color.ts";
import type { BandChannel, ColorRamp, RasterStyle } from "../style/model.ts";
import type { View } from "./view.ts";

export interface RasterInput {
  info: RasterInfo;
  /** EPSG:3857 → the raster's SRS. */
  inverse: (x: number, y: number) => [number, number];
  block: (level: number, col: number, row: number) => Promise<DecodedBlock | undefined>;
}

/** Rows warped at a time: large images go in strips, so warp buffers stay under ~70 MB. */
const STRIP_ROWS = 512;

/** RGBA pixels (premultiplied: no) of the raster in the view; null when nothing is visible. */
export async function rasterPixels(
  input: RasterInput,
  style: RasterStyle,
  view: View,
): Promise<Uint8ClampedArray | null> {
  const out = new Uint8ClampedArray(view.width * view.height * 4);
  const paint = painter(style, input.info);
  const opacity = Math.max(0, Math.min(1, style.opacity));
  const resY = (view.bbox[3] - view.bbox[1]) / view.height;
  let any = false;
  const px = new Float64Array(input.info.bandCount);
  const rgba = new Float64Array(4);
  for (let row0 = 0; row0 < view.height; row0 += STRIP_ROWS) {
    const rows = Math.min(STRIP_ROWS, view.height - row0);
    const top = view.bbox[3] - row0 * resY;
    const res = await warp({
      info: input.info,
      bbox: [view.bbox[0], top - rows * resY, view.bbox[2], top],
      width: view.width,
      height: rows,
      inverse: input.inverse,
      resampling: style.resampling,
      block: input.block,
    });
    const base = row0 * view.width;
    for (let i = 0; i < rows * view.width; i++) {
      if (!res.valid[i]) continue;
      for (let b = 0; b < px.length; b++) px[b] = res.bands[b]![i]!;
      if (!paint(px, rgba)) continue;
      const a = rgba[3]! * opacity;
      if (a <= 0) continue;
      const o = (base + i) * 4;
      out[o] = rgba[0]!;
      out[o + 1] = rgba[1]!;
      out[o + 2] = rgba[2]!;
      out[o + 3] = a;
      any = true;
    }
  }
  return any ? out : null;
}

type Paint = (px: Float64Array, out: Float64Array) => boolean;

function painter(style: RasterStyle, info: RasterInfo): Paint {
  const bands = style.bands;
  const value = (px: Float64Array, band: number) => px[Math.min(px.length, Math.max(1, band)) - 1]!;
  if (bands.type === "pseudocolor") {
    const ramp = compileRamp(bands.ramp);
    return (px, out) => ramp(value(px, bands.band), out);
  }
  if (bands.type === "gray") {
    const g = stretch(bands.gray, info);
    return (px, out) => {
      const v = g(value(px, bands.gray.band));
      out[0] = v;
      out[1] = v;
      out[2] = v;
      out[3] = 255;
      return true;
    };
  }
  const r = stretch(bands.red, info);
  const gr = stretch(bands.green, info);
  const bl = stretch(bands.blue, info);
  const alpha = bands.alpha;
  const al = alpha ? stretch({ band: alpha }, info) : null;
  return (px, out) => {
    out[0] = r(value(px, bands.red.band));
    out[1] = gr(value(px, bands.green.band));
    out[2] = bl(value(px, bands.blue.band));
    out[3] = al && alpha ? al(value(px, alpha)) : 255;
    return true;
  };
}

/** Linear stretch to 0..255: the channel's min/max, else Byte as is, else the band statistics. */
function stretch(ch: BandChannel, info: RasterInfo): (v: number) => number {
  let min = ch.min;
  let max = ch.max;
  if (min === undefined || max === undefined) {
    if (info.dtype === "Byte") {
      min = 0;
      max = 255;
    } else {
      const st = info.stats[ch.band - 1] ?? { min: 0, max: 255 };
      min ??= st.min;
      max ??= st.max;
    }
  }
  const lo = min;
  const span = max - min || 1;
  return (v) => Math.max(0, Math.min(255, ((v - lo) / span) * 255));
}

function compileRamp(ramp: ColorRamp): (v: number, out: Float64Array) => boolean {
  const stops = [...ramp.stops]
    .sort((a, b) => a.value - b.value)
    .map((s) => ({ value: s.value, rgb: hexRgb(s.color), a: s.opacity * 255 }));
  const set = (out: Float64Array, s: (typeof stops)[number]) => {
    out[0] = s.rgb[0];
    out[1] = s.rgb[1];
    out[2] = s.rgb[2];
    out[3] = s.a;
    return true;
  };
  if (stops.length === 0) return () => false;
  if (ramp.type === "exact") {
    return (v, out) => {
      const s = stops.find((x) => x.value === v);
      return s ? set(out, s) : false;
    };
  }
  if (ramp.type === "discrete") {
    return (v, out) => {
      const s = stops.find((x) => v <= x.value);
      return s ? set(out, s) : false;
    };
  }
  return (v, out) => {
    if (v <= stops[0]!.value) return set(out, stops[0]!);
    const last = stops[stops.length - 1]!;
    if (v >= last.value) return set(out, last);
    let k = 1;
    while (stops[k]!.value < v) k++;
    const a = stops[k - 1]!;
    const b = stops[k]!;
    const t = (v - a.value) / (b.value - a.value || 1);
    for (let c = 0; c < 3; c++) out[c] = a.rgb[c]! + (b.rgb[c]! - a.rgb[c]!) * t;
    out[3] = a.a + (b.a - a.a) * t;
    return true;
  };
}
