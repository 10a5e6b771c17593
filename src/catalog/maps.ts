/**
 * @module The catalog's one map model. A "map" is an ordered set of styled layers with an extent
 * and basemaps, whatever face made it: an NGW `webmap` or a GeoServer layer group
 * (`geoserver_layergroup`, DESIGN.md's mapping table). The web UI's display page, GeoNode's
 * `maps` and QGIS-style projects all read maps through `listMaps` and `openMap`, so the ACL and
 * the ordering rules live here once.
 *
 * Ordering: `layers` is in DRAWING order, bottom first (painter's order, as MapLibre style
 * layers, WMS `LAYERS=` and GeoServer's publishables list them). For a webmap that is the layer
 * tree read bottom-up (NGW draws the first tree item on top), or, with `drawOrderEnabled`, the
 * items by descending `draw_order_position` (position 1 is the top, as in NGW's display);
 * items without a position go to the bottom. `tree` keeps the tree as an NGW layer panel shows
 * it (first item on top).
 *
 * ACL: the actor needs resource.read on the map. A layer is left out (as NGW's display_config
 * does) unless the actor has data.read on its style and on its layer; groups left empty by that
 * are left out of `tree` too. Basemaps the actor cannot read are left out.
 *
 * `webmap.display` (seed 002's "Open" permission, NGW ≤ 4.8): NGW ≥ 4.9 dropped it and opens a
 * web map with resource.read alone, which gisd follows; but an ACL rule that explicitly DENIES
 * webmap.display (as a 4.x-era ACL may hold) still closes the map to that principal, in both
 * listMaps and openMap. GET /api/resource/{id} is unaffected, as in NGW.
 *
 * This file is the public face (types, listMaps, openMap, mapDataExtent); the reader of each
 * kind of map lives in maps/ (webmap.ts, layergroup.ts).
 */

import type { BBox } from "../geo/geometry/types.ts";
import { reprojectBBox } from "../geo/srs/index.ts";
import { type AclRule, type Actor, SYSTEM } from "./acl.ts";
import { InsufficientPermissions, ResourceNotFound } from "./errors.ts";
import type { Catalog } from "./index.ts";
import { summarize } from "./maps/common.ts";
import { openLayerGroup } from "./maps/layergroup.ts";
import { openWebmap } from "./maps/webmap.ts";
import type { ResourceRow } from "./resource-row.ts";

export { mapExtent } from "./maps/common.ts";

/** The resource classes that are maps. */
export const MAP_CLASSES = ["webmap", "geoserver_layergroup"] as const;
export type MapKind = (typeof MAP_CLASSES)[number];

export interface MapSummary {
  /** The map's resource id (GET /api/resource/{id}). */
  id: number;
  kind: MapKind;
  /** webmap.title, else the layer group's title, else the display name. */
  title: string;
  displayName: string;
  keyname: string | null;
  description: string | null;
  parentId: number;
  ownerUserId: number;
  creationDate: string;
  /** Bumps on every change of the map (or of a style it lost); use it in cache keys. */
  version: number;
}

export interface MapExtent {
  /** [west, south, east, north], EPSG:4326 degrees, longitude first. */
  wgs84: BBox;
  /** The same box in EPSG:3857 metres (latitudes clamped to ±85.06°). */
  webMercator: BBox;
}

export interface MapLayer {
  /** Stable within one version of the map: the item's path of indices ("2.0.1"). */
  key: string;
  title: string;
  /** The data resource drawn: vector_layer, raster_layer, … */
  layerId: number;
  layerCls: string;
  /**
   * A style resource that /api/component/render draws (qgis_vector_style, raster_style, …), or
   * null: draw the layer itself (render accepts a layer id and uses its default style).
   */
  styleId: number | null;
  /**
   * Layer groups only: the SLD style (`geoserver_style` resource) the group names for this
   * layer, for consumers that speak SLD (GeoServer, GeoNode). `styleId` is then its NGW mirror
   * when one exists (the layer's synced default style), else null.
   */
  sldStyleId?: number;
  /** 0..1 (1 when the map does not say). */
  opacity: number;
  /** Checked when the map opens. */
  visible: boolean;
  identifiable: boolean;
  /** Scale range as NGW stores it (1:N); null bounds are open. */
  minScaleDenom: number | null;
  maxScaleDenom: number | null;
  /** NGW's layer_adapter: "image" (one picture per view) or "tile" (XYZ tiles). */
  adapter: "image" | "tile";
  /** Titles of the enclosing groups, outermost first ([] at the top level). */
  groupPath: string[];
  /** Keys of the enclosing groups, outermost first (titles need not be unique). */
  groupKeys: string[];
  /** Web maps only: the stored item's id (NGW's display_config ids); changes on every save. */
  itemId?: number;
}

/** One node of the layer tree, first item on top (the order of NGW's layer panel). */
export type MapTreeNode =
  | {
      type: "group";
      key: string;
      title: string;
      expanded: boolean;
      visible: boolean;
      /** At most one child visible at a time (radio buttons). */
      exclusive: boolean;
      children: MapTreeNode[];
    }
  | { type: "layer"; key: string };

