/**
 * @module `gisd export --resource ID --format F --out FILE`: writes a layer of the local catalog
 * to a file. FORMATS is the table of output formats: each entry turns a resource into a file, so
 * a new format (a tile archive, say) is one more entry.
 */
import { createWriteStream } from "node:fs";
import type { Actor } from "../catalog/acl.ts";
import { EXPORT_FORMATS, Exports } from "../catalog/exports.ts";
import type { Catalog } from "../catalog/index.ts";
import type { Command } from "./args.ts";
import { UsageError } from "./args.ts";
import { openLocalCatalog } from "./catalog-open.ts";
import { pmtilesExport, pmtilesFlags } from "./export-pmtiles.ts";

export interface ExportJob {
  catalog: Catalog;
  actor: Actor;
  resource: number;
  out: string;
  srs?: number;
  flags: Record<string, string | true>;
}

export type ExportRunner = (job: ExportJob) => Promise<void>;

/** Streams an export to a file, chunk by chunk, so a big layer never sits in memory. */
async function writeStream(body: ReadableStream<Uint8Array>, path: string): Promise<void> {
  const ws = createWriteStream(path);
  try {
    const reader = body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!ws.write(value)) await new Promise((r) => ws.once("drain", r));
    }
  } finally {
    await new Promise<void>((resolve, reject) =>
      ws.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );
  }
}

function featureExport(format: string): ExportRunner {
  return async ({ catalog, actor, resource, out, srs, flags }) => {
    const r = await new Exports(catalog).export(actor, resource, {
      format,
      srs,
      zipped: flags.zip === true,
      encoding: typeof flags.encoding === "string" ? flags.encoding : undefined,
    });
    await writeStream(r.body, out);
  };
}

/** Output formats by name (case-insensitive lookup); vector formats come from the export table. */
export const FORMATS: Record<string, ExportRunner> = {
  ...Object.fromEntries(Object.keys(EXPORT_FORMATS).map((f) => [f, featureExport(f)])),
  pmtiles: pmtilesExport,
};

export const exportCommand: Command = {
  name: "export",
  summary: "Export a layer of the catalog to a file.",
  usage: "export --resource ID --format F --out FILE [options]",
  flags: [
    { name: "resource", value: "ID", help: "Resource id of the layer" },
    { name: "format", value: "F", help: `Output format: ${Object.keys(FORMATS).join(", ")}` },
    { name: "out", value: "FILE", help: "Output file" },
    {
      name: "srs",
      value: "EPSG",
      help: "Output SRS (default: the layer's; 4326 for GeoJSON/CSV/KML)",
    },
    { name: "encoding", value: "E", help: "Text encoding of Shapefile DBF output (default UTF-8)" },
    { name: "zip", help: "Zip the output (Shapefile output is always zipped)" },
    { name: "data", value: "DIR", help: "Data folder (GISD_DATA, default ./gisd-data)" },
    ...pmtilesFlags,
  ],
  details: "Example:\n  gisd export --resource 12 --format GPKG --out roads.gpkg",
  async run({ flags }) {
    const id = flags.resource;
    if (typeof id !== "string" || !/^\d{1,15}$/.test(id))
      throw new UsageError("--resource ID is required");
    const fmtName = typeof flags.format === "string" ? flags.format : "";
    const key = Object.keys(FORMATS).find((k) => k.toLowerCase() === fmtName.toLowerCase());
    if (!key) throw new UsageError(`--format must be one of: ${Object.keys(FORMATS).join(", ")}`);
    if (typeof flags.out !== "string") throw new UsageError("--out FILE is required");
    let srs: number | undefined;
    if (flags.srs !== undefined) {
      if (typeof flags.srs !== "string" || !/^\d{1,9}$/.test(flags.srs))
        throw new UsageError("--srs must be an EPSG code");
      srs = Number(flags.srs);
    }
    const { catalog, admin } = await openLocalCatalog(flags.data);
    try {
      const t0 = performance.now();
      await FORMATS[key]!({
        catalog,
        actor: admin,
        resource: Number(id),
        out: flags.out,
        srs,
        flags,
      });
      const secs = (performance.now() - t0) / 1000;
      process.stderr.write(
        `exported resource ${id} as ${key} to ${flags.out} in ${secs.toFixed(1)} s\n`,
      );
      return 0;
    } finally {
      catalog.close();
    }
  },
};
