/**
 * @module `gisd import FILE --parent ID`: imports a vector file into a new vector_layer of the
 * local catalog, atomically (the layer appears whole or not at all), with a progress bar.
 */
import { basename } from "node:path";
import { ValidationError } from "../catalog/errors.ts";
import type { Command } from "./args.ts";
import { UsageError } from "./args.ts";
import { openLocalCatalog } from "./catalog-open.ts";
import { ProgressBar } from "./progress.ts";

function intFlag(v: string | true | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "string" || !/^\d{1,9}$/.test(v))
    throw new UsageError(`--${name} must be a non-negative integer`);
  return Number(v);
}

export const importCommand: Command = {
  name: "import",
  summary: "Import a vector file (GeoJSON, CSV, zipped Shapefile, GeoPackage, FlatGeobuf, KML).",
  usage: "import FILE --parent ID [options]",
  flags: [
    { name: "parent", value: "ID", help: "Resource group that receives the new layer (0 = root)" },
    { name: "name", value: "TEXT", help: "Display name of the layer (default: the file name)" },
    { name: "srs", value: "EPSG", help: "SRS of the stored layer (default 3857)" },
    { name: "layer", value: "NAME", help: "Layer of a multi-layer source (GeoPackage table, …)" },
    { name: "encoding", value: "E", help: "Text encoding of CSV/DBF when the file does not say" },
    { name: "data", value: "DIR", help: "Data folder (GISD_DATA, default ./gisd-data)" },
  ],
  details:
    "Prints the new resource id on standard output and progress on standard error.\n" +
    "Example:\n  gisd import roads.gpkg --parent 0 --name Roads --srs 3857",
  async run({ flags, positional }) {
    const [file] = positional;
    if (!file || positional.length > 1) throw new UsageError("expected exactly one FILE");
    const parent = intFlag(flags.parent, "parent");
    if (parent === undefined) throw new UsageError("--parent is required");
    const srs = intFlag(flags.srs, "srs") ?? 3857;
    const src = Bun.file(file);
    if (!(await src.exists())) throw new UsageError(`no such file: ${file}`);
    const name =
      typeof flags.name === "string" ? flags.name : basename(file).replace(/\.[^.]+$/, "");
    const { catalog, admin } = await openLocalCatalog(flags.data);
    const bar = new ProgressBar(`importing ${basename(file)}`);
    let done = 0;
    try {
      const up = await catalog.uploads.store(src, basename(file), null, admin.id);
      try {
        const vl: Record<string, unknown> = { source: { id: up.id }, srs: { id: srs } };
        if (typeof flags.layer === "string") vl.source_layer = flags.layer;
        if (typeof flags.encoding === "string") vl.encoding = flags.encoding;
        const { id } = await catalog.resources.create(
          admin,
          {
            resource: { cls: "vector_layer", parent: { id: parent }, display_name: name },
            vector_layer: vl,
          },
          {
            progress: (n, total) => {
              done = n;
              bar.update(n, total);
            },
          },
        );
        bar.finish(done);
        process.stdout.write(`${id}\n`);
        return 0;
      } finally {
        await catalog.uploads.remove(up.id);
      }
    } catch (err) {
      if (err instanceof ValidationError) process.stderr.write("\n");
      throw err;
    } finally {
      catalog.close();
    }
  },
};
