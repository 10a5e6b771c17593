/**
 * @module The rows of a web map: its settings (webmap), its layer tree (webmap_item, the root
 * implicit), its basemaps (basemap_webmap) and basemap layers (basemap_layer). Plain values in,
 * plain values out; validation happens before (parse.ts), permissions in the class module.
 */
import type { Executor } from "../../tx.ts";

export const LEGEND_SYMBOLS = ["expand", "collapse", "disable"] as const;
export type LegendSymbols = (typeof LEGEND_SYMBOLS)[number];
export const ANNOTATION_DEFAULTS = ["no", "yes", "messages"] as const;
export const ADAPTERS = ["image", "tile"] as const;
export type Adapter = (typeof ADAPTERS)[number];

/** [west, south, east, north] in EPSG:4326 degrees. */
export type Wsen = [number, number, number, number];

export interface WebmapSettings {
  initialExtent: (number | null)[];
  constrainingExtent: (number | null)[];
  title: string | null;
  drawOrderEnabled: boolean | null;
  editable: boolean;
  annotationEnabled: boolean;
  annotationDefault: string;
  legendSymbols: LegendSymbols | null;
  measureSrsId: number | null;
  bookmarkResourceId: number | null;
  options: Record<string, boolean>;
  backgroundColor: string | null;
  basemapDisable: boolean;
}

export const DEFAULT_SETTINGS: WebmapSettings = {
  // NGW's column defaults: the whole world as initial extent, no constraint.
  initialExtent: [-180, -90, 180, 90],
  constrainingExtent: [null, null, null, null],
  title: null,
  drawOrderEnabled: null,
  editable: true,
  annotationEnabled: false,
  annotationDefault: "no",
  legendSymbols: null,
  measureSrsId: null,
  bookmarkResourceId: null,
  options: {},
  backgroundColor: null,
  basemapDisable: false,
};

export interface GroupItem {
  type: "group";
  /** The stored item's id (webmap_item.id) when read back; new on every tree write. */
  id?: number;
  displayName: string;
  expanded: boolean;
  enabled: boolean;
  exclusive: boolean;
  children: TreeItem[];
}

export interface LayerItem {
  type: "layer";
  id?: number;
  displayName: string;
  styleId: number;
  adapter: Adapter;
  enabled: boolean;
  identifiable: boolean;
  /** 0..100, NGW's storage; opacity = (100 - transparency) / 100. */
  transparency: number | null;
  minScaleDenom: number | null;
  maxScaleDenom: number | null;
  drawOrderPosition: number | null;
  legendSymbols: LegendSymbols | null;
}

export type TreeItem = GroupItem | LayerItem;

export interface BasemapRef {
  resourceId: number;
  displayName: string;
  enabled: boolean;
  opacity: number | null;
}

export interface BasemapLayerData {
  url: string;
  qms: string | null;
  copyrightText: string | null;
  copyrightUrl: string | null;
  zMin: number | null;
  zMax: number | null;
}

const bool = (v: unknown): boolean | null =>
  v === null || v === undefined ? null : Number(v) !== 0;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export async function readSettings(db: Executor, id: number): Promise<WebmapSettings | undefined> {
  const res = await db.execute({ sql: "SELECT * FROM webmap WHERE resource_id = ?", args: [id] });
  const r = res.rows[0];
  if (!r) return undefined;
  return {
    initialExtent: [
      num(r.extent_left),
      num(r.extent_bottom),
      num(r.extent_right),
      num(r.extent_top),
    ],
    constrainingExtent: [
      num(r.extent_const_left),
      num(r.extent_const_bottom),
      num(r.extent_const_right),
      num(r.extent_const_top),
    ],
    title: str(r.title),
    drawOrderEnabled: bool(r.draw_order_enabled),
    editable: bool(r.editable) ?? true,
    annotationEnabled: bool(r.annotation_enabled) ?? false,
    annotationDefault: str(r.annotation_default) ?? "no",
    legendSymbols: str(r.legend_symbols) as LegendSymbols | null,
    measureSrsId: num(r.measure_srs_id),
    bookmarkResourceId: num(r.bookmark_resource_id),
    options: JSON.parse(String(r.options ?? "{}")) as Record<string, boolean>,
    backgroundColor: str(r.basemap_background_color),
    basemapDisable: bool(r.basemap_disable) ?? false,
  };
}

