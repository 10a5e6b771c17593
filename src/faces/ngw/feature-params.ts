/**
 * @module Query-string parsing of NGW's feature API (reference/ngw.md §1.3, §2.3) into a
 * FeatureQuery and dumper/loader options: `fld_{k}[__op]`, `id__op`, like/ilike, intersects (WKT in
 * the layer SRS, also as a JSON body), order_by, paging, fields/extensions lists, formats.
 * Values are decoded with `+` as a space, and a repeated parameter's last value wins, as in NGW.
 */

import { ValidationError } from "../../catalog/errors.ts";
import { FEATURE_EXTENSIONS } from "../../catalog/feature-extensions.ts";
import type { LayerField, OpenLayer } from "../../catalog/features.ts";
import {
  type BigIntFormat,
  type DtFormat,
  FieldValueError,
  filterValue,
} from "../../geo/features/values.ts";
import { GeometryError } from "../../geo/geometry/errors.ts";
import type { Geometry } from "../../geo/geometry/types.ts";
import { validateGeometry } from "../../geo/geometry/validate.ts";
import { parseWkt } from "../../geo/geometry/wkt.ts";
import type {
  AttrFilter,
  FeatureQuery,
  FieldValue,
  FilterOp,
} from "../../geo/sources/feature-source.ts";
import { hasSrs } from "../../geo/srs/index.ts";
import { parseFilterExpression } from "./feature-filter.ts";
import { parseBool, parseInt32, parseList } from "./params.ts";

export type Query = Map<string, string>;

/** Query parameters with `+` as a space and the last of repeated keys winning. */
export function queryOf(url: string): Query {
  const q = new Map<string, string>();
  for (const [k, v] of new URL(url).searchParams) q.set(k, v);
  return q;
}

export interface DumpParams {
  label: boolean;
  geom: boolean;
  geomFormat: "wkt" | "geojson";
  srs: number | null;
  dt: DtFormat;
  bigint: BigIntFormat;
  /** Keynames to return, in layer order. */
  fields: LayerField[];
  /** Extension names to return; empty means the `extensions` key is left out. */
  extensions: readonly string[];
}

export interface LoadParams {
  geomFormat: "wkt" | "geojson";
  dt: DtFormat;
  srs: number | null;
  geomNull: boolean;
}

function oneOf<T extends string>(q: Query, name: string, allowed: readonly T[], fallback: T): T {
  const v = q.get(name);
  if (v === undefined || v === "") return fallback;
  if (!allowed.includes(v as T))
    throw new ValidationError(`Invalid value of '${name}': expected one of ${allowed.join(", ")}.`);
  return v as T;
}

export function srsParam(q: Query, name = "srs"): number | null {
  const srs = parseInt32(q.get(name), name, { min: 1 });
  if (srs === undefined) return null;
  if (!hasSrs(srs)) throw new ValidationError(`Unknown spatial reference system: EPSG:${srs}.`);
  return srs;
}

export function dumpParams(q: Query, layer: OpenLayer): DumpParams {
  const names = parseList(q.get("fields"));
  const ext = parseList(q.get("extensions"));
  return {
    label: parseBool(q.get("label"), "label", false),
    geom: parseBool(q.get("geom"), "geom", true),
    geomFormat: oneOf(q, "geom_format", ["wkt", "geojson"], "wkt"),
    srs: srsParam(q),
    dt: oneOf(q, "dt_format", ["obj", "iso"], "obj"),
    bigint: oneOf(q, "bigint_format", ["compat", "string", "number"], "compat"),
    fields:
      names === undefined ? layer.fields : layer.fields.filter((f) => names.includes(f.keyname)),
    extensions: ext === undefined ? FEATURE_EXTENSIONS : ext.filter(Boolean),
  };
}

export function loadParams(q: Query): LoadParams {
  return {
    geomFormat: oneOf(q, "geom_format", ["wkt", "geojson"], "wkt"),
    dt: oneOf(q, "dt_format", ["obj", "iso"], "obj"),
    srs: srsParam(q),
    geomNull: parseBool(q.get("geom_null"), "geom_null", false),
  };
}

const OPS = ["eq", "ne", "lt", "le", "gt", "ge", "like", "ilike", "in", "notin", "isnull"];

