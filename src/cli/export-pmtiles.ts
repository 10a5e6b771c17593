/**
 * @module The pmtiles entry of `gisd export`: a PMTiles v3 archive of one layer's vector tiles
 * (--zoom, default 0-12; --bbox) that MapLibre or a CDN reads with no server behind it.
 */
import { tileLayer } from "../catalog/tile-layers.ts";
import { exportPmtiles, listTiles } from "../geo/tiling/pyramid.ts";
import { TileService } from "../geo/tiling/service.ts";
import type { FlagSpec } from "./args.ts";
import type { ExportJob } from "./export.ts";
import { tileFlags, tileProgress } from "./seed.ts";

/** Flags the export command must accept for this format. */
export const pmtilesFlags: FlagSpec[] = [
  { name: "zoom", value: "Z0-Z1", help: "pmtiles: zoom range (default 0-12)" },
  { name: "bbox", value: "W,S,E,N", help: "pmtiles: only tiles touching this lon/lat box" },
];

export async function pmtilesExport({ catalog, actor, resource, out, flags }: ExportJob) {
  const { zooms, bbox } = tileFlags({ ...flags, resource: String(resource) });
  const ref = await tileLayer(catalog, actor, resource);
  const { info } = await ref.open();
  const service = new TileService({ memoryBytes: 64 * 1024 * 1024 });
  const tiles = await listTiles(ref, zooms, bbox);
  const fields = Object.fromEntries(
    info.fields.map((f) => [
      f.keyname,
      ["INTEGER", "BIGINT", "REAL"].includes(f.datatype)
        ? "Number"
        : f.datatype === "BOOLEAN"
          ? "Boolean"
          : "String",
    ]),
  );
  const about = { name: ref.row.displayName, description: ref.row.description ?? "", fields };
  const r = await exportPmtiles(service, ref, tiles, zooms, about, out, tileProgress("pmtiles"));
  process.stderr.write(`wrote ${r.tiles} tiles, ${r.bytes} bytes\n`);
}
