/**
 * @module The "extras" module: lookup_table and file_bucket classes, feature exports, identify,
 * feature attachments and descriptions, and the sample data loaded on first start.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ArchiveReader, fileBucketClass } from "../catalog/classes/file-bucket.ts";
import { lookupTable } from "../catalog/classes/lookup-table.ts";
import { ValidationError } from "../catalog/errors.ts";
import { loadSamples } from "../catalog/samples.ts";
import { extrasRoutes } from "../faces/ngw/extras.ts";
import { FormatError } from "../geo/formats/errors.ts";
import { extractZip } from "../geo/formats/zip.ts";
import type { Module } from "../modules.ts";

/**
 * Unpacks an uploaded archive with the safe unzip of geo/formats (zip slip, symlinks, bombs and
 * limits refused) into a scratch folder; the caller removes it.
 */
const readArchive: ArchiveReader = async (path) => {
  const dir = mkdtempSync(join(tmpdir(), "gisd-archive-"));
  try {
    const names = await extractZip(path, dir);
    return { entries: names.map((name) => ({ name, path: join(dir, name) })), dir };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    if (err instanceof FormatError)
      throw new ValidationError(
        /unsafe path/.test(err.message) ? "Insecure filename." : err.message,
      );
    throw err;
  }
};

/** Export scratch folders older than a day are leftovers of a crash; they go at start. */
function sweepScratch(dir: string): void {
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  const old = Date.now() - 24 * 3600 * 1000;
  for (const n of names) {
    const p = join(dir, n);
    try {
      if (n.startsWith("export-") && statSync(p).mtimeMs < old)
        rmSync(p, { recursive: true, force: true });
    } catch {}
  }
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
    sweepScratch(catalog.files.path("tmp"));
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
