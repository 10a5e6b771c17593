/**
 * @module Catalog rendering with the ACL applied: tiles and images of styles and layers (data.read
 * on each, NGW's render/tile rule), legends, and thumbnails. Faces call these; the pixels are made
 * by the pure renderer in geo/render.
 */
import type { BBox } from "../../geo/geometry/types.ts";
import type { Rendered, RenderLayer } from "../../geo/render/index.ts";
import type { LegendSymbol } from "../../geo/render/legend.ts";
import { MERC_MAX, tileView, type View, viewOf } from "../../geo/render/view.ts";
import { defaultRasterStyle, defaultVectorStyle, type Style } from "../../geo/style/model.ts";
import type { Actor } from "../acl.ts";
import { readRaster } from "../classes/raster-layer/store.ts";
import { ValidationError } from "../errors.ts";
import type { Catalog } from "../index.ts";
import type { ResourceRow } from "../resource-row.ts";
import { demand } from "../resources.ts";
import { renderCache } from "./cache.ts";
import {
  dataRowOf,
  extent3857,
  isRenderable,
  isStyleClass,
  renderLayerOf,
  styleModel,
} from "./layers.ts";
import { renderPooled } from "./pooled.ts";

// The renderer pulls in the Skia addon (about 30 MB resident): load it on the first render,
// not at start, so a server that never draws stays small and starts fast.
const renderer = () => import("../../geo/render/index.ts");
const legends = () => import("../../geo/render/legend.ts");

export async function renderTile(
  catalog: Catalog,
  actor: Actor,
  ids: number[],
  z: number,
  x: number,
  y: number,
  signal?: AbortSignal,
  options: RenderOptions = {},
): Promise<Rendered> {
  return renderView(catalog, actor, ids, tileView(z, x, y), signal, options);
}

export interface RenderOptions {
  /**
   * NGW's symbols[R]: per style id, the legend symbol indexes to draw (legend_symbols order);
   * other rules are left out. Absent ids draw every rule.
   */
  symbols?: Map<number, Set<number>>;
}

export async function renderView(
  catalog: Catalog,
  actor: Actor,
  ids: number[],
  view: View,
  signal?: AbortSignal,
  options: RenderOptions = {},
): Promise<Rendered> {
  const rows: ResourceRow[] = [];
  for (const id of ids) rows.push(await openRenderable(catalog, actor, id));
  const key = await cacheKey(catalog, rows, view, options);
  const cache = renderCache(catalog);
  const hit = cache.get(key);
  if (hit) return hit;
  const layers: RenderLayer[] = [];
  for (const row of rows) {
    const layer = await renderLayerOf(catalog.deps, row);
    const keep = options.symbols?.get(row.id);
    layers.push(keep && layer.kind === "vector" ? onlySymbols(layer, keep) : layer);
  }
  const out =
    (await renderPooled(catalog, layers, view, signal)) ??
    (await (await renderer()).renderImage(layers, view, signal));
  cache.set(key, out);
  return out;
}

/** Versions of each drawn resource and of the layer under it, the view and the options. */
async function cacheKey(
  catalog: Catalog,
  rows: ResourceRow[],
  view: View,
  options: RenderOptions,
): Promise<string> {
  const parts: string[] = [];
  for (const row of rows) {
    const data = await dataRowOf(catalog.deps, row);
    const keep = options.symbols?.get(row.id);
    parts.push(
      `${row.id}.${row.version}/${data.id}.${data.version}${keep ? `[${[...keep]}]` : ""}`,
    );
  }
  return `${view.bbox.join(",")}|${view.width}x${view.height}|${parts.join(";")}`;
}

/** Keeps the rules whose legend index is listed; label-only rules have no symbol and stay. */
function onlySymbols(layer: RenderLayer & { kind: "vector" }, keep: Set<number>): RenderLayer {
  let index = 0;
  const rules = layer.style.rules.filter((r) => {
    if (!r.symbolizers.some((s) => s.kind !== "label")) return true;
    return keep.has(index++);
  });
  return { ...layer, style: { ...layer.style, rules } };
}

export async function renderLegendSymbols(
  catalog: Catalog,
  actor: Actor,
  id: number,
  iconSize: number,
): Promise<LegendSymbol[]> {
  const row = await openRenderable(catalog, actor, id);
  return (await legends()).legendSymbols(await styleOf(catalog, row), iconSize);
}

export async function renderLegend(
  catalog: Catalog,
  actor: Actor,
  id: number,
): Promise<Uint8Array> {
  const row = await openRenderable(catalog, actor, id);
  return (await legends()).legendImage(await styleOf(catalog, row));
}

/**
 * A resource to draw: 404 when missing, 422 when it is not a style or layer (a group has no
 * picture), then data.read as NGW's render/tile demands.
 */
async function openRenderable(catalog: Catalog, actor: Actor, id: number): Promise<ResourceRow> {
  const { row, perms } = await catalog.resources.open(actor, id);
  if (!perms.has("resource.read")) demand(perms, id, "resource.read");
  if (!isRenderable(catalog.deps, row))
    throw new ValidationError(`Resource ${id} (${row.cls}) cannot be rendered.`);
  demand(perms, id, "data.read");
  return row;
}

/** The style model that draws a resource: its own for styles, the default for layers. */
async function styleOf(catalog: Catalog, row: ResourceRow): Promise<Style> {
  const deps = catalog.deps;
  const cls = deps.classes.get(row.cls);
  if (isStyleClass(cls)) return styleModel(deps, row);
  if (row.cls === "raster_layer") {
    const r = await readRaster(deps.client, row.id);
    return defaultRasterStyle(r?.info.bandCount ?? 1, r?.info.dtype ?? "Byte");
  }
  if (cls?.featureSource) {
    const info = await (await cls.featureSource(deps, row)).info();
    return defaultVectorStyle(info.geometryType);
  }
  throw new ValidationError(`Resource ${row.id} (${row.cls}) has no legend.`);
}

/**
 * A PNG preview of a layer or style, framed on its data extent (padded 5 %, square pixels):
 * GeoNode's thumbnails and the resource page use it. Runs as the system: callers check access.
 */
export async function renderThumbnail(
  catalog: Catalog,
  resourceId: number,
  size = 256,
): Promise<Uint8Array> {
  const row = await catalog.resources.row(resourceId);
  if (!row) throw new ValidationError(`Resource ${resourceId} was not found.`);
  const ext = await extent3857(catalog.deps, row);
  const layer = await renderLayerOf(catalog.deps, row);
  const box = frame(ext ?? [-MERC_MAX, -MERC_MAX, MERC_MAX, MERC_MAX]);
  return (await (await renderer()).renderImage([layer], viewOf(box, size, size))).png;
}

/** Thumbnail framing: at least 1 m across, 5 % margin, square, inside the Mercator world. */
function frame(b: BBox): BBox {
  const cx = (b[0] + b[2]) / 2;
  const cy = (b[1] + b[3]) / 2;
  const half = Math.min(MERC_MAX, Math.max(1, (b[2] - b[0]) / 2, (b[3] - b[1]) / 2) * 1.05);
  return [cx - half, cy - half, cx + half, cy + half];
}
