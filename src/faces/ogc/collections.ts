/**
 * @module Landing page, conformance and collection documents of OGC API – Features. A
 * collection is a feature layer the actor may read data from; its id is the resource id.
 */
import type { Context } from "hono";
import type { Actor } from "../../catalog/acl.ts";
import { FeatureLayers, type OpenLayer } from "../../catalog/features.ts";
import { reprojectBBox } from "../../geo/srs/index.ts";
import type { AppContext, Env } from "../../http/context.ts";
import { badRequest, notFound } from "./errors.ts";
import { openApi } from "./openapi.ts";
import { CRS84, collectionCrs, epsgUri } from "./params.ts";

export const CONFORMANCE = [
  "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
  "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
  "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
  "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
];

const JSON_TYPE = "application/json";
const GEOJSON = "application/geo+json";

/** The face's absolute base URL, taken from the request so links work behind any port. */
export function baseUrl(c: Context<Env>): string {
  return `${new URL(c.req.url).origin}/ogcapi`;
}

/** Only JSON is served; f=html and friends are a 400 rather than a wrong body. */
export function checkFormat(c: Context<Env>): void {
  const f = c.req.query("f");
  if (f !== undefined && !["json", "geojson", "application/json", GEOJSON].includes(f))
    throw badRequest(`Unsupported format "${f.slice(0, 50)}"; only json is served.`);
}

/** A collection id is a resource id; anything else names no collection. */
export function collectionId(raw: string | undefined): number {
  if (!raw || !/^\d{1,12}$/.test(raw))
    throw notFound(`Collection "${raw?.slice(0, 50)}" not found.`);
  return Number(raw);
}

export async function collectionDoc(base: string, layer: OpenLayer) {
  const id = String(layer.row.id);
  const href = `${base}/collections/${id}`;
  let bbox: number[] | null = null;
  if (layer.srs > 0) {
    const ext = await layer.source.extent();
    if (ext) {
      try {
        bbox = reprojectBBox(ext, layer.srs, 4326);
      } catch {
        bbox = null; // no image in CRS84: leave the extent out rather than fail the listing
      }
    }
  }
  return {
    id,
    title: layer.row.displayName,
    ...(layer.row.description ? { description: layer.row.description } : {}),
    itemType: "feature",
    ...(bbox ? { extent: { spatial: { bbox: [bbox], crs: CRS84 } } } : {}),
    crs: collectionCrs(layer.srs),
    ...(layer.srs > 0 ? { storageCrs: epsgUri(layer.srs) } : {}),
    links: [
      { href, rel: "self", type: JSON_TYPE, title: "This collection" },
      { href: `${href}/items`, rel: "items", type: GEOJSON, title: "Features" },
    ],
  };
}

/** Ids of every feature layer the actor may read data from, in id order. */
async function readableLayers(app: AppContext, actor: Actor): Promise<number[]> {
  const classes = app.catalog.classes
    .all()
    .filter((k) => k.featureSource && k.interfaces.includes("IFeatureLayer"))
    .map((k) => k.identity);
  if (classes.length === 0) return [];
  const rows = await app.catalog.search(actor, {
    where: [{ column: "cls", op: "in", value: classes }],
    resmeta: [],
    order: [{ column: "id", desc: false }],
  });
  return rows.filter((r) => r.perms.has("data.read")).map((r) => r.row.id);
}

export function collectionHandlers(app: AppContext) {
  const layers = new FeatureLayers(app.catalog);
  return {
    async landing(c: Context<Env>) {
      checkFormat(c);
      const base = baseUrl(c);
      return c.json({
        title: "gisd",
        description: "OGC API – Features over the gisd catalog",
        links: [
          { href: `${base}/`, rel: "self", type: JSON_TYPE, title: "This document" },
          {
            href: `${base}/api`,
            rel: "service-desc",
            type: "application/vnd.oai.openapi+json;version=3.0",
            title: "OpenAPI definition",
          },
          {
            href: `${base}/conformance`,
            rel: "conformance",
            type: JSON_TYPE,
            title: "Conformance",
          },
          { href: `${base}/collections`, rel: "data", type: JSON_TYPE, title: "Collections" },
        ],
      });
    },

    api(c: Context<Env>) {
      checkFormat(c);
      return c.json(openApi(baseUrl(c), app.version), 200, {
        "Content-Type": "application/vnd.oai.openapi+json;version=3.0",
      });
    },

    conformance(c: Context<Env>) {
      checkFormat(c);
      return c.json({ conformsTo: CONFORMANCE });
    },

    async collections(c: Context<Env>) {
      checkFormat(c);
      const base = baseUrl(c);
      const actor = c.get("actor");
      const docs = [];
      for (const id of await readableLayers(app, actor)) {
        // A layer whose store cannot be opened is left out; the rest of the list still serves.
        const layer = await layers.open(actor, id).catch(() => null);
        if (layer) docs.push(await collectionDoc(base, layer));
      }
      return c.json({
        links: [{ href: `${base}/collections`, rel: "self", type: JSON_TYPE }],
        collections: docs,
        crs: [CRS84, epsgUri(4326), epsgUri(3857)],
      });
    },

    async collection(c: Context<Env>) {
      checkFormat(c);
      const layer = await layers.open(c.get("actor"), collectionId(c.req.param("cid")));
      return c.json(await collectionDoc(baseUrl(c), layer));
    },
  };
}
