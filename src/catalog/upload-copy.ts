/**
 * @module Turning a finished upload into a resource's own file: the bytes are copied to a key
 * the resource owns (the upload stays; a client may use it twice), and the upload's name and
 * MIME type come along. Used by file buckets and feature attachments.
 */
import { ValidationError } from "./errors.ts";
import type { FileStore } from "./files.ts";
import type { Executor } from "./tx.ts";
import { guessMime } from "./uploads.ts";

const UPLOAD_ID_RE = /^[A-Za-z0-9_-]{1,64}$/;

export interface CopiedUpload {
  size: number;
  /** MIME essence ("text/plain", parameters dropped) or a guess from the name. */
  mimeType: string;
  name: string | null;
}

/** The upload id of a FileUploadRef ({"id": …}, extra keys ignored as NGW does) or a bare id. */
export function uploadIdOf(ref: unknown, what: string): string {
  const id = typeof ref === "object" && ref !== null ? (ref as { id?: unknown }).id : ref;
  if (typeof id !== "string" || !UPLOAD_ID_RE.test(id))
    throw new ValidationError(`'${what}' must be a file upload reference {"id": …}.`);
  return id;
}

export async function copyUpload(
  db: Executor,
  files: FileStore,
  uploadId: string,
  key: string,
): Promise<CopiedUpload> {
  if (!UPLOAD_ID_RE.test(uploadId)) throw new ValidationError("File upload id is invalid.");
  const r = await db.execute({
    sql: "SELECT name, mime_type, size, length AS total FROM upload WHERE id = ?",
    args: [uploadId],
  });
  const up = r.rows[0];
  // libSQL rows are array-like: a column read as `length` would be the row's length.
  if (!up) throw new ValidationError(`File upload '${uploadId}' was not found.`);
  if (Number(up.size) !== Number(up.total))
    throw new ValidationError(`File upload '${uploadId}' is incomplete.`);
  const size = await files.write(key, files.file(`upload/${uploadId}`));
  const name = up.name === null ? null : String(up.name);
  const given = up.mime_type ? String(up.mime_type).split(";")[0]!.trim() : "";
  return { size, mimeType: given || guessMime(name), name };
}
