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
 */

import type { BBox } from "../geo/geometry/types.ts";
import { parseCrsName, reprojectBBox } from "../geo/srs/index.ts";
import { type AclRule, type Actor, SYSTEM } from "./acl.ts";
import {
  readBasemapLayer,
  readBasemaps,
  readSettings,
  readTree,
  type TreeItem,
} from "./classes/webmap/store.ts";
import { InsufficientPermissions, ResourceNotFound } from "./errors.ts";
import type { Catalog } from "./index.ts";
import { readExtMany } from "./resource-ext.ts";
import type { ResourceRow } from "./resource-row.ts";

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

async function summarize(catalog: Catalog, row: ResourceRow): Promise<MapSummary> {
  let title = row.displayName;
  if (row.cls === "webmap") {
    title = (await readSettings(catalog.database.client, row.id))?.title ?? title;
  } else {
    const ext = (await readExtMany(catalog.database.client, [row.id], "geoserver")).get(row.id);
    if (typeof ext?.title === "string" && ext.title !== "") title = ext.title;
  }
  return {
    id: row.id,
    kind: row.cls as MapKind,
    title,
    displayName: row.displayName,
    keyname: row.keyname,
    description: row.description,
    parentId: row.parentId ?? 0,
    ownerUserId: row.ownerUserId,
    creationDate: row.creationDate,
    version: row.version,
  };
}

/** An extent in both SRSs from a box in `srs`; null when it cannot be transformed. */
export function mapExtent(box: BBox, srs = 4326): MapExtent | null {
  try {
    const wgs84 = srs === 4326 ? box : reprojectBBox(box, srs, 4326);
    const lat = (v: number) => Math.max(-85.0511287798, Math.min(85.0511287798, v));
    const webMercator = reprojectBBox(
      [wgs84[0], lat(wgs84[1]), wgs84[2], lat(wgs84[3])],
      4326,
      3857,
    );
    return { wgs84: [...wgs84] as BBox, webMercator };
  } catch {
    return null;
  }
}

function wsenExtent(parts: (number | null)[]): MapExtent | null {
  if (parts.length !== 4 || parts.some((p) => p === null)) return null;
  return mapExtent(parts as BBox);
}

/** Permission sets of many resources, fetched once each. */
/** Resource rows by id, fetched once each (a map names the same style many times). */
function rowCache(catalog: Catalog) {
  const memo = new Map<number, Promise<ResourceRow | undefined>>();
  return (id: number) => {
    let p = memo.get(id);
    if (!p) memo.set(id, (p = catalog.resources.row(id)));
    return p;
  };
}

function permsCache(catalog: Catalog, actor: Actor) {
  const memo = new Map<number, Promise<Set<string>>>();
  return (id: number) => {
    let p = memo.get(id);
    if (!p) memo.set(id, (p = catalog.access.permissions(actor, id)));
    return p;
  };
}

