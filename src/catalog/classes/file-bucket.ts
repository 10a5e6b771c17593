/**
 * @module file_bucket: a resource holding named files (the nextgisweb_file_bucket plugin,
 * reference/ngw.md §3.8). Bytes live in the FileStore under keys gisd picks; a file's name is
 * only a label, checked as NGW does (relative, normalised, no "..") so it can never become a path.
 */
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import type { Actor } from "../acl.ts";
import { InsufficientPermissions, NotFound, ValidationError } from "../errors.ts";
import type { FileStore } from "../files.ts";
import type { Resources } from "../resources.ts";
import type { Executor } from "../tx.ts";
import { copyUpload, uploadIdOf } from "../upload-copy.ts";
import { guessMime } from "../uploads.ts";
import type { ClassDeps, ResourceClass, WriteContext } from "./registry.ts";

export interface BucketFile {
  name: string;
  size: number;
  mime_type: string;
}

/** A zip unpacked into `dir` (removed by the caller): each file's archive name and path. */
export type ArchiveReader = (
  path: string,
) => Promise<{ entries: { name: string; path: string }[]; dir: string }>;

const MAX_FILES = 10_000;

/**
 * A safe file name: 1..255 characters, no control characters or backslashes, not absolute, and
 * no empty, "." or ".." segment (NGW's `name == normpath(name)` test). Forward slashes are allowed
 * because NGW keeps the folder structure of an uploaded archive.
 */
export function checkFileName(name: unknown): string {
  if (typeof name !== "string" || name.length === 0 || name.length > 255)
    throw new ValidationError("Insecure filename.");
  if (/[\u0000-\u001f\u007f\\:]/.test(name) || name.startsWith("/"))
    throw new ValidationError("Insecure filename.");
  if (name.split("/").some((p) => p === "" || p === "." || p === ".."))
    throw new ValidationError("Insecure filename.");
  return name;
}

export function fileBucketClass(readArchive: ArchiveReader): ResourceClass {
  return {
    identity: "file_bucket",
    label: "File bucket",
    order: 95,
    scopes: ["resource", "data"],
    interfaces: [],
    category: "miscellaneous",
    parents: ["resource_group"],
    keys: ["file_bucket"],

    async serialize(ctx, row) {
      const head = await ctx.client.execute({
        sql: "SELECT tstamp FROM file_bucket WHERE resource_id = ?",
        args: [row.id],
      });
      const out: Record<string, unknown> = { tstamp: head.rows[0]?.tstamp ?? null };
      // files are data: hidden from someone who may see the resource but not its data.
      if (ctx.perms.has("data.read")) out.files = await listFiles(ctx.client, row.id);
      return { file_bucket: out };
    },

    async write(ctx, row, body) {
      const data = body.file_bucket;
      if (data === undefined || data === null) {
        if (ctx.creating) await touch(ctx.tx.raw, row.id);
        return;
      }
      if (typeof data !== "object" || Array.isArray(data))
        throw new ValidationError("'file_bucket' must be an object.");
      const d = data as Record<string, unknown>;
      if (d.files !== undefined && d.archive !== undefined)
        throw new ValidationError("'files' and 'archive' attributes should not pass together.");
      if (d.archive !== undefined && d.archive !== null) {
        if (!ctx.creating && !ctx.perms.has("resource.update"))
          throw new InsufficientPermissions(row.id, "resource", "update");
        await replaceFromArchive(ctx, row.id, d.archive, readArchive);
      } else if (d.files !== undefined && d.files !== null) {
        if (!ctx.creating && !ctx.perms.has("data.write"))
          throw new InsufficientPermissions(row.id, "data", "write");
        await setFiles(ctx, row.id, d.files);
      }
      await touch(ctx.tx.raw, row.id);
    },

    async remove(ctx, row) {
      await ctx.tx.raw.batch([
        { sql: "DELETE FROM file_bucket_file WHERE resource_id = ?", args: [row.id] },
        { sql: "DELETE FROM file_bucket WHERE resource_id = ?", args: [row.id] },
      ]);
      ctx.tx.afterCommit(() => ctx.files.remove(`bucket/${row.id}`));
    },
  };
}

export async function listFiles(db: Executor, id: number): Promise<BucketFile[]> {
  const rows = await db.execute({
    sql: "SELECT name, size, mime_type FROM file_bucket_file WHERE resource_id = ? ORDER BY name",
    args: [id],
  });
  return rows.rows.map((r) => ({
    name: String(r.name),
    size: Number(r.size),
    mime_type: String(r.mime_type),
  }));
}

async function touch(db: Executor, id: number): Promise<void> {
  await db.execute({
    sql: `INSERT INTO file_bucket (resource_id, tstamp) VALUES (?, ?)
          ON CONFLICT (resource_id) DO UPDATE SET tstamp = excluded.tstamp`,
    args: [id, new Date().toISOString().slice(0, 19)],
  });
}

function newKey(id: number): string {
  return `bucket/${id}/${randomBytes(12).toString("hex")}`;
}

