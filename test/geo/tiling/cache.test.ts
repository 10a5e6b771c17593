/** @module Tile caches: the memory LRU stays within its byte budget; the disk cache per version. */
import { expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DiskCache, MemoryCache } from "../../../src/geo/tiling/cache.ts";

test("the memory cache evicts least recently used entries to stay under its byte budget", () => {
  const c = new MemoryCache(3000);
  c.set("a", new Uint8Array(1000));
  c.set("b", new Uint8Array(1000));
  c.set("e", null); // a known-empty tile is cached too
  expect(c.get("a")?.length).toBe(1000); // touch a: b is now the oldest
  c.set("c", new Uint8Array(1000));
  expect(c.bytes).toBeLessThanOrEqual(3000);
  expect(c.get("b")).toBeUndefined();
  expect(c.get("a")?.length).toBe(1000);
  expect(c.get("e")).toBeNull();
  c.set("huge", new Uint8Array(5000)); // larger than the whole budget: not cached
  expect(c.get("huge")).toBeUndefined();
  c.clear();
  expect(c.size).toBe(0);
  expect(c.bytes).toBe(0);
});

test("the disk cache keeps one folder per layer version and prunes the others", () => {
  const dir = mkdtempSync(join(tmpdir(), "gisd-disk-"));
  try {
    const d = new DiskCache(dir);
    const f1 = d.path(7, 1, "3/2/1", "p");
    d.set(f1, new Uint8Array([1, 2, 3]));
    const empty = d.path(7, 1, "3/2/2", "p");
    d.set(empty, null);
    expect(d.get(f1)).toEqual(new Uint8Array([1, 2, 3]));
    expect(d.get(empty)).toBeNull();
    expect(d.get(d.path(7, 1, "3/0/0", "p"))).toBeUndefined();
    const f2 = d.path(7, 2, "3/2/1", "p");
    d.set(f2, new Uint8Array([9]));
    d.set(d.path(8, 1, "0/0/0", "p"), new Uint8Array([5]));
    d.prune(7, 2);
    expect(existsSync(join(dir, "7v1"))).toBe(false);
    expect(d.get(f2)).toEqual(new Uint8Array([9]));
    expect(existsSync(join(dir, "8v1"))).toBe(true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