async function openWebmap(
  catalog: Catalog,
  actor: Actor,
  row: ResourceRow,
): Promise<MapDescription> {
  const db = catalog.database.client;
  const settings = await readSettings(db, row.id);
  const tree = await readTree(db, row.id);
  const perms = permsCache(catalog, actor);
  const rowOf = rowCache(catalog);
  const layers: (MapLayer & { drawOrderPosition: number | null })[] = [];

  const walk = async (
    items: TreeItem[],
    prefix: string,
    groupPath: string[],
    groupKeys: string[],
  ): Promise<MapTreeNode[]> => {
    const nodes: MapTreeNode[] = [];
    for (const [i, it] of items.entries()) {
      const key = prefix === "" ? String(i) : `${prefix}.${i}`;
      if (it.type === "group") {
        const children = await walk(
          it.children,
          key,
          [...groupPath, it.displayName],
          [...groupKeys, key],
        );
        if (children.length === 0) continue;
        nodes.push({
          type: "group",
          key,
          title: it.displayName,
          expanded: it.expanded,
          visible: it.enabled,
          exclusive: it.exclusive,
          children,
        });
        continue;
      }
      const style = await rowOf(it.styleId);
      if (!style) continue;
      // A style draws its parent layer; other renderables (none yet) would draw themselves.
      const layer =
        style.cls.endsWith("_style") && style.parentId !== null
          ? await rowOf(style.parentId)
          : style;
      if (!layer) continue;
      if (!(await perms(style.id)).has("data.read")) continue;
      if (!(await perms(layer.id)).has("data.read")) continue;
      nodes.push({ type: "layer", key });
      layers.push({
        key,
        title: it.displayName,
        layerId: layer.id,
        layerCls: layer.cls,
        styleId: style.id === layer.id ? null : style.id,
        opacity: it.transparency === null ? 1 : (100 - it.transparency) / 100,
        visible: it.enabled,
        identifiable: it.identifiable,
        minScaleDenom: it.minScaleDenom,
        maxScaleDenom: it.maxScaleDenom,
        adapter: it.adapter,
        groupPath,
        groupKeys,
        ...(it.id === undefined ? {} : { itemId: it.id }),
        drawOrderPosition: it.drawOrderPosition,
      });
    }
    return nodes;
  };
  const nodes = await walk(tree, "", [], []);

  // `layers` holds tree order (top first); drawing order is bottom first.
  const drawOrderEnabled = settings?.drawOrderEnabled === true;
  let ordered = [...layers].reverse();
  if (drawOrderEnabled) {
    const pos = (l: { drawOrderPosition: number | null }) =>
      l.drawOrderPosition ?? Number.MAX_SAFE_INTEGER;
    // Stable sort: equal positions keep tree order (first on top).
    ordered = layers
      .map((l, i) => ({ l, i }))
      .sort((a, b) => pos(a.l) - pos(b.l) || a.i - b.i)
      .map((x) => x.l)
      .reverse();
  }

  const basemaps: MapBasemap[] = [];
  for (const b of await readBasemaps(db, row.id)) {
    if (!(await perms(b.resourceId)).has("data.read")) continue;
    const data = await readBasemapLayer(db, b.resourceId);
    if (!data) continue;
    basemaps.push({
      resourceId: b.resourceId,
      title: b.displayName,
      url: data.url,
      qms: data.qms,
      enabled: b.enabled,
      opacity: b.opacity,
      copyrightText: data.copyrightText,
      copyrightUrl: data.copyrightUrl,
      zMin: data.zMin,
      zMax: data.zMax,
    });
  }

  const bookmark = settings?.bookmarkResourceId ?? null;
  return {
    ...(await summarize(catalog, row)),
    extent: settings ? wsenExtent(settings.initialExtent) : null,
    constrainingExtent: settings ? wsenExtent(settings.constrainingExtent) : null,
    layers: ordered.map(({ drawOrderPosition: _, ...l }) => l),
    tree: nodes,
    basemaps,
    backgroundColor: settings?.backgroundColor ?? null,
    drawOrderEnabled,
    bookmarkLayerId:
      bookmark !== null && (await perms(bookmark)).has("resource.read") ? bookmark : null,
    measureSrsId: settings?.measureSrsId ?? null,
  };
}

interface GroupExt {
  title?: unknown;
  publishables?: { type: "layer" | "layerGroup"; id: number }[];
  styleRefs?: ({ builtin: string } | { id: number } | null)[];
  bounds?: { minx: number; miny: number; maxx: number; maxy: number; crs: string };
}

/**
 * A GeoServer layer group as a map: publishables in order (GeoServer draws the first at the
 * bottom), nested groups flattened into group paths, styles from the group's style list (a
 * stored SLD style by id; a built-in or empty entry means the layer's default style).
 */