export interface MapBasemap {
  /** The basemap_layer resource. */
  resourceId: number;
  title: string;
  /** XYZ URL template with {z}/{x}/{y} (the browser fetches it, gisd does not). */
  url: string;
  qms: string | null;
  /** Offered in the basemap chooser (NGW's "enabled"). */
  enabled: boolean;
  opacity: number | null;
  copyrightText: string | null;
  copyrightUrl: string | null;
  zMin: number | null;
  zMax: number | null;
}

export interface MapDescription extends MapSummary {
  /** Where the map opens; null when the map has none (show the layers' extent). */
  extent: MapExtent | null;
  /** The map may not be panned outside this box; null when unconstrained. */
  constrainingExtent: MapExtent | null;
  /** Drawing order, bottom first (see the module comment). */
  layers: MapLayer[];
  tree: MapTreeNode[];
  basemaps: MapBasemap[];
  /** rrggbb or null. */
  backgroundColor: string | null;
  drawOrderEnabled: boolean;
  /** Vector layer whose features are the map's bookmarks; null when none or unreadable. */
  bookmarkLayerId: number | null;
  /** EPSG code for measurements; null means the client's default. */
  measureSrsId: number | null;
}

/** Maps the actor can read, in the order NGW lists siblings (by title). */
export async function listMaps(catalog: Catalog, actor: Actor): Promise<MapSummary[]> {
  const found = await catalog.search(actor, {
    where: [{ column: "cls", op: "in", value: [...MAP_CLASSES] }],
    resmeta: [],
  });
  const out: MapSummary[] = [];
  for (const { row } of found)
    if (await displayable(catalog, actor, row)) out.push(await summarize(catalog, row));
  return out.sort((a, b) => a.title.localeCompare(b.title) || a.id - b.id);
}

/**
 * One map as the actor may see it; 404 unless it is a map, 403 without resource.read (or with
 * webmap.display denied).
 */
export async function openMap(catalog: Catalog, actor: Actor, id: number): Promise<MapDescription> {
  const { row } = await catalog.resources.require(actor, id, "resource.read");
  if (!(await displayable(catalog, actor, row)))
    throw new InsufficientPermissions(id, "webmap", "display");
  if (row.cls === "webmap") return openWebmap(catalog, actor, row);
  if (row.cls === "geoserver_layergroup") return openLayerGroup(catalog, actor, row);
  throw new ResourceNotFound(id);
}

/**
 * False only when a rule denies webmap.display: the ACL is evaluated with one extra rule at the
 * root allowing display to everyone, so only a deny (which always wins) can take it away.
 */
async function displayable(catalog: Catalog, actor: Actor, row: ResourceRow): Promise<boolean> {
  if (row.cls !== "webmap") return true;
  const chain = await catalog.access.chain(row.id);
  const root = chain[0];
  if (!root) return false;
  const grant: AclRule = {
    action: "allow",
    principalId: SYSTEM.everyone,
    identity: "",
    scope: "webmap",
    permission: "display",
    propagate: true,
  };
  const widened = [{ ...root, acl: [...root.acl, grant] }, ...chain.slice(1)];
  return catalog.access.evaluate(actor, widened).at(-1)?.has("webmap.display") === true;
}

/**
 * The union of the data extents of the layers the actor may see in a map, in EPSG:4326
 * (NGW's /api/resource/{id}/webmap/extent); null when no visible layer has data.
 */
export async function mapDataExtent(
  catalog: Catalog,
  actor: Actor,
  id: number,
): Promise<BBox | null> {
  const map = await openMap(catalog, actor, id);
  let out: BBox | null = null;
  for (const layerId of new Set(map.layers.map((l) => l.layerId))) {
    const box = await layerBox(catalog, layerId);
    if (!box) continue;
    out = out
      ? [
          Math.min(out[0], box[0]),
          Math.min(out[1], box[1]),
          Math.max(out[2], box[2]),
          Math.max(out[3], box[3]),
        ]
      : box;
  }
  return out;
}

/** A layer's data extent in EPSG:4326, without ACL (the caller filtered); null when unknown. */
async function layerBox(catalog: Catalog, id: number): Promise<BBox | null> {
  const row = await catalog.resources.row(id);
  const cls = row && catalog.classes.get(row.cls);
  if (!row || !cls) return null;
  try {
    let r: { bbox: BBox; srs: number } | null = null;
    if (cls.bbox) r = await cls.bbox(catalog.deps, row);
    else if (cls.featureSource) {
      const source = await cls.featureSource(catalog.deps, row);
      const bbox = await source.extent();
      r = bbox ? { bbox, srs: (await source.info()).srs } : null;
    }
    if (!r) return null;
    return r.srs === 4326 ? r.bbox : reprojectBBox(r.bbox, r.srs, 4326);
  } catch {
    // A layer whose extent cannot be computed or transformed does not widen the map.
    return null;
  }
}
