/** @module Positional reads through a sliding window, for binary formats read record by record. */
import { type FileHandle, open } from "node:fs/promises";

export class BufferedFile {
  private buf = new Uint8Array(0);
  private bufPos = 0;
  private constructor(
    private readonly fh: FileHandle,
    readonly size: number,
    private readonly window: number,
  ) {}

  static async open(path: string, window = 4 << 20): Promise<BufferedFile> {
    const fh = await open(path, "r");
    const { size } = await fh.stat();
    return new BufferedFile(fh, size, window);
  }

  /** `len` bytes at `pos`; shorter only at the end of the file. The view is valid until the next call. */
  async read(pos: number, len: number): Promise<Uint8Array> {
    if (pos >= this.bufPos && pos + len <= this.bufPos + this.buf.length) {
      return this.buf.subarray(pos - this.bufPos, pos - this.bufPos + len);
    }
    const want = Math.max(len, this.window);
    const b = new Uint8Array(want);
    const { bytesRead } = await this.fh.read(b, 0, want, pos);
    this.buf = b.subarray(0, bytesRead);
    this.bufPos = pos;
    return this.buf.subarray(0, Math.min(len, bytesRead));
  }

  close(): Promise<void> {
    return this.fh.close();
  }
}

/** Sequential writes gathered into ~1 MiB blocks: one await per block instead of per record. */
export class BufferedWriter {
  private parts: Uint8Array[] = [];
  private size = 0;
  /** Bytes handed to write() so far (the file position of the next byte). */
  position = 0;
  constructor(
    private readonly fh: FileHandle,
    private readonly block = 1 << 20,
  ) {}

  /** Queues bytes (copied); resolves at once unless a block is due. */
  async write(bytes: Uint8Array): Promise<void> {
    this.parts.push(bytes.slice());
    this.size += bytes.length;
    this.position += bytes.length;
    if (this.size >= this.block) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.size === 0) return;
    const all = new Uint8Array(this.size);
    let o = 0;
    for (const p of this.parts) {
      all.set(p, o);
      o += p.length;
    }
    this.parts = [];
    this.size = 0;
    await this.fh.write(all);
  }
}
