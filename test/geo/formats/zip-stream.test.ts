/** The streaming zip writer produces archives that fflate and unzip read back byte for byte. */
import { expect, test } from "bun:test";
import { unzipSync } from "fflate";
import { zipStream } from "../../../src/geo/formats/zip-stream.ts";

test("streams and buffers become entries of one valid zip", async () => {
  const big = new Uint8Array(3_000_000).map((_, i) => (i * 7) % 251);
  const chunks = (data: Uint8Array, size: number) =>
    new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < data.length; i += size) c.enqueue(data.slice(i, i + size));
        c.close();
      },
    });
  const zip = new Uint8Array(
    await new Response(
      zipStream([
        { name: "a.bin", data: chunks(big, 65536) },
        { name: "dir/b.txt", data: new TextEncoder().encode("hello") },
        { name: "empty", data: chunks(new Uint8Array(0), 1) },
      ]),
    ).arrayBuffer(),
  );
  const files = unzipSync(zip);
  expect(Object.keys(files)).toEqual(["a.bin", "dir/b.txt", "empty"]);
  expect(Buffer.from(files["a.bin"]!).equals(Buffer.from(big))).toBe(true);
  expect(new TextDecoder().decode(files["dir/b.txt"])).toBe("hello");
  expect(files.empty!.length).toBe(0);
});
