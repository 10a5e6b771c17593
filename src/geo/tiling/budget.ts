/**
 * @module Stage 6: the byte budget. A tile over `maxBytes` keeps its biggest features and drops
 * the smallest ones (by size in tile units) until it fits, in every layer alike; points have
 * size 0 and go first, then short lines and small polygons. Returns the encoded tile.
 */
import { encode } from "./encode.ts";
import type { TileLayerData } from "./types.ts";

export interface BudgetResult {
  data: Uint8Array | null;
  /** Features dropped to fit (0 when the tile fitted as is). */
  dropped: number;
}

export function encodeWithinBudget(
  layers: TileLayerData[],
  extent: number,
  maxBytes: number,
): BudgetResult {
  let data = encode(layers, extent);
  if (!data || data.length <= maxBytes) return { data, dropped: 0 };
  const total = layers.reduce((n, l) => n + l.features.length, 0);
  for (const l of layers) l.features.sort((a, b) => b.size - a.size);
  let keep = 1;
  let size = data.length;
  for (let round = 0; round < 20 && size > maxBytes; round++) {
    // Bytes scale roughly with features; aim a little below the limit to converge fast.
    keep = Math.max(0, keep * Math.min(0.999, (maxBytes / size) * 0.95));
    const cut = layers.map((l) => ({
      ...l,
      features: l.features.slice(0, Math.floor(l.features.length * keep)),
    }));
    data = encode(cut, extent);
    size = data?.length ?? 0;
    if (size <= maxBytes) {
      const kept = cut.reduce((n, l) => n + l.features.length, 0);
      return { data, dropped: total - kept };
    }
  }
  return { data: null, dropped: total };
}
