/**
 * @module Spatial reference systems: the embedded EPSG table (proj4 strings generated from PROJ's
 * database by scripts/gen-epsg.ts), reprojection with proj4js, ESRI WKT for .prj files, and
 * recognition of CRS names, URNs, URLs and .prj text.
 */

import { gunzipSync } from "node:zlib";
import proj4 from "proj4";
import { GeometryError } from "../geometry/errors.ts";
import type { BBox, Geometry, Position } from "../geometry/types.ts";
import { mapPositions } from "../geometry/types.ts";
import EPSG from "./generated/epsg.json" with { type: "json" };
import ESRI_WKT_GZ from "./generated/esri-wkt.json" with { type: "json" };

/** An SRS gisd does not know or cannot transform to; faces map it to a 4xx. */
export class SrsError extends Error {
  readonly status = 422;
  override readonly name = "SrsError";
}

type Entry = [proj4: string, name: string, esriName?: string];
const TABLE = EPSG as unknown as Record<string, Entry>;

/** ESRI and Google codes for Web Mercator that clients still send. */
const ALIASES: Record<number, number> = { 102100: 3857, 102113: 3857, 900913: 3857, 3785: 3857 };

const canonical = (code: number): number => ALIASES[code] ?? code;

export function hasSrs(code: number): boolean {
  return Number.isInteger(code) && TABLE[canonical(code)] !== undefined;
}

function entry(code: number): Entry {
  const e = Number.isInteger(code) ? TABLE[canonical(code)] : undefined;
  if (!e) throw new SrsError(`Unknown spatial reference system EPSG:${code}`);
  return e;
}

/** The proj4 definition of an EPSG code; throws SrsError when unknown. */
export function srsDef(code: number): string {
  return entry(code)[0];
}

/** The EPSG name of the code ("WGS 84 / UTM zone 33N"). */
export function srsName(code: number): string {
  return entry(code)[1];
}

/** Whether the SRS is geographic (longitude/latitude degrees). */
export function isGeographic(code: number): boolean {
  return srsDef(code).startsWith("+proj=longlat");
}

// Web Mercator is undefined at the poles: clamp latitudes as every web map does.
const MERCATOR_MAX_LAT = 85.0511287798066;

const cache = new Map<string, (p: Position) => Position>();

/**
 * A cached position transformer between two EPSG codes; identity when they are equal. Z is
 * carried through unchanged (heights are not datum-shifted). Throws GeometryError for
 * positions that have no image in the target (e.g. outside a projection's domain).
 */
export function transformer(from: number, to: number): (p: Position) => Position {
  from = canonical(from);
  to = canonical(to);
  if (from === to) return (p) => p;
  const key = `${from}>${to}`;
  let t = cache.get(key);
  if (t) return t;
  const conv = proj4(srsDef(from), srsDef(to));
  const clamp = to === 3857 && isGeographic(from);
  t = (p: Position) => {
    let y = p[1]!;
    if (clamp) y = Math.max(-MERCATOR_MAX_LAT, Math.min(MERCATOR_MAX_LAT, y));
    const r = conv.forward([p[0]!, y]);
    if (!Number.isFinite(r[0]) || !Number.isFinite(r[1])) {
      throw new GeometryError(
        `Coordinates (${p[0]} ${p[1]}) cannot be transformed from EPSG:${from} to EPSG:${to}`,
      );
    }
    return p.length > 2 ? [r[0]!, r[1]!, p[2]!] : [r[0]!, r[1]!];
  };
  cache.set(key, t);
  return t;
}

function mapGeometry(g: Geometry, f: (p: Position) => Position): Geometry {
  return mapPositions(g, f);
}

/** The geometry in another SRS (a new object; the input is left alone). */
export function reprojectGeometry(g: Geometry, from: number, to: number): Geometry {
  if (canonical(from) === canonical(to)) return g;
  return mapGeometry(g, transformer(from, to));
}

/**
 * The box covering `b` in another SRS: each edge is densified (curved edges after projection)
 * and points without an image are skipped.
 */
export function reprojectBBox(b: BBox, from: number, to: number, steps = 20): BBox {
  if (canonical(from) === canonical(to)) return [...b];
  const t = transformer(from, to);
  const out: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  const add = (x: number, y: number) => {
    let p: Position;
    try {
      p = t([x, y]);
    } catch {
      return;
    }
    out[0] = Math.min(out[0], p[0]!);
    out[1] = Math.min(out[1], p[1]!);
    out[2] = Math.max(out[2], p[0]!);
    out[3] = Math.max(out[3], p[1]!);
  };
  for (let i = 0; i <= steps; i++) {
    const fx = b[0] + ((b[2] - b[0]) * i) / steps;
    const fy = b[1] + ((b[3] - b[1]) * i) / steps;
    add(fx, b[1]);
    add(fx, b[3]);
    add(b[0], fy);
    add(b[2], fy);
  }
  if (!(out[0] <= out[2])) {
    throw new SrsError(`The box cannot be transformed from EPSG:${from} to EPSG:${to}`);
  }
  return out;
}

