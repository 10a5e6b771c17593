/**
 * @module Streaming zip output (fflate's Zip + ZipDeflate): entries are compressed as their bytes
 * arrive, so an export of any size is zipped without holding it in memory or on disk twice.
 */
import { Zip, ZipDeflate } from "fflate";

export interface ZipSource {
  name: string;
  /** The entry's bytes, read once, in order. */
  data: ReadableStream<Uint8Array> | Uint8Array;
}

/** A zip archive of the entries as a byte stream; errors of a source abort the stream. */
export function zipStream(entries: ZipSource[]): ReadableStream<Uint8Array> {
  let zip: Zip;
  return new ReadableStream<Uint8Array>(
    {
      async start(controller) {
        zip = new Zip((err, chunk, final) => {
          if (err) {
            controller.error(err);
            return;
          }
          controller.enqueue(chunk);
          if (final) controller.close();
        });
        try {
          for (const e of entries) {
            const file = new ZipDeflate(e.name, { level: 6 });
            zip.add(file);
            if (e.data instanceof Uint8Array) {
              file.push(e.data, true);
              continue;
            }
            const reader = e.data.getReader();
            for (;;) {
              const { done, value } = await reader.read();
              if (done) break;
              file.push(value);
              // Backpressure: wait while the reader downstream has a full queue.
              while ((controller.desiredSize ?? 1) <= 0) await Bun.sleep(2);
            }
            file.push(new Uint8Array(0), true);
          }
          zip.end();
        } catch (err) {
          controller.error(err);
        }
      },
      cancel() {
        zip?.terminate();
      },
    },
    new ByteLengthQueuingStrategy({ highWaterMark: 1 << 20 }),
  );
}
