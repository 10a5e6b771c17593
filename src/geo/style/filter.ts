/**
 * @module Evaluation of the model's Filter AST against a feature's attribute values (SQL-like:
 * NULL never compares, numeric strings compare as numbers), plus small filter utilities.
 */
import type { Filter } from "./model.ts";

/** Evaluates a filter against a feature's attribute values. Unknown fields read as null. */
export function evaluateFilter(filter: Filter, fields: Record<string, unknown>): boolean {
  switch (filter.op) {
    case "and":
      return filter.filters.every((f) => evaluateFilter(f, fields));
    case "or":
      return filter.filters.some((f) => evaluateFilter(f, fields));
    case "not":
      return !evaluateFilter(filter.filter, fields);
    case "isnull":
      return fields[filter.field] === null || fields[filter.field] === undefined;
    case "in":
      return filter.values.some((v) => compareValues(fields[filter.field], v) === 0);
    case "like": {
      const v = fields[filter.field];
      if (v === null || v === undefined) return false;
      return likeToRegExp(filter.pattern, filter.caseInsensitive).test(String(v));
    }
    default: {
      const c = compareValues(fields[filter.field], filter.value);
      // NULL compares as unknown, so neither = nor != holds (SQL, QGIS and GeoServer agree).
      if (c === undefined) return false;
      switch (filter.op) {
        case "=":
          return c === 0;
        case "!=":
          return c !== 0;
        case "<":
          return c < 0;
        case "<=":
          return c <= 0;
        case ">":
          return c > 0;
        case ">=":
          return c >= 0;
      }
    }
  }
  return false;
}

/**
 * Compares an attribute with a literal: numerically when both read as finite numbers (so "10" =
 * 10, as QGIS and GeoServer do), else as strings. undefined when either side is null.
 */
export function compareValues(a: unknown, b: unknown): number | undefined {
  if (a === null || a === undefined || b === null || b === undefined) return undefined;
  const na = toNumber(a);
  const nb = toNumber(b);
  if (na !== undefined && nb !== undefined) return na < nb ? -1 : na > nb ? 1 : 0;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function toNumber(v: unknown): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "string" && v.trim() !== "") {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

const likeCache = new Map<string, RegExp>();

/** SQL LIKE pattern → anchored RegExp; every other character is matched literally. */
export function likeToRegExp(pattern: string, caseInsensitive = false): RegExp {
  const key = (caseInsensitive ? "i:" : "c:") + pattern;
  const hit = likeCache.get(key);
  if (hit) return hit;
  let src = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "\\" && i + 1 < pattern.length) src += escapeRe(pattern[++i]!);
    else if (ch === "%") src += "[\\s\\S]*";
    else if (ch === "_") src += "[\\s\\S]";
    else src += escapeRe(ch);
  }
  const re = new RegExp(`^${src}$`, caseInsensitive ? "iu" : "u");
  if (likeCache.size > 1000) likeCache.clear();
  likeCache.set(key, re);
  return re;
}

function escapeRe(ch: string): string {
  return ch.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/**
 * An OR of filters, folded to `in` when every part is an equality on one field (how QGIS users
 * and SLD writers spell IN), so equal filters compare equal whichever format they came from.
 */
export function anyOf(filters: Filter[]): Filter {
  if (filters.length === 1) return filters[0]!;
  const first = filters[0];
  if (first?.op === "=" && filters.every((f) => f.op === "=" && f.field === first.field)) {
    return {
      op: "in",
      field: first.field,
      values: filters.map((f) => (f.op === "=" ? f.value : null)),
    };
  }
  return { op: "or", filters };
}

/** Every field a filter reads (for queries that fetch only the needed attributes). */
export function filterFields(filter: Filter, out = new Set<string>()): Set<string> {
  switch (filter.op) {
    case "and":
    case "or":
      for (const f of filter.filters) filterFields(f, out);
      break;
    case "not":
      filterFields(filter.filter, out);
      break;
    default:
      out.add(filter.field);
  }
  return out;
}
