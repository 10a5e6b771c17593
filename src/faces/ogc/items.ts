/**
 * @module Features of a collection (Part 1 §7.15–7.16, Part 2): paging with limit/offset and
 * next/prev links, bbox in any offered CRS, output in CRS84/EPSG with the CRS's own axis order,
 * equality filters on fields. Data comes only through the catalog's FeatureSource.
 */

import type { Context } from "hono";
import { FeatureLayers, type OpenLayer } from "../../catalog/features.ts";
import { featureJson } from "../../geo/formats/geojson-writer.ts";
import type { BBox, Geometry, Position } from "../../geo/geometry/types.ts";
import { mapPositions } from "../../geo/geometry/types.ts";
import type { Feature, FeatureQuery } from "../../geo/sources/feature-source.ts";
import { isGeographic, reprojectBBox, reprojectGeometry } from "../../geo/srs/index.ts";
import type { AppContext, Env } from "../../http/context.ts";
import { baseUrl, checkFormat, collectionId } from "./collections.ts";
import { badRequest, notFound } from "./errors.ts";
import {
  type Crs,
  collectionCrs,
  parseAttrFilters,
  parseBBox,
  parseCrs,
  parseLimit,
  parseOffset,
} from "./params.ts";

const GEOJSON = "application/geo+json";

function swap(g: Geometry): Geometry {
  return mapPositions(g, (p) => [p[1]!, p[0]!, ...p.slice(2)]);
}

/** The feature's geometry in the output CRS; null when it has no image there. */
function outGeometry(f: Feature, layer: OpenLayer, crs: Crs): Geometry | null {
  if (!f.geom || layer.srs <= 0) return null;
  try {
    const g = reprojectGeometry(f.geom, layer.srs, crs.code);
    return crs.latFirst ? swap(g) : g;
  } catch {
    return null;
  }
}

const box = (b: BBox): Position[][] => [
  [
    [b[0], b[1]],
    [b[2], b[1]],
    [b[2], b[3]],
    [b[0], b[3]],
    [b[0], b[1]],
  ],
];

/**
 * The bbox parameter as a query in the layer's SRS (the bbox-crs's axis order undone first). A
 * geographic box whose west edge exceeds its east edge crosses the antimeridian (Part 1
 * §7.15.4): it becomes two boxes tested exactly.
 */
function spatialQuery(b: BBox, bboxCrs: Crs, layer: OpenLayer): FeatureQuery {
  const ll: BBox = bboxCrs.latFirst ? [b[1], b[0], b[3], b[2]] : b;
  if (ll[1] > ll[3]) throw badRequest("bbox: the lower corner must not be above the upper one.");
  if (ll[0] <= ll[2]) return { bbox: reprojectBBox(ll, bboxCrs.code, layer.srs) };
  if (!isGeographic(bboxCrs.code))
    throw badRequest("bbox: the lower corner must not be right of the upper one.");
  const west = reprojectBBox([ll[0], ll[1], 180, ll[3]], bboxCrs.code, layer.srs);
  const east = reprojectBBox([-180, ll[1], ll[2], ll[3]], bboxCrs.code, layer.srs);
  return { intersects: { type: "MultiPolygon", coordinates: [box(west), box(east)] } };
}

function pageLink(url: URL, offset: number, rel: string) {
  const u = new URL(url);
  u.searchParams.set("offset", String(offset));
  return { href: u.toString(), rel, type: GEOJSON };
}

export function itemHandlers(app: AppContext) {
  const layers = new FeatureLayers(app.catalog);
  return {
    async items(c: Context<Env>) {
      checkFormat(c);
      const layer = await layers.open(c.get("actor"), collectionId(c.req.param("cid")));
      const query = c.req.query();
      const allowed = collectionCrs(layer.srs);
      const crs = parseCrs(query.crs, allowed, "crs");
      const bboxCrs = parseCrs(query["bbox-crs"], allowed, "bbox-crs");
      const limit = parseLimit(query.limit);
      const offset = parseOffset(query.offset);
      const bbox = parseBBox(query.bbox);
      const q: FeatureQuery = { filter: parseAttrFilters(query, layer.fields) };
      if (bbox && layer.srs > 0) Object.assign(q, spatialQuery(bbox, bboxCrs, layer));
      // A layer without geometries matches no box: answer empty instead of asking the store.
      const empty = bbox !== undefined && layer.srs <= 0;
      const matched = empty ? 0 : await layer.source.count(q);
      const parts: string[] = [];
      if (!empty) {
        for await (const f of layer.source.query({ ...q, limit, offset, signal: c.req.raw.signal }))
          parts.push(featureJson({ ...f, geom: outGeometry(f, layer, crs) }, {}));
      }
      const url = new URL(c.req.url);
      const links: unknown[] = [{ href: url.toString(), rel: "self", type: GEOJSON }];
      if (offset + parts.length < matched) links.push(pageLink(url, offset + limit, "next"));
      if (offset > 0) links.push(pageLink(url, Math.max(0, offset - limit), "prev"));
      links.push({
        href: `${baseUrl(c)}/collections/${layer.row.id}`,
        rel: "collection",
        type: "application/json",
      });
      const head = {
        type: "FeatureCollection",
        numberMatched: matched,
        numberReturned: parts.length,
        timeStamp: new Date().toISOString(),
        links,
      };
      const text = `${JSON.stringify(head).slice(0, -1)},"features":[${parts.join(",")}]}`;
      return c.body(text, 200, { "Content-Type": GEOJSON, "Content-Crs": `<${crs.uri}>` });
    },

    async item(c: Context<Env>) {
      checkFormat(c);
      const layer = await layers.open(c.get("actor"), collectionId(c.req.param("cid")));
      const raw = c.req.param("fid") ?? "";
      const query = c.req.query();
      const crs = parseCrs(query.crs, collectionCrs(layer.srs), "crs");
      if (!/^\d{1,15}$/.test(raw)) throw notFound(`Feature "${raw.slice(0, 50)}" not found.`);
      let found: Feature | undefined;
      for await (const f of layer.source.query({ fids: [Number(raw)], limit: 1 })) found = f;
      if (!found) throw notFound(`Feature ${raw} not found.`);
      const href = `${baseUrl(c)}/collections/${layer.row.id}`;
      const links = [
        { href: `${href}/items/${found.id}`, rel: "self", type: GEOJSON },
        { href, rel: "collection", type: "application/json" },
      ];
      const text = featureJson({ ...found, geom: outGeometry(found, layer, crs) }, {});
      return c.body(`${text.slice(0, -1)},"links":${JSON.stringify(links)}}`, 200, {
        "Content-Type": GEOJSON,
        "Content-Crs": `<${crs.uri}>`,
      });
    },
  };
}
