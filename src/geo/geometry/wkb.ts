/**
 * @module WKB codec: ISO WKB and PostGIS EWKB (SRID, Z, M flags) in both byte orders, decoded
 * into the GeoJSON-shaped model; encodes little-endian ISO WKB or EWKB. M ordinates are dropped
 * (the model has X, Y and optional Z).
 */
import { GeometryError } from "./errors.ts";
import { type Geometry, hasZ, type Position } from "./types.ts";

const TYPE_NAMES = [
  "",
  "Point",
  "LineString",
  "Polygon",
  "MultiPoint",
  "MultiLineString",
  "MultiPolygon",
  "GeometryCollection",
] as const;

/** Nesting deeper than this is hostile: real data never nests collections this far. */
const MAX_DEPTH = 32;

const EWKB_Z = 0x80000000;
const EWKB_M = 0x40000000;
const EWKB_SRID = 0x20000000;

class Reader {
  readonly view: DataView;
  pos = 0;
  le = true;
  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  need(n: number, what: string): void {
    if (this.pos + n > this.buf.byteLength) {
      throw new GeometryError(`Truncated WKB: ${what} at byte ${this.pos} runs past the end`);
    }
  }
  u8(): number {
    this.need(1, "byte order");
    return this.buf[this.pos++]!;
  }
  u32(what: string): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, this.le);
    this.pos += 4;
    return v;
  }
  /** A count of items that take at least `minBytes` each: checked against the bytes left. */
  count(minBytes: number, what: string): number {
    const n = this.u32(what);
    if (n * minBytes > this.buf.byteLength - this.pos) {
      throw new GeometryError(
        `Bad WKB: ${what} ${n} exceeds the remaining ${this.buf.byteLength - this.pos} bytes`,
      );
    }
    return n;
  }
  f64(): number {
    const v = this.view.getFloat64(this.pos, this.le);
    this.pos += 8;
    return v;
  }
}

interface Dims {
  /** ordinates per position in the input (2, 3 or 4) */
  n: number;
  z: boolean;
}

