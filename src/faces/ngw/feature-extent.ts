/**
 * @module NGW feature counts and extents (reference/ngw.md §2.3): feature_count (total always
 * unfiltered, filtered_count when filters are given), the layer extent and the filtered
 * feature_extent in EPSG:4326, one feature's extent and geometry_info.
 */
import type { Context } from "hono";
import { FeatureNotFound } from "../../catalog/errors.ts";
import { FeatureLayers, type OpenLayer } from "../../catalog/features.ts";
import { bboxOf } from "../../geo/geometry/bbox.ts";
import { area, geodesicArea, geodesicLength, length } from "../../geo/geometry/measure.ts";
import type { BBox, Geometry } from "../../geo/geometry/types.ts";
import { reprojectBBox, reprojectGeometry } from "../../geo/srs/index.ts";
import type { AppContext, Env } from "../../http/context.ts";
import { featureId, guarded, optionalBody } from "./feature.ts";
import { filterQuery, queryOf, srsParam } from "./feature-params.ts";
import { resourceId } from "./params.ts";

type C = Context<Env>;

const NULL_EXTENT = { minLon: null, minLat: null, maxLon: null, maxLat: null };

/** A bbox in the layer SRS as NGW's lon/lat extent object. */
function lonLat(srs: number, b: BBox | null) {
  if (!b) return null;
  const [minLon, minLat, maxLon, maxLat] = srs && srs !== 4326 ? reprojectBBox(b, srs, 4326) : b;
  return { minLon, minLat, maxLon, maxLat };
}

export function featureExtentHandlers(app: AppContext) {
  const layers = new FeatureLayers(app.catalog);
  const max = app.config.maxJsonBody;

  async function oneGeometry(layer: OpenLayer, fid: number): Promise<Geometry | null> {
    for await (const f of layer.source.query({ fids: [fid], limit: 1, fields: [] })) return f.geom;
    throw new FeatureNotFound(layer.row.id, fid);
  }

  return guarded({
    async count(c: C) {
      const layer = await layers.open(c.get("actor"), resourceId(c), "data.read");
      const { query, has } = filterQuery(queryOf(c.req.url), layer, await optionalBody(c, max));
      const out: Record<string, number> = { total_count: await layer.source.count() };
      if (has) out.filtered_count = await layer.source.count(query);
      return c.json(out);
    },

    /** layer.extent: {"extent": {minLon, minLat, maxLon, maxLat}} of all features. */
    async layerExtent(c: C) {
      const r = await layers.layerBBox(c.get("actor"), resourceId(c));
      return c.json({ extent: (r && lonLat(r.srs, r.bbox)) ?? NULL_EXTENT });
    },

    /** feature_extent: the extent of filtered features, without a wrapper. */
    async featureExtent(c: C) {
      const layer = await layers.open(c.get("actor"), resourceId(c), "data.read");
      const { query } = filterQuery(queryOf(c.req.url), layer, await optionalBody(c, max));
      return c.json(lonLat(layer.srs, await layer.source.extent(query)) ?? NULL_EXTENT);
    },

    async itemExtent(c: C) {
      const id = resourceId(c);
      const fid = featureId(c, id);
      const layer = await layers.open(c.get("actor"), id, "data.read");
      const g = await oneGeometry(layer, fid);
      return c.json({ extent: lonLat(layer.srs, g ? bboxOf(g) : null) });
    },

    /** Type, area and length (planar in the SRS; geodesic for 4326) and the extent in it. */
    async geometryInfo(c: C) {
      const id = resourceId(c);
      const fid = featureId(c, id);
      const layer = await layers.open(c.get("actor"), id, "data.read");
      const srs = srsParam(queryOf(c.req.url)) ?? 3857;
      const stored = await oneGeometry(layer, fid);
      if (!stored) return c.json(null);
      const g = layer.srs && srs !== layer.srs ? reprojectGeometry(stored, layer.srs, srs) : stored;
      const b = bboxOf(g);
      const geo = srs === 4326;
      const isPoint = g.type === "Point" || g.type === "MultiPoint";
      const isLine = g.type === "LineString" || g.type === "MultiLineString";
      return c.json({
        type: g.type,
        area: isPoint || isLine ? null : geo ? geodesicArea(g) : area(g),
        length: isPoint ? null : geo ? geodesicLength(g) : length(g),
        extent: b ? { minX: b[0], minY: b[1], maxX: b[2], maxY: b[3] } : null,
      });
    },
  });
}
