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
  buf: Uint8Array;
  pos = 0;

  constructor(size = 1024) {
    this.buf = new Uint8Array(size);
  }

  private room(n: number) {
    if (this.pos + n <= this.buf.length) return;
    let len = this.buf.length * 2;
    while (len < this.pos + n) len *= 2;
    const b = new Uint8Array(len);
    b.set(this.buf.subarray(0, this.pos));
    this.buf = b;
  }

  varint(v: number) {
    if (this.pos + 10 > this.buf.length) this.room(10);
    const buf = this.buf;
    if (v < 0x80) {
      buf[this.pos++] = v;
      return;
    }
    if (v <= 0x7fffffff) {
      while (v >= 0x80) {
        buf[this.pos++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      buf[this.pos++] = v;
      return;
    }
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

  /** Appends another writer's bytes as they are (already framed messages). */
  raw(w: Writer) {
    this.room(w.pos);
    this.buf.set(w.buf.subarray(0, w.pos), this.pos);
    this.pos += w.pos;
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

  /** A packed repeated varint field whose payload size is already known. */
  packedSized(field: number, values: number[], size: number) {
    this.tag(field, 2);
    this.varint(size);
    if (this.pos + size > this.buf.length) this.room(size);
    for (const v of values) this.varint(v);
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

const text = new TextEncoder();

function packedSize(values: number[]): number {
  let n = 0;
  for (const v of values) n += v < 0x80 ? 1 : varintSize(v);
  return n;
}

function varintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    n++;
  }
  return n;
}
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

// Scratch arrays reused across features (encoding is synchronous, so sharing is safe).
const tags: number[] = [];
const cmds: number[] = [];

/** One layer message. */
function encodeLayer(layer: TileLayerData, extent: number): Writer {
  const types = new Map<string, FieldType>(layer.fields.map((f) => [f.keyname, f.datatype]));
  const keys = new Map<string, number>();
  // One value table per MVT value type, so equal text never collides with an equal number.
  const strings = new Map<string, number>();
  const ints = new Map<number | string, number>();
  const doubles = new Map<number, number>();
  const bools = [-1, -1];
  // Value messages are appended to one buffer as they are first met (tag order = index).
  const vw = new Writer(16 * 1024);
  let nValues = 0;
  const w = new Writer(64 * 1024);
  w.tag(15, 0);
  w.varint(2);
  w.bytes(1, text.encode(layer.name));
  const valueIndex = (v: FieldValue, type: FieldType | undefined): number => {
    let table: Map<number | string, number>;
    let key: number | string;
    if (typeof v === "boolean") {
      const b = v ? 1 : 0;
      if (bools[b]! < 0) {
        bools[b] = nValues++;
        encodeValue(vw, v, type);
      }
      return bools[b]!;
    }
    if (typeof v === "number") {
      if (!Number.isFinite(v)) return -1;
      table = isIntegral(v, type) ? ints : (doubles as Map<number | string, number>);
      key = v;
    } else if (isBigintText(v, type)) {
      table = ints;
      key = v;
    } else {
      table = strings as Map<number | string, number>;
      key = typeof v === "string" ? v : JSON.stringify(v);
    }
    let i = table.get(key);
    if (i === undefined) {
      table.set(key, (i = nValues++));
      encodeValue(vw, typeof v === "string" || typeof v === "number" ? v : key, type);
    }
    return i;
  };
  for (const f of layer.features) {
    tags.length = 0;
    const props = f.props;
    for (const k in props) {
      const v = props[k];
      if (v === null || v === undefined) continue; // MVT has no null: the key is simply absent
      const vi = valueIndex(v, types.get(k));
      if (vi < 0) continue;
      let ki = keys.get(k);
      if (ki === undefined) keys.set(k, (ki = keys.size));
      tags.push(ki, vi);
    }
    geometryCommands(f.geom);
    // Size the feature message first and write it straight into the layer (no scratch copy).
    const hasId = Number.isSafeInteger(f.id) && f.id >= 0;
    const tagBytes = packedSize(tags);
    const geomBytes = packedSize(cmds);
    const len =
      (hasId ? 1 + varintSize(f.id) : 0) +
      (tags.length ? 1 + varintSize(tagBytes) + tagBytes : 0) +
      2 +
      1 +
      varintSize(geomBytes) +
      geomBytes;
    w.tag(2, 2);
    w.varint(len);
    if (hasId) {
      w.tag(1, 0);
      w.varint(f.id);
    }
    if (tags.length) w.packedSized(2, tags, tagBytes);
    w.tag(3, 0);
    w.varint(f.geom.type);
    w.packedSized(4, cmds, geomBytes);
  }
  for (const k of keys.keys()) w.bytes(3, text.encode(k));
  w.raw(vw);
  w.tag(5, 0);
  w.varint(extent);
  return w;
}

const isIntegral = (v: number, type: FieldType | undefined) =>
  (type === "INTEGER" || type === "BIGINT" || (type === undefined && Number.isInteger(v))) &&
  Number.isSafeInteger(v);
const isBigintText = (v: FieldValue, type: FieldType | undefined): v is string =>
  typeof v === "string" &&
  type === "BIGINT" &&
  /^-?\d{1,19}$/.test(v) &&
  BigInt(v) >= -(2n ** 63n) &&
  BigInt(v) < 2n ** 63n;

const scratch = new Writer(256);

/** Appends one Value message (layer field 4) to `out`. */
function encodeValue(out: Writer, v: FieldValue, type: FieldType | undefined): void {
  const w = scratch;
  w.pos = 0;
  if (typeof v === "boolean") {
    w.tag(7, 0);
    w.varint(v ? 1 : 0);
  } else if (typeof v === "number" && isIntegral(v, type)) {
    // int64 for non-negative values (what PostGIS and GDAL write), sint64 for negative ones.
    w.tag(v >= 0 ? 4 : 6, 0);
    w.varint(v >= 0 ? v : zigzag(v));
  } else if (typeof v === "number") {
    w.double(3, v);
  } else if (isBigintText(v, type)) {
    w.tag(4, 0);
    w.bigVarint(BigInt(v));
  } else {
    w.bytes(1, text.encode(typeof v === "string" ? v : JSON.stringify(v)));
  }
  out.sub(4, w);
}

/** MVT geometry commands: MoveTo=1, LineTo=2, ClosePath=7; parameters are zigzag deltas. */
function geometryCommands(g: TileGeometry): void {
  const out = cmds;
  out.length = 0;
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
}
