/**
 * @module Feature attachments storage (NGW's feature_attachment, reference/ngw.md §2.3): rows in
 * `feature_attachment`, bytes in the FileStore under `attachment/<layer id>/…`. Functions here
 * run on a transaction or the client and know nothing of HTTP or the ACL; the callers check both.
 */
import { randomBytes } from "node:crypto";
import { NotFound, ValidationError } from "../errors.ts";
import type { FileStore } from "../files.ts";
import type { Executor, Tx } from "../tx.ts";
import { copyUpload, uploadIdOf } from "../upload-copy.ts";

/** The attachment JSON of NGW (also the items of `extensions.attachment`). */
export interface AttachmentJson {
  id: number;
  name: string | null;
  keyname: string | null;
  size: number;
  mime_type: string;
  description: string | null;
  is_image: boolean;
  file_meta: Record<string, unknown>;
}

export interface AttachmentRow extends AttachmentJson {
  featureId: number;
  fileKey: string;
}

const KEYNAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const COLUMNS = "id, feature_id, keyname, name, mime_type, description, size, file_key, file_meta";

export class AttachmentNotFound extends NotFound {
  constructor(layerId: number, fid: number, aid: number | string) {
    super(
      `Attachment with id = ${aid} was not found in feature with id = ${fid} in resource with id = ${layerId}.`,
    );
  }
}

/** NGW treats only JPEG and PNG as images (is_image, thumbnails). */
export function isImage(mime: string): boolean {
  return mime === "image/jpeg" || mime === "image/png";
}

function toRow(r: Record<string, unknown>): AttachmentRow {
  const mime = String(r.mime_type);
  let meta: Record<string, unknown> = {};
  if (typeof r.file_meta === "string") {
    try {
      meta = JSON.parse(r.file_meta);
    } catch {}
  }
  return {
    id: Number(r.id),
    featureId: Number(r.feature_id),
    name: r.name === null ? null : String(r.name),
    keyname: r.keyname === null ? null : String(r.keyname),
    size: Number(r.size),
    mime_type: mime,
    description: r.description === null ? null : String(r.description),
    is_image: isImage(mime),
    file_meta: meta,
    fileKey: String(r.file_key),
  };
}

export function toJson(a: AttachmentRow): AttachmentJson {
  const { featureId: _f, fileKey: _k, ...json } = a;
  return json;
}

/** Attachments of many features of one layer, grouped by feature id (one query per 500 ids). */
export async function listByFeatures(
  db: Executor,
  layerId: number,
  fids: number[],
): Promise<Map<number, AttachmentRow[]>> {
  const out = new Map<number, AttachmentRow[]>();
  for (let i = 0; i < fids.length; i += 500) {
    const chunk = fids.slice(i, i + 500);
    const r = await db.execute({
      sql: `SELECT ${COLUMNS} FROM feature_attachment
            WHERE resource_id = ? AND feature_id IN (${chunk.map(() => "?").join(",")})
            ORDER BY id`,
      args: [layerId, ...chunk],
    });
    for (const row of r.rows) {
      const a = toRow(row as Record<string, unknown>);
      const list = out.get(a.featureId) ?? [];
      list.push(a);
      out.set(a.featureId, list);
    }
  }
  return out;
}

export async function getAttachment(
  db: Executor,
  layerId: number,
  fid: number,
  aid: number,
): Promise<AttachmentRow> {
  const r = await db.execute({
    sql: `SELECT ${COLUMNS} FROM feature_attachment WHERE resource_id = ? AND feature_id = ? AND id = ?`,
    args: [layerId, fid, aid],
  });
  if (!r.rows[0]) throw new AttachmentNotFound(layerId, fid, aid);
  return toRow(r.rows[0] as Record<string, unknown>);
}

function optText(v: unknown, what: string, max: number): string | null {
  if (v === null) return null;
  if (typeof v !== "string")
    throw new ValidationError(`Attachment ${what} must be a string or null.`);
  if (v.length > max) throw new ValidationError(`Attachment ${what} is longer than ${max}.`);
  return v;
}

function checkName(v: unknown): string | null {
  const name = optText(v, "name", 255);
  if (name !== null && /[\u0000-\u001f\u007f]/.test(name))
    throw new ValidationError("Attachment name must not contain control characters.");
  return name;
}

function checkMime(v: unknown): string {
  if (typeof v !== "string" || !/^[\w.+-]+\/[\w.+-]+$/.test(v) || v.length > 127)
    throw new ValidationError("Attachment mime_type must look like 'type/subtype'.");
  return v.toLowerCase();
}

/**
 * Creates (id undefined) or updates one attachment from an NGW item body {name?, keyname?,
 * mime_type?, description?, file_upload?}. A new attachment needs `file_upload`; the upload's
 * name and type fill in what the body leaves out. Returns the attachment id.
 */