// ---- WKT / .prj -------------------------------------------------------------------------------

let esriWkt: Record<string, string> | null = null;

/** ESRI-flavoured WKT1 for a .prj file (what ArcGIS, QGIS and GDAL read); null when unknown. */
export function srsWkt(code: number): string | null {
  esriWkt ??= JSON.parse(
    gunzipSync(Buffer.from(ESRI_WKT_GZ as string, "base64")).toString("utf8"),
  ) as Record<string, string>;
  return esriWkt[canonical(code)] ?? null;
}

const norm = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "");

let names: Map<string, number> | null = null;

function nameIndex(): Map<string, number> {
  if (names) return names;
  names = new Map();
  for (const [code, e] of Object.entries(TABLE)) {
    for (const n of [e[1], e[2]]) {
      if (n && !names.has(norm(n))) names.set(norm(n), Number(code));
    }
  }
  for (const n of [
    "Google Maps Global Mercator",
    "Popular Visualisation CRS / Mercator",
    "WGS 84 / Popular Visualisation Pseudo-Mercator",
    "WGS_84_Pseudo_Mercator",
  ]) {
    names.set(norm(n), 3857);
  }
  names.set(norm("WGS84"), 4326);
  return names;
}

const UTM_DATUM: [RegExp, number, number][] = [
  [/WGS[ _]?(19)?84/i, 32600, 32700],
  [/NAD[ _]?(19)?83|North_American_Datum_1983/i, 26900, -1],
  [/ETRS[ _]?(19)?89|ETRF/i, 25800, -1],
  [/NAD[ _]?(19)?27|North_American_Datum_1927/i, 26700, -1],
];

/**
 * The EPSG code of a .prj / WKT text: its top-level AUTHORITY or ID, else a known CRS name (EPSG
 * or ESRI spelling), else a UTM zone name on a known datum; null when unrecognised.
 */
export function parsePrj(wkt: string): number | null {
  if (typeof wkt !== "string" || wkt.length > 100_000) return null;
  // WKT1 puts the CRS's own AUTHORITY last; WKT2 its ID last too.
  const auth = [...wkt.matchAll(/(?:AUTHORITY|ID)\s*\[\s*"EPSG"\s*,\s*"?(\d+)"?\s*\]/gi)].at(-1);
  const head =
    /^\s*(PROJCS|GEOGCS|PROJCRS|GEOGCRS|GEODCRS|PROJECTEDCRS|GEOGRAPHICCRS)\s*\[\s*"([^"]*)"/i.exec(
      wkt,
    );
  if (auth) {
    const c = Number(auth[1]);
    // An AUTHORITY closing the text belongs to the whole CRS, not to a datum or unit inside it.
    if (hasSrs(c) && /^\w+\s*\[[^\]]*\]\s*\]\s*$/.test(wkt.slice(auth.index))) return canonical(c);
  }
  if (head) {
    const byName = nameIndex().get(norm(head[2]!));
    if (byName !== undefined) return byName;
    const utm = /UTM[ _]?zone[ _]?(\d{1,2})[ _,]*(N|S|North|South|Northern|Southern)?\b/i.exec(
      head[2]!,
    );
    if (utm) {
      const zone = Number(utm[1]);
      const south = /^s/i.test(utm[2] ?? "");
      for (const [re, north, southBase] of UTM_DATUM) {
        if (!re.test(wkt)) continue;
        const c = (south ? southBase : north) + zone;
        if (southBase !== -1 || !south) return hasSrs(c) ? c : null;
      }
    }
    if (/mercator_auxiliary_sphere|pseudo[ _-]?mercator/i.test(head[2]!)) return 3857;
  }
  return null;
}

/**
 * The EPSG code named by an OGC CRS identifier: "EPSG:4326", "urn:ogc:def:crs:EPSG::4326",
 * "http://www.opengis.net/def/crs/EPSG/0/4326", "...gml/srs/epsg.xml#4326", "CRS84" (= 4326
 * with lon/lat order), a bare number; null when not recognised.
 */
export function parseCrsName(s: string): number | null {
  if (typeof s !== "string") return null;
  const t = s.trim();
  if (
    /^(?:urn:ogc:def:crs:OGC:[\d.]*:|https?:\/\/www\.opengis\.net\/def\/crs\/OGC\/[\d.]+\/|OGC:)?CRS:?84$/i.test(
      t,
    )
  ) {
    return 4326;
  }
  const m =
    /^(?:EPSG|ESRI):(\d{1,9})$/i.exec(t) ??
    /^urn:(?:x-)?ogc:def:crs:EPSG:(?:[\d.]*:)?(\d{1,9})$/i.exec(t) ??
    /^https?:\/\/www\.opengis\.net\/def\/crs\/EPSG\/[\d.]+\/(\d{1,9})$/i.exec(t) ??
    /^https?:\/\/www\.opengis\.net\/gml\/srs\/epsg\.xml#(\d{1,9})$/i.exec(t) ??
    /^(\d{1,9})$/.exec(t);
  if (!m) return null;
  return canonical(Number(m[1]));
}
