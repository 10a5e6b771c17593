/**
 * @module Field values as NextGIS Web's feature JSON carries them (reference/ngw.md §2.3): dates
 * as {year, month, day, …} objects (dt_format=obj) or ISO strings (iso), BIGINT as a number or a
 * string (bigint_format), plus the coercion of filter values from query strings. Pure: no HTTP.
 */
import { parseDate, parseDateTime, parseTime } from "../formats/infer.ts";
import type { FieldType, FieldValue } from "../sources/feature-source.ts";

export type DtFormat = "obj" | "iso";
export type BigIntFormat = "compat" | "string" | "number";

/** A bad value for a field; carries the 422 status hint faces map to their error shape. */
export class FieldValueError extends Error {
  readonly status = 422;
  override readonly name = "FieldValueError";
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INT_RE = /^[+-]?\d{1,20}$/;
const pad = (n: number, w = 2) => String(n).padStart(w, "0");

function invalid(type: FieldType, v: unknown): never {
  throw new FieldValueError(`Got an invalid ${type} value: ${safeJson(v)}.`);
}

function safeJson(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 100 ? `${s.slice(0, 100)}…` : s;
}

/** Integer from a number, a numeric string or a float (rounded), checked against the range. */
function loadInteger(v: unknown, type: "INTEGER" | "BIGINT"): number | string {
  let b: bigint;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) invalid(type, v);
    b = BigInt(Math.round(v));
  } else if (typeof v === "string" && INT_RE.test(v.trim())) {
    b = BigInt(v.trim());
  } else if (typeof v === "boolean") {
    b = v ? 1n : 0n;
  } else invalid(type, v);
  const [lo, hi] =
    type === "INTEGER" ? [BigInt(INT32_MIN), BigInt(INT32_MAX)] : [INT64_MIN, INT64_MAX];
  if (b < lo || b > hi) invalid(type, v);
  return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(b)
    : b.toString();
}

function num(o: Record<string, unknown>, k: string, lo: number, hi: number): number | null {
  const v = o[k];
  if (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi) return null;
  return v;
}

/**
 * A date/time from NGW's object form. Extra keys are ignored on purpose: GDAL 3.6 sends all six
 * keys for DATE and TIME fields too (ogrngwlayer.cpp), which current NGW would refuse.
 */
function loadDtObject(type: FieldType, o: Record<string, unknown>): string | null {
  const y = num(o, "year", 0, 9999);
  const mo = num(o, "month", 1, 12);
  const d = num(o, "day", 1, 31);
  const h = num(o, "hour", 0, 23);
  const mi = num(o, "minute", 0, 59);
  const s = num(o, "second", 0, 59);
  const date = y !== null && mo !== null && d !== null ? `${pad(y, 4)}-${pad(mo)}-${pad(d)}` : null;
  const time = h !== null && mi !== null && s !== null ? `${pad(h)}:${pad(mi)}:${pad(s)}` : null;
  if (type === "DATE") return date && parseDate(date);
  if (type === "TIME") return time;
  return date && parseDate(date) && time ? `${date}T${time}` : null;
}

function loadDt(type: FieldType, v: unknown): string {
  let out: string | null = null;
  if (typeof v === "string") {
    const s = v.trim();
    out = type === "DATE" ? parseDate(s) : type === "TIME" ? parseTime(s) : parseDateTime(s);
    // A DATETIME given as a bare date means midnight.
    if (out === null && type === "DATETIME" && parseDate(s)) out = `${s}T00:00:00`;
  } else if (typeof v === "object" && v !== null && !Array.isArray(v)) {
    out = loadDtObject(type, v as Record<string, unknown>);
  }
  if (out === null) invalid(type, v);
  return out;
}

/** Converts a JSON value written by a client into the stored FieldValue of `type`. */
export function loadValue(type: FieldType, v: unknown): FieldValue {
  if (v === null || v === undefined) return null;
  switch (type) {
    case "INTEGER":
    case "BIGINT":
      return loadInteger(v, type);
    case "REAL": {
      const n = typeof v === "number" ? v : typeof v === "string" ? Number(v.trim()) : Number.NaN;
      if (!Number.isFinite(n) || (typeof v === "string" && v.trim() === "")) invalid(type, v);
      return n;
    }
    case "STRING":
      if (typeof v === "string") return v;
      if (typeof v === "number" || typeof v === "boolean") return String(v);
      return JSON.stringify(v);
    case "BOOLEAN":
      if (typeof v === "boolean") return v;
      if (typeof v === "number") return v !== 0;
      if (typeof v === "string") {
        const s = v.trim().toLowerCase();
        if (s === "true" || s === "1") return true;
        if (s === "false" || s === "0") return false;
      }
      return invalid(type, v);
    case "JSON":
      return v as FieldValue;
    default:
      return loadDt(type, v);
  }
}

/** Converts a stored value into NGW's JSON for the requested formats. */
export function dumpValue(
  type: FieldType,
  v: FieldValue,
  dt: DtFormat = "obj",
  bigint: BigIntFormat = "compat",
): unknown {
  if (v === null || v === undefined) return null;
  if (type === "BIGINT") {
    if (bigint === "string") return String(v);
    if (bigint === "number") return typeof v === "string" ? Number(v) : v;
    return typeof v === "string" && Number.isSafeInteger(Number(v)) ? Number(v) : v;
  }
  if (type === "BOOLEAN" && typeof v === "number") return v !== 0;
  if ((type === "DATE" || type === "TIME" || type === "DATETIME") && typeof v === "string") {
    return dt === "iso" ? v : dtObject(type, v);
  }
  return v;
}

function dtObject(type: FieldType, v: string): Record<string, number> | string {
  const m = /^(?:(\d{4})-(\d{2})-(\d{2}))?T?(?:(\d{2}):(\d{2}):(\d{2}))?/.exec(v);
  if (!m) return v;
  const n = (i: number) => Number(m[i] ?? 0);
  if (type === "DATE") return { year: n(1), month: n(2), day: n(3) };
  if (type === "TIME") return { hour: n(4), minute: n(5), second: n(6) };
  return { year: n(1), month: n(2), day: n(3), hour: n(4), minute: n(5), second: n(6) };
}

/**
 * A filter value from a query string, coerced to the column type (NGW coerces the same way).
 * LIKE patterns stay strings whatever the column type.
 */
export function filterValue(type: FieldType | "ID", raw: string, op: string): FieldValue {
  if (op === "like" || op === "ilike" || op === "startswith") return raw;
  if (type === "ID") return loadInteger(raw, "BIGINT");
  if (type === "JSON" || type === "STRING") return raw;
  return loadValue(type, raw);
}
