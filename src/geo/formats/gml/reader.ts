/**
 * @module GML 2/3.1/3.2 geometries (and gml:Box / gml:Envelope) read from a parsed, untrusted
 * XML element into the geometry model, in x/y order of the EPSG code its srsName names: Points,
 * LineStrings, Polygons, their Multi forms, GML 3's MultiCurve/MultiSurface/Curve/Surface with
 * linear segments, and MultiGeometry. Every ordinate must be a finite number; anything else is a
 * GmlError (a 400 for WFS), never a crash.
 */
import { bboxToPolygon } from "../../geometry/bbox.ts";
import type { Geometry, Position } from "../../geometry/types.ts";
import type { XmlElement } from "../../xml.ts";
import { parseSrsName } from "./axis.ts";

export class GmlError extends Error {
  readonly status = 400;
  override readonly name = "GmlError";
}

export interface GmlReadOptions {
  /** The srsName assumed when the geometry names none (the request's, or the layer's). */
  defaultSrsName?: string;
}

export interface GmlGeometry {
  geometry: Geometry;
  /** EPSG code of the coordinates; null when neither the element nor the options named one. */
  srs: number | null;
}

interface Ctx {
  latFirst: boolean;
  dim: number;
}

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function ordinate(s: string): number {
  const n = NUMBER.test(s) ? Number(s) : Number.NaN;
  if (!Number.isFinite(n)) throw new GmlError(`'${s.slice(0, 40)}' is not a finite coordinate.`);
  return n;
}

function position(nums: number[], c: Ctx): Position {
  return c.latFirst ? [nums[1]!, nums[0]!, ...nums.slice(2)] : nums;
}

function dimOf(el: XmlElement, c: Ctx): number {
  const d = el.attrs.srsDimension ?? el.attrs.dimension;
  if (d === undefined) return c.dim;
  if (d !== "2" && d !== "3")
    throw new GmlError(`srsDimension ${d.slice(0, 10)} is not supported.`);
  return Number(d);
}

/** A whitespace-separated list of ordinates (pos, posList, lowerCorner) in groups of dim. */
function posList(el: XmlElement, c: Ctx): Position[] {
  const dim = dimOf(el, c);
  const parts = el.text.trim().split(/\s+/).filter(Boolean).map(ordinate);
  if (parts.length === 0 || parts.length % dim !== 0)
    throw new GmlError(`${el.name} has ${parts.length} ordinates, not a multiple of ${dim}.`);
  const out: Position[] = [];
  for (let i = 0; i < parts.length; i += dim) out.push(position(parts.slice(i, i + dim), c));
  return out;
}

/** GML 2's <coordinates> with its cs/ts/decimal separators. */
function coordinates(el: XmlElement, c: Ctx): Position[] {
  const cs = el.attrs.cs || ",";
  const ts = el.attrs.ts || " ";
  const dec = el.attrs.decimal || ".";
  const text = el.text.trim();
  if (!text) throw new GmlError("Empty gml:coordinates.");
  const tuples = ts.trim() === "" ? text.split(/\s+/) : text.split(ts).map((t) => t.trim());
  return tuples.filter(Boolean).map((t) => {
    const nums = t
      .split(cs)
      .map((v) => ordinate(dec === "." ? v.trim() : v.trim().split(dec).join(".")));
    if (nums.length < 2 || nums.length > 3)
      throw new GmlError(`Bad coordinate tuple '${t.slice(0, 40)}'.`);
    return position(nums, c);
  });
}

/** The positions directly inside a Point/LineString/LinearRing/Envelope element. */
function positions(el: XmlElement, c: Ctx): Position[] {
  const out: Position[] = [];
  for (const k of el.children) {
    if (k.name === "posList" || k.name === "pos") out.push(...posList(k, c));
    else if (k.name === "coordinates") out.push(...coordinates(k, c));
    else if (k.name === "coord") {
      const v = ["X", "Y", "Z"].map((n) => k.children.find((x) => x.name === n)?.text.trim());
      if (v[0] === undefined || v[1] === undefined) throw new GmlError("gml:coord needs X and Y.");
      out.push(position(v.filter((x): x is string => x !== undefined).map(ordinate), c));
    } else if (k.name === "pointProperty" || k.name === "pointRep") {
      const p = k.children[0];
      if (p) out.push(...positions(p, c));
    }
  }
  return out;
}

function ring(el: XmlElement | undefined, c: Ctx): Position[] {
  const r = el?.children.find((k) => k.name === "LinearRing");
  if (!r) throw new GmlError(`${el?.name ?? "A polygon boundary"} needs a gml:LinearRing.`);
  const ps = positions(r, inner(r, c));
  if (ps.length < 4) throw new GmlError("A gml:LinearRing needs at least 4 positions.");
  return ps;
}

