/**
 * @module The work behind GeoNode's asynchronous actions, done with the catalog's own code:
 * importing an upload (`base_file` + sidecars, or a zip) as a vector or raster layer through the
 * classes' importers, copying a dataset (export to GeoPackage / the stored GeoTIFF, then the same
 * import) and deleting. Each returns what GeoNode puts in output_params.output.
 */
import { unzipSync, zipSync } from "fflate";
import type { Actor } from "../acl.ts";
import { readRaster } from "../classes/raster-layer/store.ts";
import { ValidationError } from "../errors.ts";
import { Exports } from "../exports.ts";
import type { Catalog } from "../index.ts";
import type { ResourceRow } from "../resource-row.ts";
import { GnForbidden, GnNotFound } from "./errors.ts";
import { kindOf } from "./index.ts";

/** One uploaded part: its form field (base_file, dbf_file, …), file name and bytes. */
export interface UploadPart {
  field: string;
  name: string;
  bytes: Uint8Array;
}

const VECTOR_EXT = new Set(["shp", "gpkg", "geojson", "json", "kml", "csv", "fgb"]);
const RASTER_EXT = new Set(["tif", "tiff"]);
const SIDECARS = new Set(["dbf", "shx", "prj", "cpg", "qix", "sbn", "sbx", "xml", "qml", "sld"]);
const NAME_RE = /^[^/\\\u0000-\u001f]{1,200}$/;

export function extOf(name: string): string {
  const i = name.lastIndexOf(".");
  return i < 0 ? "" : name.slice(i + 1).toLowerCase();
}

export class GeonodeOperations {
  constructor(private readonly catalog: Catalog) {}

  /** Checks an upload before a ticket is issued: the kind of layer it will be, or 400. */
  plan(parts: UploadPart[]): { cls: "vector_layer" | "raster_layer"; title: string } {
    const base = parts.find((p) => p.field === "base_file");
    if (!base) throw new ValidationError("base_file is required.");
    for (const p of parts)
      if (!NAME_RE.test(p.name)) throw new ValidationError(`Invalid file name in ${p.field}.`);
    const ext = extOf(base.name);
    const title = base.name.replace(/\.[^.]*$/, "") || "upload";
    if (RASTER_EXT.has(ext)) return { cls: "raster_layer", title };
    if (VECTOR_EXT.has(ext)) return { cls: "vector_layer", title };
    if (ext === "zip")
      return { cls: zipHasRaster(base.bytes) ? "raster_layer" : "vector_layer", title };
    throw new ValidationError(`Unsupported file type .${ext.slice(0, 20)}.`);
  }

  /** Imports an upload into a new dataset under `parentId`; the real importer decides validity. */
  async importUpload(actor: Actor, parentId: number, parts: UploadPart[]) {
    const { cls, title } = this.plan(parts);
    const base = parts.find((p) => p.field === "base_file")!;
    let bytes = base.bytes;
    let name = base.name;
    if (extOf(name) === "shp") {
      // A shapefile arrives as separate parts: the importer reads it as one zip.
      const stem = name.replace(/\.[^.]*$/, "");
      const files: Record<string, Uint8Array> = { [`${stem}.shp`]: base.bytes };
      for (const p of parts) {
        const ext = extOf(p.name);
        if (p.field !== "base_file" && SIDECARS.has(ext)) files[`${stem}.${ext}`] = p.bytes;
      }
      if (!files[`${stem}.dbf`] || !files[`${stem}.shx`])
        throw new ValidationError("A shapefile needs its .dbf and .shx (dbf_file, shx_file).");
      bytes = zipSync(files);
      name = `${stem}.zip`;
    } else if (cls === "raster_layer" && extOf(name) === "zip") {
      const tif = unzipRaster(bytes);
      bytes = tif.bytes;
      name = tif.name;
    }
    return this.createFrom(actor, parentId, cls, title, new Blob([new Uint8Array(bytes)]), name);
  }

  /** A new layer of `cls` from a file, titled uniquely within its parent. */
  private async createFrom(
    actor: Actor,
    parentId: number,
    cls: string,
    title: string,
    data: Blob,
    fileName: string,
  ) {
    const up = await this.catalog.uploads.store(data, fileName, null, actor.id);
    const displayName = await this.freeTitle(parentId, title);
    const body: Record<string, unknown> = {
      resource: { cls, parent: { id: parentId }, display_name: displayName },
      [cls]: { source: { id: up.id }, srs: { id: 3857 } },
    };
    const { id } = await this.catalog.resources.create(actor, body);
    return { id, title: displayName };
  }

