/**
 * @module Query parameters of OGC API – Features (Part 1 §7.15, Part 2 §6): limit, offset, bbox,
 * bbox-crs, crs and attribute filters, parsed strictly so bad input is a 400, never a 500.
 */

import type { LayerField } from "../../catalog/features.ts";
import type { BBox } from "../../geo/geometry/types.ts";
import type { AttrFilter, FieldValue } from "../../geo/sources/feature-source.ts";
import { isGeographic, parseCrsName } from "../../geo/srs/index.ts";
import { badRequest } from "./errors.ts";

export const CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 10_000;

/** An output or bbox CRS: its EPSG code, URI, and whether coordinates are latitude first. */
export interface Crs {
  code: number;
  uri: string;
  latFirst: boolean;
}

export const crs84: Crs = { code: 4326, uri: CRS84, latFirst: false };

export function epsgUri(code: number): string {
  return `http://www.opengis.net/def/crs/EPSG/0/${code}`;
}

/** The CRSes a collection is served in: CRS84 first (the default), then 4326, 3857, storage. */
export function collectionCrs(storage: number): string[] {
  const out = [CRS84, epsgUri(4326), epsgUri(3857)];
  if (storage > 0 && storage !== 4326 && storage !== 3857) out.push(epsgUri(storage));
  return out;
}

/**
 * A crs/bbox-crs value; 400 unless it is one the collection offers. EPSG geographic CRSes have
 * latitude first (Part 2 §6.2), CRS84 longitude first.
 */
export function parseCrs(value: string | undefined, allowed: string[], param: string): Crs {
  if (value === undefined) return crs84;
  const v = value.trim().replace(/^\[(.*)\]$/, "$1");
  const code = parseCrsName(v);
  if (code === null) throw badRequest(`Unknown ${param} "${value.slice(0, 100)}".`);
  if (/CRS:?84$/i.test(v)) return crs84;
  const uri = epsgUri(code);
  if (!allowed.includes(uri))
    throw badRequest(`${param} "${value.slice(0, 100)}" is not offered by this collection.`);
  return { code, uri, latFirst: isGeographic(code) };
}

function integer(value: string, param: string, min: number, max: number): number {
  if (!/^\s*\d{1,15}\s*$/.test(value)) throw badRequest(`${param} must be a whole number.`);
  const n = Number(value);
  if (n < min || n > max) throw badRequest(`${param} must be between ${min} and ${max}.`);
  return n;
}

/** limit: 1..1e9; values above the maximum are lowered to it, as Part 1 §7.15.3 requires. */
export function parseLimit(value: string | undefined): number {
  if (value === undefined) return DEFAULT_LIMIT;
  return Math.min(integer(value, "limit", 1, 1_000_000_000), MAX_LIMIT);
}

export function parseOffset(value: string | undefined): number {
  if (value === undefined) return 0;
  return integer(value, "offset", 0, 2_000_000_000);
}

/** bbox: 4 or 6 finite numbers (the 3D form's heights are ignored); lower corner first. */
export function parseBBox(value: string | undefined): BBox | undefined {
  if (value === undefined) return undefined;
  const parts = value.split(",");
  if (parts.length !== 4 && parts.length !== 6)
    throw badRequest("bbox must have 4 or 6 comma-separated numbers.");
  const n = parts.map((p) => (p.trim() === "" ? Number.NaN : Number(p)));
  if (!n.every(Number.isFinite)) throw badRequest("bbox must contain only finite numbers.");
  const b: BBox = n.length === 4 ? [n[0]!, n[1]!, n[2]!, n[3]!] : [n[0]!, n[1]!, n[3]!, n[4]!];
  // minx > maxx is legal (a box across the antimeridian); the items handler decides per CRS.
  return b;
}

/** Parameters of the items request that are not attribute filters. */
const RESERVED = new Set(["limit", "offset", "bbox", "bbox-crs", "crs", "f", "datetime"]);

/**
 * `?field=value` for the layer's fields become equality filters; any other unknown parameter is
 * a 400 (Part 1 /req/core/query-param-unknown).
 */
export function parseAttrFilters(query: Record<string, string>, fields: LayerField[]) {
  const out: AttrFilter[] = [];
  for (const [key, raw] of Object.entries(query)) {
    if (RESERVED.has(key)) continue;
    const field = fields.find((f) => f.keyname === key);
    if (!field) throw badRequest(`Unknown query parameter "${key.slice(0, 100)}".`);
    out.push({ field: key, op: "eq", value: fieldValue(raw, field) });
  }
  return out;
}

function fieldValue(raw: string, field: LayerField): FieldValue {
  switch (field.datatype) {
    case "INTEGER":
    case "BIGINT":
      if (!/^-?\d{1,18}$/.test(raw)) throw badRequest(`${field.keyname} must be an integer.`);
      return Number.isSafeInteger(Number(raw)) ? Number(raw) : raw;
    case "REAL": {
      const n = Number(raw);
      if (raw.trim() === "" || !Number.isFinite(n))
        throw badRequest(`${field.keyname} must be a number.`);
      return n;
    }
    case "BOOLEAN":
      if (raw !== "true" && raw !== "false")
        throw badRequest(`${field.keyname} must be true or false.`);
      return raw === "true";
    case "JSON":
      throw badRequest(`${field.keyname} cannot be filtered on.`);
    default:
      return raw;
  }
}
