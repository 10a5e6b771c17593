/**
 * @module Drawing and legends for layer sets made of catalog layers. Parts drawn with catalog
 * styles go through catalog/render's renderView (ACL, cache, worker pool); parts with a style
 * model (a GeoServer SLD, an SLD_BODY) are built with catalog/render's layer builder, given that
 * style, and drawn by the pool or in process like renderView does.
 */
import type { Rendered, RenderLayer } from "../../geo/render/index.ts";
import type { View } from "../../geo/render/view.ts";
import type { Style } from "../../geo/style/model.ts";
import type { Actor } from "../acl.ts";
import { ValidationError } from "../errors.ts";
import type { Catalog } from "../index.ts";
import { renderLegend, renderView } from "../render/index.ts";
import { renderLayerOf } from "../render/layers.ts";
import { renderPooled } from "../render/pooled.ts";
import type { DrawPart, OwsLayer, OwsStyle } from "./layer-set.ts";

const renderer = () => import("../../geo/render/index.ts");
const legends = () => import("../../geo/render/legend.ts");

/** Whether a layer is drawn at the view's scale (NGW min/max_scale_denom, WMS scale hints). */
export function inScale(l: OwsLayer, scale: number): boolean {
  return (
    (l.minScale === null || scale >= l.minScale) && (l.maxScale === null || scale <= l.maxScale)
  );
}

export async function renderCatalogParts(
  catalog: Catalog,
  actor: Actor,
  parts: DrawPart[],
  view: View,
  signal?: AbortSignal,
): Promise<Rendered> {
  const shown = parts.filter((p) => inScale(p.layer, view.scale));
  const ids = shown.map((p) => ("resourceId" in p.style ? p.style.resourceId : undefined));
  if (ids.every((id) => id !== undefined))
    return renderView(catalog, actor, ids as number[], view, signal);
  const layers: RenderLayer[] = [];
  for (const p of shown) layers.push(await layerOf(catalog, actor, p));
  return (
    (await renderPooled(catalog, layers, view, signal)) ??
    (await (await renderer()).renderImage(layers, view, signal))
  );
}

async function layerOf(catalog: Catalog, actor: Actor, p: DrawPart): Promise<RenderLayer> {
  const s = p.style;
  const id = "adhoc" in s || s.resourceId === undefined ? p.layer.resourceId : s.resourceId;
  if (id === undefined) throw new ValidationError(`Layer '${p.layer.name}' cannot be drawn.`);
  // The ACL: the same data.read renderView demands.
  const { row } = await catalog.resources.require(actor, id, "data.read");
  const base = await renderLayerOf(catalog.deps, row);
  const model = "adhoc" in s ? s.adhoc : s.model ? await s.model() : undefined;
  if (!model) return base;
  if (model.kind !== base.kind)
    throw new ValidationError(
      `A ${model.kind} style cannot draw ${base.kind} layer '${p.layer.name}'.`,
    );
  return { ...base, style: model } as RenderLayer;
}

export async function catalogLegend(
  catalog: Catalog,
  actor: Actor,
  layer: OwsLayer,
  style: OwsStyle,
): Promise<Uint8Array> {
  if (style.model) return (await legends()).legendImage(await style.model());
  const id = style.resourceId ?? layer.resourceId;
  if (id === undefined) throw new ValidationError(`Layer '${layer.name}' has no legend.`);
  return renderLegend(catalog, actor, id);
}

/** A legend for a style model alone (providers and SLD_BODY). */
export async function modelLegend(style: Style): Promise<Uint8Array> {
  return (await legends()).legendImage(style);
}
