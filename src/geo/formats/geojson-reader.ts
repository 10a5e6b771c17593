/**
 * @module GeoJSON / GeoJSON sequence reader: two streaming passes over the file (the first
 * infers field types, geometry type, count and crs; the second yields features), each through
 * the incremental scanner, so memory stays bounded by the largest single feature.
 */
import type { Geometry } from "../geometry/types.ts";
import type { FieldDef, FieldValue } from "../sources/feature-source.ts";
import { parseCrsName } from "../srs/index.ts";
import { FormatError } from "./errors.ts";
import { GeometryTypeInference, toGeometry } from "./geom-util.ts";
import { coerceValue, FieldInference } from "./infer.ts";
import { scanGeoJson } from "./json-scan.ts";
import {
  type FeatureReadOptions,
  fileChunks,
  type ReadFeature,
  type VectorReader,
} from "./source.ts";

const GEOMETRY_NAMES = new Set([
  "Point",
  "MultiPoint",
  "LineString",
  "MultiLineString",
  "Polygon",
  "MultiPolygon",
  "GeometryCollection",
]);

interface RawFeature {
  geom: Geometry | null;
  props: Record<string, unknown>;
  fid?: number;
}

/** Turns one parsed top-level/feature object into geometry + raw properties, or throws. */
function normalize(v: unknown, index: number): RawFeature {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new FormatError("a feature must be a JSON object", index);
  }
  const o = v as Record<string, unknown>;
  if (typeof o.type === "string" && GEOMETRY_NAMES.has(o.type)) {
    return { geom: toGeometry(o, index), props: {} };
  }
  if (o.type !== "Feature") {
    throw new FormatError(
      `expected a GeoJSON Feature, got type ${JSON.stringify(o.type ?? null)}`,
      index,
    );
  }
  const p = o.properties;
  if (p !== null && p !== undefined && (typeof p !== "object" || Array.isArray(p))) {
    throw new FormatError("feature properties must be an object or null", index);
  }
  const out: RawFeature = {
    geom: toGeometry(o.geometry, index),
    props: (p ?? {}) as Record<string, unknown>,
  };
  if (typeof o.id === "number" && Number.isSafeInteger(o.id)) out.fid = o.id;
  return out;
}

/** EPSG code of a GeoJSON 2008 "crs" member ({type: "name", properties: {name}}). */
function crsCode(crs: unknown): number | null {
  const name = (crs as { properties?: { name?: unknown } } | null)?.properties?.name;
  return typeof name === "string" ? parseCrsName(name) : null;
}

export async function openGeoJson(path: string): Promise<VectorReader> {
  const fieldInf = new FieldInference(false);
  const geomInf = new GeometryTypeInference();
  let count = 0;
  // RFC 7946: without a (2008-style) "crs" member, coordinates are WGS 84 longitude/latitude.
  let srs: number | null = 4326;
  for await (const item of scanGeoJson(fileChunks(path))) {
    if (item.kind === "crs") {
      srs = crsCode(item.value);
      continue;
    }
    count++;
    if (item.kind === "bad") continue; // reported by features(), where skip_errors applies
    try {
      const f = normalize(item.value, item.index);
      fieldInf.add(f.props);
      geomInf.add(f.geom);
    } catch {
      // same: the second pass reports it with its index
    }
  }
  const fields = fieldInf.fields();
  return {
    format: "GeoJSON",
    layers: ["layer"],
    layer: "layer",
    info: { fields, geometryType: geomInf.result(), srs, count },
    features: (opts) => readFeatures(path, fields, opts),
    close: async () => {},
  };
}

async function* readFeatures(
  path: string,
  fields: FieldDef[],
  opts?: FeatureReadOptions,
): AsyncGenerator<ReadFeature> {
  for await (const item of scanGeoJson(fileChunks(path))) {
    if (item.kind === "crs") continue;
    let raw: RawFeature;
    try {
      if (item.kind === "bad") throw item.error;
      raw = normalize(item.value, item.index);
    } catch (e) {
      if (!(e instanceof FormatError) || !opts?.onSkip) throw e;
      opts.onSkip(e);
      continue;
    }
    const values: Record<string, FieldValue> = {};
    for (const f of fields)
      values[f.keyname] = coerceValue(raw.props[f.keyname], f.datatype, false);
    const out: ReadFeature = { geom: raw.geom, fields: values, index: item.index };
    if (raw.fid !== undefined) out.fid = raw.fid;
    yield out;
  }
}
