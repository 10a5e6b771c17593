/**
 * @module Safe unzip of uploads and zipping of export folders (fflate). Entries are listed from
 * the central directory (the only place symlink modes live), checked (no "..", absolute paths,
 * backslashes, drive letters, symlinks, encryption, ZIP64), and inflated one by one into the
 * given folder while the actual output is counted against the declared sizes and the limits.
 */
import { mkdir, open, readdir, readFile, stat } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { Inflate, type Zippable, zipSync } from "fflate";
import { BufferedFile } from "./buffered-file.ts";
import { FormatError } from "./errors.ts";

/** At most this many entries in one archive. */
export const MAX_ZIP_ENTRIES = 10_000;
/** Default cap on the sum of uncompressed sizes (4 GiB). */
export const MAX_ZIP_TOTAL_BYTES = 4 * 1024 ** 3;
/** Compression ratio above which an entry is taken for a zip bomb... */
export const MAX_ZIP_RATIO = 200;
/** ...once its uncompressed size passes this (small files may compress very well). */
export const ZIP_RATIO_MIN_BYTES = 1024 * 1024;

export interface ZipLimits {
  maxEntries?: number;
  maxTotalBytes?: number;
  maxRatio?: number;
}

interface Entry {
  name: string;
  method: number;
  flags: number;
  compressed: number;
  size: number;
  localOffset: number;
  mode: number;
}

function u16(b: Uint8Array, p: number): number {
  return b[p]! | (b[p + 1]! << 8);
}
function u32(b: Uint8Array, p: number): number {
  return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
}

/** Refuses names that could escape the target folder or mean something else on Windows. */
export function checkEntryName(name: string): void {
  const bad =
    name.includes("\\") ||
    name.includes("\0") ||
    name.startsWith("/") ||
    /^[A-Za-z]:/.test(name) ||
    name.split("/").some((s) => s === "..");
  if (bad) throw new FormatError(`unsafe path in zip entry "${name}"`);
}

