/**
 * @module WKT codec: parses OGC/ISO WKT and PostGIS EWKT (`SRID=n;` prefix, Z/M/ZM tags, EMPTY,
 * any case) and writes shapely/PostGIS-style text with shortest round-trip numbers.
 */
import { GeometryError } from "./errors.ts";
import { type Geometry, hasZ, type Position } from "./types.ts";

/** Nesting deeper than this is hostile: real data never nests collections this far. */
const MAX_DEPTH = 32;

const TYPES: Record<string, Geometry["type"]> = {
  POINT: "Point",
  LINESTRING: "LineString",
  POLYGON: "Polygon",
  MULTIPOINT: "MultiPoint",
  MULTILINESTRING: "MultiLineString",
  MULTIPOLYGON: "MultiPolygon",
  GEOMETRYCOLLECTION: "GeometryCollection",
};

const NUMBER = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/y;
const WORD = /[A-Za-z]+/y;

class Parser {
  pos = 0;
  constructor(readonly s: string) {}

  fail(what: string): never {
    const near = this.s.slice(this.pos, this.pos + 20);
    throw new GeometryError(
      `Bad WKT: ${what} at position ${this.pos}${near ? ` near '${near}'` : ""}`,
    );
  }
  skip(): void {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos]!)) this.pos++;
  }
  peek(): string {
    this.skip();
    return this.s[this.pos] ?? "";
  }
  eat(ch: string): void {
    if (this.peek() !== ch) this.fail(`expected '${ch}'`);
    this.pos++;
  }
  word(): string {
    this.skip();
    WORD.lastIndex = this.pos;
    const m = WORD.exec(this.s);
    if (!m) return "";
    this.pos += m[0].length;
    return m[0].toUpperCase();
  }
  number(): number {
    this.skip();
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.s);
    if (!m) this.fail("expected a number");
    this.pos += m[0].length;
    const v = Number(m[0]);
    if (!Number.isFinite(v)) this.fail("number out of range");
    return v;
  }
  /** Consumes EMPTY if it comes next. */
  empty(): boolean {
    const save = this.pos;
    if (this.word() === "EMPTY") return true;
    this.pos = save;
    return false;
  }
}

interface Dims {
  /** Declared tag: "", "Z", "M" or "ZM". */
  tag: string;
}

function position(p: Parser, d: Dims): Position {
  const c = [p.number(), p.number()];
  while (/[-+.\d]/.test(p.peek())) c.push(p.number());
  if (c.length > 4) p.fail("too many ordinates");
  if (d.tag === "M" && c.length === 3) return [c[0]!, c[1]!];
  if ((d.tag === "" || d.tag === "Z") && c.length === 4) return [c[0]!, c[1]!, c[2]!];
  if (d.tag === "ZM") {
    if (c.length !== 4) p.fail("ZM positions need four ordinates");
    return [c[0]!, c[1]!, c[2]!];
  }
  return c.length === 4 ? [c[0]!, c[1]!, c[2]!] : c;
}

/** `(x y, x y, ...)` or EMPTY. */
function positions(p: Parser, d: Dims): Position[] {
  if (p.empty()) return [];
  p.eat("(");
  const out = [position(p, d)];
  while (p.peek() === ",") {
    p.pos++;
    out.push(position(p, d));
  }
  p.eat(")");
  return out;
}

function list<T>(p: Parser, item: () => T): T[] {
  if (p.empty()) return [];
  p.eat("(");
  const out = [item()];
  while (p.peek() === ",") {
    p.pos++;
    out.push(item());
  }
  p.eat(")");
  return out;
}

