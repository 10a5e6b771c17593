/**
 * @module Attachment thumbnails (NGW's `image?size=WxH[&crop=true]`): the image is decoded and
 * redrawn smaller with @napi-rs/canvas, keeping the aspect ratio inside the box as Pillow's
 * thumbnail() does (never enlarging), or filling the box when cropping.
 */
import { createCanvas, loadImage } from "@napi-rs/canvas";
import { ValidationError } from "../errors.ts";

/** Larger boxes are no thumbnails; this also bounds the memory a request can ask for. */
const MAX_SIDE = 4096;

export function parseSize(v: string): { width: number; height: number } {
  const m = /^(\d{1,5})x(\d{1,5})$/.exec(v);
  if (!m) throw new ValidationError("'size' must look like WxH, e.g. 300x200.");
  const width = Number(m[1]);
  const height = Number(m[2]);
  if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE)
    throw new ValidationError(`'size' sides must be from 1 to ${MAX_SIDE}.`);
  return { width, height };
}

export async function thumbnail(
  data: Uint8Array,
  mimeType: string,
  box: { width: number; height: number },
  crop = false,
): Promise<Uint8Array> {
  let img: Awaited<ReturnType<typeof loadImage>>;
  try {
    img = await loadImage(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  } catch {
    throw new ValidationError("The attachment is not a readable image.");
  }
  const iw = img.width;
  const ih = img.height;
  if (!iw || !ih) throw new ValidationError("The attachment is not a readable image.");
  // Source rectangle: the whole image, or its centre cut to the box's aspect ratio.
  let sx = 0;
  let sy = 0;
  let sw = iw;
  let sh = ih;
  if (crop) {
    const target = box.width / box.height;
    if (iw / ih > target) {
      sw = Math.round(ih * target);
      sx = Math.floor((iw - sw) / 2);
    } else {
      sh = Math.round(iw / target);
      sy = Math.floor((ih - sh) / 2);
    }
  }
  const scale = Math.min(1, box.width / sw, box.height / sh);
  const w = Math.max(1, Math.round(sw * scale));
  const h = Math.max(1, Math.round(sh * scale));
  const canvas = createCanvas(w, h);
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(img, sx, sy, sw, sh, 0, 0, w, h);
  const out =
    mimeType === "image/png" ? await canvas.encode("png") : await canvas.encode("jpeg", 85);
  return new Uint8Array(out);
}
