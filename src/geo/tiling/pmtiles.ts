/**
 * @module A PMTiles v3 writer (https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md):
 * the 127-byte header, a root directory (plus leaf directories when the root would pass 16 KiB),
 * varint-encoded entries, gzip-compressed directories and JSON metadata, and tile data
 * deduplicated by content with run lengths for consecutive identical tiles. Tiles must be added
 * in ascending tile-id order (sortByTileId), which makes the archive "clustered".
 */
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";

/** The tile id: tiles of lower zooms first, then the Hilbert index within the zoom. */
export function tileId(z: number, x: number, y: number): number {
  let acc = 0;
  for (let i = 0; i < z; i++) acc += 4 ** i;
  const n = 2 ** z;
  let tx = x;
  let ty = y;
  let d = 0;
  for (let s = n / 2; s >= 1; s /= 2) {
    const rx = (tx & s) > 0 ? 1 : 0;
    const ry = (ty & s) > 0 ? 1 : 0;
    d += s * s * ((3 * rx) ^ ry);
    // Rotate the quadrant so the curve stays continuous (xy2d on Wikipedia's Hilbert page).
    if (ry === 0) {
      if (rx === 1) {
        tx = n - 1 - tx;
        ty = n - 1 - ty;
      }
      const t = tx;
      tx = ty;
      ty = t;
    }
  }
  return acc + d;
}

export function sortByTileId<T extends { z: number; x: number; y: number }>(tiles: T[]): T[] {
  const ids = new Map(tiles.map((t) => [t, tileId(t.z, t.x, t.y)]));
  return tiles.sort((a, b) => ids.get(a)! - ids.get(b)!);
}

interface Entry {
  tileId: number;
  offset: number;
  length: number;
  runLength: number;
}

function varint(out: number[], v: number) {
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

/** Directory bytes (uncompressed): count, then tile-id deltas, run lengths, lengths, offsets. */
function serializeDirectory(entries: Entry[]): Uint8Array {
  const out: number[] = [];
  varint(out, entries.length);
  let last = 0;
  for (const e of entries) {
    varint(out, e.tileId - last);
    last = e.tileId;
  }
  for (const e of entries) varint(out, e.runLength);
  for (const e of entries) varint(out, e.length);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const prev = entries[i - 1];
    // 0 means "right after the previous entry's data", the common case in a clustered archive.
    varint(out, i > 0 && prev && e.offset === prev.offset + prev.length ? 0 : e.offset + 1);
  }
  return Uint8Array.from(out);
}

const HEADER = 127;
const ROOT_MAX = 16384 - HEADER;

export interface PmtilesMeta {
  minZoom: number;
  maxZoom: number;
  /** [west, south, east, north] in degrees. */
  bounds: [number, number, number, number];
  center: [number, number, number];
  /** JSON metadata (name, vector_layers, …). */
  metadata: Record<string, unknown>;
}

export class PmtilesWriter {
  readonly #entries: Entry[] = [];
  readonly #chunks: Uint8Array[] = [];
  readonly #byHash = new Map<string, { offset: number; length: number }>();
  #size = 0;
  #lastId = -1;
  #addressed = 0;

  /** Adds one tile (already compressed as the archive declares: gzip MVT). */
  add(z: number, x: number, y: number, data: Uint8Array): void {
    const id = tileId(z, x, y);
    if (id <= this.#lastId) throw new RangeError("tiles must be added in ascending tile id order");
    this.#lastId = id;
    this.#addressed++;
    const hash = createHash("sha1").update(data).digest("base64");
    const last = this.#entries.at(-1);
    const seen = this.#byHash.get(hash);
    if (seen && last && last.offset === seen.offset && last.tileId + last.runLength === id) {
      last.runLength++;
      return;
    }
    if (seen) {
      this.#entries.push({ tileId: id, offset: seen.offset, length: seen.length, runLength: 1 });
      return;
    }
    const at = { offset: this.#size, length: data.length };
    this.#byHash.set(hash, at);
    this.#chunks.push(data);
    this.#size += data.length;
    this.#entries.push({ tileId: id, ...at, runLength: 1 });
  }

  /** The whole archive, as parts to write in order. */
  finish(meta: PmtilesMeta): Uint8Array[] {
    const { root, leaves } = this.directories();
    const metadata = gzipSync(JSON.stringify(meta.metadata));
    const rootOffset = HEADER;
    const metaOffset = rootOffset + root.length;
    const leafOffset = metaOffset + metadata.length;
    const dataOffset = leafOffset + leaves.length;
    const h = new DataView(new ArrayBuffer(HEADER));
    const u8 = new Uint8Array(h.buffer);
    u8.set(new TextEncoder().encode("PMTiles"), 0);
    h.setUint8(7, 3);
    const u64 = (at: number, v: number) => h.setBigUint64(at, BigInt(v), true);
    u64(8, rootOffset);
    u64(16, root.length);
    u64(24, metaOffset);
    u64(32, metadata.length);
    u64(40, leafOffset);
    u64(48, leaves.length);
    u64(56, dataOffset);
    u64(64, this.#size);
    u64(72, this.#addressed);
    u64(80, this.#entries.length);
    u64(88, this.#chunks.length);
    h.setUint8(96, 1); // clustered
    h.setUint8(97, 2); // internal compression: gzip
    h.setUint8(98, 2); // tile compression: gzip
    h.setUint8(99, 1); // tile type: MVT
    h.setUint8(100, meta.minZoom);
    h.setUint8(101, meta.maxZoom);
    const e7 = (v: number) => Math.round(v * 1e7);
    h.setInt32(102, e7(meta.bounds[0]), true);
    h.setInt32(106, e7(meta.bounds[1]), true);
    h.setInt32(110, e7(meta.bounds[2]), true);
    h.setInt32(114, e7(meta.bounds[3]), true);
    h.setUint8(118, meta.center[2]);
    h.setInt32(119, e7(meta.center[0]), true);
    h.setInt32(123, e7(meta.center[1]), true);
    return [u8, root, metadata, leaves, ...this.#chunks];
  }

  /** Root alone if it fits in the first 16 KiB; otherwise leaves, growing them until it does. */
  private directories(): { root: Uint8Array; leaves: Uint8Array } {
    const entries = this.#entries;
    const root = gzipSync(serializeDirectory(entries));
    if (root.length <= ROOT_MAX) return { root, leaves: new Uint8Array(0) };
    for (let leafSize = 4096; ; leafSize *= 2) {
      const rootEntries: Entry[] = [];
      const parts: Uint8Array[] = [];
      let offset = 0;
      for (let i = 0; i < entries.length; i += leafSize) {
        const leaf = gzipSync(serializeDirectory(entries.slice(i, i + leafSize)));
        // runLength 0 marks a root entry that points at a leaf directory.
        rootEntries.push({ tileId: entries[i]!.tileId, offset, length: leaf.length, runLength: 0 });
        parts.push(leaf);
        offset += leaf.length;
      }
      const r = gzipSync(serializeDirectory(rootEntries));
      if (r.length <= ROOT_MAX) {
        const leaves = new Uint8Array(offset);
        let at = 0;
        for (const p of parts) {
          leaves.set(p, at);
          at += p.length;
        }
        return { root: r, leaves };
      }
    }
  }
}
