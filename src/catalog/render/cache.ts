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

  /**
   * Drops every picture that drew the resource: keys hold "<id>.<version>" per style and layer.
   * Versions alone cannot tell a deleted resource from a new one that got its id back (SQLite
   * reuses the highest rowid), so changes (also from other nodes, via the change feed) land here.
   */
  forget(id: number): void {
    const drew = new RegExp(`[|;/]${id}\\.\\d+(?![\\d.])`);
    for (const [k, v] of this.#map) {
      if (!drew.test(k)) continue;
      this.#map.delete(k);
      this.#bytes -= v.png.length + k.length;
    }
  }
}

const caches = new WeakMap<object, RenderCache>();

/** What the cache needs of its owner: change events of its resources. */
interface Owner {
  resources: { onChange(fn: (ev: { id: number; kind: string }) => void): void };
}

/** The cache of one catalog (never shared between two catalogs in one process). */
export function renderCache(owner: Owner): RenderCache {
  let c = caches.get(owner);
  if (!c) {
    const cache = new RenderCache();
    owner.resources.onChange((ev) => {
      if (ev.kind !== "create") cache.forget(ev.id);
    });
    caches.set(owner, (c = cache));
  }
  return c;
}
