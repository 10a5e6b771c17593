/**
 * @module A pull-based byte stream over an async generator of text: the generator advances only
 * when the consumer asks for more (backpressure), in ~64 KiB chunks, and is closed on cancel.
 */
import { encodeText } from "./text-decode.ts";

const CHUNK = 64 * 1024;

export function textStream(
  gen: AsyncGenerator<string>,
  encoding = "utf-8",
): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let buf = "";
        try {
          while (buf.length < CHUNK) {
            const r = await gen.next();
            if (r.done) {
              if (buf) controller.enqueue(encodeText(buf, encoding));
              controller.close();
              return;
            }
            buf += r.value;
          }
          controller.enqueue(encodeText(buf, encoding));
        } catch (e) {
          controller.error(e);
        }
      },
      async cancel() {
        await gen.return(undefined);
      },
    },
    { highWaterMark: 1 },
  );
}