export async function saveAttachment(
  tx: Tx,
  files: FileStore,
  layerId: number,
  fid: number,
  body: Record<string, unknown>,
  id?: number,
): Promise<number> {
  const cur = id === undefined ? undefined : await getAttachment(tx.raw, layerId, fid, id);
  const next = {
    name: cur?.name ?? null,
    keyname: cur?.keyname ?? null,
    mime: cur?.mime_type ?? "application/octet-stream",
    description: cur?.description ?? null,
    size: cur?.size ?? 0,
    key: cur?.fileKey ?? "",
  };
  if (body.file_upload !== undefined && body.file_upload !== null) {
    const key = `attachment/${layerId}/${randomBytes(12).toString("hex")}`;
    const up = await copyUpload(tx.raw, files, uploadIdOf(body.file_upload, "file_upload"), key);
    if (cur) tx.afterCommit(() => files.remove(cur.fileKey));
    Object.assign(next, { key, size: up.size, mime: up.mimeType, name: up.name ?? next.name });
  } else if (!cur) {
    throw new ValidationError("A new attachment needs 'file_upload'.");
  }
  if ("name" in body) next.name = checkName(body.name);
  if ("mime_type" in body && body.mime_type !== null) next.mime = checkMime(body.mime_type);
  if ("description" in body) next.description = optText(body.description, "description", 65536);
  if ("keyname" in body) {
    next.keyname = optText(body.keyname, "keyname", 255);
    if (next.keyname !== null && !KEYNAME_RE.test(next.keyname))
      throw new ValidationError("Attachment keyname must match [A-Za-z_][A-Za-z0-9_]*.");
    const clash = await tx.raw.execute({
      sql: `SELECT id FROM feature_attachment
            WHERE resource_id = ? AND feature_id = ? AND keyname = ? AND id IS NOT ?`,
      args: [layerId, fid, next.keyname, id ?? null],
    });
    if (clash.rows.length > 0) throw new ValidationError("Attachment keyname is not unique.");
  }
  const args = [next.keyname, next.name, next.mime, next.description, next.size, next.key];
  if (cur) {
    await tx.raw.execute({
      sql: `UPDATE feature_attachment SET keyname = ?, name = ?, mime_type = ?, description = ?,
              size = ?, file_key = ? WHERE id = ?`,
      args: [...args, cur.id],
    });
    return cur.id;
  }
  const ins = await tx.raw.execute({
    sql: `INSERT INTO feature_attachment
            (resource_id, feature_id, keyname, name, mime_type, description, size, file_key, file_meta)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, '{}') RETURNING id`,
    args: [layerId, fid, ...args],
  });
  return Number(ins.rows[0]!.id);
}

/** Deletes attachments (all of the features, or those ids) and their bytes after the commit. */
export async function deleteAttachments(
  tx: Tx,
  files: FileStore,
  layerId: number,
  fids: number[] | "all",
  onlyIds?: number[],
): Promise<void> {
  let where = "resource_id = ?";
  const args: (number | string)[] = [layerId];
  if (fids !== "all") {
    if (fids.length === 0) return;
    where += ` AND feature_id IN (${fids.map(() => "?").join(",")})`;
    args.push(...fids);
  }
  if (onlyIds) {
    if (onlyIds.length === 0) return;
    where += ` AND id IN (${onlyIds.map(() => "?").join(",")})`;
    args.push(...onlyIds);
  }
  const r = await tx.raw.execute({
    sql: `DELETE FROM feature_attachment WHERE ${where} RETURNING file_key`,
    args,
  });
  const keys = r.rows.map((x) => String(x.file_key));
  tx.afterCommit(() => {
    for (const k of keys) files.remove(k);
  });
}

/**
 * NGW's `extensions.attachment` semantics in a feature write: items with an id are kept and
 * updated, items without one are created from their file_upload, and the feature's other
 * attachments are deleted. null means an empty list.
 */
export async function replaceAttachments(
  tx: Tx,
  files: FileStore,
  layerId: number,
  fid: number,
  value: unknown,
): Promise<void> {
  if (value !== null && !Array.isArray(value))
    throw new ValidationError("extensions.attachment must be a list or null.");
  const items = (value ?? []) as unknown[];
  const existing = (await listByFeatures(tx.raw, layerId, [fid])).get(fid) ?? [];
  const keep = new Set<number>();
  for (const it of items) {
    if (typeof it !== "object" || it === null || Array.isArray(it))
      throw new ValidationError("Each extensions.attachment item must be an object.");
    const body = it as Record<string, unknown>;
    if (body.id === undefined || body.id === null) {
      keep.add(await saveAttachment(tx, files, layerId, fid, body));
      continue;
    }
    const id = body.id;
    if (typeof id !== "number" || !existing.some((a) => a.id === id))
      throw new ValidationError(`Attachment ${String(id)} does not belong to feature ${fid}.`);
    keep.add(await saveAttachment(tx, files, layerId, fid, body, id));
  }
  const gone = existing.filter((a) => !keep.has(a.id)).map((a) => a.id);
  await deleteAttachments(tx, files, layerId, [fid], gone);
}
