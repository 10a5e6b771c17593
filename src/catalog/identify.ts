/**
 * @module Identify by geometry (NGW's feature_layer.identify, reference/ngw.md §2.3): the
 * features of several layers that intersect a WKT geometry, at most 100 per layer, each layer
 * checked for data.read on its own so one forbidden layer does not fail the whole request.
 */
import { GeometryError } from "../geo/geometry/errors.ts";
import type { Geometry } from "../geo/geometry/types.ts";
import { parseWkt } from "../geo/geometry/wkt.ts";
import type { FieldValue } from "../geo/sources/feature-source.ts";
import { hasSrs, reprojectGeometry } from "../geo/srs/index.ts";
import type { Actor } from "./acl.ts";
import { ValidationError } from "./errors.ts";
import { FeatureLayers } from "./features.ts";
import type { Catalog } from "./index.ts";

/** NGW limits identify to 100 features per layer so the answer stays small. */
export const IDENTIFY_LIMIT = 100;
const MAX_LAYERS = 1000;

export interface IdentifyFeature {
  id: number;
  layerId: number;
  label: string;
  fields: Record<string, FieldValue>;
  parent?: string;
}

export type LayerResult =
  | { features: IdentifyFeature[]; featureCount: number }
  | { error: "Forbidden" | "Not implemented" };

export interface IdentifyRequest {
  geom: Geometry;
  srs: number;
  layers: number[];
}

/** Validates NGW's body {geom: WKT, srs: int, layers: [int]}; every problem is a 422. */
export function parseIdentifyBody(body: unknown): IdentifyRequest {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new ValidationError("A JSON object {geom, srs, layers} was expected.");
  const b = body as Record<string, unknown>;
  if (typeof b.geom !== "string") throw new ValidationError("'geom' must be a WKT string.");
  const srs = typeof b.srs === "string" && /^\d{1,9}$/.test(b.srs) ? Number(b.srs) : b.srs;
  if (typeof srs !== "number" || !Number.isSafeInteger(srs) || !hasSrs(srs))
    throw new ValidationError("'srs' must be a known EPSG code.");
  if (!Array.isArray(b.layers) || b.layers.length > MAX_LAYERS)
    throw new ValidationError(`'layers' must be a list of at most ${MAX_LAYERS} resource ids.`);
  const layers = b.layers.map((v) => {
    const n = typeof v === "string" && /^\d{1,15}$/.test(v) ? Number(v) : v;
    if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0)
      throw new ValidationError("'layers' must hold resource ids.");
    return n;
  });
  let geom: Geometry;
  try {
    geom = parseWkt(b.geom);
  } catch (err) {
    if (err instanceof GeometryError || err instanceof Error)
      throw new ValidationError("Geometry is not valid.");
    throw err;
  }
  return { geom, srs, layers: [...new Set(layers)] };
}

/** The query geometry in the layer's SRS; a geometry with no image there is a 422. */
function inLayerSrs(g: Geometry, from: number, to: number): Geometry {
  if (!to || from === to) return g;
  try {
    return reprojectGeometry(g, from, to);
  } catch (err) {
    if (err instanceof GeometryError) throw new ValidationError(err.message);
    throw err;
  }
}

export async function identify(
  catalog: Catalog,
  actor: Actor,
  req: IdentifyRequest,
  signal?: AbortSignal,
): Promise<Record<string, LayerResult | number>> {
  const layers = new FeatureLayers(catalog);
  const out: Record<string, LayerResult | number> = {};
  let total = 0;
  for (const id of req.layers) {
    const row = await catalog.resources.row(id);
    if (!row) continue; // NGW silently leaves out ids that name no resource
    const perms = await catalog.access.permissions(actor, id);
    const cls = catalog.classes.get(row.cls);
    if (!perms.has("data.read")) {
      out[id] = { error: "Forbidden" };
      continue;
    }
    if (!cls?.featureSource || !cls.interfaces.includes("IFeatureLayer")) {
      out[id] = { error: "Not implemented" };
      continue;
    }
    const layer = await layers.open(actor, id, "data.read");
    const geom = inLayerSrs(req.geom, req.srs, layer.srs);
    const labelField = layer.fields.find((f) => f.labelField)?.keyname;
    const parent =
      row.parentId !== null &&
      (await catalog.access.permissions(actor, row.parentId)).has("resource.read")
        ? (await catalog.resources.row(row.parentId))?.displayName
        : undefined;
    const features: IdentifyFeature[] = [];
    for await (const f of layer.source.query({
      intersects: geom,
      limit: IDENTIFY_LIMIT,
      geom: false,
      signal,
    })) {
      const lv = labelField === undefined ? null : f.fields[labelField];
      const item: IdentifyFeature = {
        id: f.id,
        layerId: id,
        label: lv === null || lv === undefined ? `#${f.id}` : String(lv),
        fields: f.fields,
      };
      if (parent !== undefined) item.parent = parent;
      features.push(item);
    }
    out[id] = { features, featureCount: features.length };
    total += features.length;
  }
  out.featureCount = total;
  return out;
}
