/**
 * @module TileService and the big-layer path: versions key the cache (an edit shows at once),
 * the overview and the byte budget keep low-zoom tiles of a big layer under 500 KB, and a
 * PMTiles archive reads back with the pmtiles package.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { PMTiles, zxyToTileId } from "pmtiles";
import type { Feature, FieldDef } from "../../../src/geo/sources/feature-source.ts";
import { renderTile } from "../../../src/geo/tiling/mvt.ts";
import { Overview } from "../../../src/geo/tiling/overview.ts";
import { PmtilesWriter, tileId } from "../../../src/geo/tiling/pmtiles.ts";
import { exportPmtiles, listTiles } from "../../../src/geo/tiling/pyramid.ts";
import { type LayerRef, TileService } from "../../../src/geo/tiling/service.ts";
import { ArraySource, building, decode, prng } from "./helpers.ts";

const FIELDS: FieldDef[] = [{ keyname: "n", datatype: "INTEGER" }];

function ref(source: ArraySource, version: number, id = 5): LayerRef {
  return {
    id,
    version,
    open: async () => ({ source, info: await source.info() }),
  };
}

describe("TileService", () => {
  test("a new version is never answered from the old version's cache", async () => {
    const feats: Feature[] = [
      { id: 1, geom: { type: "Point", coordinates: [0, 0] }, fields: { n: 1 } },
    ];
    const src = new ArraySource(feats, 3857, FIELDS);
    const dir = mkdtempSync(join(tmpdir(), "gisd-tiles-"));
    try {
      const svc = new TileService({ diskDir: dir });
      const t = { z: 1, x: 1, y: 1 };
      const a = await svc.tile([ref(src, 1)], t);
      expect(a.from).toBe("render");
      expect((await svc.tile([ref(src, 1)], t)).from).toBe("memory");
      // A fresh service (another process) finds it on disk.
      expect((await new TileService({ diskDir: dir }).tile([ref(src, 1)], t)).from).toBe("disk");
      feats.push({ id: 2, geom: { type: "Point", coordinates: [1000, 1000] }, fields: { n: 2 } });
      const b = await svc.tile([ref(src, 2)], t);
      expect(b.from).toBe("render");
      expect(decode(b.data!)["ngw:5"]!.map((f) => f.id)).toEqual([1, 2]);
      expect(b.key).not.toBe(a.key);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test("concurrent requests share one render; a caller that leaves does not cut it short", async () => {
  const feats: Feature[] = [];
  for (let i = 1; i <= 50; i++)
    feats.push({
      id: i,
      geom: { type: "Point", coordinates: [i * 1000, i * 1000] },
      fields: { n: i },
    });
  const src = new ArraySource(feats, 3857, FIELDS);
  // Big enough for the streaming path (no whole-layer index), so every render is one query.
  const svc = new TileService({ smallLayer: 0 });
  const t = { z: 1, x: 1, y: 0 };
  const gone = new AbortController();
  const first = svc.tile([ref(src, 1)], t, {}, gone.signal);
  gone.abort();
  const [a, b] = await Promise.allSettled([first, svc.tile([ref(src, 1)], t)]);
  expect(a.status).toBe("rejected");
  expect(b.status).toBe("fulfilled");
  expect(src.queries).toBe(1);
  const again = await svc.tile([ref(src, 1)], t);
  expect(again.from).toBe("memory");
  expect(decode(again.data!)["ngw:5"]).toHaveLength(50);
});

describe("big layers", () => {
  // 120k small buildings and points packed into a 4 km square: every low-zoom tile would hold
  // all of them, several MB without generalisation.
  const rnd = prng(11);
  const feats: Feature[] = [];
  for (let i = 1; i <= 120000; i++) {
    const x = 4187000 + (rnd() - 0.5) * 4000;
    const y = 7508000 + (rnd() - 0.5) * 4000;
    const geom =
      i % 2
        ? building(x, y, 8 + rnd() * 20, 8 + rnd() * 20, rnd())
        : { type: "Point" as const, coordinates: [x, y] };
    feats.push({ id: i, geom, fields: { n: i } });
  }
  const src = new ArraySource(feats, 3857, FIELDS);

  test("without an overview the byte budget still caps the tile, dropping the smallest first", async () => {
    const info = await src.info();
    const t = { z: 12, x: 2475, y: 1280 };
    const r = await renderTile([{ name: "ngw:1", source: src, info }], t, { maxBytes: 100 * 1024 });
    expect(r.data!.length).toBeLessThanOrEqual(100 * 1024);
    expect(r.dropped).toBeGreaterThan(0);
  });

  test("z0–z2 tiles stay under 500 KB through the service (overview + budget)", async () => {
    const svc = new TileService({ overview: { directLimit: 5000, minPixels: 2, cellPixels: 4 } });
    const prepared = await svc.prepare(ref(src, 1));
    expect(prepared.overview).toBeDefined();
    expect(prepared.overview!.size).toBeLessThan(feats.length);
    for (const t of [
      { z: 0, x: 0, y: 0 },
      { z: 1, x: 1, y: 0 },
      { z: 2, x: 2, y: 1 },
    ]) {
      const { data } = await svc.tile([ref(src, 1)], t);
      expect(data).not.toBeNull();
      expect(data!.length).toBeLessThan(500 * 1024);
    }
  });

  test("overview thinning keeps at most one small feature per grid cell", async () => {
    const ov = await Overview.build(src, await src.info(), 3);
    const z0 = [...ov.features([-2e7, -2e7, 2e7, 2e7], 0)];
    expect(z0.length).toBeGreaterThan(0);
    expect(z0.length).toBeLessThan(50);
  });
});

describe("PMTiles", () => {
  test("tile ids agree with the pmtiles package", () => {
    for (const [z, x, y] of [
      [0, 0, 0],
      [1, 1, 0],
      [3, 5, 2],
      [12, 2475, 1281],
      [20, 600000, 300000],
    ] as const)
      expect(tileId(z, x, y)).toBe(zxyToTileId(z, x, y));
  });

  test("an exported archive reads back with the pmtiles package", async () => {
    const rnd = prng(3);
    const feats: Feature[] = [];
    for (let i = 1; i <= 300; i++) {
      const x = 4187000 + (rnd() - 0.5) * 40000;
      const y = 7508000 + (rnd() - 0.5) * 40000;
      feats.push({ id: i, geom: building(x, y, 300, 200, rnd()), fields: { n: i } });
    }
    const src = new ArraySource(feats, 3857, FIELDS);
    const r = ref(src, 1, 9);
    const zooms = { min: 0, max: 12 };
    const tiles = await listTiles(r, zooms);
    expect(tiles.length).toBeGreaterThan(13);
    const dir = mkdtempSync(join(tmpdir(), "gisd-pmtiles-"));
    try {
      const file = join(dir, "out.pmtiles");
      const svc = new TileService();
      const about = { name: "buildings", description: "", fields: { n: "Number" } };
      const res = await exportPmtiles(svc, r, tiles, zooms, about, file);
      const bytes = readFileSync(file);
      const source = {
        getKey: () => file,
        getBytes: async (offset: number, length: number) => ({
          data: bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + length),
        }),
      };
      const pm = new PMTiles(source);
      const h = await pm.getHeader();
      expect(h.specVersion).toBe(3);
      expect(h.minZoom).toBe(0);
      expect(h.maxZoom).toBe(12);
      expect(h.numAddressedTiles).toBe(res.tiles);
      const meta = (await pm.getMetadata()) as { vector_layers: { id: string }[] };
      expect(meta.vector_layers[0]!.id).toBe("ngw:9");
      // Every tile in the archive equals the server's tile.
      for (const t of tiles.filter((_, i) => i % 7 === 0)) {
        const got = await pm.getZxy(t.z, t.x, t.y);
        const want = (await svc.tile([r], t)).data;
        if (!want) {
          expect(got).toBeUndefined();
          continue;
        }
        const raw = new Uint8Array(got!.data);
        // pmtiles returns the stored (gzip) bytes; the tile inside must be the server's tile.
        const inner = raw[0] === 0x1f ? gunzipSync(raw) : raw;
        expect(Buffer.from(inner).equals(Buffer.from(want))).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("many tiles spill into leaf directories that still read back", async () => {
    const w = new PmtilesWriter();
    const tiles: { z: number; x: number; y: number }[] = [];
    const rnd = prng(5);
    // Gaps and varied sizes make the directory incompressible enough to need leaves.
    for (let x = 0; x < 256; x++)
      for (let y = 0; y < 256; y++)
        if (rnd() < 0.7 || (x === 0 && y === 0)) tiles.push({ z: 8, x, y });
    tiles.sort((a, b) => tileId(a.z, a.x, a.y) - tileId(b.z, b.x, b.y));
    for (const t of tiles)
      w.add(t.z, t.x, t.y, gzipSync(`${t.x}/${t.y}${"#".repeat(Math.floor(rnd() * 200))}`));
    const parts = w.finish({
      minZoom: 8,
      maxZoom: 8,
      bounds: [-180, -85, 180, 85],
      center: [0, 0, 8],
      metadata: {},
    });
    const bytes = Buffer.concat(parts);
    const pm = new PMTiles({
      getKey: () => "mem",
      getBytes: async (o: number, l: number) => ({
        data: bytes.buffer.slice(bytes.byteOffset + o, bytes.byteOffset + o + l),
      }),
    });
    expect((await pm.getHeader()).leafDirectoryLength).toBeGreaterThan(0);
    for (const [x, y] of [
      [0, 0],
      [255, 255],
      [17, 200],
      [128, 3],
    ] as const) {
      const got = await pm.getZxy(8, x, y);
      if (got) expect(new TextDecoder().decode(got.data).split("#")[0]).toBe(`${x}/${y}`);
      else expect(tiles.some((t) => t.x === x && t.y === y)).toBe(false);
    }
  });
});
