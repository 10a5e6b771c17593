/**
 * @module Project files from disk: `.qgs` read as is, `.qgz` (a zip holding one `.qgs` plus an
 * optional `.qgd` auxiliary database) unpacked with the guarded zip reader into a fresh temporary
 * folder that is removed again, then parsed by project.ts.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extractZip } from "../formats/zip.ts";
import { XmlError } from "../xml.ts";
import { MAX_PROJECT_BYTES, parseProject, type QgisProject } from "./project.ts";

/** Reads and parses a `.qgs` or `.qgz` file. Throws XmlError/FormatError on bad content. */
export async function readProjectFile(path: string): Promise<QgisProject> {
  if (/\.qgz$/i.test(path)) return parseProject(await qgzDocument(path));
  return parseProject(await readFile(path));
}

async function qgzDocument(path: string): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), "gisd-qgz-"));
  try {
    const files = await extractZip(path, dir, {
      maxEntries: 16,
      maxTotalBytes: 4 * MAX_PROJECT_BYTES,
    });
    const docs = files.filter((f) => /\.qgs$/i.test(f) && !f.includes("/"));
    if (docs.length !== 1)
      throw new XmlError("A .qgz must hold exactly one .qgs project document.");
    return await readFile(join(dir, docs[0]!));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
