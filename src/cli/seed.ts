/**
 * @module `gisd seed --resource ID --zoom 0-12 [--bbox W,S,E,N]`: renders the layer's tiles
 * over its data into the on-disk tile cache of the data folder, which the server reads first.
 */
import { dirname } from "node:path";
import { tileLayer } from "../catalog/tile-layers.ts";
import { listTiles, parseBBox, parseZoomRange, seed } from "../geo/tiling/pyramid.ts";
import { TileService } from "../geo/tiling/service.ts";
import { type Command, UsageError } from "./args.ts";
import { openLocalCatalog } from "./catalog-open.ts";

/** A one-line tile progress bar on stderr (redrawn on a terminal, final line otherwise). */
export function tileProgress(label: string): (done: number, total: number) => void {
  const t0 = performance.now();
  let last = 0;
  return (done, total) => {
    const now = performance.now();
    if (done < total && now - last < 100) return;
    last = now;
    const f = total ? done / total : 1;
    const bar = "#".repeat(Math.round(f * 30)).padEnd(30, ".");
    const rate = Math.round(done / Math.max((now - t0) / 1000, 1e-3));
    const line = `${label} [${bar}] ${(f * 100).toFixed(1)}% ${done}/${total} tiles, ${rate}/s`;
    if (process.stderr.isTTY) process.stderr.write(`\r${line}\x1b[K${done === total ? "\n" : ""}`);
    else if (done === total) process.stderr.write(`${line}\n`);
  };
}

export function tileFlags(flags: Record<string, string | true>) {
  const id = flags.resource;
  if (typeof id !== "string" || !/^\d{1,15}$/.test(id))
    throw new UsageError("--resource ID is required");
  try {
    const zooms = parseZoomRange(typeof flags.zoom === "string" ? flags.zoom : "0-12");
    const bbox = typeof flags.bbox === "string" ? parseBBox(flags.bbox) : undefined;
    return { id: Number(id), zooms, bbox };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export const seedCommand: Command = {
  name: "seed",
  summary: "Fill the on-disk vector tile cache of a layer.",
  usage: "seed --resource ID [--zoom 0-12] [--bbox W,S,E,N] [--data DIR]",
  flags: [
    { name: "resource", value: "ID", help: "Resource id of the feature layer" },
    { name: "zoom", value: "Z0-Z1", help: "Zoom range (default 0-12)" },
    { name: "bbox", value: "W,S,E,N", help: "Only tiles touching this lon/lat box" },
    { name: "data", value: "DIR", help: "Data folder (GISD_DATA, default ./gisd-data)" },
  ],
  details:
    "Tiles go to <data>/cache/mvt/<id>v<version>/ with the default tile parameters (what\n" +
    "ngw-kit and the TileJSON URL request); an edit makes them stale and they are removed.\n" +
    "Example:\n  gisd seed --resource 12 --zoom 0-14 --bbox 37.3,55.5,37.9,56.0",
  async run({ flags }) {
    const { id, zooms, bbox } = tileFlags(flags);
    const { catalog, admin } = await openLocalCatalog(flags.data);
    try {
      const ref = await tileLayer(catalog, admin, id);
      const dataDir = dirname(catalog.files.root);
      const service = new TileService({ diskDir: `${dataDir}/cache/mvt`, memoryBytes: 0 });
      const tiles = await listTiles(ref, zooms, bbox);
      const filled = await seed(service, ref, tiles, {}, tileProgress(`seed ${id}`));
      process.stderr.write(
        `seeded ${tiles.length} tiles of resource ${id} (${filled} not empty)\n`,
      );
      return 0;
    } finally {
      catalog.close();
    }
  },
};
