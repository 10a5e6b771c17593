/**
 * @module dBASE (.dbf) reading and its code page: field types C N F L D (others as text), the
 * encoding from .cpg, else the language driver byte, else the caller's choice, else per cell
 * UTF-8 when valid and Latin-1 otherwise (GDAL's default is Latin-1).
 */
import type { FieldDef, FieldType, FieldValue } from "../sources/feature-source.ts";
import type { BufferedFile } from "./buffered-file.ts";
import { FormatError } from "./errors.ts";
import { decodeBytes } from "./text-decode.ts";

/** DBF language driver ids (byte 29) → iconv-lite code pages; the ones GDAL and ArcGIS write. */
export const LDID: Record<number, string> = {
  1: "cp437",
  2: "cp850",
  3: "cp1252",
  87: "cp1252",
  38: "cp866",
  101: "cp866",
  100: "cp852",
  102: "cp865",
  106: "cp737",
  107: "cp857",
  120: "cp950",
  122: "cp936",
  123: "shift_jis",
  124: "cp874",
  77: "cp936",
  78: "cp949",
  200: "cp1250",
  201: "cp1251",
  202: "cp1254",
  203: "cp1253",
  204: "cp1257",
};

export interface DbfField extends FieldDef {
  type: string;
  offset: number;
  length: number;
  decimals: number;
}

export interface DbfHeader {
  count: number;
  headerLength: number;
  recordLength: number;
  ldid: number;
  fields: DbfField[];
}

function fieldType(t: string, length: number, decimals: number): FieldType {
  switch (t) {
    case "N":
      // As GDAL: integers narrower than 10 digits fit INTEGER, wider ones BIGINT.
      if (decimals > 0) return "REAL";
      return length < 10 ? "INTEGER" : length <= 18 ? "BIGINT" : "REAL";
    case "F":
      return "REAL";
    case "L":
      return "BOOLEAN";
    case "D":
      return "DATE";
    default:
      return "STRING";
  }
}

export async function readDbfHeader(f: BufferedFile, encoding: string | null): Promise<DbfHeader> {
  const h = await f.read(0, 32);
  if (h.length < 32) throw new FormatError("the .dbf file is truncated");
  const dv = new DataView(h.buffer, h.byteOffset, 32);
  const count = dv.getUint32(4, true);
  const headerLength = dv.getUint16(8, true);
  const recordLength = dv.getUint16(10, true);
  const ldid = h[29]!;
  const fields: DbfField[] = [];
  const desc = await f.read(32, Math.max(0, headerLength - 32));
  let offset = 1; // byte 0 of a record is the deletion flag
  const names = new Set<string>();
  for (let p = 0; p + 32 <= desc.length && desc[p] !== 0x0d; p += 32) {
    const raw = desc.subarray(p, p + 11);
    const end = raw.indexOf(0);
    const keyname = decodeBytes(raw.subarray(0, end < 0 ? 11 : end), encoding ?? "latin1").trim();
    const type = String.fromCharCode(desc[p + 11]!).toUpperCase();
    const length = desc[p + 16]!;
    const decimals = desc[p + 17]!;
    let name = keyname && keyname !== "__proto__" ? keyname : `field_${fields.length + 1}`;
    while (names.has(name)) name = `${name}_`;
    names.add(name);
    fields.push({
      keyname: name,
      datatype: fieldType(type, length, decimals),
      type,
      offset,
      length,
      decimals,
    });
    offset += length;
  }
  if (offset > recordLength)
    throw new FormatError("the .dbf field widths exceed its record length");
  return { count, headerLength, recordLength, ldid, fields };
}

function text(cell: Uint8Array, encoding: string | null): string {
  if (encoding) return decodeBytes(cell, encoding);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(cell);
  } catch {
    return decodeBytes(cell, "latin1");
  }
}

function value(f: DbfField, cell: Uint8Array, encoding: string | null): FieldValue {
  if (f.type === "C" || f.datatype === "STRING") {
    const end = cell.indexOf(0);
    const s = text(end < 0 ? cell : cell.subarray(0, end), encoding).trimEnd();
    return f.type === "C" ? s : s.trim() || null;
  }
  const s = new TextDecoder("latin1").decode(cell).replace(/\0/g, "").trim();
  if (s === "" || /^\*+$/.test(s)) return null;
  switch (f.datatype) {
    case "INTEGER":
    case "BIGINT": {
      const n = Number(s);
      if (!Number.isFinite(n)) return null;
      return Number.isSafeInteger(n) ? n : BigInt(s.split(".")[0]!).toString();
    }
    case "REAL": {
      const n = Number(s);
      return Number.isFinite(n) ? n : null;
    }
    case "BOOLEAN":
      return "TtYy".includes(s[0]!) ? true : "FfNn".includes(s[0]!) ? false : null;
    case "DATE": {
      const m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
      return m && s !== "00000000" ? `${m[1]}-${m[2]}-${m[3]}` : null;
    }
    default:
      return s;
  }
}

/** Record `i` (0-based); null when it is marked deleted. */
export async function readDbfRecord(
  f: BufferedFile,
  h: DbfHeader,
  i: number,
  encoding: string | null,
): Promise<Record<string, FieldValue> | null> {
  const rec = await f.read(h.headerLength + i * h.recordLength, h.recordLength);
  if (rec.length < h.recordLength) throw new FormatError("the .dbf file is truncated", i);
  if (rec[0] === 0x2a) return null;
  const out: Record<string, FieldValue> = {};
  for (const fd of h.fields)
    out[fd.keyname] = value(fd, rec.subarray(fd.offset, fd.offset + fd.length), encoding);
  return out;
}