function geometry(p: Parser, depth: number): Geometry {
  if (depth > MAX_DEPTH) p.fail("geometry nesting too deep");
  let word = p.word();
  let tag = "";
  // Tolerate the glued forms GDAL and old PostGIS write: POINTZ, POINTM, POINTZM.
  for (const suffix of ["ZM", "Z", "M"]) {
    if (!TYPES[word] && word.endsWith(suffix) && TYPES[word.slice(0, -suffix.length)]) {
      word = word.slice(0, -suffix.length);
      tag = suffix;
      break;
    }
  }
  const type = TYPES[word];
  if (!type) p.fail(word ? `unknown geometry type '${word}'` : "expected a geometry type");
  if (!tag) {
    const save = p.pos;
    const t = p.word();
    if (t === "Z" || t === "M" || t === "ZM") tag = t;
    else p.pos = save;
  }
  const d: Dims = { tag };
  switch (type) {
    case "Point": {
      if (p.empty()) return { type, coordinates: [] };
      p.eat("(");
      const c = position(p, d);
      p.eat(")");
      return { type, coordinates: c };
    }
    case "LineString":
      return { type, coordinates: positions(p, d) };
    case "Polygon":
      return { type, coordinates: list(p, () => positions(p, d)) };
    case "MultiPoint":
      // Both MULTIPOINT (1 2, 3 4) and MULTIPOINT ((1 2), (3 4)) are in the wild.
      return {
        type,
        coordinates: list(p, () => {
          if (p.peek() !== "(") return position(p, d);
          p.pos++;
          const c = position(p, d);
          p.eat(")");
          return c;
        }),
      };
    case "MultiLineString":
      return { type, coordinates: list(p, () => positions(p, d)) };
    case "MultiPolygon":
      return { type, coordinates: list(p, () => list(p, () => positions(p, d))) };
    default:
      return { type: "GeometryCollection", geometries: list(p, () => geometry(p, depth + 1)) };
  }
}

/** Parses WKT or EWKT (the SRID prefix is accepted and ignored: see parseEwkt). */
export function parseWkt(s: string): Geometry {
  return parseEwkt(s).geometry;
}

/** Parses WKT or EWKT and returns the `SRID=n;` value too (null when absent). */
export function parseEwkt(s: string): { geometry: Geometry; srid: number | null } {
  if (typeof s !== "string") throw new GeometryError("Bad WKT: not a string");
  const p = new Parser(s);
  let srid: number | null = null;
  const m = /^\s*SRID\s*=\s*(\d{1,9})\s*;/i.exec(s);
  if (m) {
    srid = Number(m[1]);
    p.pos = m[0].length;
  }
  const geometry = geometry_(p);
  p.skip();
  if (p.pos !== s.length) p.fail("unexpected text after the geometry");
  return { geometry, srid };
}

const geometry_ = (p: Parser) => geometry(p, 0);

// ---- writing --------------------------------------------------------------------------------

/** Shortest round-trip decimal; -0 prints as 0 like PostGIS. */
function num(n: number): string {
  return n === 0 ? "0" : String(n);
}

function pos(c: Position, z: boolean): string {
  const s = `${num(c[0]!)} ${num(c[1]!)}`;
  return z ? `${s} ${num(c[2] ?? 0)}` : s;
}

function seq(cs: Position[], z: boolean): string {
  return `(${cs.map((c) => pos(c, z)).join(", ")})`;
}

function body(g: Geometry, z: boolean): string {
  switch (g.type) {
    case "Point":
      return g.coordinates.length ? `(${pos(g.coordinates, z)})` : "EMPTY";
    case "LineString":
      return g.coordinates.length ? seq(g.coordinates, z) : "EMPTY";
    case "Polygon":
    case "MultiLineString":
      return g.coordinates.length
        ? `(${g.coordinates.map((r) => (r.length ? seq(r, z) : "EMPTY")).join(", ")})`
        : "EMPTY";
    case "MultiPoint":
      return g.coordinates.length
        ? `(${g.coordinates.map((c) => `(${pos(c, z)})`).join(", ")})`
        : "EMPTY";
    case "MultiPolygon":
      return g.coordinates.length
        ? `(${g.coordinates
            .map((poly) =>
              poly.length
                ? `(${poly.map((r) => (r.length ? seq(r, z) : "EMPTY")).join(", ")})`
                : "EMPTY",
            )
            .join(", ")})`
        : "EMPTY";
    case "GeometryCollection":
      return g.geometries.length ? `(${g.geometries.map((m) => toWkt(m)).join(", ")})` : "EMPTY";
  }
}

/** WKT as shapely and PostGIS write it: `MULTIPOLYGON (((0 0, 1 0, ...)))`, `POINT Z (1 2 3)`. */
export function toWkt(g: Geometry): string {
  const z = hasZ(g);
  return `${g.type.toUpperCase()}${z ? " Z" : ""} ${body(g, z)}`;
}
