/**
 * @module Uploaded files waiting to be used by a resource (NGW's file_upload): multipart, raw
 * PUT and resumable tus uploads land here; resource bodies refer to them as {"id": "..."}.
 */
import { randomBytes } from "node:crypto";
import { appendFileSync, statSync } from "node:fs";
import { eq } from "drizzle-orm";
import type { Db } from "./db.ts";
import { Conflict, NotFound, TooLarge, ValidationError } from "./errors.ts";
import type { FileStore } from "./files.ts";
import { upload } from "./schema.ts";

export type UploadRow = typeof upload.$inferSelect;

const ID_RE = /^[A-Za-z0-9_-]{1,64}$/;

export class Uploads {
  constructor(
    private readonly db: Db,
    private readonly files: FileStore,
    private readonly maxSize: number,
  ) {}

  key(id: string): string {
    if (!ID_RE.test(id)) throw new NotFound(`Upload ${id} was not found.`);
    return `upload/${id}`;
  }

  /** Stores a complete file; returns its metadata. */
  async store(
    data: Blob,
    name: string | null,
    mimeType: string | null,
    ownerId: number,
  ): Promise<UploadRow> {
    if (data.size > this.maxSize) throw new TooLarge(`File is larger than ${this.maxSize} bytes.`);
    const id = randomBytes(16).toString("hex");
    const size = await this.files.write(this.key(id), data);
    const row = {
      id,
      name: cleanName(name),
      mimeType: mimeType || guessMime(name),
      size,
      length: size,
      created: now(),
      ownerId,
    };
    await this.db.insert(upload).values(row);
    return row;
  }

  /** Starts a resumable upload of `length` bytes (tus creation). */
  async begin(
    length: number,
    name: string | null,
    mimeType: string | null,
    ownerId: number,
  ): Promise<UploadRow> {
    if (!Number.isSafeInteger(length) || length < 0)
      throw new ValidationError("Upload-Length must be a non-negative integer.");
    if (length > this.maxSize) throw new TooLarge(`File is larger than ${this.maxSize} bytes.`);
    const id = randomBytes(16).toString("hex");
    await this.files.write(this.key(id), new Uint8Array(0));
    const row = {
      id,
      name: cleanName(name),
      mimeType: mimeType || guessMime(name),
      size: 0,
      length,
      created: now(),
      ownerId,
    };
    await this.db.insert(upload).values(row);
    return row;
  }

  /** Appends a chunk at `offset` (tus PATCH); the offset must match what is stored. */
  async append(id: string, offset: number, chunk: Uint8Array): Promise<UploadRow> {
    const row = await this.get(id);
    if (offset !== row.size)
      throw new Conflict(`Upload offset ${offset} does not match ${row.size}.`);
    if (row.size + chunk.length > row.length)
      throw new ValidationError("Chunk exceeds the declared Upload-Length.");
    const path = this.files.path(this.key(id));
    appendFileSync(path, chunk);
    const size = statSync(path).size;
    await this.db.update(upload).set({ size }).where(eq(upload.id, id));
    return { ...row, size };
  }

  async get(id: string): Promise<UploadRow> {
    const rows = await this.db
      .select()
      .from(upload)
      .where(eq(upload.id, this.key(id).slice(7)));
    if (!rows[0]) throw new NotFound(`Upload ${id} was not found.`);
    return rows[0];
  }

  /** Local path of a complete upload, for importers. */
  async path(id: string): Promise<{ row: UploadRow; path: string }> {
    const row = await this.get(id);
    if (row.size !== row.length) throw new ValidationError(`Upload ${id} is incomplete.`);
    return { row, path: this.files.path(this.key(id)) };
  }

  async remove(id: string): Promise<void> {
    await this.get(id);
    this.files.remove(this.key(id));
    await this.db.delete(upload).where(eq(upload.id, id));
  }
}

function now(): string {
  return new Date().toISOString().slice(0, 19);
}

function cleanName(name: string | null): string | null {
  if (!name) return null;
  // Keep only the last path component: a client-supplied name never becomes a path.
  const base = name.split(/[\\/]/).pop() ?? "";
  return base.slice(0, 255) || null;
}

const MIME: Record<string, string> = {
  tif: "image/tiff",
  tiff: "image/tiff",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  zip: "application/zip",
  json: "application/json",
  geojson: "application/geo+json",
  csv: "text/csv",
  gpkg: "application/geopackage+sqlite3",
  qml: "text/xml",
  sld: "application/vnd.ogc.sld+xml",
  xml: "application/xml",
  pdf: "application/pdf",
  fgb: "application/flatgeobuf",
  kml: "application/vnd.google-earth.kml+xml",
};

export function guessMime(name: string | null): string {
  const ext = name?.split(".").pop()?.toLowerCase() ?? "";
  return MIME[ext] ?? "application/octet-stream";
}
