/**
 * @module Stage 6: the byte budget. A tile over `maxBytes` keeps its biggest features and drops
 * the smallest ones (by size in tile units) until it fits, in every layer alike; points have
 * size 0 and go first, then short lines and small polygons. Each feature's share of the bytes is
 * estimated from its vertex and attribute counts, scaled by the measured size, so the cut
 * usually fits after one more encoding.
 */
import { encode } from "./encode.ts";
import type { TileFeature, TileLayerData } from "./types.ts";

export interface BudgetResult {
  data: Uint8Array | null;
  /** Features dropped to fit (0 when the tile fitted as is). */
  dropped: number;
}

/** Rough encoded weight of a feature: geometry parameters plus tags and framing. */
function weight(f: TileFeature): number {
  const g = f.geom;
  let coords = 0;
  let parts = 1;
  if (g.type === 1) coords = g.points.length;
  else if (g.type === 2) {
    parts = g.lines.length;
    for (const l of g.lines) coords += l.length;
  } else {
    for (const p of g.polygons) {
      parts += p.length;
      for (const r of p) coords += r.length;
    }
  }
  let props = 0;
  for (const k in f.props) if (f.props[k] !== null) props++;
  return 8 + coords * 1.5 + parts * 3 + props * 6;
}

export function encodeWithinBudget(
  layers: TileLayerData[],
  extent: number,
  maxBytes: number,
): BudgetResult {
  let data = encode(layers, extent);
  if (!data || data.length <= maxBytes) return { data, dropped: 0 };
  const total = layers.reduce((n, l) => n + l.features.length, 0);
  // One ranking across layers: biggest first, so the cut drops the smallest everywhere.
  const all = layers.flatMap((l, li) => l.features.map((f) => ({ f, li, w: weight(f) })));
  all.sort((a, b) => b.f.size - a.f.size);
  const sum = all.reduce((n, x) => n + x.w, 0);
  let scale = data.length / sum;
  let target = maxBytes * 0.95;
  for (let round = 0; round < 8; round++) {
    let acc = 0;
    let keep = 0;
    while (keep < all.length && acc + all[keep]!.w * scale <= target) acc += all[keep++]!.w * scale;
    const cut = layers.map((l) => ({ ...l, features: [] as TileFeature[] }));
    for (let i = 0; i < keep; i++) cut[all[i]!.li]!.features.push(all[i]!.f);
    data = encode(cut, extent);
    const size = data?.length ?? 0;
    if (size <= maxBytes) return { data, dropped: total - keep };
    // The kept features weigh more than estimated: rescale from what was measured.
    scale *= size / Math.max(acc, 1);
    target *= 0.97;
  }
  return { data: null, dropped: total };
}
