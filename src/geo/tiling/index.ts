/**
 * @module Whole-layer tile index for small layers (geojson-vt): the layer is read once per
 * version, and every later tile is sliced from memory without touching the source. Pays off
 * below a few tens of thousands of features; bigger layers use bbox queries (and overviews).
 */

import type { Feature as GeoJsonFeature } from "geojson";
import GeoJSONVT from "geojson-vt";
import type { FeatureSource, SourceInfo } from "../sources/feature-source.ts";
import { transformer } from "../srs/index.ts";
import { simplify } from "./simplify.ts";
import { mapGeometry, type PointFn } from "./srs.ts";
import type { TileCoord } from "./tile.ts";
import type { TileFeature, TileGeometry, TileOptions } from "./types.ts";

const R = 6378137;
const toLonLat: PointFn = (p) => [
  ((p[0]! / R) * 180) / Math.PI,
  ((2 * Math.atan(Math.exp(p[1]! / R)) - Math.PI / 2) * 180) / Math.PI,
];

export class LayerIndex {
  private constructor(
    private readonly vt: GeoJSONVT,
    readonly count: number,
  ) {}

  /** Reads every feature (lon/lat for geojson-vt) and builds the index with the tile options. */
  static async build(
    source: FeatureSource,
    info: SourceInfo,
    opts: TileOptions,
    signal?: AbortSignal,
  ): Promise<LayerIndex> {
    // geojson-vt takes lon/lat and projects to Mercator itself.
    const fn =
      info.srs === 4326 ? null : info.srs === 3857 ? toLonLat : transformer(info.srs, 4326);
    const features: GeoJsonFeature[] = [];
    for await (const f of source.query({ signal })) {
      if (!f.geom) continue;
      const geometry = fn ? mapGeometry(f.geom, fn) : f.geom;
      features.push({
        type: "Feature",
        id: f.id,
        geometry: geometry as never,
        properties: f.fields,
      });
    }
    const vt = new GeoJSONVT(
      { type: "FeatureCollection", features },
      {
        maxZoom: 24,
        indexMaxZoom: 5,
        indexMaxPoints: 100000,
        tolerance: opts.simplification,
        extent: opts.extent,
        buffer: opts.buffer,
      },
    );
    return new LayerIndex(vt, features.length);
  }

  /** The tile's features, cleaned by the same rules as the streaming pipeline. */
  tile(t: TileCoord): TileFeature[] {
    const tile = this.vt.getTile(t.z, t.x, t.y);
    const out: TileFeature[] = [];
    for (const f of tile?.features ?? []) {
      const geom = toTileGeometry(f.type, f.geometry as never);
      const clean = geom && simplify(geom, 0);
      if (!clean) continue;
      out.push({
        id: typeof f.id === "number" ? f.id : Number(f.id),
        geom: clean,
        props: (f.tags ?? {}) as TileFeature["props"],
        size: sizeOf(clean),
      });
    }
    return out;
  }
}

function toTileGeometry(type: number, g: number[][] | number[][][]): TileGeometry | null {
  if (type === 1) return { type: 1, points: (g as number[][]).flat() };
  const rings = (g as number[][][]).map((r) => r.flat());
  if (type === 2) return { type: 2, lines: rings };
  // geojson-vt emits rings in order with exteriors wound clockwise (positive area, y down):
  // each exterior starts a new polygon.
  const polygons: number[][][] = [];
  for (const r of rings) {
    if (signedArea(r) > 0 || polygons.length === 0) polygons.push([r]);
    else polygons.at(-1)!.push(r);
  }
  return { type: 3, polygons };
}

function signedArea(r: number[]): number {
  let s = 0;
  const n = r.length;
  for (let i = 0, j = n - 2; i < n; j = i, i += 2) s += r[j]! * r[i + 1]! - r[i]! * r[j + 1]!;
  return s;
}

/** Bbox diagonal in tile units: the budget's measure of a feature. */
export function sizeOf(g: TileGeometry): number {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const add = (a: number[]) => {
    for (let i = 0; i < a.length; i += 2) {
      minX = Math.min(minX, a[i]!);
      maxX = Math.max(maxX, a[i]!);
      minY = Math.min(minY, a[i + 1]!);
      maxY = Math.max(maxY, a[i + 1]!);
    }
  };
  if (g.type === 1) add(g.points);
  else if (g.type === 2) for (const l of g.lines) add(l);
  else for (const p of g.polygons) add(p[0]!);
  return g.type === 1 ? 0 : Math.hypot(maxX - minX, maxY - minY);
}
