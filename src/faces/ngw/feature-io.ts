/**
 * @module Feature JSON in and out (NGW's Dumper and Loader, reference/ngw.md §2.3): geometry as
 * WKT or GeoJSON in the requested SRS, typed field values, label, extensions; and the reverse for
 * POST/PUT/PATCH bodies, lenient where GDAL 3.6 needs it (six-key dates, unknown keys ignored).
 */
import { ValidationError } from "../../catalog/errors.ts";
import type { OpenLayer } from "../../catalog/features.ts";
import { CastError, fitGeometry } from "../../geo/features/cast.ts";
import { dumpValue, FieldValueError, loadValue } from "../../geo/features/values.ts";
import { GeometryError } from "../../geo/geometry/errors.ts";
import { parseGeoJsonGeometry } from "../../geo/geometry/geojson.ts";
import type { Geometry, GeometryType } from "../../geo/geometry/types.ts";
import { validateGeometry } from "../../geo/geometry/validate.ts";
import { parseWkt, toWkt } from "../../geo/geometry/wkt.ts";
import type { Feature, FeatureInput, FieldValue } from "../../geo/sources/feature-source.ts";
import { reprojectGeometry } from "../../geo/srs/index.ts";
import type { DumpParams, LoadParams } from "./feature-params.ts";

type Json = Record<string, unknown>;

/** One feature as NGW's feature JSON. `ext` holds its extension values when requested. */
export function dumpFeature(
  f: Feature,
  layer: OpenLayer,
  p: DumpParams,
  ext?: Record<string, unknown>,
): Json {
  const out: Json = { id: f.id };
  if (p.label) {
    const lf = layer.fields.find((x) => x.labelField);
    const v = lf ? f.fields[lf.keyname] : null;
    out.label = v === null || v === undefined ? `#${f.id}` : String(v);
  }
  if (p.geom) {
    let g = f.geom;
    if (g && p.srs !== null && layer.srs && p.srs !== layer.srs)
      g = reprojectGeometry(g, layer.srs, p.srs);
    out.geom = g === null ? null : p.geomFormat === "wkt" ? toWkt(g) : g;
  }
  const fields: Json = {};
  for (const fd of p.fields)
    fields[fd.keyname] = dumpValue(fd.datatype, f.fields[fd.keyname] ?? null, p.dt, p.bigint);
  out.fields = fields;
  if (p.extensions.length > 0) out.extensions = ext ?? {};
  return out;
}

/** Geometry from a request body value in the layer's SRS and type; throws 422 on bad input. */
function loadGeometry(v: unknown, layer: OpenLayer, p: LoadParams): Geometry {
  let g: Geometry;
  try {
    // Accept either form whatever geom_format says: a string is WKT, an object is GeoJSON.
    if (typeof v === "string") g = parseWkt(v);
    else if (typeof v === "object" && v !== null) g = parseGeoJsonGeometry(v);
    else throw new ValidationError("Geometry is not valid.");
    if (p.srs !== null && layer.srs && p.srs !== layer.srs) {
      validateGeometry(g);
      g = reprojectGeometry(g, p.srs, layer.srs);
    }
    const fitted = fitGeometry(g, layer.geometryType as GeometryType, "NONE");
    if (!fitted) throw new ValidationError("Geometry is not valid.");
    validateGeometry(fitted);
    return fitted;
  } catch (err) {
    if (err instanceof GeometryError || err instanceof CastError)
      throw new ValidationError(`Geometry is not valid: ${err.message}`);
    throw err;
  }
}

/** A POST/PUT/PATCH item as a FeatureInput; fields not in the layer are ignored, as in NGW. */
export function loadFeature(body: unknown, layer: OpenLayer, p: LoadParams): FeatureInput {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new ValidationError("A feature must be a JSON object.");
  const b = body as Json;
  const input: FeatureInput = { fields: {} };
  if (b.geom !== undefined && layer.geometryType !== "NONE") {
    if (b.geom === null) {
      if (p.geomNull) input.geom = null;
    } else input.geom = loadGeometry(b.geom, layer, p);
  }
  if (b.fields !== undefined && b.fields !== null) {
    if (typeof b.fields !== "object" || Array.isArray(b.fields))
      throw new ValidationError("'fields' must be an object.");
    for (const [k, v] of Object.entries(b.fields as Json)) {
      const fd = layer.fields.find((f) => f.keyname === k);
      if (!fd) continue;
      try {
        input.fields[k] = v === null ? null : (loadValue(fd.datatype, v) as FieldValue);
      } catch (err) {
        if (err instanceof FieldValueError)
          throw new ValidationError(`Field '${k}': ${err.message}`);
        throw err;
      }
    }
  }
  return input;
}

/** The `extensions` object of a body item, if any. */
export function extensionsOf(body: unknown): Json | null {
  if (typeof body !== "object" || body === null) return null;
  const e = (body as Json).extensions;
  return typeof e === "object" && e !== null && !Array.isArray(e) ? (e as Json) : null;
}
