/**
 * @module The `style` table and the style files: one row per style resource, the uploaded QML/SLD
 * kept byte-exact in the FileStore (GET /qml and GeoServer return it as uploaded).
 */
import { randomBytes } from "node:crypto";
import type { FileStore } from "../../files.ts";
import type { Executor, Tx } from "../../tx.ts";

export type StyleFormat = "default" | "qml_file" | "sld_file" | "sld" | "xml";

export interface StyleRecord {
  format: StyleFormat;
  fileKey: string | null;
  fileSize: number | null;
  xml: string | null;
  /** The NGW "sld" JSON (format "sld"), as text. */
  sld?: string | null;
  warnings: string[];
}

export async function readStyleRecord(db: Executor, id: number): Promise<StyleRecord | undefined> {
  const r = await db.execute({
    sql: "SELECT format, file_key, file_size, xml, sld, warnings FROM style WHERE resource_id = ?",
    args: [id],
  });
  const row = r.rows[0];
  if (!row) return undefined;
  let warnings: string[] = [];
  try {
    warnings = JSON.parse(String(row.warnings ?? "[]"));
  } catch {
    // a damaged warnings column only loses the warnings
  }
  return {
    format: String(row.format) as StyleFormat,
    fileKey: row.file_key === null ? null : String(row.file_key),
    fileSize: row.file_size === null ? null : Number(row.file_size),
    xml: row.xml === null ? null : String(row.xml),
    sld: row.sld === null || row.sld === undefined ? null : String(row.sld),
    warnings,
  };
}

export async function writeStyleRecord(db: Executor, id: number, rec: StyleRecord): Promise<void> {
  await db.execute({
    sql: `INSERT INTO style (resource_id, format, file_key, file_size, xml, sld, warnings)
          VALUES (?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (resource_id) DO UPDATE SET format = excluded.format,
            file_key = excluded.file_key, file_size = excluded.file_size, xml = excluded.xml,
            sld = excluded.sld, warnings = excluded.warnings`,
    args: [
      id,
      rec.format,
      rec.fileKey,
      rec.fileSize,
      rec.xml,
      rec.sld ?? null,
      JSON.stringify(rec.warnings),
    ],
  });
}

/** A fresh key per upload, so a reader of the old version never sees the new bytes half-written. */
export function newStyleKey(id: number, ext: "qml" | "sld"): string {
  return `style/${id}/${randomBytes(8).toString("hex")}.${ext}`;
}

/** Stores the bytes under a new key; the old file goes after commit, the new one on rollback. */
export async function storeStyleFile(
  tx: Tx,
  files: FileStore,
  id: number,
  ext: "qml" | "sld",
  bytes: Uint8Array,
  oldKey: string | null,
): Promise<string> {
  const key = newStyleKey(id, ext);
  await files.write(key, bytes);
  // On rollback afterCommit never runs and the new file stays as an orphan under style/<id>/,
  // which the style's deletion removes with the folder.
  tx.afterCommit(() => {
    if (oldKey) files.remove(oldKey);
  });
  return key;
}

export async function readStyleFile(files: FileStore, key: string): Promise<Uint8Array> {
  return new Uint8Array(await files.file(key).arrayBuffer());
}
