/**
 * @module A small, fast PNG encoder for RGBA tiles: each row gets the filter (None, Sub, Up)
 * with the smallest sum of absolute differences, then zlib at a low level via fflate. Rendering
 * spends most of its time encoding otherwise (Skia's encoder runs zlib level 6 with every filter).
 */
import { deflateSync } from "node:zlib";

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Uint8Array, start: number, end: number): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  v.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

/** PNG bytes of straight (not premultiplied) RGBA pixels, row-major, top row first. */
export function encodePng(
  rgba: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
): Uint8Array {
  const stride = width * 4;
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    const prev = row - stride;
    let sumSub = 0;
    let sumUp = 0;
    let sumNone = 0;
    for (let i = 0; i < stride; i++) {
      const v = rgba[row + i]!;
      sumNone += v;
      sumSub += Math.abs(((v - (i >= 4 ? rgba[row + i - 4]! : 0)) << 24) >> 24);
      if (y > 0) sumUp += Math.abs(((v - rgba[prev + i]!) << 24) >> 24);
    }
    const filter = y > 0 && sumUp < sumSub && sumUp < sumNone ? 2 : sumSub < sumNone ? 1 : 0;
    const o = y * (stride + 1);
    raw[o] = filter;
    for (let i = 0; i < stride; i++) {
      const v = rgba[row + i]!;
      const p =
        filter === 1 ? (i >= 4 ? rgba[row + i - 4]! : 0) : filter === 2 ? rgba[prev + i]! : 0;
      raw[o + 1 + i] = (v - p) & 0xff;
    }
  }
  const ihdr = new Uint8Array(13);
  const hv = new DataView(ihdr.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const parts = [
    new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw, { level: 2 })),
    chunk("IEND", new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
