/**
 * @module Where gisd keeps files (uploads, attachments, rasters, FlatGeobuf): a folder under the
 * data directory. Keys are checked so no key can name a path outside it.
 */
import { mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";

const KEY_RE = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

export class FileStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
    mkdirSync(this.root, { recursive: true });
  }

  /** The absolute path of a key; throws on anything that could escape the root. */
  path(key: string): string {
    if (!KEY_RE.test(key) || key.split("/").some((p) => p === "." || p === "..")) {
      throw new Error(`invalid file key '${key}'`);
    }
    const p = resolve(join(this.root, key));
    if (!p.startsWith(this.root + sep)) throw new Error(`invalid file key '${key}'`);
    return p;
  }

  /** Writes atomically: to a temp name first, then renamed, so readers never see half a file. */
  async write(key: string, data: Blob | Uint8Array | string): Promise<number> {
    const p = this.path(key);
    mkdirSync(dirname(p), { recursive: true });
    const tmp = `${p}.tmp-${process.pid}-${Date.now()}`;
    const n = await Bun.write(tmp, data as Blob);
    renameSync(tmp, p);
    return n;
  }

  file(key: string): ReturnType<typeof Bun.file> {
    return Bun.file(this.path(key));
  }

  exists(key: string): boolean {
    try {
      statSync(this.path(key));
      return true;
    } catch {
      return false;
    }
  }

  size(key: string): number {
    return statSync(this.path(key)).size;
  }

  remove(key: string): void {
    rmSync(this.path(key), { force: true, recursive: true });
  }

  move(fromKey: string, toKey: string): void {
    const to = this.path(toKey);
    mkdirSync(dirname(to), { recursive: true });
    renameSync(this.path(fromKey), to);
  }
}
