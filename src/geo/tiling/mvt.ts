/**
 * @module The MVT tile pipeline, read top to bottom as the algorithm: for every layer, take the
 * features of the buffered tile box, project them to tile units, clip to the buffer, simplify at
 * tile resolution; then encode all layers within the byte budget. Pure: no HTTP, no catalog.
 */
import { encodeWithinBudget } from "./budget.ts"; // drop smallest features until the tile fits
import { clip } from "./clip.ts"; // cut to the tile square plus buffer
import type { LayerIndex } from "./index.ts";
import { sizeOf } from "./index.ts"; // feature size for the budget
import { project, tileTransform } from "./project.ts"; // EPSG:3857 → tile units
import { query, type TileLayerInput } from "./query.ts"; // bbox query in the source SRS
import { simplify } from "./simplify.ts"; // Douglas–Peucker, rounding, winding
import { bufferedBBox, type TileCoord, tileBBox } from "./tile.ts"; // tile math
import { type TileFeature, type TileLayerData, type TileOptions, tileOptions } from "./types.ts";

export interface TileLayer extends TileLayerInput {
  /** Whole-layer index (small layers); used instead of the query when present. */
  index?: LayerIndex;
}

export interface RenderedTile {
  /** The encoded tile; null when every layer is empty (NGW answers 204). */
  data: Uint8Array | null;
  /** Features dropped by the byte budget. */
  dropped: number;
}

export async function renderTile(
  layers: TileLayer[],
  tile: TileCoord,
  options: Partial<TileOptions> = {},
  signal?: AbortSignal,
): Promise<RenderedTile> {
  const o = tileOptions(options);
  const t = tileTransform(tileBBox(tile), o.extent);
  const out: TileLayerData[] = [];
  for (const layer of layers) {
    const features: TileFeature[] = layer.index ? layer.index.tile(tile) : [];
    // Overview features stand for a dense area: keep them visible even when sub-pixel.
    const tiny = layer.overview !== undefined && tile.z <= layer.overview.maxZoom;
    if (!layer.index) {
      for await (const f of query(layer, bufferedBBox(tile, o.extent, o.buffer), tile.z, signal)) {
        for (const projected of project(f.geom!, t)) {
          const clipped = clip(projected, -o.buffer, o.extent + o.buffer);
          const geom = clipped && simplify(clipped, o.simplification, tiny);
          if (geom) features.push({ id: f.id, geom, props: f.fields, size: sizeOf(geom) });
        }
      }
    }
    out.push({ name: layer.name, fields: layer.info.fields, features });
  }
  return encodeWithinBudget(out, o.extent, o.maxBytes);
}
