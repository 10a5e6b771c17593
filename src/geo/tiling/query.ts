/**
 * @module Stage 1: the features a tile needs. The buffered tile box goes into the source's SRS
 * for the bbox query (the source's spatial index does the work); geometries come back in
 * EPSG:3857. For big layers at low zooms an Overview answers instead of the source.
 */
import type { BBox } from "../geometry/types.ts";
import type { Feature, FeatureSource, SourceInfo } from "../sources/feature-source.ts";
import type { Overview } from "./overview.ts";
import { bboxFromMercator, mapGeometry, toMercator } from "./srs.ts";

export interface TileLayerInput {
  /** Layer name inside the tile, e.g. "ngw:12". */
  name: string;
  source: FeatureSource;
  info: SourceInfo;
  /** Pre-generalised features for zooms up to overview.maxZoom (big layers only). */
  overview?: Overview;
}

/** Features intersecting the 3857 box, geometries in 3857, at zoom z. */
export async function* query(
  layer: TileLayerInput,
  bbox: BBox,
  z: number,
  signal?: AbortSignal,
): AsyncIterable<Feature> {
  if (layer.overview && z <= layer.overview.maxZoom) {
    yield* layer.overview.features(bbox, z);
    return;
  }
  const srs = layer.info.srs;
  const fn = toMercator(srs);
  const q = { bbox: bboxFromMercator(bbox, srs), signal };
  for await (const f of layer.source.query(q)) {
    if (!f.geom) continue;
    yield fn ? { ...f, geom: mapGeometry(f.geom, fn) } : f;
  }
}
