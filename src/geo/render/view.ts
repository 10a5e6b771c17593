/**
 * @module What a render draws into: an extent in EPSG:3857, a pixel size and the scale
 * denominator rules are checked against; XYZ tile math (y grows downward, as NGW's render/tile).
 */
import type { BBox } from "../geometry/types.ts";

/** Largest image side the renderer draws, in pixels (bounds memory per request). */
export const MAX_IMAGE_SIDE = 4096;

/** Half the Web Mercator world width in metres. */
export const MERC_MAX = 20037508.342789244;
/** OGC's standardized rendering pixel, 0.28 mm: scale denominator = metres per pixel / 0.00028. */
const PIXEL_METRES = 0.00028;

export interface View {
  /** Extent in EPSG:3857 metres. */
  bbox: BBox;
  width: number;
  height: number;
  /** Scale denominator at which rule scale ranges are evaluated. */
  scale: number;
}

/** The extent of XYZ tile z/x/y in EPSG:3857. */
export function tileBBox(z: number, x: number, y: number): BBox {
  const size = (2 * MERC_MAX) / 2 ** z;
  const minx = -MERC_MAX + x * size;
  const maxy = MERC_MAX - y * size;
  return [minx, maxy - size, minx + size, maxy];
}

export function tileView(z: number, x: number, y: number, size = 256): View {
  return viewOf(tileBBox(z, x, y), size, size);
}

/** A view of any extent; the scale follows the horizontal resolution, as WMS does. */
export function viewOf(bbox: BBox, width: number, height: number): View {
  const res = (bbox[2] - bbox[0]) / width;
  return { bbox, width, height, scale: res / PIXEL_METRES };
}
