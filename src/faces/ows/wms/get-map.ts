/**
 * @module WMS GetMap: the layers are drawn by the layer set (catalog/render for catalog layers,
 * the project pool for projects) over the request's box in EPSG:3857; other CRSs are warped from
 * a Mercator image of at least the requested resolution (image.ts). PNG or JPEG, transparent or
 * on BGCOLOR.
 */
import type { OwsLayerSet } from "../../../catalog/ows/index.ts";
import { toMercator, transformBBox } from "../../../catalog/render/srs.ts";
import type { BBox } from "../../../geo/geometry/types.ts";
import { MAX_IMAGE_SIDE, MERC_MAX, viewOf } from "../../../geo/render/view.ts";
import { OwsError } from "../errors.ts";
import { decodePng, encode, overBackground, type Pixels, warp } from "./image.ts";
import { type MapRequest, parseMapRequest } from "./map-request.ts";

export async function getMap(
  set: OwsLayerSet,
  p: Map<string, string>,
  signal?: AbortSignal,
): Promise<Response> {
  const req = parseMapRequest(set, p, true);
  // The common web-map case: the renderer's own PNG is the answer, no decode and re-encode.
  if (req.crs.epsg === 3857 && req.format === "image/png" && req.transparent) {
    const out = await set.render(req.parts, viewOf(req.bbox, req.width, req.height), signal);
    return image(out.png, req.format);
  }
  let pixels = await drawPixels(set, req, signal);
  if (!req.transparent || req.format === "image/jpeg") pixels = overBackground(pixels, req.bgcolor);
  return image(await encode(pixels, req.format), req.format);
}

function image(bytes: Uint8Array, format: string): Response {
  return new Response(bytes as Uint8Array<ArrayBuffer>, {
    headers: { "Content-Type": format, "Cache-Control": "no-cache" },
  });
}

/** The request's image as straight-alpha RGBA, transparent where nothing was drawn. */
export async function drawPixels(
  set: OwsLayerSet,
  req: MapRequest,
  signal?: AbortSignal,
): Promise<Pixels> {
  const { width, height } = req;
  if (req.crs.epsg === 3857) {
    const out = await set.render(req.parts, viewOf(req.bbox, width, height), signal);
    return decodePng(out.png, width, height);
  }
  const toMerc = toMercator(req.crs.epsg);
  const merc = clampMerc(transformBBox(req.bbox, toMerc));
  if (!merc) return { rgba: new Uint8ClampedArray(width * height * 4), width, height };
  // Mercator pixel size: the finest of the two axes, so the warp never magnifies.
  const res = Math.min((merc[2] - merc[0]) / width, (merc[3] - merc[1]) / height);
  let w = Math.ceil((merc[2] - merc[0]) / res);
  let h = Math.ceil((merc[3] - merc[1]) / res);
  const shrink = Math.max(
    1,
    w / MAX_IMAGE_SIDE,
    h / MAX_IMAGE_SIDE,
    Math.sqrt((w * h) / (4 * width * height)),
  );
  w = Math.max(1, Math.min(MAX_IMAGE_SIDE, Math.round(w / shrink)));
  h = Math.max(1, Math.min(MAX_IMAGE_SIDE, Math.round(h / shrink)));
  const out = await set.render(req.parts, viewOf(merc, w, h), signal);
  if (out.empty) return { rgba: new Uint8ClampedArray(width * height * 4), width, height };
  return warp(await decodePng(out.png, w, h), merc, req.bbox, width, height, toMerc);
}

/** The part of a box inside the Mercator world; null when nothing is left or it is not finite. */
function clampMerc(b: BBox): BBox | null {
  if (!b.every(Number.isFinite))
    throw new OwsError("InvalidParameterValue", "BBOX cannot be drawn in this CRS.", 400, "BBOX");
  const c: BBox = [
    Math.max(b[0], -MERC_MAX),
    Math.max(b[1], -MERC_MAX),
    Math.min(b[2], MERC_MAX),
    Math.min(b[3], MERC_MAX),
  ];
  return c[0] < c[2] && c[1] < c[3] ? c : null;
}
