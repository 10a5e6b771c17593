/**
 * @module Field type inference for untyped sources (GeoJSON properties, CSV cells) and coercion
 * of raw values into gisd's FieldValue forms (DATE "YYYY-MM-DD", TIME "HH:MM:SS", DATETIME
 * "YYYY-MM-DDTHH:MM:SS", BIGINT beyond 2^53 as a decimal string).
 */
import type { FieldDef, FieldType, FieldValue } from "../sources/feature-source.ts";

const INT_RE = /^[+-]?(0|[1-9]\d*)$/;
const REAL_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?$/;
const DATETIME_RE =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const INT32_MAX = 2147483647;

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function validTime(h: number, mi: number, s: number): boolean {
  return h <= 23 && mi <= 59 && s <= 59;
}

/** "YYYY-MM-DD" when `s` is a real calendar date, else null. */
export function parseDate(s: string): string | null {
  const m = DATE_RE.exec(s);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return validDate(y, mo, d) ? s : null;
}

/** "HH:MM:SS" (fractions dropped) when `s` is a valid time of day, else null. */
export function parseTime(s: string): string | null {
  const m = TIME_RE.exec(s);
  if (!m) return null;
  const [h, mi, sec] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  return validTime(h, mi, sec) ? `${pad(h)}:${pad(mi)}:${pad(sec)}` : null;
}

/** "YYYY-MM-DDTHH:MM:SS" when `s` is an ISO date-time; a zone, when given, is folded to UTC. */
export function parseDateTime(s: string): string | null {
  const m = DATETIME_RE.exec(s);
  if (!m) return null;
  const [y, mo, d, h, mi, sec] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as number[];
  if (!validDate(y!, mo!, d!) || !validTime(h!, mi!, sec!)) return null;
  const zone = m[8];
  if (!zone || zone === "Z" || /^[+-]00:?00$/.test(zone)) {
    return `${m[1]}-${m[2]}-${m[3]}T${pad(h!)}:${pad(mi!)}:${pad(sec!)}`;
  }
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  const offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
  const t = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, sec!) - offsetMin * 60000);
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}T${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())}:${pad(t.getUTCSeconds())}`;
}

function integerType(n: number | bigint): FieldType {
  return n >= -INT32_MAX - 1 && n <= INT32_MAX ? "INTEGER" : "BIGINT";
}

/** The narrowest type of one raw value; null for null/empty (no evidence). */
export function typeOfValue(v: unknown, fromText: boolean): FieldType | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "boolean") return "BOOLEAN";
  if (typeof v === "number") return Number.isInteger(v) ? integerType(v) : "REAL";
  if (typeof v !== "string") return "STRING"; // nested JSON is kept as its JSON text
  if (fromText) {
    const s = v.trim();
    if (s === "") return null;
    // Leading zeros ("007", postal codes) stay strings: converting would lose them.
    if (/^[+-]?0\d+(\.\d*)?$/.test(s)) return "STRING";
    if (INT_RE.test(s)) return integerType(BigInt(s));
    if (REAL_RE.test(s) && Number.isFinite(Number(s))) return "REAL";
    const low = s.toLowerCase();
    if (low === "true" || low === "false") return "BOOLEAN";
  }
  // Cheap guard first: every date/time form starts with a digit and is short.
  const c0 = v.charCodeAt(0);
  if (v.length < 5 || v.length > 40 || c0 < 48 || c0 > 57) return "STRING";
  if (parseDate(v)) return "DATE";
  if (parseDateTime(v)) return "DATETIME";
  if (parseTime(v)) return "TIME";
  return "STRING";
}

/** The type covering both (null = nothing seen yet). */
export function mergeTypes(a: FieldType | null, b: FieldType | null): FieldType | null {
  if (a === null) return b;
  if (b === null || a === b) return a;
  const pair = new Set([a, b]);
  const numeric = (t: FieldType) => t === "INTEGER" || t === "BIGINT" || t === "REAL";
  if (numeric(a) && numeric(b)) return pair.has("REAL") ? "REAL" : "BIGINT";
  if (pair.has("DATE") && pair.has("DATETIME")) return "DATETIME";
  return "STRING";
}

/** Accumulates field names (in first-seen order) and their merged types over a scan. */
export class FieldInference {
  private types = new Map<string, FieldType | null>();
  constructor(private readonly fromText: boolean) {}

  add(props: Record<string, unknown>): void {
    for (const key of Object.keys(props)) {
      // Assigning "__proto__" on the plain value objects would replace their prototype.
      if (key === "__proto__") continue;
      const t = typeOfValue(props[key], this.fromText);
      this.types.set(key, mergeTypes(this.types.get(key) ?? null, t));
    }
  }

  declare(key: string): void {
    if (!this.types.has(key)) this.types.set(key, null);
  }

  fields(): FieldDef[] {
    return [...this.types].map(([keyname, t]) => ({ keyname, datatype: t ?? "STRING" }));
  }
}

/** Converts a raw value to the FieldValue form of `type`; null when empty or not convertible. */
export function coerceValue(v: unknown, type: FieldType, fromText: boolean): FieldValue {
  if (v === null || v === undefined) return null;
  if (fromText && typeof v === "string" && v.trim() === "" && type !== "STRING") return null;
  switch (type) {
    case "INTEGER":
    case "BIGINT": {
      if (typeof v === "number") return Number.isInteger(v) ? v : null;
      if (typeof v !== "string" || !INT_RE.test(v.trim())) return null;
      const b = BigInt(v.trim());
      return b <= BigInt(Number.MAX_SAFE_INTEGER) && b >= BigInt(Number.MIN_SAFE_INTEGER)
        ? Number(b)
        : b.toString();
    }
    case "REAL": {
      const n = typeof v === "number" ? v : typeof v === "string" ? Number(v.trim()) : Number.NaN;
      return Number.isFinite(n) ? n : null;
    }
    case "BOOLEAN":
      if (typeof v === "boolean") return v;
      if (typeof v === "string") return v.trim().toLowerCase() === "true";
      return null;
    case "DATE":
      return typeof v === "string" ? parseDate(v.trim()) : null;
    case "TIME":
      return typeof v === "string" ? parseTime(v.trim()) : null;
    case "DATETIME":
      if (typeof v !== "string") return null;
      return parseDateTime(v.trim()) ?? (parseDate(v.trim()) ? `${v.trim()}T00:00:00` : null);
    case "JSON":
      return v as FieldValue;
    default:
      return typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v);
  }
}
