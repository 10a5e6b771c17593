/**
 * @module Tile caches. MemoryCache is an LRU bounded by bytes; DiskCache keeps single-layer
 * tiles under a folder, one directory per layer version, so a new version never reads an old
 * tile and old versions are removed wholesale. Keys always contain the layer versions: an edit
 * bumps the version, which makes every tile made before it unreachable (nothing to invalidate).
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** A cached tile: bytes, or null for a tile known to be empty. */
export type CachedTile = Uint8Array | null;

export class MemoryCache {
  readonly #map = new Map<string, CachedTile>();
  #bytes = 0;
  hits = 0;
  misses = 0;

  constructor(readonly maxBytes: number) {}

  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#map.size;
  }

  /** The tile, null for a known-empty tile, undefined when not cached. */
  get(key: string): CachedTile | undefined {
    const v = this.#map.get(key);
    if (v === undefined) {
      this.misses++;
      return undefined;
    }
    // Re-insert to mark as most recently used (a Map iterates in insertion order).
    this.#map.delete(key);
    this.#map.set(key, v);
    this.hits++;
    return v;
  }

  set(key: string, tile: CachedTile): void {
    const cost = (tile?.length ?? 0) + key.length + 64;
    if (cost > this.maxBytes) return;
    const old = this.#map.get(key);
    if (old !== undefined) {
      this.#bytes -= (old?.length ?? 0) + key.length + 64;
      this.#map.delete(key);
    }
    this.#map.set(key, tile);
    this.#bytes += cost;
    for (const [k, v] of this.#map) {
      if (this.#bytes <= this.maxBytes) break;
      this.#map.delete(k);
      this.#bytes -= (v?.length ?? 0) + k.length + 64;
    }
  }

  clear(): void {
    this.#map.clear();
    this.#bytes = 0;
  }

  /** Drops every entry whose key the predicate accepts. */
  dropWhere(drop: (key: string) => boolean): void {
    for (const [k, v] of this.#map) {
      if (!drop(k)) continue;
      this.#map.delete(k);
      this.#bytes -= (v?.length ?? 0) + k.length + 64;
    }
  }

  /** Drops every entry whose key starts with the prefix (e.g. a deleted layer). */
  dropPrefix(prefix: string): void {
    for (const [k, v] of this.#map) {
      if (!k.startsWith(prefix)) continue;
      this.#map.delete(k);
      this.#bytes -= (v?.length ?? 0) + k.length + 64;
    }
  }
}

/**
 * Files at <dir>/<layer>v<version>/<z>/<x>/<y>-<params>.mvt; an empty tile is a 0-byte file.
 * Writes go to a temp name and are renamed, so a reader never sees half a tile.
 */
export class DiskCache {
  constructor(readonly dir: string) {}

  path(layer: number, version: number, tileKey: string, params: string): string {
    return join(this.dir, `${layer}v${version}`, `${tileKey}-${params}.mvt`);
  }

  get(file: string): CachedTile | undefined {
    try {
      const b = readFileSync(file);
      return b.length === 0 ? null : new Uint8Array(b.buffer, b.byteOffset, b.length);
    } catch {
      return undefined;
    }
  }

  set(file: string, tile: CachedTile): void {
    try {
      mkdirSync(dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, tile ?? new Uint8Array(0));
      renameSync(tmp, file);
    } catch {
      // A full or read-only disk only costs the cache, never the tile.
    }
  }

  /** Removes the folders of every other version of the layer. */
  prune(layer: number, keepVersion: number): void {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return;
    }
    for (const n of names) {
      const m = /^(\d+)v(\d+)$/.exec(n);
      if (m && Number(m[1]) === layer && Number(m[2]) !== keepVersion)
        rmSync(join(this.dir, n), { recursive: true, force: true });
    }
  }
}
