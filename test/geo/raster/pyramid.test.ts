/**
 * @module Pyramid import at scale: a 6000×6000 RGB GeoTIFF (36 M pixels: 108 MB as bytes, 432 MB
 * as floats) imports window by window with bounded memory and gets its overview levels.
 */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeBlock } from "../../../src/geo/raster/blocks.ts";
import { openGeoTiff } from "../../../src/geo/raster/geotiff.ts";
import { buildPyramid } from "../../../src/geo/raster/pyramid.ts";

const tmp = mkdtempSync(join(tmpdir(), "gisd-pyramid-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

test("a 6000×6000 raster imports with bounded memory", async () => {
  const big = join(tmp, "big.tif");
  const src = join(import.meta.dir, "../../fixtures/raster/relief-utm.tif");
  const p = Bun.spawnSync(
    ["gdal_translate", "-q", "-outsize", "6000", "6000", "-r", "near", "-co", "TILED=YES"].concat([
      "-co",
      "COMPRESS=DEFLATE",
      src,
      big,
    ]),
  );
  expect(p.exitCode).toBe(0);
  // Measured in a child process: RSS in the shared test process moves with every other test.
  const child = Bun.spawnSync([process.execPath, join(import.meta.dir, "pyramid-memory.ts"), big]);
  expect(child.exitCode).toBe(0);
  const m = JSON.parse(child.stdout.toString().trim().split("\n").pop()!);
  expect(m.widths).toEqual([6000, 3000, 1500, 750, 375, 188]);
  expect(m.blocks).toBe(24 * 24 + 12 * 12 + 6 * 6 + 3 * 3 + 2 * 2 + 1);
  // The whole raster as floats would be 432 MB; windows keep the import well below that.
  expect(m.growth).toBeLessThan(300 * 1024 * 1024);
  // The top overview still holds the picture: mostly valid, coloured pixels.
  expect(m.lit).toBeGreaterThan(188 * 188 * 0.3);
}, 120_000);

test("Float64 values survive level 0 exactly", async () => {
  const f64 = join(tmp, "f64.tif");
  const src = join(import.meta.dir, "../../fixtures/raster/elev.tif");
  const p = Bun.spawnSync(
    [
      "gdal_translate",
      "-q",
      "-ot",
      "Float64",
      "-scale",
      "141",
      "547",
      "1000000.1",
      "1000000.9",
    ].concat([src, f64]),
  );
  expect(p.exitCode).toBe(0);
  const blocks = new Map<string, Uint8Array>();
  const reader = await openGeoTiff(f64);
  const raw = (await reader.read(0, 0, 95, 90)).bands[0]!;
  const info = await buildPyramid(reader, {
    put: async (l, c, r, d) => void blocks.set(`${l}/${c}/${r}`, d),
    get: async (l, c, r) => blocks.get(`${l}/${c}/${r}`),
  });
  reader.close();
  const b = decodeBlock(info, blocks.get("0/0/0")!);
  let checked = 0;
  for (let y = 0; y < 90; y++) {
    for (let x = 0; x < 95; x++) {
      if (b.valid && !b.valid[y * 256 + x]) continue;
      expect(b.bands[0]![y * 256 + x]).toBe(Number(raw[y * 95 + x]));
      checked++;
    }
  }
  expect(checked).toBeGreaterThan(4000);
});