export async function writeSettings(db: Executor, id: number, s: WebmapSettings): Promise<void> {
  const [l, b, r, t] = s.initialExtent;
  const [cl, cb, cr, ct] = s.constrainingExtent;
  await db.execute({
    sql: `INSERT OR REPLACE INTO webmap (resource_id, extent_left, extent_bottom, extent_right,
            extent_top, extent_const_left, extent_const_bottom, extent_const_right,
            extent_const_top, title, draw_order_enabled, editable, annotation_enabled,
            annotation_default, legend_symbols, measure_srs_id, bookmark_resource_id, options,
            basemap_background_color, basemap_disable)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    args: [
      id,
      l ?? null,
      b ?? null,
      r ?? null,
      t ?? null,
      cl ?? null,
      cb ?? null,
      cr ?? null,
      ct ?? null,
      s.title,
      s.drawOrderEnabled === null ? null : s.drawOrderEnabled ? 1 : 0,
      s.editable ? 1 : 0,
      s.annotationEnabled ? 1 : 0,
      s.annotationDefault,
      s.legendSymbols,
      s.measureSrsId,
      s.bookmarkResourceId,
      JSON.stringify(s.options),
      s.backgroundColor,
      s.basemapDisable ? 1 : 0,
    ],
  });
}

/** The tree under the implicit root, children in position order. */
export async function readTree(db: Executor, webmapId: number): Promise<TreeItem[]> {
  const res = await db.execute({
    sql: "SELECT * FROM webmap_item WHERE webmap_id = ? ORDER BY position, id",
    args: [webmapId],
  });
  const kids = new Map<number | null, TreeItem[]>();
  const groups = new Map<number, GroupItem>();
  for (const r of res.rows) {
    const item: TreeItem =
      r.item_type === "group"
        ? {
            type: "group",
            id: Number(r.id),
            displayName: String(r.display_name),
            expanded: bool(r.group_expanded) ?? false,
            enabled: bool(r.group_enabled) ?? true,
            exclusive: bool(r.group_exclusive) ?? false,
            children: [],
          }
        : {
            type: "layer",
            id: Number(r.id),
            displayName: String(r.display_name),
            styleId: Number(r.layer_style_id),
            adapter: (str(r.layer_adapter) ?? "image") as Adapter,
            enabled: bool(r.layer_enabled) ?? false,
            identifiable: bool(r.layer_identifiable) ?? true,
            transparency: num(r.layer_transparency),
            minScaleDenom: num(r.layer_min_scale_denom),
            maxScaleDenom: num(r.layer_max_scale_denom),
            drawOrderPosition: num(r.draw_order_position),
            legendSymbols: str(r.legend_symbols) as LegendSymbols | null,
          };
    if (item.type === "group") groups.set(Number(r.id), item);
    const parent = r.parent_id === null ? null : Number(r.parent_id);
    let list = kids.get(parent);
    if (!list) kids.set(parent, (list = []));
    list.push(item);
  }
  for (const [id, g] of groups) g.children = kids.get(id) ?? [];
  return kids.get(null) ?? [];
}

/** Replaces the whole tree (NGW's RootItemAttr.set replaces all children too). */
export async function writeTree(db: Executor, webmapId: number, tree: TreeItem[]): Promise<void> {
  await db.execute({ sql: "DELETE FROM webmap_item WHERE webmap_id = ?", args: [webmapId] });
  const insert = async (items: TreeItem[], parent: number | null): Promise<void> => {
    for (const [position, it] of items.entries()) {
      const g = it.type === "group" ? it : null;
      const l = it.type === "layer" ? it : null;
      const res = await db.execute({
        sql: `INSERT INTO webmap_item (webmap_id, parent_id, position, item_type, display_name,
                group_expanded, group_enabled, group_exclusive, layer_style_id, layer_enabled,
                layer_identifiable, layer_transparency, layer_min_scale_denom,
                layer_max_scale_denom, layer_adapter, draw_order_position, legend_symbols)
              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        args: [
          webmapId,
          parent,
          position,
          it.type,
          it.displayName,
          g ? Number(g.expanded) : null,
          g ? Number(g.enabled) : null,
          g ? Number(g.exclusive) : null,
          l?.styleId ?? null,
          l ? Number(l.enabled) : null,
          l ? Number(l.identifiable) : null,
          l?.transparency ?? null,
          l?.minScaleDenom ?? null,
          l?.maxScaleDenom ?? null,
          l?.adapter ?? null,
          l?.drawOrderPosition ?? null,
          l?.legendSymbols ?? null,
        ],
      });
      if (g) await insert(g.children, Number(res.lastInsertRowid));
    }
  };
  await insert(tree, null);
}

/** Every style id the tree refers to. */
export function styleIdsOf(tree: readonly TreeItem[]): number[] {
  const out: number[] = [];
  const walk = (items: readonly TreeItem[]) => {
    for (const it of items) {
      if (it.type === "layer") out.push(it.styleId);
      else walk(it.children);
    }
  };
  walk(tree);
  return out;
}

export async function readBasemaps(db: Executor, webmapId: number): Promise<BasemapRef[]> {
  const res = await db.execute({
    sql: "SELECT * FROM basemap_webmap WHERE webmap_id = ? ORDER BY position",
    args: [webmapId],
  });
  return res.rows.map((r) => ({
    resourceId: Number(r.resource_id),
    displayName: String(r.display_name),
    enabled: bool(r.enabled) ?? false,
    opacity: num(r.opacity),
  }));
}

export async function writeBasemaps(db: Executor, webmapId: number, list: BasemapRef[]) {
  await db.execute({ sql: "DELETE FROM basemap_webmap WHERE webmap_id = ?", args: [webmapId] });
  for (const [i, b] of list.entries()) {
    await db.execute({
      sql: `INSERT INTO basemap_webmap (webmap_id, resource_id, position, display_name, enabled,
              opacity) VALUES (?, ?, ?, ?, ?, ?)`,
      args: [webmapId, b.resourceId, i, b.displayName, Number(b.enabled), b.opacity],
    });
  }
}

export async function readBasemapLayer(
  db: Executor,
  id: number,
): Promise<BasemapLayerData | undefined> {
  const res = await db.execute({
    sql: "SELECT * FROM basemap_layer WHERE resource_id = ?",
    args: [id],
  });
  const r = res.rows[0];
  if (!r) return undefined;
  return {
    url: String(r.url),
    qms: str(r.qms),
    copyrightText: str(r.copyright_text),
    copyrightUrl: str(r.copyright_url),
    zMin: num(r.z_min),
    zMax: num(r.z_max),
  };
}

export async function writeBasemapLayer(db: Executor, id: number, d: BasemapLayerData) {
  await db.execute({
    sql: `INSERT OR REPLACE INTO basemap_layer (resource_id, url, qms, copyright_text,
            copyright_url, z_min, z_max) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    args: [id, d.url, d.qms, d.copyrightText, d.copyrightUrl, d.zMin, d.zMax],
  });
}
