/**
 * @module TileService: tiles of one or more layers with caching and per-layer-version
 * preparation (a geojson-vt index for small layers, an overview for big ones). Callers name
 * each layer by id and current version and hand over a lazy opener; a tile found in the cache
 * never opens the source. Pure: the catalog and HTTP stay outside.
 */
import type { BBox } from "../geometry/types.ts";
import type { FeatureSource, SourceInfo } from "../sources/feature-source.ts";
import { type CachedTile, DiskCache, MemoryCache } from "./cache.ts";
import { LayerIndex } from "./index.ts";
import { renderTile, type TileLayer } from "./mvt.ts";
import {
  defaultOverviewOptions,
  Overview,
  type OverviewOptions,
  overviewZoom,
} from "./overview.ts";
import { bboxToMercator } from "./srs.ts";
import { type TileCoord, tileKey } from "./tile.ts";
import { type TileOptions, tileOptions } from "./types.ts";

export interface LayerRef {
  id: number;
  /** The resource version; bumped by every edit, so it keys every cache. */
  version: number;
  /** Opens the data; called only when a tile or a preparation must be made. */
  open(): Promise<{ source: FeatureSource; info: SourceInfo }>;
}

export interface TileServiceOptions {
  /** In-memory tile cache size, bytes. */
  memoryBytes: number;
  /** Folder of the on-disk cache (single-layer tiles); undefined disables it. */
  diskDir?: string;
  /** Layers with at most this many features get a whole-layer geojson-vt index. */
  smallLayer: number;
  overview: OverviewOptions;
  /** Prepared layer versions kept in memory. */
  preparedMax: number;
}

export const defaultServiceOptions: TileServiceOptions = {
  memoryBytes: 256 * 1024 * 1024,
  smallLayer: 20000,
  overview: defaultOverviewOptions,
  preparedMax: 32,
};

interface Prepared {
  source: FeatureSource;
  info: SourceInfo;
  count: number;
  extent: BBox | null;
  overview?: Overview;
  indexes: Map<string, Promise<LayerIndex>>;
}

export interface TileResult {
  data: CachedTile;
  /** Cache key; equal keys mean byte-identical tiles (ETags derive from it). */
  key: string;
  from: "memory" | "disk" | "render";
}

export class TileService {
  readonly opts: TileServiceOptions;
  readonly memory: MemoryCache;
  readonly disk: DiskCache | undefined;
  readonly #prepared = new Map<string, Promise<Prepared>>();
  readonly #inflight = new Map<string, Promise<CachedTile>>();

  constructor(opts: Partial<TileServiceOptions> = {}) {
    this.opts = { ...defaultServiceOptions, ...opts };
    this.memory = new MemoryCache(this.opts.memoryBytes);
    this.disk = this.opts.diskDir ? new DiskCache(this.opts.diskDir) : undefined;
  }

  /** The cache key of a request: layer ids with versions, tile, and the options that matter. */
  key(layers: LayerRef[], tile: TileCoord, o: TileOptions): string {
    const ls = layers.map((l) => `${l.id}v${l.version}`).join(",");
    return `${ls}/${tileKey(tile)}/${paramsKey(o)}`;
  }

  async tile(
    layers: LayerRef[],
    tile: TileCoord,
    options: Partial<TileOptions> = {},
    /** Stops waiting (the caller left); the shared render itself runs to the end. */
    signal?: AbortSignal,
  ): Promise<TileResult> {
    const o = tileOptions(options);
    const key = this.key(layers, tile, o);
    const mem = this.memory.get(key);
    if (mem !== undefined) return { data: mem, key, from: "memory" };
    const file =
      this.disk && layers.length === 1
        ? this.disk.path(layers[0]!.id, layers[0]!.version, tileKey(tile), paramsKey(o))
        : undefined;
    const fromDisk = file ? this.disk!.get(file) : undefined;
    if (fromDisk !== undefined) {
      this.memory.set(key, fromDisk);
      return { data: fromDisk, key, from: "disk" };
    }
    let p = this.#inflight.get(key);
    if (!p) {
      // Not given the caller's signal: other requests may share this render, and a source that
      // stops early on abort would leave a truncated tile in the cache.
      p = this.render(layers, tile, o)
        .then((data) => {
          this.memory.set(key, data);
          if (file) this.disk!.set(file, data);
          return data;
        })
        .finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, p);
    }
    const data = await p;
    signal?.throwIfAborted();
    return { data, key, from: "render" };
  }

  private async render(layers: LayerRef[], tile: TileCoord, o: TileOptions) {
    const inputs: TileLayer[] = [];
    for (const l of layers) {
      const p = await this.prepare(l);
      const index = p.count <= this.opts.smallLayer ? await this.index(p, o) : undefined;
      inputs.push({
        name: `ngw:${l.id}`,
        source: p.source,
        info: p.info,
        overview: p.overview,
        index,
      });
    }
    return (await renderTile(inputs, tile, o)).data;
  }

  /** Counts, measures and (for big layers) builds the overview, once per layer version. */
  prepare(l: LayerRef): Promise<Prepared> {
    const k = `${l.id}v${l.version}`;
    let p = this.#prepared.get(k);
    if (p) {
      this.#prepared.delete(k);
      this.#prepared.set(k, p);
      return p;
    }
    this.forget(l.id);
    this.disk?.prune(l.id, l.version);
    p = (async () => {
      const { source, info } = await l.open();
      const count = await source.count();
      const ext = await source.extent();
      const extent = ext && bboxToMercator(ext, info.srs);
      const prepared: Prepared = { source, info, count, extent, indexes: new Map() };
      const oz =
        count > this.opts.smallLayer
          ? overviewZoom(count, extent, this.opts.overview.directLimit)
          : -1;
      if (oz >= 0) prepared.overview = await Overview.build(source, info, oz, this.opts.overview);
      return prepared;
    })();
    p.catch(() => this.#prepared.delete(k));
    this.#prepared.set(k, p);
    while (this.#prepared.size > this.opts.preparedMax)
      this.#prepared.delete(this.#prepared.keys().next().value!);
    return p;
  }

  private index(p: Prepared, o: TileOptions): Promise<LayerIndex> {
    const k = paramsKey(o);
    let i = p.indexes.get(k);
    if (!i) {
      i = LayerIndex.build(p.source, p.info, o);
      i.catch(() => p.indexes.delete(k));
      p.indexes.set(k, i);
    }
    return i;
  }

  /** Forgets the prepared data of every version of a layer (edited or deleted). */
  forget(id: number): void {
    for (const k of this.#prepared.keys()) if (k.startsWith(`${id}v`)) this.#prepared.delete(k);
  }

  /**
   * Drops everything held for a layer, tiles included: a deleted layer's id can come back for a
   * new layer (SQLite reuses the highest rowid) at the same version, which version keys alone
   * cannot tell apart. Keys start with "<id>v<version>,<id>v<version>/…".
   */
  forgetAll(id: number): void {
    this.forget(id);
    const mine = new RegExp(`^([^/]*,)?${id}v\\d+[,/]`);
    this.memory.dropWhere((k) => mine.test(k));
    this.disk?.prune(id, -1);
  }
}

function paramsKey(o: TileOptions): string {
  return `e${o.extent}b${o.buffer}s${o.simplification}m${o.maxBytes}`;
}

/** A short stable hash of a string (cyrb53), for ETags. */
export function hashKey(s: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}