async function openLayerGroup(
  catalog: Catalog,
  actor: Actor,
  row: ResourceRow,
): Promise<MapDescription> {
  const db = catalog.database.client;
  const perms = permsCache(catalog, actor);
  const layers: MapLayer[] = [];
  const seen = new Set<number>();

  const walk = async (
    groupId: number,
    prefix: string,
    groupPath: string[],
    groupKeys: string[],
  ): Promise<MapTreeNode[]> => {
    seen.add(groupId);
    const ext = ((await readExtMany(db, [groupId], "geoserver")).get(groupId) ?? {}) as GroupExt;
    const pubs = ext.publishables ?? [];
    const nodes: MapTreeNode[] = [];
    for (const [i, p] of pubs.entries()) {
      const key = prefix === "" ? String(i) : `${prefix}.${i}`;
      const member = await catalog.resources.row(p.id);
      if (!member || !(await perms(member.id)).has("resource.read")) continue;
      if (p.type === "layerGroup") {
        if (seen.has(member.id)) continue;
        const sub = ((await readExtMany(db, [member.id], "geoserver")).get(member.id) ??
          {}) as GroupExt;
        const title = typeof sub.title === "string" && sub.title ? sub.title : member.displayName;
        const children = await walk(member.id, key, [...groupPath, title], [...groupKeys, key]);
        if (children.length > 0)
          nodes.push({
            type: "group",
            key,
            title,
            expanded: true,
            visible: true,
            exclusive: false,
            children,
          });
        continue;
      }
      if (!(await perms(member.id)).has("data.read")) continue;
      const ref = ext.styleRefs?.[i] ?? null;
      const sld = ref && "id" in ref ? ref.id : undefined;
      if (sld !== undefined && !(await perms(sld)).has("resource.read")) continue;
      nodes.push({ type: "layer", key });
      layers.push({
        key,
        title: member.displayName,
        layerId: member.id,
        layerCls: member.cls,
        styleId: sld === undefined ? null : await syncedStyle(catalog, member.id, sld),
        ...(sld === undefined ? {} : { sldStyleId: sld }),
        opacity: 1,
        visible: true,
        identifiable: true,
        minScaleDenom: null,
        maxScaleDenom: null,
        adapter: "image",
        groupPath,
        groupKeys,
      });
    }
    return nodes;
  };
  const nodes = await walk(row.id, "", [], []);

  const ext = ((await readExtMany(db, [row.id], "geoserver")).get(row.id) ?? {}) as GroupExt;
  let extent: MapExtent | null = null;
  const b = ext.bounds;
  if (b && [b.minx, b.miny, b.maxx, b.maxy].every(Number.isFinite)) {
    extent = mapExtent([b.minx, b.miny, b.maxx, b.maxy], parseCrsName(b.crs) ?? 4326);
  }
  return {
    ...(await summarize(catalog, row)),
    extent,
    constrainingExtent: null,
    layers,
    // The tree is top first; GeoServer lists bottom first.
    tree: reverseTree(nodes),
    basemaps: [],
    backgroundColor: null,
    drawOrderEnabled: false,
    bookmarkLayerId: null,
    measureSrsId: null,
  };
}

/**
 * The NGW style the GeoServer mapping made from an SLD style under this layer ("synced-style"
 * ext, see GeoServerCatalog.syncDefaultStyle), so the render API can draw what the group names.
 */
async function syncedStyle(
  catalog: Catalog,
  layerId: number,
  sldId: number,
): Promise<number | null> {
  const res = await catalog.database.client.execute({
    sql: "SELECT id FROM resource WHERE parent_id = ? AND cls LIKE '%style'",
    args: [layerId],
  });
  const ids = res.rows.map((r) => Number(r.id));
  const exts = await readExtMany(catalog.database.client, ids, "geoserver");
  for (const id of ids) {
    const e = exts.get(id);
    if (e?.kind === "synced-style" && e.style === sldId) return id;
  }
  return null;
}

function reverseTree(nodes: MapTreeNode[]): MapTreeNode[] {
  return [...nodes]
    .reverse()
    .map((n) => (n.type === "group" ? { ...n, children: reverseTree(n.children) } : n));
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