function fieldOf(layer: OpenLayer, key: string): LayerField {
  const f = layer.fields.find((x) => x.keyname === key);
  if (!f) throw new ValidationError(`Unknown field '${key}'.`);
  return f;
}

/** One `fld_…`/`id…` parameter as an attribute filter. */
function attrFilter(layer: OpenLayer, expr: string, raw: string): AttrFilter {
  let key = expr;
  let op = "eq";
  const cut = expr.lastIndexOf("__");
  // A keyname may itself contain "__"; only a known operator suffix is split off.
  if (cut > 0 && !layer.fields.some((f) => f.keyname === expr)) {
    key = expr.slice(0, cut);
    op = expr.slice(cut + 2);
  }
  const type = key === "id" ? ("ID" as const) : fieldOf(layer, key).datatype;
  const field = key;
  if (op === "startswith") return { field, op: "like", value: `${raw}%` };
  if (!OPS.includes(op)) throw new ValidationError(`Unknown filter operator '${op}'.`);
  if (op === "isnull") return { field, op: "isnull", value: parseBool(raw, `${expr}`, true) };
  if (op === "in" || op === "notin") {
    const values: FieldValue[] =
      raw === "" ? [] : raw.split(",").map((v) => filterValue(type, v, op));
    return { field, op: op as FilterOp, value: values };
  }
  return { field, op: op as FilterOp, value: filterValue(type, raw, op) };
}

/** Filters of a request (fld_*, id*, like/ilike, intersects); `has` says whether any was given. */
export function filterQuery(
  q: Query,
  layer: OpenLayer,
  body?: unknown,
): { query: FeatureQuery; has: boolean } {
  const query: FeatureQuery = {};
  const filter: AttrFilter[] = [];
  let has = false;
  try {
    for (const [k, v] of q) {
      let expr: string;
      if (k.startsWith("fld_")) expr = k.slice(4);
      else if (k === "id" || k.startsWith("id__")) expr = k;
      else continue;
      filter.push(attrFilter(layer, expr, v));
    }
  } catch (err) {
    if (err instanceof FieldValueError) throw new ValidationError(err.message);
    throw err;
  }
  const expr = q.get("filter");
  if (expr !== undefined && expr !== "") filter.push(...parseFilterExpression(expr, layer));
  if (filter.length > 0) {
    query.filter = filter;
    has = true;
  }
  for (const op of ["like", "ilike"] as const) {
    const v = q.get(op);
    if (v === undefined) continue;
    const fields = layer.fields.filter((f) => f.textSearch && f.datatype === "STRING");
    query.textSearch = {
      value: v,
      caseInsensitive: op === "ilike",
      fields: fields.map((f) => f.keyname),
    };
    has = true;
    break;
  }
  let wkt = q.get("intersects");
  if (wkt === undefined && typeof body === "object" && body !== null && !Array.isArray(body)) {
    const b = (body as Record<string, unknown>).intersects;
    if (typeof b === "string") wkt = b;
  }
  if (wkt !== undefined) {
    query.intersects = intersectsGeometry(wkt);
    has = true;
  }
  return { query, has };
}

function intersectsGeometry(wkt: string): Geometry {
  try {
    const g = parseWkt(wkt);
    validateGeometry(g);
    return g;
  } catch (err) {
    if (err instanceof GeometryError)
      throw new ValidationError(`Parameter 'intersects' geometry is not valid: ${err.message}`);
    throw err;
  }
}

/** `order_by=a,-b,+c`: only known keynames (or id); anything else is an unknown field (422). */
export function orderOf(q: Query, layer: OpenLayer): FeatureQuery["order"] {
  const v = q.get("order_by");
  if (v === undefined || v === "") return undefined;
  const out: { field: string; desc: boolean }[] = [];
  for (const part of v.split(",")) {
    const m = /^(-|\+|%2B)?(.*)$/.exec(part)!;
    const name = m[2]!.trim();
    if (name === "") continue;
    if (name !== "id") fieldOf(layer, name);
    out.push({ field: name, desc: m[1] === "-" });
  }
  return out;
}

export function pagingOf(q: Query): { limit?: number; offset?: number } {
  const limit = parseInt32(q.get("limit"), "limit", { min: 0 });
  const offset = parseInt32(q.get("offset"), "offset", { min: 0 });
  return limit === undefined ? {} : { limit, offset: offset ?? 0 };
}
