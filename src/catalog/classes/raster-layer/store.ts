/**
 * @module Raster layer storage in the catalog database: the RasterInfo row, pyramid blocks in
 * raster_block, the import (inside the create/update transaction, so it is all or nothing) and
 * a bounded cache of decoded blocks per catalog for fast tiles.
 */
import { randomBytes } from "node:crypto";
import type { Client } from "@libsql/client";
import { decodeBlock } from "../../../geo/raster/blocks.ts";
import { buildPyramid } from "../../../geo/raster/pyramid.ts";
import { type DecodedBlock, RasterError, type RasterInfo } from "../../../geo/raster/types.ts";
import { ValidationError } from "../../errors.ts";
import type { FileStore } from "../../files.ts";
import { srsSupported } from "../../render/srs.ts";
import type { Executor, Tx } from "../../tx.ts";

export interface RasterRow {
  info: RasterInfo;
  fileKey: string;
  fileName: string | null;
  fileSize: number;
}

export async function readRaster(db: Executor, id: number): Promise<RasterRow | null> {
  const r = await db.execute({
    sql: "SELECT info, file_key, file_name, file_size FROM raster_layer WHERE resource_id = ?",
    args: [id],
  });
  const row = r.rows[0];
  if (!row) return null;
  return {
    info: JSON.parse(String(row.info)) as RasterInfo,
    fileKey: String(row.file_key),
    fileName: row.file_name === null ? null : String(row.file_name),
    fileSize: Number(row.file_size),
  };
}

/**
 * Imports a GeoTIFF into the open transaction: pyramid blocks, then the info row, then a copy of
 * the original for download. A bad TIFF is a ValidationError (422) and leaves nothing behind.
 */
export async function importRaster(
  tx: Tx,
  files: FileStore,
  id: number,
  path: string,
  fileName: string | null,
): Promise<RasterRow> {
  const old = await readRaster(tx.raw, id);
  await tx.raw.execute({ sql: "DELETE FROM raster_block WHERE resource_id = ?", args: [id] });
  let info: RasterInfo;
  try {
    // geotiff.js is loaded when a raster is first imported, not at every start.
    const { openGeoTiff } = await import("../../../geo/raster/geotiff.ts");
    const reader = await openGeoTiff(path);
    try {
      if (!srsSupported(reader.info.epsg))
        throw new RasterError(
          `The raster's coordinate system EPSG:${reader.info.epsg} is not supported.`,
        );
      info = await buildPyramid(reader, {
        put: async (level, col, row, data) => {
          await tx.raw.execute({
            sql: "INSERT INTO raster_block (resource_id, level, col, row, data) VALUES (?, ?, ?, ?, ?)",
            args: [id, level, col, row, data],
          });
        },
        get: async (level, col, row) => blockBytes(tx.raw, id, level, col, row),
      });
    } finally {
      reader.close();
    }
  } catch (err) {
    if (err instanceof RasterError) throw new ValidationError(err.message);
    throw err;
  }
  const fileKey = `raster/${id}-${randomBytes(8).toString("hex")}.tif`;
  const fileSize = await files.write(fileKey, Bun.file(path));
  try {
    await tx.raw.execute({
      sql: `INSERT INTO raster_layer (resource_id, info, file_key, file_name, file_size)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (resource_id) DO UPDATE SET info = excluded.info,
              file_key = excluded.file_key, file_name = excluded.file_name,
              file_size = excluded.file_size`,
      args: [id, JSON.stringify(info), fileKey, fileName, fileSize],
    });
  } catch (err) {
    files.remove(fileKey);
    throw err;
  }
  if (old) tx.afterCommit(() => files.remove(old.fileKey));
  return { info, fileKey, fileName, fileSize };
}

export async function removeRaster(tx: Tx, files: FileStore, id: number): Promise<void> {
  const old = await readRaster(tx.raw, id);
  await tx.raw.batch([
    { sql: "DELETE FROM raster_block WHERE resource_id = ?", args: [id] },
    { sql: "DELETE FROM raster_layer WHERE resource_id = ?", args: [id] },
  ]);
  if (old) tx.afterCommit(() => files.remove(old.fileKey));
}

async function blockBytes(
  db: Executor,
  id: number,
  level: number,
  col: number,
  row: number,
): Promise<Uint8Array | undefined> {
  const r = await db.execute({
    sql: "SELECT data FROM raster_block WHERE resource_id = ? AND level = ? AND col = ? AND row = ?",
    args: [id, level, col, row],
  });
  const v = r.rows[0]?.data;
  if (v === undefined || v === null) return undefined;
  return v instanceof Uint8Array ? v : new Uint8Array(v as ArrayBuffer);
}

/** Decoded blocks kept per catalog client: about 64 MB of 256×256 float bands at most. */
const CACHE_BYTES = 64 * 1024 * 1024;

class BlockCache {
  readonly #map = new Map<string, DecodedBlock>();
  #bytes = 0;

  get(key: string): DecodedBlock | undefined {
    const v = this.#map.get(key);
    if (v) {
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }

  set(key: string, v: DecodedBlock): void {
    this.#map.set(key, v);
    this.#bytes += size(v);
    while (this.#bytes > CACHE_BYTES && this.#map.size > 1) {
      const [k, old] = this.#map.entries().next().value!;
      this.#map.delete(k);
      this.#bytes -= size(old);
    }
  }
}

function size(b: DecodedBlock): number {
  return b.bands.length * b.bands[0]!.byteLength + (b.valid?.byteLength ?? 0);
}

const caches = new WeakMap<Client, BlockCache>();

/** Block access for the renderer; `version` keys the cache so a re-import is never stale. */
export function blockReader(
  client: Client,
  id: number,
  version: number,
  info: RasterInfo,
): (level: number, col: number, row: number) => Promise<DecodedBlock | undefined> {
  let cache = caches.get(client);
  if (!cache) caches.set(client, (cache = new BlockCache()));
  const c = cache;
  return async (level, col, row) => {
    const key = `${id}:${version}:${level}:${col}:${row}`;
    const hit = c.get(key);
    if (hit) return hit;
    const data = await blockBytes(client, id, level, col, row);
    if (!data) return undefined;
    const blk = decodeBlock(info, data);
    c.set(key, blk);
    return blk;
  };
}