async function setFiles(ctx: WriteContext, id: number, value: unknown): Promise<void> {
  if (!Array.isArray(value) || value.length > MAX_FILES)
    throw new ValidationError("'files' must be a list of {name, id?}.");
  const wanted = new Map<string, unknown>();
  for (const v of value) {
    if (typeof v !== "object" || v === null) throw new ValidationError("'files' item is invalid.");
    const f = v as Record<string, unknown>;
    wanted.set(checkFileName(f.name), f.id);
  }
  const existing = await keysOf(ctx.tx.raw, id);
  const gone: string[] = [];
  for (const [name, key] of existing) {
    if (!wanted.has(name)) {
      gone.push(key);
      await ctx.tx.raw.execute({
        sql: "DELETE FROM file_bucket_file WHERE resource_id = ? AND name = ?",
        args: [id, name],
      });
    }
  }
  for (const [name, uploadId] of wanted) {
    const old = existing.get(name);
    if (uploadId === undefined || uploadId === null) {
      if (old === undefined)
        throw new ValidationError(`File '${name}' is new and needs an upload id.`);
      continue;
    }
    const key = newKey(id);
    const f = await copyUpload(ctx.tx.raw, ctx.files, uploadIdOf(uploadId, "files.id"), key);
    if (old !== undefined) gone.push(old);
    await ctx.tx.raw.execute({
      sql: `INSERT INTO file_bucket_file (resource_id, name, size, mime_type, file_key)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (resource_id, name) DO UPDATE SET size = excluded.size,
              mime_type = excluded.mime_type, file_key = excluded.file_key`,
      args: [id, name, f.size, f.mimeType, key],
    });
  }
  ctx.tx.afterCommit(() => removeKeys(ctx.files, gone));
}

async function replaceFromArchive(
  ctx: WriteContext,
  id: number,
  ref: unknown,
  readArchive: ArchiveReader,
): Promise<void> {
  const uploadId = uploadIdOf(ref, "archive");
  const path = ctx.files.path(`upload/${uploadId}`);
  if (!ctx.files.exists(`upload/${uploadId}`))
    throw new ValidationError(`File upload '${uploadId}' was not found.`);
  const { entries, dir } = await readArchive(path);
  try {
    if (entries.length > MAX_FILES) throw new ValidationError("The archive has too many files.");
    const old = [...(await keysOf(ctx.tx.raw, id)).values()];
    await ctx.tx.raw.execute({
      sql: "DELETE FROM file_bucket_file WHERE resource_id = ?",
      args: [id],
    });
    const seen = new Set<string>();
    for (const e of entries) {
      const name = checkFileName(e.name);
      if (seen.has(name)) throw new ValidationError(`The archive holds '${name}' twice.`);
      seen.add(name);
      const key = newKey(id);
      const size = await ctx.files.write(key, Bun.file(e.path));
      await ctx.tx.raw.execute({
        sql: `INSERT INTO file_bucket_file (resource_id, name, size, mime_type, file_key)
              VALUES (?, ?, ?, ?, ?)`,
        args: [id, name, size, guessMime(name), key],
      });
    }
    ctx.tx.afterCommit(() => removeKeys(ctx.files, old));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function keysOf(db: Executor, id: number): Promise<Map<string, string>> {
  const r = await db.execute({
    sql: "SELECT name, file_key FROM file_bucket_file WHERE resource_id = ?",
    args: [id],
  });
  return new Map(r.rows.map((x) => [String(x.name), String(x.file_key)]));
}

function removeKeys(files: FileStore, keys: string[]): void {
  for (const k of keys) files.remove(k);
}

/** One file of a bucket for download; needs data.read (as NGW's file_download view). */
export async function openBucketFile(
  resources: Resources,
  deps: ClassDeps,
  actor: Actor,
  id: number,
  name: string,
): Promise<{ path: string; size: number; mimeType: string; name: string }> {
  const { row } = await resources.require(actor, id, "data.read");
  if (row.cls !== "file_bucket") throw new NotFound(`Resource ${id} is not a file bucket.`);
  const r = await deps.client.execute({
    sql: `SELECT name, size, mime_type, file_key FROM file_bucket_file
          WHERE resource_id = ? AND name = ?`,
    args: [id, name],
  });
  const f = r.rows[0];
  if (!f) throw new NotFound(`File '${name}' was not found in resource ${id}.`);
  return {
    path: deps.files.path(String(f.file_key)),
    size: Number(f.size),
    mimeType: String(f.mime_type),
    name: String(f.name),
  };
}

/** Every file of a bucket, for NGW's resource.export of a file_bucket (a zip); data.read. */
export async function bucketFiles(
  resources: Resources,
  deps: ClassDeps,
  actor: Actor,
  id: number,
): Promise<{ name: string; path: string }[]> {
  await resources.require(actor, id, "data.read");
  const r = await deps.client.execute({
    sql: "SELECT name, file_key FROM file_bucket_file WHERE resource_id = ? ORDER BY name",
    args: [id],
  });
  return r.rows.map((f) => ({ name: String(f.name), path: deps.files.path(String(f.file_key)) }));
}
