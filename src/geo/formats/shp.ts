/**
 * @module ESRI .shp record decoding (all shape types with Z; M is dropped) and the assembly of
 * polygon rings into polygons: clockwise rings are outers, counter-clockwise rings are holes of
 * the smallest outer containing them (a hole outside every outer becomes an outer, as GDAL does).
 */
import type { Geometry, Position } from "../geometry/types.ts";

export const SHAPE = {
  Null: 0,
  Point: 1,
  PolyLine: 3,
  Polygon: 5,
  MultiPoint: 8,
  PointZ: 11,
  PolyLineZ: 13,
  PolygonZ: 15,
  MultiPointZ: 18,
  PointM: 21,
  PolyLineM: 23,
  PolygonM: 25,
  MultiPointM: 28,
  MultiPatch: 31,
} as const;

/** Base family of a shape type (1, 3, 5, 8) and whether it carries Z. */
export function shapeFamily(t: number): { base: number; z: boolean } | null {
  if (t === 0) return { base: 0, z: false };
  const base = t % 10;
  if (![1, 3, 5, 8].includes(base) || t > 28) return null;
  return { base, z: t >= 11 && t <= 18 };
}

function signedArea(r: Position[]): number {
  let a = 0;
  for (let i = 0, n = r.length, j = n - 1; i < n; j = i++) {
    a += (r[i]![0]! - r[j]![0]!) * (r[i]![1]! + r[j]![1]!);
  }
  // Positive for clockwise rings with this form of the shoelace sum.
  return a / 2;
}

function inRing(p: Position, r: Position[]): boolean {
  let inside = false;
  const [x, y] = p as [number, number];
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
    const [xi, yi] = r[i] as [number, number];
    const [xj, yj] = r[j] as [number, number];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Groups shapefile rings into a Polygon or MultiPolygon. */
export function assembleRings(rings: Position[][]): Geometry {
  const outers: { ring: Position[]; area: number; holes: Position[][] }[] = [];
  const holes: Position[][] = [];
  for (const r of rings) {
    const a = signedArea(r);
    if (a >= 0) outers.push({ ring: r, area: a, holes: [] });
    else holes.push(r);
  }
  for (const h of holes) {
    let best: (typeof outers)[number] | null = null;
    for (const o of outers) {
      if (inRing(h[0]!, o.ring) && (!best || o.area < best.area)) best = o;
    }
    if (best) best.holes.push(h);
    else outers.push({ ring: h.slice().reverse(), area: -signedArea(h), holes: [] });
  }
  const polys = outers.map((o) => [o.ring, ...o.holes]);
  return polys.length === 1
    ? { type: "Polygon", coordinates: polys[0]! }
    : { type: "MultiPolygon", coordinates: polys };
}

/** Decodes one record's content (starting at its shape type). Throws Error with a reason. */
export function decodeShape(rec: Uint8Array): Geometry | null {
  if (rec.length < 4) throw new Error("record too short");
  const dv = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
  const type = dv.getInt32(0, true);
  const fam = shapeFamily(type);
  if (!fam) throw new Error(`unsupported shape type ${type}`);
  const need = (n: number) => {
    if (n > rec.length) throw new Error("record shorter than its declared points");
  };
  if (fam.base === 0) return null;
  if (fam.base === 1) {
    need(fam.z ? 28 : 20);
    const p = [dv.getFloat64(4, true), dv.getFloat64(12, true)];
    if (fam.z) p.push(dv.getFloat64(20, true));
    return { type: "Point", coordinates: p };
  }
  const multiPoint = fam.base === 8;
  need(multiPoint ? 40 : 44);
  const numParts = multiPoint ? 0 : dv.getInt32(36, true);
  const numPoints = dv.getInt32(multiPoint ? 36 : 40, true);
  if (numParts < 0 || numPoints < 0 || numParts > 1e7 || numPoints > 1e8) {
    throw new Error("bad part or point count");
  }
  const partsAt = multiPoint ? 40 : 44;
  const pointsAt = partsAt + 4 * numParts;
  const zAt = pointsAt + 16 * numPoints + 16;
  need(pointsAt + 16 * numPoints + (fam.z ? 16 + 8 * numPoints : 0));
  const pts: Position[] = new Array(numPoints);
  for (let i = 0; i < numPoints; i++) {
    const p = [dv.getFloat64(pointsAt + 16 * i, true), dv.getFloat64(pointsAt + 16 * i + 8, true)];
    if (fam.z) p.push(dv.getFloat64(zAt + 8 * i, true));
    pts[i] = p;
  }
  if (multiPoint) return { type: "MultiPoint", coordinates: pts };
  const parts: Position[][] = [];
  for (let k = 0; k < numParts; k++) {
    const s = dv.getInt32(partsAt + 4 * k, true);
    const e = k + 1 < numParts ? dv.getInt32(partsAt + 4 * (k + 1), true) : numPoints;
    if (s < 0 || e > numPoints || s > e) throw new Error("bad part index");
    parts.push(pts.slice(s, e));
  }
  if (fam.base === 3) {
    return parts.length === 1
      ? { type: "LineString", coordinates: parts[0]! }
      : { type: "MultiLineString", coordinates: parts };
  }
  return assembleRings(parts);
}