  private async freeTitle(parentId: number, title: string): Promise<string> {
    const kids = await this.catalog.database.client.execute({
      sql: "SELECT display_name FROM resource WHERE parent_id = ?",
      args: [parentId],
    });
    const taken = new Set(kids.rows.map((r) => String(r.display_name)));
    if (!taken.has(title)) return title;
    for (let i = 2; ; i++) if (!taken.has(`${title} (${i})`)) return `${title} (${i})`;
  }

  /** A document: a file bucket holding the one uploaded file, titled uniquely in `parentId`. */
  async createDocument(actor: Actor, parentId: number, title: string, file: UploadPart) {
    if (!NAME_RE.test(file.name) || file.name.includes("/"))
      throw new ValidationError("Invalid file name in doc_file.");
    if (title.trim() === "" || title.length > 1000) throw new ValidationError("title is required.");
    const up = await this.catalog.uploads.store(
      new Blob([new Uint8Array(file.bytes)]),
      file.name,
      null,
      actor.id,
    );
    const { id } = await this.catalog.resources.create(actor, {
      resource: {
        cls: "file_bucket",
        parent: { id: parentId },
        display_name: await this.freeTitle(parentId, title),
      },
      file_bucket: { files: [{ name: file.name, id: up.id }] },
    });
    return id;
  }

  /** Checks a copy can start (readable dataset, data readable, may create beside it). */
  async checkCopy(actor: Actor, id: number): Promise<ResourceRow> {
    const row = await this.catalog.resources.row(id);
    if (!row || kindOf(row.cls) !== "dataset") throw new GnNotFound();
    const perms = await this.catalog.access.permissions(actor, id);
    if (!perms.has("resource.read")) throw new GnNotFound();
    if (!perms.has("data.read")) throw new GnForbidden();
    const parent = await this.catalog.access.permissions(actor, row.parentId ?? 0);
    if (!parent.has("resource.manage_children")) throw new GnForbidden();
    return row;
  }

  /** Copies a dataset beside the original, with a title of the client's or "Copy of …". */
  async copy(actor: Actor, row: ResourceRow, title?: string) {
    const parentId = row.parentId ?? 0;
    const name = title || `Copy of ${row.displayName}`;
    if (row.cls === "raster_layer") {
      const r = await readRaster(this.catalog.database.client, row.id);
      if (!r) throw new GnNotFound();
      const blob = await new Response(this.catalog.files.file(r.fileKey)).blob();
      return this.createFrom(actor, parentId, "raster_layer", name, blob, r.fileName ?? "copy.tif");
    }
    const res = await new Exports(this.catalog).export(actor, row.id, { format: "GPKG" });
    const blob = await new Response(res.body).blob();
    return this.createFrom(actor, parentId, "vector_layer", name, blob, `${row.id}.gpkg`);
  }

  /** Checks a delete can start: visible, and the catalog's own delete rules (done at run). */
  async checkDelete(actor: Actor, id: number): Promise<ResourceRow> {
    const row = await this.catalog.resources.row(id);
    if (!row || !kindOf(row.cls)) throw new GnNotFound();
    const perms = await this.catalog.access.permissions(actor, id);
    if (!perms.has("resource.read")) throw new GnNotFound();
    if (!perms.has("resource.delete")) throw new GnForbidden();
    return row;
  }

  async delete(actor: Actor, id: number): Promise<number> {
    await this.catalog.resources.delete(actor, id);
    await this.catalog.database.client.batch(
      [
        { sql: "DELETE FROM gn_favorite WHERE resource_id = ?", args: [id] },
        { sql: "DELETE FROM gn_rating WHERE resource_id = ?", args: [id] },
        { sql: "DELETE FROM gn_extra_metadata WHERE resource_id = ?", args: [id] },
      ],
      "write",
    );
    return 1;
  }
}

function zipHasRaster(bytes: Uint8Array): boolean {
  try {
    return unzipNames(bytes).some((n) => RASTER_EXT.has(extOf(n)));
  } catch {
    return false;
  }
}

function unzipNames(bytes: Uint8Array): string[] {
  const names: string[] = [];
  unzipSync(bytes, {
    filter(f) {
      names.push(f.name);
      return false;
    },
  });
  return names;
}

/** The one GeoTIFF of a zip, size-checked before inflating. */
function unzipRaster(bytes: Uint8Array): { name: string; bytes: Uint8Array } {
  let chosen: string | null = null;
  const out = unzipSync(bytes, {
    filter(f) {
      if (chosen || !RASTER_EXT.has(extOf(f.name)) || f.name.includes("..")) return false;
      if (f.originalSize > 4 * 1024 * 1024 * 1024)
        throw new ValidationError("Archive entry too large.");
      chosen = f.name;
      return true;
    },
  });
  if (!chosen) throw new ValidationError("No GeoTIFF in the archive.");
  return { name: (chosen as string).split("/").pop()!, bytes: out[chosen]! };
}