async function centralDirectory(f: BufferedFile): Promise<Entry[]> {
  const tailLen = Math.min(f.size, 65535 + 22);
  const tail = (await f.read(f.size - tailLen, tailLen)).slice();
  let eocd = -1;
  for (let p = tail.length - 22; p >= 0; p--) {
    if (u32(tail, p) === 0x06054b50) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) throw new FormatError("not a zip file, or the zip is truncated (no end record)");
  const count = u16(tail, eocd + 10);
  const cdSize = u32(tail, eocd + 12);
  const cdOffset = u32(tail, eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff)
    throw new FormatError("ZIP64 archives are not supported");
  if (cdOffset + cdSize > f.size)
    throw new FormatError("the zip is truncated (central directory missing)");
  const cd = (await f.read(cdOffset, cdSize)).slice();
  const entries: Entry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || u32(cd, p) !== 0x02014b50)
      throw new FormatError("corrupt zip central directory");
    const nameLen = u16(cd, p + 28);
    const extraLen = u16(cd, p + 30);
    const commentLen = u16(cd, p + 32);
    const madeBy = cd[p + 5]!;
    const name = new TextDecoder().decode(cd.subarray(p + 46, p + 46 + nameLen));
    entries.push({
      name,
      flags: u16(cd, p + 8),
      method: u16(cd, p + 10),
      compressed: u32(cd, p + 20),
      size: u32(cd, p + 24),
      // Unix modes sit in the high half of the external attributes when made on Unix (3).
      mode: madeBy === 3 ? u32(cd, p + 38) >>> 16 : 0,
      localOffset: u32(cd, p + 42),
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

function checkEntry(e: Entry, maxRatio: number): void {
  checkEntryName(e.name);
  if ((e.mode & 0xf000) === 0xa000)
    throw new FormatError(`zip entry "${e.name}" is a symbolic link`);
  if (e.flags & 1) throw new FormatError(`zip entry "${e.name}" is encrypted`);
  if (e.size === 0xffffffff || e.compressed === 0xffffffff)
    throw new FormatError("ZIP64 archives are not supported");
  if (e.method !== 0 && e.method !== 8) {
    throw new FormatError(`zip entry "${e.name}" uses unsupported compression method ${e.method}`);
  }
  if (e.size > ZIP_RATIO_MIN_BYTES && e.size / Math.max(e.compressed, 1) > maxRatio) {
    throw new FormatError(`zip entry "${e.name}" has a suspicious compression ratio (zip bomb?)`);
  }
}

async function extractEntry(
  f: BufferedFile,
  e: Entry,
  target: string,
  budget: { left: number },
): Promise<void> {
  const lh = (await f.read(e.localOffset, 30)).slice();
  if (lh.length < 30 || u32(lh, 0) !== 0x04034b50)
    throw new FormatError(`zip entry "${e.name}": bad local header`);
  const dataAt = e.localOffset + 30 + u16(lh, 26) + u16(lh, 28);
  if (dataAt + e.compressed > f.size)
    throw new FormatError(`the zip is truncated (entry "${e.name}")`);
  const out = await open(target, "wx");
  let written = 0;
  try {
    const pending: Uint8Array[] = [];
    const inflate = new Inflate((d) => {
      pending.push(d);
    });
    for (let p = 0; p < e.compressed || (p === 0 && e.compressed === 0); ) {
      // 64 KiB of deflate inflates to at most ~66 MB, which bounds memory between checks.
      const n = Math.min(1 << 16, e.compressed - p);
      const chunk = (await f.read(dataAt + p, n)).slice();
      p += n;
      const last = p >= e.compressed;
      if (e.method === 0) pending.push(chunk);
      else {
        try {
          inflate.push(chunk, last);
        } catch (err) {
          throw new FormatError(`zip entry "${e.name}" is corrupt: ${(err as Error).message}`);
        }
      }
      for (const d of pending.splice(0)) {
        written += d.length;
        // Actual output, not the declared size, is what counts: headers can lie.
        if (written > e.size)
          throw new FormatError(`zip entry "${e.name}" inflates past its declared size`);
        if (written > budget.left)
          throw new FormatError("the zip unpacks to more than the allowed total size");
        await out.write(d);
      }
      if (last) break;
    }
    if (written !== e.size) throw new FormatError(`zip entry "${e.name}" is truncated or corrupt`);
    budget.left -= written;
  } finally {
    await out.close();
  }
}

/**
 * Unpacks the zip at `zipPath` into `destDir` (which must exist and should be empty); returns
 * the relative paths of the files written. Throws FormatError on anything unsafe or corrupt.
 */
export async function extractZip(
  zipPath: string,
  destDir: string,
  limits: ZipLimits = {},
): Promise<string[]> {
  const maxEntries = limits.maxEntries ?? MAX_ZIP_ENTRIES;
  const maxTotal = limits.maxTotalBytes ?? MAX_ZIP_TOTAL_BYTES;
  const maxRatio = limits.maxRatio ?? MAX_ZIP_RATIO;
  const f = await BufferedFile.open(zipPath, 1 << 20);
  try {
    const entries = await centralDirectory(f);
    if (entries.length > maxEntries)
      throw new FormatError(`the zip has more than ${maxEntries} entries`);
    let declared = 0;
    for (const e of entries) {
      checkEntry(e, maxRatio);
      declared += e.size;
    }
    if (declared > maxTotal)
      throw new FormatError("the zip unpacks to more than the allowed total size");
    const root = resolve(destDir);
    const budget = { left: maxTotal };
    const files: string[] = [];
    for (const e of entries) {
      const target = resolve(root, e.name);
      if (target !== root && !target.startsWith(root + sep))
        throw new FormatError(`unsafe path in zip entry "${e.name}"`);
      if (e.name.endsWith("/")) {
        await mkdir(target, { recursive: true });
        continue;
      }
      await mkdir(dirname(target), { recursive: true });
      await extractEntry(f, e, target, budget);
      files.push(relative(root, target).split(sep).join("/"));
    }
    return files;
  } finally {
    await f.close();
  }
}

/** Zips every file of a folder (flat or nested) into one archive held in memory. */
export async function zipFolder(dir: string): Promise<Uint8Array> {
  const tree: Zippable = {};
  const walk = async (d: string, prefix: string) => {
    for (const name of (await readdir(d)).sort()) {
      const p = join(d, name);
      if ((await stat(p)).isDirectory()) await walk(p, `${prefix}${name}/`);
      else tree[`${prefix}${name}`] = new Uint8Array(await readFile(p));
    }
  };
  await walk(dir, "");
  return zipSync(tree, { level: 6 });
}
