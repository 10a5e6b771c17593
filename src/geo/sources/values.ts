/**
 * @module Field values: coercion of user input to the in-memory FieldValue form of each field
 * type (feature-source.ts), the SQL forms stored in libSQL, sort keys and LIKE patterns, shared
 * by every source so filters mean the same everywhere.
 */

import { FieldValueError } from "./errors.ts";
import type { FieldType, FieldValue } from "./feature-source.ts";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?$/;
const DATETIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)$/;

function bad(v: unknown, type: FieldType, field: string): never {
  const shown =
    typeof v === "string" ? `'${v.slice(0, 50)}'` : (JSON.stringify(v) ?? String(v)).slice(0, 50);
  throw new FieldValueError(`Value ${shown} is not a valid ${type} for field '${field}'.`);
}

function date(s: string): string | null {
  const m = DATE.exec(s);
  if (!m) return null;
  const d = new Date(`${s}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.getUTCDate() !== Number(m[3]) ? null : s;
}

function time(s: string): string | null {
  const m = TIME.exec(s);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3] ?? 0) > 59) return null;
  return `${m[1]}:${m[2]}:${m[3] ?? "00"}${m[4] ?? ""}`;
}

function integer(v: unknown): bigint | null {
  if (typeof v === "bigint") return v;
  if (typeof v === "number") return Number.isInteger(v) ? BigInt(v) : null;
  if (typeof v === "string" && /^\s*[-+]?\d{1,20}\s*$/.test(v)) return BigInt(v.trim());
  return null;
}

/**
 * Converts an input value to the canonical FieldValue of the type; throws FieldValueError when it
 * does not fit. null and undefined become null.
 */
export function coerceValue(type: FieldType, v: unknown, field: string): FieldValue {
  if (v === null || v === undefined) return null;
  switch (type) {
    case "INTEGER": {
      const n = integer(v);
      if (n === null || n < INT32_MIN || n > INT32_MAX) bad(v, type, field);
      return Number(n);
    }
    case "BIGINT": {
      const n = integer(v);
      if (n === null || n < INT64_MIN || n > INT64_MAX) bad(v, type, field);
      return n >= -Number.MAX_SAFE_INTEGER && n <= Number.MAX_SAFE_INTEGER ? Number(n) : String(n);
    }
    case "REAL": {
      const n =
        typeof v === "number"
          ? v
          : typeof v === "string" && v.trim() !== ""
            ? Number(v)
            : Number.NaN;
      if (!Number.isFinite(n)) bad(v, type, field);
      return n;
    }
    case "STRING":
      if (typeof v === "string") return v;
      if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint")
        return String(v);
      return bad(v, type, field);
    case "DATE":
      return (typeof v === "string" && date(v)) || bad(v, type, field);
    case "TIME":
      return (typeof v === "string" && time(v)) || bad(v, type, field);
    case "DATETIME": {
      const m = typeof v === "string" ? DATETIME.exec(v) : null;
      const d = m && date(m[1]!);
      const t = m && time(m[2]!);
      return d && t ? `${d}T${t}` : bad(v, type, field);
    }
    case "BOOLEAN":
      if (v === true || v === 1 || v === "true" || v === "1") return true;
      if (v === false || v === 0 || v === "false" || v === "0") return false;
      return bad(v, type, field);
    case "JSON":
      if (typeof v === "number" && !Number.isFinite(v)) bad(v, type, field);
      return v as FieldValue;
  }
}

/** The value bound into SQL for a canonical FieldValue. */
export function toSql(type: FieldType, v: FieldValue): string | number | bigint | null {
  if (v === null) return null;
  switch (type) {
    case "BOOLEAN":
      return v ? 1 : 0;
    case "JSON":
      return JSON.stringify(v);
    case "BIGINT":
      return typeof v === "string" ? BigInt(v) : (v as number);
    default:
      return v as string | number;
  }
}

/** The canonical FieldValue of a column read from SQL (BIGINT columns are read as TEXT). */
export function fromSql(type: FieldType, v: unknown): FieldValue {
  if (v === null || v === undefined) return null;
  switch (type) {
    case "BOOLEAN":
      return Number(v) !== 0;
    case "BIGINT": {
      const n = BigInt(String(v));
      return n >= -Number.MAX_SAFE_INTEGER && n <= Number.MAX_SAFE_INTEGER ? Number(n) : String(n);
    }
    case "JSON":
      try {
        return JSON.parse(String(v)) as FieldValue;
      } catch {
        return String(v);
      }
    case "INTEGER":
    case "REAL":
      return Number(v);
    default:
      return String(v);
  }
}

/** A key that orders like SQLite orders the stored column (numbers, bigints, text). */
export function sortKey(type: FieldType, v: FieldValue): number | bigint | string | null {
  if (v === null) return null;
  switch (type) {
    case "BIGINT":
      return typeof v === "string" ? BigInt(v) : (v as number);
    case "BOOLEAN":
      return v ? 1 : 0;
    case "JSON":
      return JSON.stringify(v);
    default:
      return v as number | string;
  }
}

/**
 * Compares two keys; null sorts last ascending (PostgreSQL's default, which NGW clients see),
 * so `desc` puts nulls first. Mixed number/bigint compare numerically.
 */
export function compareKeys(
  a: number | bigint | string | null,
  b: number | bigint | string | null,
): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * SQL LIKE pattern (% and _ wildcards, no escape, as NGW passes it) as an SQLite GLOB pattern:
 * GLOB is case-sensitive for all of Unicode, unlike LIKE which folds ASCII only; for
 * case-insensitive matching each cased letter becomes a class [aA] (Cyrillic too).
 */
export function likeToGlob(pattern: string, caseInsensitive: boolean): string {
  let out = "";
  for (const ch of pattern) {
    if (ch === "%") out += "*";
    else if (ch === "_") out += "?";
    else if (ch === "*" || ch === "?" || ch === "[") out += `[${ch}]`;
    else if (caseInsensitive) {
      const lo = ch.toLowerCase();
      const up = ch.toUpperCase();
      out += lo !== up && [...lo].length === 1 && [...up].length === 1 ? `[${lo}${up}]` : ch;
    } else out += ch;
  }
  return out;
}

/** The same pattern as a JavaScript RegExp (for sources evaluated in memory). */
export function likeToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  let src = "";
  for (const ch of pattern) {
    if (ch === "%") src += "[\\s\\S]*";
    else if (ch === "_") src += "[\\s\\S]";
    // "-" is left alone: with the u flag "\\-" outside a class is a SyntaxError
    else src += ch.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  return new RegExp(`^${src}$`, caseInsensitive ? "iu" : "u");
}

/** Escapes text so it matches literally inside a LIKE pattern ("%" and "_" become single chars). */
export function likeLiteral(s: string): string {
  // NGW's LIKE has no escape character; a literal % or _ in a search is matched by "_" (any one
  // character), which keeps the search inclusive.
  return s.replace(/[%_]/g, "_");
}

/** The text form of a value used by LIKE on non-text fields (matches SQLite's CAST AS TEXT). */
export function likeText(type: FieldType, v: FieldValue): string | null {
  if (v === null) return null;
  if (type === "BOOLEAN") return v ? "1" : "0";
  if (type === "JSON") return JSON.stringify(v);
  return String(v);
}
