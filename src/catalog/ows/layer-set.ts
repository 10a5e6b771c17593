/**
 * @module The OWS layer set: what one OGC endpoint publishes, as plain values every OGC service
 * (WMS, WFS, and anything later) reads the same way. A layer set is built for one actor and one
 * scope and is ALREADY filtered by the ACL: a layer the actor may not read is simply absent, so
 * capabilities never leak it and GetMap/GetFeature on it fail as "unknown layer".
 *
 * Scopes (see `openLayerSet` in ./index.ts):
 *  - `{ kind: "service", id }`  an NGW `wmsserver_service` / `wfsserver_service` resource; its
 *    layers are named by the service's `keyname`s (NGW's WMS/WFS at /api/resource/{id}/wms|wfs).
 *  - `{ kind: "geoserver", workspace? }`  GeoServer's /geoserver/ows (every published layer as
 *    `ws:name`, name from catalog/geoserver publishedName) or /geoserver/{ws}/ows (that
 *    workspace's layers under bare names, as GeoServer's virtual services list them; `ws:name`
 *    is accepted on lookup, and `layer.namespace` keeps the workspace for WFS type names).
 *  - `{ kind: "catalog" }`  every readable style/layer of the catalog (management `/qgis/`
 *    without MAP): a style is named by its keyname or `style_<id>`, a layer `layer_<id>`.
 *  - `{ kind: "provider", provider, name }`  a pluggable provider registered with
 *    `registerLayerSetProvider` (QGIS projects: provider "project", name = MAP).
 *
 * Drawing goes through `set.render(...)`, which for catalog layers calls the catalog render
 * functions (catalog/render: ACL, cache, worker pool), never Skia directly; providers bring their
 * own `render` (projects draw in their worker pool). Features come from `layer.source()`.
 *
 * The WFS face takes a `WfsService` (faces/ows/wfs/service.ts); the OWS dispatcher
 * (faces/ows/index.ts) builds it from a layer set with `wfsServiceOf` and calls
 *   `serveWfs({ catalog, actor, signal }, service, { params, body })`
 * where params are the KVP with upper-cased keys and body the POST bytes.
 */
import type { BBox } from "../../geo/geometry/types.ts";
import type { Rendered } from "../../geo/render/index.ts";
import type { View } from "../../geo/render/view.ts";
import type { FeatureSource } from "../../geo/sources/feature-source.ts";
import type { Style } from "../../geo/style/model.ts";
import type { Actor } from "../acl.ts";
import type { Catalog } from "../index.ts";

/** One style a layer can be drawn with (WMS STYLES=name). The first of a layer's is the default. */
export interface OwsStyle {
  /** The STYLES= value and capabilities <Name>. */
  name: string;
  title: string;
  /** A catalog style (or layer, for its default style) resource drawn by catalog/render. */
  resourceId?: number;
  /** Or a style model drawn over the layer's data (GeoServer SLD styles, project QML styles). */
  model?: () => Promise<Style>;
}

export interface OwsLayer {
  /** The name clients use: keyname, `ws:name`, or a project layer name. */
  name: string;
  title: string;
  abstract: string;
  keywords: string[];
  kind: "vector" | "raster";
  /** Native EPSG code of the data (0 when unknown). */
  srs: number;
  /** Extent in EPSG:4326 as [west, south, east, north]; null when the layer has no data. */
  wgs84: BBox | null;
  styles: OwsStyle[];
  /** Scale denominators outside which the layer is not drawn (NGW min/max_scale_denom). */
  minScale: number | null;
  maxScale: number | null;
  /** GetFeatureInfo answers for it (vector layers). */
  queryable: boolean;
  /** The catalog data layer (vector_layer, postgis_layer, raster_layer) behind it, if any. */
  resourceId?: number;
  /** The layer's own XML namespace when it differs from the set's (GeoServer workspaces). */
  namespace?: { prefix: string; uri: string };
  /** Per-layer cap on features returned by WFS (NGW wfsserver_service maxfeatures). */
  maxFeatures?: number | null;
  /** The layer's features (vector layers), opened for the set's actor. */
  source(): Promise<FeatureSource>;
}

/** One layer of a GetMap, bottom first, with the style to draw it in. */
export interface DrawPart {
  layer: OwsLayer;
  /** A style of the layer, or an ad hoc model (SLD_BODY). */
  style: OwsStyle | { adhoc: Style };
}

export interface OwsLayerSet {
  scope: OwsScope;
  /** Whose view of the catalog this is (the ACL already applied). */
  actor: Actor;
  title: string;
  abstract: string;
  keywords: string[];
  /** XML namespace of the type names (WFS): NGW "ngw", GeoServer the workspace's, projects "qgs". */
  namespace: { prefix: string; uri: string };
  layers: OwsLayer[];
  /** Draws the parts bottom first into a view (EPSG:3857 extent); transparent background. */
  render(parts: DrawPart[], view: View, signal?: AbortSignal): Promise<Rendered>;
  /** A legend image (PNG) of one layer in one style. */
  legend(layer: OwsLayer, style: OwsStyle): Promise<Uint8Array>;
}

export type OwsScope =
  | { kind: "service"; id: number; service: "wms" | "wfs" }
  | { kind: "geoserver"; workspace?: string }
  | { kind: "catalog" }
  | { kind: "provider"; provider: string; name: string };

/**
 * A provider of layer sets outside the catalog tree (QGIS projects). It gets the actor and the
 * name (MAP=…), checks its own access, and throws a CatalogError (404 NotFound, 422 Validation)
 * for names it does not know.
 */
export type LayerSetProvider = (
  catalog: Catalog,
  actor: Actor,
  name: string,
) => Promise<OwsLayerSet>;

/** The layer a request names: exact name, or the local part of `prefix:name` when unambiguous. */
export function findLayer(set: OwsLayerSet, name: string): OwsLayer | undefined {
  const exact = set.layers.find((l) => l.name === name);
  if (exact) return exact;
  const local = name.includes(":") ? name.slice(name.indexOf(":") + 1) : name;
  const hits = set.layers.filter(
    (l) => l.name === local || l.name.slice(l.name.indexOf(":") + 1) === local,
  );
  return hits.length === 1 ? hits[0] : undefined;
}
