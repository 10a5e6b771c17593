/**
 * @module Stage 2: EPSG:3857 geometry → tile units (float, y down). Polygon rings lose their
 * closing point; a GeometryCollection yields one tile geometry per MVT type it holds.
 */
import type { Geometry, Position } from "../geometry/types.ts";
import type { TileGeometry } from "./types.ts";

/** The affine map of one tile: x' = (x - minX) · k, y' = (maxY - y) · k. */
export interface TileTransform {
  minX: number;
  maxY: number;
  k: number;
}

export function tileTransform(bbox: readonly number[], extent: number): TileTransform {
  return { minX: bbox[0]!, maxY: bbox[3]!, k: extent / (bbox[2]! - bbox[0]!) };
}

function flat(coords: Position[], t: TileTransform, ring: boolean): number[] {
  let n = coords.length;
  if (ring && n > 1) {
    const a = coords[0]!;
    const b = coords[n - 1]!;
    if (a[0] === b[0] && a[1] === b[1]) n--;
  }
  const out = new Array<number>(n * 2);
  for (let i = 0; i < n; i++) {
    const p = coords[i]!;
    out[2 * i] = (p[0]! - t.minX) * t.k;
    out[2 * i + 1] = (t.maxY - p[1]!) * t.k;
  }
  return out;
}

/** Projects a geometry into tile units; empty geometries give an empty list. */
export function project(g: Geometry, t: TileTransform): TileGeometry[] {
  switch (g.type) {
    case "Point":
      return g.coordinates.length ? [{ type: 1, points: flat([g.coordinates], t, false) }] : [];
    case "MultiPoint":
      return g.coordinates.length ? [{ type: 1, points: flat(g.coordinates, t, false) }] : [];
    case "LineString":
      return [{ type: 2, lines: [flat(g.coordinates, t, false)] }];
    case "MultiLineString":
      return [{ type: 2, lines: g.coordinates.map((l) => flat(l, t, false)) }];
    case "Polygon":
      return [{ type: 3, polygons: [g.coordinates.map((r) => flat(r, t, true))] }];
    case "MultiPolygon":
      return [{ type: 3, polygons: g.coordinates.map((p) => p.map((r) => flat(r, t, true))) }];
    case "GeometryCollection": {
      const parts = g.geometries.flatMap((m) => project(m, t));
      const merged: TileGeometry[] = [];
      for (const type of [1, 2, 3] as const) {
        const same = parts.filter((p) => p.type === type);
        if (same.length === 0) continue;
        if (type === 1)
          merged.push({ type, points: same.flatMap((p) => (p.type === 1 ? p.points : [])) });
        if (type === 2)
          merged.push({ type, lines: same.flatMap((p) => (p.type === 2 ? p.lines : [])) });
        if (type === 3)
          merged.push({ type, polygons: same.flatMap((p) => (p.type === 3 ? p.polygons : [])) });
      }
      return merged;
    }
  }
}

/** Bounding box of a tile geometry: [minX, minY, maxX, maxY]; Infinity-filled when empty. */
export function geometryBounds(g: TileGeometry): [number, number, number, number] {
  const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  const add = (a: number[]) => {
    for (let i = 0; i < a.length; i += 2) {
      const x = a[i]!;
      const y = a[i + 1]!;
      if (x < b[0]) b[0] = x;
      if (y < b[1]) b[1] = y;
      if (x > b[2]) b[2] = x;
      if (y > b[3]) b[3] = y;
    }
  };
  if (g.type === 1) add(g.points);
  else if (g.type === 2) for (const l of g.lines) add(l);
  else for (const p of g.polygons) add(p[0] ?? []);
  return b;
}
