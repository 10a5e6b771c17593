/**
 * @module Big vector images drawn by a render worker. The catalog's layers read libSQL through the
 * main thread's connection, so the main thread fetches each layer's features for the view (with
 * the widest buffer the renderer ever asks for) and a worker of the pool draws and encodes them —
 * the CPU-heavy half — while the main thread serves other requests. Tiles and small images stay
 * in process: for them the hop costs about what the drawing does. Same renderer, same pixels.
 */
import type { Rendered, RenderLayer } from "../../geo/render/index.ts";
import type { View } from "../../geo/render/view.ts";
import type { Feature } from "../../geo/sources/feature-source.ts";
import { ruleApplies, type VectorStyle } from "../../geo/style/model.ts";
import { PoolError } from "../../workers/pool.ts";
import { existingProjectService } from "../projects/service.ts";

/** Images of at least this many pixels go to the pool (a 512×512 GetMap does; a tile does not). */
export const POOL_MIN_PIXELS = 512 * 512;
/** Beyond this many features the copy to a worker outweighs the gain: draw in process. */
export const POOL_MAX_FEATURES = 100_000;
/** The renderer's largest query buffer in pixels (geo/render/vector.ts bufferPixels). */
const MAX_BUFFER_PX = 256;

/** Draws in the pool when it pays off; null means "draw in process". */
export async function renderPooled(
  owner: object,
  layers: RenderLayer[],
  view: View,
  signal?: AbortSignal,
): Promise<Rendered | null> {
  const pool = existingProjectService(owner)?.pool;
  if (!pool || view.width * view.height < POOL_MIN_PIXELS) return null;
  if (layers.some((l) => l.kind !== "vector")) return null;
  const res = (view.bbox[2] - view.bbox[0]) / view.width;
  const pad = MAX_BUFFER_PX * res;
  const box: View["bbox"] = [
    view.bbox[0] - pad,
    view.bbox[1] - pad,
    view.bbox[2] + pad,
    view.bbox[3] + pad,
  ];
  const jobs: { style: VectorStyle; features: Feature[] }[] = [];
  let total = 0;
  for (const layer of layers) {
    if (layer.kind !== "vector") return null;
    const features: Feature[] = [];
    if (ruleApplies(layer.style, view.scale)) {
      for await (const f of layer.input.features(box, signal)) {
        if (++total > POOL_MAX_FEATURES) return null;
        features.push(f);
      }
    }
    jobs.push({ style: layer.style, features });
  }
  signal?.throwIfAborted();
  try {
    return await pool.render({ kind: "features", layers: jobs, view });
  } catch (e) {
    // A worker that crashed or cannot start must not fail the request: draw in process.
    if (e instanceof PoolError && e.status >= 500) return null;
    throw e;
  }
}
