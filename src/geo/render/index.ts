/**
 * @module The renderer: draws styled layers (rasters and vector layers) bottom to top onto one
 * transparent, antialiased canvas and encodes it as PNG. Pure: inputs are style models plus data
 * accessors, the output is bytes. `renderImage(layers, tileView(z, x, y))` is a 256×256 tile.
 */
import { type Canvas, createCanvas, ImageData } from "@napi-rs/canvas";
import type { RasterStyle, VectorStyle } from "../style/model.ts";
import { ruleApplies } from "../style/model.ts";
import { encodePng } from "./png.ts";
import { type RasterInput, rasterPixels } from "./raster.ts";
import { drawVector, type VectorInput } from "./vector.ts";
import type { View } from "./view.ts";

export type RenderLayer =
  | { kind: "raster"; input: RasterInput; style: RasterStyle }
  | { kind: "vector"; input: VectorInput; style: VectorStyle };

export interface Rendered {
  png: Uint8Array;
  /** True when no layer painted a pixel (NGW's nd=204/404 answers). */
  empty: boolean;
}

/** Largest image side the renderer accepts (faces check first and answer 4xx). */
import { MAX_IMAGE_SIDE } from "./view.ts";

export { MAX_IMAGE_SIDE };

export async function renderImage(
  layers: RenderLayer[],
  view: View,
  signal?: AbortSignal,
): Promise<Rendered> {
  const pixels = await drawLayers(layers, view, signal);
  if (!pixels) return { png: emptyPng(view.width, view.height), empty: true };
  return { png: encodePng(pixels, view.width, view.height), empty: false };
}

/** The composed RGBA pixels (straight alpha), or null when nothing was drawn. */
export async function drawLayers(
  layers: RenderLayer[],
  view: View,
  signal?: AbortSignal,
): Promise<Uint8ClampedArray | null> {
  if (
    view.width < 1 ||
    view.height < 1 ||
    view.width > MAX_IMAGE_SIDE ||
    view.height > MAX_IMAGE_SIDE
  )
    throw new RangeError(`image size must be 1..${MAX_IMAGE_SIDE} pixels a side`);
  let canvas: Canvas | null = null;
  const main = () => (canvas ??= createCanvas(view.width, view.height));
  for (const layer of layers) {
    signal?.throwIfAborted();
    if (layer.kind === "raster") {
      if (!ruleApplies(layer.style, view.scale)) continue;
      const rgba = await rasterPixels(layer.input, layer.style, view);
      if (!rgba) continue;
      // A lone raster needs no canvas: its pixels are the image.
      if (layers.length === 1) return rgba;
      const tmp = createCanvas(view.width, view.height);
      tmp.getContext("2d").putImageData(new ImageData(rgba, view.width, view.height), 0, 0);
      main().getContext("2d").drawImage(tmp, 0, 0);
    } else {
      const opaque = layer.style.opacity >= 1;
      const target = opaque ? main() : createCanvas(view.width, view.height);
      const n = await drawVector(target.getContext("2d"), layer.input, layer.style, view, signal);
      if (n === 0) continue;
      if (!opaque) {
        const ctx = main().getContext("2d");
        ctx.globalAlpha = Math.max(0, layer.style.opacity);
        ctx.drawImage(target, 0, 0);
        ctx.globalAlpha = 1;
      }
    }
  }
  if (!canvas) return null;
  const d = (canvas as Canvas).getContext("2d").getImageData(0, 0, view.width, view.height).data;
  return hasInk(d) ? d : null;
}

/** Whether any pixel is not fully transparent (features may lie in the buffer, off the view). */
function hasInk(d: Uint8ClampedArray): boolean {
  for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) return true;
  return false;
}

const blank = new Map<string, Uint8Array>();

function emptyPng(w: number, h: number): Uint8Array {
  const key = `${w}x${h}`;
  let png = blank.get(key);
  if (!png) {
    png = encodePng(new Uint8Array(w * h * 4), w, h);
    if (blank.size < 16) blank.set(key, png);
  }
  return png;
}
