/**
 * @module Low-zoom generalisation for big layers: one scan of the layer picks, for every zoom up
 * to `maxZoom`, the features worth drawing there. A feature appears from the zoom where its box
 * reaches `minPixels` (of a 256 px tile), or earlier as the first feature to claim its grid cell
 * (`cellPixels` square) at that zoom, so point clouds and swarms of tiny polygons thin out to at
 * most one feature per cell instead of piling up (tippecanoe's drop-densest idea). The chosen
 * features keep full geometry; the tile pipeline clips and simplifies them per tile as usual.
 * Built once per layer version and indexed with Flatbush.
 */
import Flatbush from "flatbush";
import type { BBox, Geometry } from "../geometry/types.ts";
import type { Feature, FeatureSource, SourceInfo } from "../sources/feature-source.ts";
import { mapGeometry, toMercator } from "./srs.ts";
import { WORLD_HALF } from "./tile.ts";

export interface OverviewOptions {
  /** A direct bbox query is used once the average tile holds fewer features than this. */
  directLimit: number;
  /** Features whose box spans this many pixels (256 px tiles) are always kept. */
  minPixels: number;
  /** Grid cell side in pixels for thinning small features. */
  cellPixels: number;
}

export const defaultOverviewOptions: OverviewOptions = {
  directLimit: 20000,
  minPixels: 2,
  cellPixels: 2,
};

/**
 * The deepest zoom that needs an overview: while the layer's features spread over the tiles
 * covering its extent average more than `directLimit` per tile. -1 means none is needed.
 */
export function overviewZoom(count: number, extent3857: BBox | null, limit: number): number {
  if (!extent3857 || count <= limit) return -1;
  let z = 0;
  for (; z <= 16; z++) {
    const size = (2 * WORLD_HALF) / 2 ** z;
    const nx = Math.floor((extent3857[2] - extent3857[0]) / size) + 1;
    const ny = Math.floor((extent3857[3] - extent3857[1]) / size) + 1;
    if (count / (nx * ny) <= limit) break;
  }
  return z - 1;
}

export class Overview {
  private constructor(
    readonly maxZoom: number,
    /** Features sorted by the zoom they appear at. */
    private readonly items: Feature[],
    /** Per zoom z: an index over items[0 .. end(z)), the features shown at z. */
    private readonly indexes: (Flatbush | null)[],
  ) {}

  get size(): number {
    return this.items.length;
  }

  /** Scans the whole layer once; geometries are kept in EPSG:3857. */
  static async build(
    source: FeatureSource,
    info: SourceInfo,
    maxZoom: number,
    opts: OverviewOptions = defaultOverviewOptions,
    signal?: AbortSignal,
  ): Promise<Overview> {
    const fn = toMercator(info.srs);
    const taken = Array.from({ length: maxZoom + 1 }, () => new Set<number>());
    const picked: { f: Feature; z: number; b: BBox }[] = [];
    const res0 = (2 * WORLD_HALF) / 256;
    for await (const f of source.query({ signal })) {
      if (!f.geom) continue;
      const geom = fn ? mapGeometry(f.geom, fn) : f.geom;
      const b = bounds(geom);
      if (!b) continue;
      const size = Math.max(b[2] - b[0], b[3] - b[1]);
      const cx = (b[0] + b[2]) / 2 + WORLD_HALF;
      const cy = WORLD_HALF - (b[1] + b[3]) / 2;
      // Pixel size doubles per zoom: solve size / res(z) >= minPixels for z.
      let minZoom =
        size > 0 ? Math.max(0, Math.ceil(Math.log2((opts.minPixels * res0) / size))) : 99;
      for (let z = 0; z <= maxZoom; z++) {
        const n = 2 ** z * (256 / opts.cellPixels);
        const cell = (2 * WORLD_HALF) / n;
        const key = Math.floor(cx / cell) * n + Math.floor(cy / cell);
        if (z < minZoom && !taken[z]!.has(key)) minZoom = z;
        if (z >= minZoom) taken[z]!.add(key);
      }
      if (minZoom <= maxZoom)
        picked.push({ f: { id: f.id, geom, fields: f.fields }, z: minZoom, b });
    }
    picked.sort((a, b) => a.z - b.z || a.f.id - b.f.id);
    const indexes: (Flatbush | null)[] = [];
    let end = 0;
    for (let z = 0; z <= maxZoom; z++) {
      while (end < picked.length && picked[end]!.z <= z) end++;
      if (end === 0) {
        indexes.push(null);
        continue;
      }
      const index = new Flatbush(end);
      for (let i = 0; i < end; i++) {
        const b = picked[i]!.b;
        index.add(b[0], b[1], b[2], b[3]);
      }
      index.finish();
      indexes.push(index);
    }
    return new Overview(
      maxZoom,
      picked.map((p) => p.f),
      indexes,
    );
  }

  /** The features shown at zoom z whose boxes meet the 3857 box, in stable order. */
  *features(bbox: BBox, z: number): Iterable<Feature> {
    const index = this.indexes[Math.min(z, this.maxZoom)];
    if (!index) return;
    const hits = index.search(bbox[0], bbox[1], bbox[2], bbox[3]);
    hits.sort((a, b) => a - b);
    for (const i of hits) yield this.items[i]!;
  }
}

/** Bounding box of a 3857 geometry, or null when it has no coordinates. */
export function bounds(g: Geometry): BBox | null {
  const b: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  const add = (p: number[]) => {
    if (p[0]! < b[0]) b[0] = p[0]!;
    if (p[1]! < b[1]) b[1] = p[1]!;
    if (p[0]! > b[2]) b[2] = p[0]!;
    if (p[1]! > b[3]) b[3] = p[1]!;
  };
  const walk = (x: Geometry) => {
    switch (x.type) {
      case "Point":
        if (x.coordinates.length) add(x.coordinates);
        break;
      case "MultiPoint":
      case "LineString":
        for (const p of x.coordinates) add(p);
        break;
      case "MultiLineString":
      case "Polygon":
        for (const r of x.coordinates) for (const p of r) add(p);
        break;
      case "MultiPolygon":
        for (const poly of x.coordinates) for (const r of poly) for (const p of r) add(p);
        break;
      case "GeometryCollection":
        for (const m of x.geometries) walk(m);
    }
  };
  walk(g);
  return b[0] <= b[2] ? b : null;
}
