/**
 * @module Per-layer facts an OWS layer needs from the catalog: kind, native SRS and the WGS 84
 * extent of a data layer (its class's bbox, or its FeatureSource's extent), and the readable
 * data layer behind a style.
 */
import type { BBox } from "../../geo/geometry/types.ts";
import { reprojectBBox } from "../../geo/srs/index.ts";
import type { Actor } from "../acl.ts";
import { FeatureLayers } from "../features.ts";
import type { Catalog } from "../index.ts";
import { dataRowOf, isRenderable } from "../render/layers.ts";
import type { ResourceRow } from "../resource-row.ts";

export interface LayerFacts {
  data: ResourceRow;
  kind: "vector" | "raster";
  srs: number;
  wgs84: BBox | null;
}

/**
 * The data layer behind a resource (itself, or a style's parent) when the actor may draw it:
 * resource.read and data.read on the resource and on the data layer. null otherwise, or when
 * the resource is not something that can be drawn.
 */
export async function readableData(
  catalog: Catalog,
  actor: Actor,
  row: ResourceRow,
): Promise<LayerFacts | null> {
  const deps = catalog.deps;
  if (!isRenderable(deps, row)) return null;
  const own = await deps.permissions(actor, row.id);
  if (!own.has("resource.read") || !own.has("data.read")) return null;
  const data = await dataRowOf(deps, row).catch(() => null);
  if (!data) return null;
  if (data.id !== row.id) {
    const p = await deps.permissions(actor, data.id);
    if (!p.has("resource.read") || !p.has("data.read")) return null;
  }
  return factsOf(catalog, data);
}

/**
 * Facts per catalog, keyed by layer id and version (edits through gisd bump the version) and
 * kept a minute at most (data changed outside gisd, as in a PostGIS table): every GetMap builds
 * its layer set, and an extent can cost a table scan.
 */
const cache = new WeakMap<object, Map<string, { at: number; facts: LayerFacts | null }>>();
const CACHE_MS = 60_000;
const CACHE_MAX = 2000;

/** Kind, SRS and WGS 84 box of a data layer (no ACL: callers have checked). */
export async function factsOf(catalog: Catalog, data: ResourceRow): Promise<LayerFacts | null> {
  let m = cache.get(catalog);
  if (!m) cache.set(catalog, (m = new Map()));
  const key = `${data.id}.${data.version}`;
  const hit = m.get(key);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.facts && { ...hit.facts, data };
  const facts = await readFacts(catalog, data);
  if (m.size >= CACHE_MAX) m.clear();
  m.set(key, { at: Date.now(), facts });
  return facts;
}

async function readFacts(catalog: Catalog, data: ResourceRow): Promise<LayerFacts | null> {
  const deps = catalog.deps;
  const cls = deps.classes.get(data.cls);
  if (!cls) return null;
  let srs = 0;
  let box: BBox | null = null;
  try {
    if (cls.featureSource) {
      const src = await cls.featureSource(deps, data);
      srs = (await src.info()).srs || 0;
      box = await src.extent();
    } else if (cls.bbox) {
      const b = await cls.bbox(deps, data);
      if (b) [srs, box] = [b.srs, b.bbox];
    } else return null;
  } catch {
    // A layer whose data cannot be read (a broken PostGIS connection) is still listed, boxless.
  }
  return {
    data,
    kind: cls.featureSource ? "vector" : "raster",
    srs,
    wgs84: box && srs ? toWgs84(box, srs) : null,
  };
}

export function toWgs84(b: BBox, srs: number): BBox | null {
  try {
    const w = srs === 4326 ? b : reprojectBBox(b, srs, 4326);
    return w.every(Number.isFinite) ? w : null;
  } catch {
    return null;
  }
}

/** The feature source of a data layer, opened for the actor (data.read checked again). */
export function sourceOf(catalog: Catalog, actor: Actor, id: number) {
  return async () => (await new FeatureLayers(catalog).open(actor, id)).source;
}
