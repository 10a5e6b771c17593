/**
 * @module Text encoding for CSV and DBF: detection (UTF-8 BOM, valid UTF-8, else a Cyrillic or
 * Western single-byte code page) and streaming decoding through iconv-lite.
 */
import iconv from "iconv-lite";
import { FormatError } from "./errors.ts";

/** Normalizes user/.cpg spellings ("1251", "CP1251", "windows-1251", "UTF8") for iconv-lite. */
export function normalizeEncoding(name: string): string {
  const n = name.trim().toLowerCase().replace(/_/g, "-");
  if (/^\d+$/.test(n)) return n === "65001" ? "utf-8" : `cp${n}`;
  if (n === "utf8") return "utf-8";
  if (!iconv.encodingExists(n)) throw new FormatError(`unknown text encoding "${name}"`);
  return n;
}

function validUtf8Prefix(sample: Uint8Array): boolean {
  // Drop up to 3 trailing bytes of a sequence the sample may have cut in half.
  let end = sample.length;
  for (let k = 1; k <= 3 && end - k >= 0; k++) {
    const b = sample[end - k]!;
    if (b >= 0xc0) {
      end -= k;
      break;
    }
    if (b < 0x80) break;
  }
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(sample.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

/**
 * Guesses the encoding of a text sample. Cyrillic cp1251 text has its high bytes in runs (whole
 * words), Western cp1252 text has them alone among ASCII letters; `fallback` wins when given.
 */
export function detectEncoding(sample: Uint8Array, fallback?: string): string {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return "utf-8";
  if (validUtf8Prefix(sample)) return "utf-8";
  if (fallback) return normalizeEncoding(fallback);
  let high = 0;
  let paired = 0;
  for (let i = 0; i < sample.length; i++) {
    if (sample[i]! < 0x80) continue;
    high++;
    if ((sample[i - 1] ?? 0) >= 0x80 || (sample[i + 1] ?? 0) >= 0x80) paired++;
  }
  return high > 0 && paired / high > 0.5 ? "cp1251" : "cp1252";
}

/** Decodes byte chunks into text chunks in `encoding`, dropping a UTF-8 BOM. */
export async function* decodeChunks(
  chunks: AsyncIterable<Uint8Array>,
  encoding: string,
): AsyncGenerator<string> {
  if (encoding === "utf-8") {
    const dec = new TextDecoder("utf-8", { ignoreBOM: false });
    for await (const c of chunks) yield dec.decode(c, { stream: true });
    const rest = dec.decode();
    if (rest) yield rest;
    return;
  }
  const dec = iconv.getDecoder(encoding);
  for await (const c of chunks) yield dec.write(Buffer.from(c.buffer, c.byteOffset, c.length));
  const rest = dec.end();
  if (rest) yield rest;
}

/** Decodes one buffer (a DBF cell) in `encoding`. */
export function decodeBytes(bytes: Uint8Array, encoding: string): string {
  if (encoding === "utf-8") return new TextDecoder("utf-8").decode(bytes);
  return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), encoding);
}

const utf8Encoder = new TextEncoder();

/** Encodes a string in `encoding` (for DBF/CSV writers). */
export function encodeText(s: string, encoding: string): Uint8Array {
  if (encoding === "utf-8") return utf8Encoder.encode(s);
  return iconv.encode(s, encoding);
}
