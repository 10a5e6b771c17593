/**
 * Run alone by pyramid.test.ts in a fresh Bun process, so the RSS it measures is this import's
 * and not the rest of the test run's: imports the GeoTIFF named by argv[2] into an in-memory
 * block map and prints what the test checks as one JSON line.
 */
import { decodeBlock } from "../../../src/geo/raster/blocks.ts";
import { openGeoTiff } from "../../../src/geo/raster/geotiff.ts";
import { buildPyramid } from "../../../src/geo/raster/pyramid.ts";

Bun.gc(true);
const rss0 = process.memoryUsage().rss;
let peak = rss0;
const blocks = new Map<string, Uint8Array>();
const reader = await openGeoTiff(process.argv[2]!);
const info = await buildPyramid(reader, {
  put: async (l, c, r, d) => {
    blocks.set(`${l}/${c}/${r}`, d);
    peak = Math.max(peak, process.memoryUsage().rss);
  },
  get: async (l, c, r) => blocks.get(`${l}/${c}/${r}`),
});
reader.close();
const top = decodeBlock(info, blocks.get("5/0/0")!);
let lit = 0;
for (let i = 0; i < 188 * 256; i++) if (top.bands[0]![i]! > 0) lit++;
console.log(
  JSON.stringify({
    growth: peak - rss0,
    widths: info.levels.map((l) => l.width),
    blocks: blocks.size,
    lit,
  }),
);
