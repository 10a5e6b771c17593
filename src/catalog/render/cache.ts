/**
 * @module A memory cache of rendered PNGs per catalog, bounded by bytes (LRU). Keys carry the
 * version of every style and of the layer it draws, so an edit, a re-import or a style change
 * makes new keys and no stale picture is ever served.
 */
import type { Rendered } from "../../geo/render/index.ts";

/** 64 MB of PNGs: about 10 000 typical tiles. */
const MAX_BYTES = 64 * 1024 * 1024;

export class RenderCache {
  readonly #map = new Map<string, Rendered>();
  #bytes = 0;

  get(key: string): Rendered | undefined {
    const v = this.#map.get(key);
    if (v) {
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }

  set(key: string, v: Rendered): void {
    if (v.png.length > MAX_BYTES / 16 || this.#map.has(key)) return;
    this.#map.set(key, v);
    this.#bytes += v.png.length + key.length;
    while (this.#bytes > MAX_BYTES && this.#map.size > 0) {
      const [k, old] = this.#map.entries().next().value!;
      this.#map.delete(k);
      this.#bytes -= old.png.length + k.length;
    }
  }
}

const caches = new WeakMap<object, RenderCache>();

/** The cache of one catalog (never shared between two catalogs in one process). */
export function renderCache(owner: object): RenderCache {
  let c = caches.get(owner);
  if (!c) caches.set(owner, (c = new RenderCache()));
  return c;
}