function readPositions(r: Reader, d: Dims): Position[] {
  const n = r.count(8 * d.n, "point count");
  const out: Position[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = readPosition(r, d);
  return out;
}

function readPosition(r: Reader, d: Dims): Position {
  r.need(8 * d.n, "coordinates");
  const x = r.f64();
  const y = r.f64();
  if (d.n === 2) return [x, y];
  const third = r.f64();
  if (d.n === 4) r.pos += 8;
  return d.z ? [x, y, third] : [x, y];
}

function readRings(r: Reader, d: Dims): Position[][] {
  const n = r.count(4, "ring count");
  const out: Position[][] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = readPositions(r, d);
  return out;
}

interface Header {
  kind: number;
  dims: Dims;
  srid: number | null;
}

function readHeader(r: Reader): Header {
  const order = r.u8();
  if (order !== 0 && order !== 1) {
    throw new GeometryError(`Bad WKB: byte order ${order} at byte ${r.pos - 1} (expected 0 or 1)`);
  }
  r.le = order === 1;
  const raw = r.u32("geometry type");
  let z = (raw & EWKB_Z) !== 0;
  let m = (raw & EWKB_M) !== 0;
  const srid = (raw & EWKB_SRID) !== 0 ? r.u32("SRID") : null;
  let code = raw & 0x0fffffff;
  const iso = Math.floor(code / 1000);
  if (iso >= 1 && iso <= 3) {
    z ||= iso === 1 || iso === 3;
    m ||= iso === 2 || iso === 3;
    code %= 1000;
  }
  if (code < 1 || code > 7) throw new GeometryError(`Bad WKB: unknown geometry type ${raw}`);
  return { kind: code, dims: { n: 2 + (z ? 1 : 0) + (m ? 1 : 0), z }, srid };
}

function readGeometry(r: Reader, depth: number, expect?: number): Geometry {
  if (depth > MAX_DEPTH) throw new GeometryError("Bad WKB: geometry nesting too deep");
  const { kind, dims } = readHeader(r);
  if (expect !== undefined && kind !== expect) {
    throw new GeometryError(`Bad WKB: ${TYPE_NAMES[kind]} inside a multi geometry of other parts`);
  }
  switch (kind) {
    case 1: {
      const p = readPosition(r, dims);
      // ISO and PostGIS write POINT EMPTY as NaN coordinates.
      return { type: "Point", coordinates: Number.isNaN(p[0]) && Number.isNaN(p[1]) ? [] : p };
    }
    case 2:
      return { type: "LineString", coordinates: readPositions(r, dims) };
    case 3:
      return { type: "Polygon", coordinates: readRings(r, dims) };
    case 4: {
      const n = r.count(21, "part count");
      const pts: Position[] = [];
      for (let i = 0; i < n; i++) {
        const p = readGeometry(r, depth + 1, 1) as { coordinates: Position };
        if (p.coordinates.length) pts.push(p.coordinates);
      }
      return { type: "MultiPoint", coordinates: pts };
    }
    case 5: {
      const n = r.count(9, "part count");
      const parts: Position[][] = new Array(n);
      for (let i = 0; i < n; i++) {
        parts[i] = (readGeometry(r, depth + 1, 2) as { coordinates: Position[] }).coordinates;
      }
      return { type: "MultiLineString", coordinates: parts };
    }
    case 6: {
      const n = r.count(9, "part count");
      const parts: Position[][][] = new Array(n);
      for (let i = 0; i < n; i++) {
        parts[i] = (readGeometry(r, depth + 1, 3) as { coordinates: Position[][] }).coordinates;
      }
      return { type: "MultiPolygon", coordinates: parts };
    }
    default: {
      const n = r.count(9, "member count");
      const geoms: Geometry[] = new Array(n);
      for (let i = 0; i < n; i++) geoms[i] = readGeometry(r, depth + 1);
      return { type: "GeometryCollection", geometries: geoms };
    }
  }
}

/** Decodes ISO WKB or EWKB; returns the geometry and the EWKB SRID (null when absent). */
export function decodeEwkb(buf: Uint8Array): { geometry: Geometry; srid: number | null } {
  const r = new Reader(buf);
  const start = r.pos;
  // Peek the header for the SRID, then rewind and decode the whole geometry.
  const { srid } = readHeader(r);
  r.pos = start;
  const geometry = readGeometry(r, 0);
  if (r.pos !== buf.byteLength) {
    throw new GeometryError(`Bad WKB: ${buf.byteLength - r.pos} trailing bytes after the geometry`);
  }
  return { geometry, srid };
}

/** Decodes ISO WKB or EWKB (any byte order); the SRID, if any, is ignored. */
export function decodeWkb(buf: Uint8Array): Geometry {
  return decodeEwkb(buf).geometry;
}

// ---- encoding -------------------------------------------------------------------------------

function sizeOf(g: Geometry, pb: number): number {
  switch (g.type) {
    case "Point":
      return 5 + pb;
    case "LineString":
      return 9 + g.coordinates.length * pb;
    case "Polygon": {
      let s = 9;
      for (const ring of g.coordinates) s += 4 + ring.length * pb;
      return s;
    }
    case "MultiPoint":
      return 9 + g.coordinates.length * (5 + pb);
    case "MultiLineString": {
      let s = 9;
      for (const line of g.coordinates) s += 9 + line.length * pb;
      return s;
    }
    case "MultiPolygon": {
      let s = 9;
      for (const poly of g.coordinates) {
        s += 9;
        for (const ring of poly) s += 4 + ring.length * pb;
      }
      return s;
    }
    case "GeometryCollection": {
      let s = 9;
      for (const m of g.geometries) s += sizeOf(m, pb);
      return s;
    }
    default:
      throw new GeometryError(`Unknown geometry type ${(g as { type: unknown }).type}`);
  }
}

class Writer {
  pos = 0;
  readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly z: boolean,
  ) {
    this.view = new DataView(bytes.buffer);
  }
  header(code: number, srid?: number): void {
    this.bytes[this.pos++] = 1;
    if (srid !== undefined) {
      this.view.setUint32(this.pos, code | EWKB_SRID | (this.z ? EWKB_Z : 0), true);
      this.view.setUint32(this.pos + 4, srid, true);
      this.pos += 8;
    } else {
      this.view.setUint32(this.pos, this.z ? code + 1000 : code, true);
      this.pos += 4;
    }
  }
  u32(n: number): void {
    this.view.setUint32(this.pos, n, true);
    this.pos += 4;
  }
  position(p: Position): void {
    this.view.setFloat64(this.pos, p[0] ?? Number.NaN, true);
    this.view.setFloat64(this.pos + 8, p[1] ?? Number.NaN, true);
    this.pos += 16;
    if (this.z) {
      this.view.setFloat64(this.pos, p.length === 0 ? Number.NaN : (p[2] ?? 0), true);
      this.pos += 8;
    }
  }
  positions(ps: Position[]): void {
    this.u32(ps.length);
    for (const p of ps) this.position(p);
  }
  rings(rs: Position[][]): void {
    this.u32(rs.length);
    for (const r of rs) this.positions(r);
  }
  geometry(g: Geometry, srid?: number): void {
    switch (g.type) {
      case "Point":
        this.header(1, srid);
        this.position(g.coordinates);
        return;
      case "LineString":
        this.header(2, srid);
        this.positions(g.coordinates);
        return;
      case "Polygon":
        this.header(3, srid);
        this.rings(g.coordinates);
        return;
      case "MultiPoint":
        this.header(4, srid);
        this.u32(g.coordinates.length);
        for (const p of g.coordinates) this.geometry({ type: "Point", coordinates: p });
        return;
      case "MultiLineString":
        this.header(5, srid);
        this.u32(g.coordinates.length);
        for (const l of g.coordinates) this.geometry({ type: "LineString", coordinates: l });
        return;
      case "MultiPolygon":
        this.header(6, srid);
        this.u32(g.coordinates.length);
        for (const p of g.coordinates) this.geometry({ type: "Polygon", coordinates: p });
        return;
      case "GeometryCollection":
        this.header(7, srid);
        this.u32(g.geometries.length);
        for (const m of g.geometries) this.geometry(m);
        return;
    }
  }
}

function encode(g: Geometry, srid?: number): Uint8Array {
  const z = hasZ(g);
  const bytes = new Uint8Array(sizeOf(g, z ? 24 : 16) + (srid !== undefined ? 4 : 0));
  const w = new Writer(bytes, z);
  w.geometry(g, srid);
  return bytes;
}

/** Little-endian ISO WKB; Z types (1001...) when the geometry has a third ordinate. */
export function encodeWkb(g: Geometry): Uint8Array {
  return encode(g);
}

/** Little-endian PostGIS EWKB with the SRID flag set on the outer geometry. */
export function encodeEwkb(g: Geometry, srid: number): Uint8Array {
  return encode(g, srid);
}
