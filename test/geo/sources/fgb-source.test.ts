/** @module FgbSource specifics: R-tree search against brute force, bad files, header shortcuts. */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BBox } from "../../../src/geo/geometry/types.ts";
import { FgbSource } from "../../../src/geo/sources/fgb-source.ts";
import { MemorySource } from "../../../src/geo/sources/memory-source.ts";

const dir = mkdtempSync(join(tmpdir(), "gisd-fgb-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function ids(it: AsyncIterable<{ fields: Record<string, unknown> }>): Promise<number[]> {
  const out: number[] = [];
  for await (const f of it) out.push(Number(f.fields.n));
  return out.sort((a, b) => a - b);
}

describe("FgbSource", () => {
  test("rejects files that are not FlatGeobuf", async () => {
    const p = join(dir, "bad.fgb");
    await Bun.write(p, "PK\u0003\u0004 not a flatgeobuf at all");
    await expect(new FgbSource(p).info()).rejects.toThrow(/not a FlatGeobuf/);
    await Bun.write(
      p,
      new Uint8Array([0x66, 0x67, 0x62, 3, 0x66, 0x67, 0x62, 0, 0xff, 0xff, 0xff, 0x7f]),
    );
    await expect(new FgbSource(p).info()).rejects.toThrow(/header size/);
  });

  test.skipIf(!Bun.which("ogr2ogr"))("indexed bbox search equals brute force", async () => {
    // Deterministic pseudo-random lines and points (mulberry32).
    let seed = 42;
    const rnd = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const features = Array.from({ length: 3000 }, (_, n) => {
      const x = rnd() * 1000;
      const y = rnd() * 1000;
      return {
        type: "Feature",
        geometry: {
          type: "LineString",
          coordinates: [
            [x, y],
            [x + rnd() * 20, y + rnd() * 20],
          ],
        },
        properties: { n },
      };
    });
    const src = join(dir, "lines.geojson");
    const path = join(dir, "lines.fgb");
    await Bun.write(src, JSON.stringify({ type: "FeatureCollection", features }));
    const p = Bun.spawnSync(["ogr2ogr", "-f", "FlatGeobuf", "-a_srs", "EPSG:3857", path, src]);
    expect(p.exitCode).toBe(0);
    const fgb = new FgbSource(path);
    const mem = new MemorySource(
      { srs: 3857, geometryType: "LINESTRING", fields: [{ keyname: "n", datatype: "INTEGER" }] },
      features.map((f) => ({ geom: f.geometry as never, fields: f.properties })),
    );
    expect((await fgb.info()).geometryType).toBe("LINESTRING");
    expect(await fgb.count()).toBe(3000);
    for (let i = 0; i < 25; i++) {
      const x = rnd() * 1000;
      const y = rnd() * 1000;
      const b: BBox = [x, y, x + rnd() * 200, y + rnd() * 200];
      expect(await ids(fgb.query({ bbox: b }))).toEqual(await ids(mem.query({ bbox: b })));
    }
    expect(await fgb.extent()).toEqual((await mem.extent())!);
  });
});