function polygonRings(el: XmlElement, c: Ctx): Position[][] {
  const shell = el.children.find((k) => k.name === "exterior" || k.name === "outerBoundaryIs");
  if (!shell) throw new GmlError("gml:Polygon needs an exterior ring.");
  const holes = el.children.filter((k) => k.name === "interior" || k.name === "innerBoundaryIs");
  return [ring(shell, c), ...holes.map((h) => ring(h, c))];
}

function lineCoords(el: XmlElement, c: Ctx): Position[] {
  const ps =
    el.name === "Curve"
      ? (el.children.find((k) => k.name === "segments")?.children ?? []).flatMap((s) => {
          if (s.name !== "LineStringSegment")
            throw new GmlError(`Curve segments of type ${s.name} are not supported.`);
          return positions(s, inner(s, c));
        })
      : positions(el, c);
  if (ps.length < 2) throw new GmlError("A line needs at least 2 positions.");
  return ps;
}

/** The geometries inside member properties (xxxMember: one; xxxMembers: several). */
function members(el: XmlElement, c: Ctx): Geometry[] {
  const out: Geometry[] = [];
  for (const k of el.children) {
    if (/Members?$/.test(k.name)) for (const m of k.children) out.push(geometry(m, inner(m, c)));
  }
  return out;
}

function inner(el: XmlElement, c: Ctx): Ctx {
  return { latFirst: c.latFirst, dim: dimOf(el, c) };
}

function envelope(el: XmlElement, c: Ctx): Geometry {
  let ps: Position[];
  const lo = el.children.find((k) => k.name === "lowerCorner");
  const hi = el.children.find((k) => k.name === "upperCorner");
  if (lo && hi) ps = [...posList(lo, c), ...posList(hi, c)];
  else ps = positions(el, c);
  if (ps.length !== 2) throw new GmlError(`gml:${el.name} needs two corners.`);
  const [a, b] = ps as [Position, Position];
  return bboxToPolygon([a[0]!, a[1]!, b[0]!, b[1]!]);
}

function only<T extends Geometry["type"]>(gs: Geometry[], type: T, what: string) {
  for (const g of gs) if (g.type !== type) throw new GmlError(`${what} may hold only ${type}s.`);
  return gs as Extract<Geometry, { type: T }>[];
}

function geometry(el: XmlElement, c: Ctx): Geometry {
  switch (el.name) {
    case "Point": {
      const ps = positions(el, c);
      if (ps.length !== 1) throw new GmlError("gml:Point needs exactly one position.");
      return { type: "Point", coordinates: ps[0]! };
    }
    case "LineString":
    case "Curve":
      return { type: "LineString", coordinates: lineCoords(el, c) };
    case "LinearRing":
      return { type: "LineString", coordinates: ring({ ...el, children: [el] }, c) };
    case "Polygon":
      return { type: "Polygon", coordinates: polygonRings(el, c) };
    case "Surface": {
      const patches = el.children.find((k) => k.name === "patches")?.children ?? [];
      const polys = patches.map((p) => {
        if (p.name !== "PolygonPatch") throw new GmlError(`${p.name} patches are not supported.`);
        return polygonRings(p, inner(p, c));
      });
      if (polys.length === 1) return { type: "Polygon", coordinates: polys[0]! };
      return { type: "MultiPolygon", coordinates: polys };
    }
    case "Envelope":
    case "Box":
      return envelope(el, c);
    case "MultiPoint":
      return {
        type: "MultiPoint",
        coordinates: only(members(el, c), "Point", "MultiPoint").map((p) => p.coordinates),
      };
    case "MultiLineString":
    case "MultiCurve":
      return {
        type: "MultiLineString",
        coordinates: only(members(el, c), "LineString", el.name).map((l) => l.coordinates),
      };
    case "MultiPolygon":
    case "MultiSurface":
      return {
        type: "MultiPolygon",
        coordinates: members(el, c).flatMap((g) => {
          if (g.type === "Polygon") return [g.coordinates];
          if (g.type === "MultiPolygon") return g.coordinates;
          throw new GmlError(`${el.name} may hold only polygons.`);
        }),
      };
    case "MultiGeometry":
      return { type: "GeometryCollection", geometries: members(el, c) };
    default:
      throw new GmlError(`gml:${el.name.slice(0, 60)} is not a supported geometry.`);
  }
}

/** Reads one GML geometry element (the element itself, not its property wrapper). */
export function readGml(el: XmlElement, opts: GmlReadOptions = {}): GmlGeometry {
  const name = el.attrs.srsName ?? opts.defaultSrsName;
  let srs: number | null = null;
  let latFirst = false;
  if (name !== undefined && name !== "") {
    try {
      const n = parseSrsName(name);
      srs = n.code;
      latFirst = n.latFirst;
    } catch (err) {
      throw new GmlError(err instanceof Error ? err.message : String(err));
    }
  }
  return { geometry: geometry(el, { latFirst, dim: dimOf(el, { latFirst, dim: 2 }) }), srs };
}
