/**
 * @module The "extras" module: lookup_table and file_bucket classes, feature exports, identify,
 * feature attachments and descriptions, and the sample data loaded on first start.
 */
import { unzipSync } from "fflate";
import { type ArchiveEntry, fileBucketClass } from "../catalog/classes/file-bucket.ts";
import { lookupTable } from "../catalog/classes/lookup-table.ts";
import { ValidationError } from "../catalog/errors.ts";
import { loadSamples } from "../catalog/samples.ts";
import { extrasRoutes } from "../faces/ngw/extras.ts";
import type { Module } from "../modules.ts";

/** Unpacked archives are held in memory; past this total an archive is refused. */
const MAX_ARCHIVE_BYTES = 1024 * 1024 * 1024;

async function readArchive(path: string): Promise<ArchiveEntry[]> {
  const bytes = new Uint8Array(await Bun.file(path).arrayBuffer());
  let total = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        total += f.originalSize;
        if (total > MAX_ARCHIVE_BYTES) throw new ValidationError("The archive is too large.");
        return !f.name.endsWith("/");
      },
    });
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    throw new ValidationError("The archive is not a valid zip file.");
  }
  return Object.entries(files).map(([name, data]) => ({ name, data }));
}

export const extrasModule: Module = {
  name: "extras",
  description: "Lookup tables, file buckets, feature exports, identify, attachments, samples",
  classes: [lookupTable, fileBucketClass(readArchive)],
  ngw: extrasRoutes,
  async start({ catalog, config }) {
    // Attachment rows go with a deleted layer (a trigger); their bytes go here, after commit.
    catalog.resources.onChange((ev) => {
      if (ev.kind === "delete") catalog.files.remove(`attachment/${ev.id}`);
    });
    if (config.samples) {
      try {
        await loadSamples(catalog);
      } catch (err) {
        // Samples are a convenience: a failure must not stop the server from starting.
        console.error("gisd: could not load the sample data:", err);
      }
    }
  },
};
