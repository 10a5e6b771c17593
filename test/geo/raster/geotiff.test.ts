/** @module GeoTIFF import: metadata of real files, internal masks, and hostile files refused. */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openGeoTiff } from "../../../src/geo/raster/geotiff.ts";
import { RasterError } from "../../../src/geo/raster/types.ts";

const FIX = join(import.meta.dir, "../../fixtures/raster");
const tmp = mkdtempSync(join(tmpdir(), "gisd-tiff-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A minimal little-endian TIFF whose IFD claims the given size and no pixel data. */
function fakeTiff(width: number, height: number): Uint8Array {
  const entries: [number, number, number][] = [
    [256, 4, width],
    [257, 4, height],
    [258, 3, 8],
    [259, 3, 1],
    [262, 3, 1],
    [273, 4, 0],
    [277, 3, 1],
    [278, 4, height],
    [279, 4, 0],
  ];
  const buf = new ArrayBuffer(8 + 2 + entries.length * 12 + 4);
  const v = new DataView(buf);
  v.setUint8(0, 0x49);
  v.setUint8(1, 0x49);
  v.setUint16(2, 42, true);
  v.setUint32(4, 8, true);
  v.setUint16(8, entries.length, true);
  entries.forEach(([tag, type, value], i) => {
    const o = 10 + i * 12;
    v.setUint16(o, tag, true);
    v.setUint16(o + 2, type, true);
    v.setUint32(o + 4, 1, true);
    if (type === 3) v.setUint16(o + 8, value, true);
    else v.setUint32(o + 8, value, true);
  });
  return new Uint8Array(buf);
}

describe("openGeoTiff", () => {
  test("reads a stripped Int16 DEM in EPSG:4326 with nodata", async () => {
    const r = await openGeoTiff(join(FIX, "elev.tif"));
    try {
      expect(r.info).toMatchObject({
        width: 95,
        height: 90,
        bandCount: 1,
        dtype: "Int16",
        epsg: 4326,
        nodata: -32768,
        colorInterp: ["Gray"],
        mask: false,
      });
      expect(r.info.geoTransform[0]).toBeCloseTo(5.741666666666666, 12);
      expect(r.info.geoTransform[5]).toBeCloseTo(-0.008333333333333, 12);
      const w = await r.read(40, 40, 42, 41);
      expect(w.bands[0]!.length).toBe(2);
      expect(Number(w.bands[0]![0])).toBeGreaterThan(141);
    } finally {
      r.close();
    }
  });

  test("reads a tiled RGB raster in UTM and an internal mask", async () => {
    const rgb = await openGeoTiff(join(FIX, "relief-utm.tif"));
    expect(rgb.info).toMatchObject({ bandCount: 3, dtype: "Byte", epsg: 32632 });
    expect(rgb.info.colorInterp).toEqual(["Red", "Green", "Blue"]);
    rgb.close();
    const m = await openGeoTiff(join(FIX, "relief-masked.tif"));
    try {
      expect(m.info.mask).toBe(true);
      const w = await m.read(0, 0, m.info.width, m.info.height);
      const mask = w.mask!;
      const valid = mask.filter((v) => v !== 0).length;
      // The relief is rotated into UTM, so the corners are masked and the middle is not.
      expect(mask[0]).toBe(0);
      expect(mask[(m.info.height >> 1) * m.info.width + (m.info.width >> 1)]).not.toBe(0);
      expect(valid).toBeGreaterThan(mask.length / 3);
      expect(valid).toBeLessThan(mask.length);
    } finally {
      m.close();
    }
  });

  test("expands a paletted TIFF to RGBA, nodata index transparent", async () => {
    const r = await openGeoTiff(join(FIX, "elev-palette.tif"));
    try {
      expect(r.info).toMatchObject({ bandCount: 4, dtype: "Byte", nodata: null });
      expect(r.info.colorInterp).toEqual(["Red", "Green", "Blue", "Alpha"]);
      const w = await r.read(0, 0, r.info.width, r.info.height);
      expect(w.bands).toHaveLength(4);
      // The corner is outside Luxembourg (index 0 = nodata); the middle is opaque colour.
      expect(w.bands[3]![0]).toBe(0);
      const mid = (r.info.height >> 1) * r.info.width + (r.info.width >> 1);
      expect(w.bands[3]![mid]).toBe(255);
      expect(w.bands[1]![mid]).toBeGreaterThan(100);
    } finally {
      r.close();
    }
  });

  test("refuses absurd dimensions before reading pixels", async () => {
    const p = join(tmp, "huge.tif");
    writeFileSync(p, fakeTiff(200_000, 200_000));
    await expect(openGeoTiff(p)).rejects.toThrow(/exceeds the limit/);
    writeFileSync(p, fakeTiff(60_000, 60_000));
    await expect(openGeoTiff(p)).rejects.toThrow(/exceeds the limit/);
  });

  test("refuses a truncated file, a non-TIFF and a TIFF without georeferencing", async () => {
    const bytes = readFileSync(join(FIX, "relief-utm.tif"));
    const cut = join(tmp, "cut.tif");
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const err = await openGeoTiff(cut).catch((e) => e);
    expect(err).toBeInstanceOf(RasterError);
    expect(String(err.message)).toMatch(/truncated|could not/);
    const junk = join(tmp, "junk.tif");
    writeFileSync(junk, "<html>not a tiff</html>");
    await expect(openGeoTiff(junk)).rejects.toThrow(/not a TIFF/);
    const plain = join(tmp, "plain.tif");
    writeFileSync(plain, fakeTiff(10, 10));
    await expect(openGeoTiff(plain)).rejects.toThrow(RasterError);
  });
});
