/**
 * @module Stage 5: the Mapbox Vector Tile 2.1 protobuf, written directly (no intermediate
 * objects as vt-pbf builds; scripts/bench/mvt.ts measures both). Values get MVT types from the
 * layer's field types: INTEGER/BIGINT as int64 (sint for negatives), REAL as double, BOOLEAN as
 * bool, DATE/TIME/DATETIME as their ISO strings, JSON as its JSON text.
 */
import type { FieldType, FieldValue } from "../sources/feature-source.ts";
import type { TileGeometry, TileLayerData } from "./types.ts";

/** A growable byte buffer with the protobuf primitives MVT needs. */
class Writer {
  buf = new Uint8Array(1024);
  pos = 0;

  private room(n: number) {
    if (this.pos + n <= this.buf.length) return;
    let len = this.buf.length * 2;
    while (len < this.pos + n) len *= 2;
    const b = new Uint8Array(len);
    b.set(this.buf.subarray(0, this.pos));
    this.buf = b;
  }

  varint(v: number) {
    this.room(10);
    // Beyond 2^31 bitwise operators would wrap, so large values use division.
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }

  bigVarint(v: bigint) {
    this.room(10);
    let x = BigInt.asUintN(64, v);
    while (x >= 0x80n) {
      this.buf[this.pos++] = Number(x & 0x7fn) | 0x80;
      x >>= 7n;
    }
    this.buf[this.pos++] = Number(x);
  }

  tag(field: number, wire: number) {
    this.varint(field * 8 + wire);
  }

  bytes(field: number, b: Uint8Array) {
    this.tag(field, 2);
    this.varint(b.length);
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  sub(field: number, w: Writer) {
    this.bytes(field, w.buf.subarray(0, w.pos));
  }

  double(field: number, v: number) {
    this.tag(field, 1);
    this.room(8);
    new DataView(this.buf.buffer, this.buf.byteOffset).setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  packed(field: number, values: number[]) {
    const w = new Writer();
    for (const v of values) w.varint(v);
    this.sub(field, w);
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

const text = new TextEncoder();
const zigzag = (n: number) => (n < 0 ? -2 * n - 1 : 2 * n);

/** Encodes the layers (empty ones are skipped) into one tile; null when nothing is left. */
export function encode(layers: TileLayerData[], extent: number): Uint8Array | null {
  const tile = new Writer();
  for (const l of layers) {
    if (l.features.length === 0) continue;
    tile.sub(3, encodeLayer(l, extent));
  }
  return tile.pos === 0 ? null : tile.result();
}

/** The encoded size of one layer, for the byte budget. */
export function encodeLayer(layer: TileLayerData, extent: number): Writer {
  const types = new Map<string, FieldType>(layer.fields.map((f) => [f.keyname, f.datatype]));
  const keys = new Map<string, number>();
  const values = new Map<string, number>();
  const valueBytes: Writer[] = [];
  const w = new Writer();
  w.tag(15, 0);
  w.varint(2);
  w.bytes(1, text.encode(layer.name));
  for (const f of layer.features) {
    const tags: number[] = [];
    for (const [k, v] of Object.entries(f.props)) {
      const enc = encodeValue(v, types.get(k));
      if (enc === null) continue; // MVT has no null: the key is simply absent
      let ki = keys.get(k);
      if (ki === undefined) keys.set(k, (ki = keys.size));
      let vi = values.get(enc.key);
      if (vi === undefined) {
        values.set(enc.key, (vi = valueBytes.length));
        valueBytes.push(enc.w);
      }
      tags.push(ki, vi);
    }
    const fw = new Writer();
    if (Number.isSafeInteger(f.id) && f.id >= 0) {
      fw.tag(1, 0);
      fw.varint(f.id);
    }
    if (tags.length) fw.packed(2, tags);
    fw.tag(3, 0);
    fw.varint(f.geom.type);
    fw.packed(4, geometryCommands(f.geom));
    w.sub(2, fw);
  }
  for (const k of keys.keys()) w.bytes(3, text.encode(k));
  for (const v of valueBytes) w.sub(4, v);
  w.tag(5, 0);
  w.varint(extent);
  return w;
}

function encodeValue(
  v: FieldValue,
  type: FieldType | undefined,
): { key: string; w: Writer } | null {
  if (v === null || v === undefined) return null;
  const w = new Writer();
  if (typeof v === "boolean") {
    w.tag(7, 0);
    w.varint(v ? 1 : 0);
    return { key: `b${v}`, w };
  }
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return null;
    const integral =
      type === "INTEGER" || type === "BIGINT" || (type === undefined && Number.isInteger(v));
    if (integral && Number.isSafeInteger(v)) {
      if (v >= 0) {
        w.tag(4, 0); // int64: what PostGIS and GDAL write for integer columns
        w.varint(v);
      } else {
        w.tag(6, 0);
        w.varint(zigzag(v));
      }
      return { key: `i${v}`, w };
    }
    w.double(3, v);
    return { key: `d${v}`, w };
  }
  if (typeof v === "string" && type === "BIGINT" && /^-?\d{1,20}$/.test(v)) {
    const b = BigInt(v);
    if (b >= -(2n ** 63n) && b < 2n ** 63n) {
      w.tag(4, 0);
      w.bigVarint(b);
      return { key: `i${v}`, w };
    }
  }
  const s = typeof v === "string" ? v : JSON.stringify(v);
  w.bytes(1, text.encode(s));
  return { key: `s${s}`, w };
}

/** MVT geometry commands: MoveTo=1, LineTo=2, ClosePath=7; parameters are zigzag deltas. */
function geometryCommands(g: TileGeometry): number[] {
  const out: number[] = [];
  let cx = 0;
  let cy = 0;
  const cmd = (id: number, count: number) => out.push((id & 7) | (count << 3));
  const to = (x: number, y: number) => {
    out.push(zigzag(x - cx), zigzag(y - cy));
    cx = x;
    cy = y;
  };
  const path = (a: number[], close: boolean) => {
    cmd(1, 1);
    to(a[0]!, a[1]!);
    cmd(2, a.length / 2 - 1);
    for (let i = 2; i < a.length; i += 2) to(a[i]!, a[i + 1]!);
    if (close) cmd(7, 1);
  };
  if (g.type === 1) {
    cmd(1, g.points.length / 2);
    for (let i = 0; i < g.points.length; i += 2) to(g.points[i]!, g.points[i + 1]!);
  } else if (g.type === 2) {
    for (const l of g.lines) path(l, false);
  } else {
    for (const p of g.polygons) for (const r of p) path(r, true);
  }
  return out;
}
