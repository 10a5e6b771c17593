/**
 * @module Fitting a geometry to a layer's geometry type, with NextGIS Web's import rules
 * (vector_layer/ogrloader.py `_validate_geom`): Z is added or dropped to match, single parts are
 * promoted to multi, one-member multis and collections are unwrapped, rings are checked (and with
 * fix_errors closed or dropped). Pure: no catalog, no HTTP.
 */
import type { Geometry, GeometryType, Position } from "../geometry/types.ts";

export type FixErrors = "NONE" | "SAFE" | "LOSSY";

/** The geometry does not fit; `wrongType` marks a type mismatch (skip_other_geometry_types). */
export class CastError extends Error {
  readonly status = 422;
  override readonly name = "CastError";
  constructor(
    message: string,
    readonly wrongType = false,
  ) {
    super(message);
  }
}

type Family = "POINT" | "LINESTRING" | "POLYGON";

export function familyOf(t: GeometryType): Family | null {
  if (t.includes("POINT")) return "POINT";
  if (t.includes("LINESTRING")) return "LINESTRING";
  if (t.includes("POLYGON")) return "POLYGON";
  return null;
}

export const isMultiType = (t: GeometryType) => t.startsWith("MULTI");
export const hasZType = (t: GeometryType) => t.endsWith("Z") && t !== "NONE";

function geomFamily(g: Geometry): Family | null {
  if (g.type === "GeometryCollection") return null;
  return familyOf(g.type.toUpperCase() as GeometryType);
}

/** Sets every position to 2 or 3 ordinates (missing Z becomes 0, as OGR's Set3D does). */
function setDims(g: Geometry, z: boolean): Geometry {
  const fix = (p: Position): Position =>
    z ? [p[0]!, p[1]!, p[2] ?? 0] : p.length > 2 ? [p[0]!, p[1]!] : p;
  switch (g.type) {
    case "Point":
      return { type: g.type, coordinates: g.coordinates.length ? fix(g.coordinates) : [] };
    case "MultiPoint":
    case "LineString":
      return { type: g.type, coordinates: g.coordinates.map(fix) } as Geometry;
    case "MultiLineString":
    case "Polygon":
      return { type: g.type, coordinates: g.coordinates.map((l) => l.map(fix)) } as Geometry;
    case "MultiPolygon":
      return { type: g.type, coordinates: g.coordinates.map((p) => p.map((l) => l.map(fix))) };
    case "GeometryCollection":
      return { type: g.type, geometries: g.geometries.map((m) => setDims(m, z)) };
  }
}

const samePos = (a: Position, b: Position) => a.every((v, i) => v === b[i]);

/** Checks (and with fix_errors repairs) polygon rings; returns null when nothing is left. */
function fixRings(rings: Position[][], fix: FixErrors, n: number): Position[][] | null {
  const out: Position[][] = [];
  for (let i = 0; i < rings.length; i++) {
    let ring = rings[i]!;
    if (ring.length === 0) {
      if (fix === "NONE" || i === 0) throw new CastError(`Feature #${n} has empty rings.`);
      continue;
    }
    if (!samePos(ring[0]!, ring[ring.length - 1]!)) {
      if (fix === "NONE") throw new CastError(`Feature #${n} has unclosed rings.`);
      if (ring.length > 2) ring = [...ring, ring[0]!];
    }
    if (ring.length < 4) {
      if (fix !== "LOSSY")
        throw new CastError(`Feature #${n} has less than 3 points in a polygon ring.`);
      if (i === 0) return null;
      continue;
    }
    out.push(ring);
  }
  return out;
}

function checkParts(g: Geometry, fix: FixErrors, n: number): Geometry | null {
  switch (g.type) {
    case "LineString":
      if (g.coordinates.length === 1) {
        if (fix !== "LOSSY")
          throw new CastError(`Feature #${n} has less than 2 points in a linestring.`);
        return null;
      }
      return g;
    case "MultiLineString": {
      const parts = g.coordinates.filter((l) => {
        if (l.length >= 2) return true;
        if (l.length === 0 && fix === "NONE")
          throw new CastError(`Feature #${n} contains an empty linestring.`);
        if (l.length === 1 && fix !== "LOSSY")
          throw new CastError(`Feature #${n} has less than 2 points in a linestring.`);
        return false;
      });
      return { type: g.type, coordinates: parts };
    }
    case "Polygon": {
      if (g.coordinates.length === 0) return g;
      const rings = fixRings(g.coordinates, fix, n);
      return rings ? { type: g.type, coordinates: rings } : null;
    }
    case "MultiPolygon": {
      const polys: Position[][][] = [];
      for (const p of g.coordinates) {
        const rings = fixRings(p, fix === "NONE" ? "NONE" : fix, n);
        if (rings) polys.push(rings);
      }
      return { type: g.type, coordinates: polys };
    }
    default:
      return g;
  }
}

/**
 * Fits `g` to `target`; `n` is the feature number for messages. Returns null when LOSSY fixing
 * removed the whole geometry. Throws CastError for anything that does not fit.
 */
export function fitGeometry(
  g: Geometry,
  target: GeometryType,
  fix: FixErrors = "NONE",
  n = 1,
): Geometry | null {
  const family = familyOf(target);
  if (!family) throw new CastError(`Feature #${n}: the layer has no geometry.`, true);
  g = setDims(g, hasZType(target));
  if (g.type === "GeometryCollection") {
    const fits = g.geometries.filter((m) => geomFamily(m) === family);
    if (g.geometries.length === 1 && fits.length === 1) g = fits[0]!;
    else if (fix !== "NONE" && fits.length >= 1) {
      if (fits.length > 1 && fix !== "LOSSY")
        throw new CastError(`Feature #${n} has multiple geometries satisfying the conditions.`);
      g = fits[0]!;
    } else {
      throw new CastError(`Feature #${n} has unsuitable geometry type: GeometryCollection.`, true);
    }
  }
  if (geomFamily(g) !== family) {
    throw new CastError(`Feature #${n} has unsuitable geometry type: ${g.type}.`, true);
  }
  const wantMulti = isMultiType(target);
  if (wantMulti && !g.type.startsWith("Multi")) {
    g = {
      type: `Multi${g.type}`,
      coordinates: (g as { coordinates: unknown[] }).coordinates.length
        ? [(g as { coordinates: unknown }).coordinates]
        : [],
    } as Geometry;
  } else if (!wantMulti && g.type.startsWith("Multi")) {
    const parts = (g as { coordinates: unknown[] }).coordinates;
    if (parts.length > 1 && fix !== "LOSSY") {
      throw new CastError(`Feature #${n} has multiple geometries satisfying the conditions.`);
    }
    g = { type: g.type.slice(5), coordinates: parts[0] ?? [] } as Geometry;
  }
  return family === "POINT" ? g : checkParts(g, fix, n);
}

/** The NGW type for a family with the multi and Z flags. */
export function composeType(family: Family, multi: boolean, z: boolean): GeometryType {
  return `${multi ? "MULTI" : ""}${family}${z ? "Z" : ""}` as GeometryType;
}
