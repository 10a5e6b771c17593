/**
 * @module Upload bodies streamed to a temporary file instead of being held in memory: the
 * request body (or a fetched URL's body) is written chunk by chunk, counted against the size
 * limit (GISD_MAX_UPLOAD) as it goes, and refused with GeoServer's plain-text 413 the moment it
 * passes it. The caller removes the file when done (`dispose`).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { GsError } from "./errors.ts";

export interface SpooledBody {
  file: ReturnType<typeof Bun.file>;
  size: number;
  /** The first bytes, for sniffing (zip magic). */
  head: Uint8Array;
  dispose(): void;
}

export function tooLarge(limit: number): GsError {
  return new GsError(413, `Upload too large: the limit is ${limit} bytes`);
}

/** Writes `stream` to a fresh file under `dir`; 413 (and no file left) past `limit` bytes. */
export async function spool(
  stream: ReadableStream<Uint8Array> | null,
  dir: string,
  limit: number,
): Promise<SpooledBody> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `gs-upload-${randomBytes(12).toString("hex")}`);
  const dispose = () => rmSync(path, { force: true });
  const sink = Bun.file(path).writer();
  let size = 0;
  let head = new Uint8Array(0);
  try {
    const reader = stream?.getReader();
    for (;;) {
      const next = await reader?.read();
      if (!next || next.done) break;
      const chunk = next.value;
      size += chunk.length;
      if (size > limit) {
        await reader!.cancel().catch(() => {});
        throw tooLarge(limit);
      }
      if (head.length < 8) head = new Uint8Array([...head, ...chunk.subarray(0, 8 - head.length)]);
      sink.write(chunk);
    }
    await sink.end();
  } catch (err) {
    await Promise.resolve(sink.end()).catch(() => {});
    dispose();
    throw err;
  }
  return { file: Bun.file(path), size, head, dispose };
}
