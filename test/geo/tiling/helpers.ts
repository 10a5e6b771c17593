/**
 * @module Test support for the tiler: a tiny in-memory FeatureSource (bbox prefilter only, as a
 * spatial index would do), a seeded PRNG and generators of realistic shapes, and a decoder that
 * turns an MVT into plain layers with @mapbox/vector-tile.
 */
import { VectorTile } from "@mapbox/vector-tile";
import { PbfReader } from "pbf";
import { bboxOf } from "../../../src/geo/geometry/bbox.ts";
import type { BBox, Geometry } from "../../../src/geo/geometry/types.ts";
import type {
  Feature,
  FeatureQuery,
  FeatureSource,
  FieldDef,
  SourceInfo,
} from "../../../src/geo/sources/feature-source.ts";

export class ArraySource implements FeatureSource {
  queries = 0;
  constructor(
    readonly features: Feature[],
    readonly srs = 3857,
    readonly fields: FieldDef[] = [],
  ) {}
  async info(): Promise<SourceInfo> {
    return { srs: this.srs, geometryType: "POLYGON", fields: this.fields };
  }
  async *query(q: FeatureQuery = {}): AsyncIterable<Feature> {
    this.queries++;
    for (const f of this.features) {
      if (q.bbox && f.geom) {
        const b = bboxOf(f.geom);
        if (!b || b[0] > q.bbox[2] || b[2] < q.bbox[0] || b[1] > q.bbox[3] || b[3] < q.bbox[1])
          continue;
      }
      yield f;
    }
  }
  async count(): Promise<number> {
    return this.features.length;
  }
  async extent(): Promise<BBox | null> {
    let e: BBox | null = null;
    for (const f of this.features) {
      const b = f.geom && bboxOf(f.geom);
      if (!b) continue;
      e = e
        ? [Math.min(e[0], b[0]), Math.min(e[1], b[1]), Math.max(e[2], b[2]), Math.max(e[3], b[3])]
        : b;
    }
    return e;
  }
}

/** mulberry32: small, fast, reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A rotated rectangle ("building") centred at (x, y), sides in metres. */
export function building(x: number, y: number, w: number, h: number, angle: number): Geometry {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const pts = [
    [-w / 2, -h / 2],
    [w / 2, -h / 2],
    [w / 2, h / 2],
    [-w / 2, h / 2],
  ].map(([dx, dy]) => [x + dx! * c - dy! * s, y + dx! * s + dy! * c]);
  return { type: "Polygon", coordinates: [[...pts, pts[0]!]] };
}

/** A wiggly road of n segments starting at (x, y). */
export function road(rnd: () => number, x: number, y: number, n: number, step: number): Geometry {
  const coords = [[x, y]];
  let a = rnd() * Math.PI * 2;
  for (let i = 0; i < n; i++) {
    a += (rnd() - 0.5) * 0.8;
    x += Math.cos(a) * step;
    y += Math.sin(a) * step;
    coords.push([x, y]);
  }
  return { type: "LineString", coordinates: coords };
}

export interface DecodedFeature {
  id: number | undefined;
  type: number;
  props: Record<string, unknown>;
  rings: { x: number; y: number }[][];
}

export function decode(data: Uint8Array): Record<string, DecodedFeature[]> {
  const vt = new VectorTile(new PbfReader(data));
  const out: Record<string, DecodedFeature[]> = {};
  for (const [name, layer] of Object.entries(vt.layers)) {
    const fs: DecodedFeature[] = [];
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i);
      fs.push({
        id: f.id,
        type: f.type,
        props: f.properties,
        rings: f.loadGeometry().map((r) => r.map((p) => ({ x: p.x, y: p.y }))),
      });
    }
    out[name] = fs;
  }
  return out;
}
