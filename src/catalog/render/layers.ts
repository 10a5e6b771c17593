/**
 * @module Turns resources into render layers: a style resource draws its parent layer with its
 * own style; a layer drawn directly gets the default style for its kind. Raster layers read the
 * stored pyramid; vector layers (any class with a FeatureSource) are queried per view with the
 * box taken into their SRS and geometries brought back to EPSG:3857.
 */
import type { BBox } from "../../geo/geometry/types.ts";
import type { RenderLayer } from "../../geo/render/index.ts";
import type { VectorInput } from "../../geo/render/vector.ts";
import type { FeatureSource } from "../../geo/sources/feature-source.ts";
import {
  defaultRasterStyle,
  defaultVectorStyle,
  type RasterStyle,
  type Style,
  type VectorStyle,
} from "../../geo/style/model.ts";
import { blockReader, readRaster } from "../classes/raster-layer/store.ts";
import type { ClassDeps, ResourceClass } from "../classes/registry.ts";
import { loadStyle } from "../classes/styles/load.ts";
import { ResourceNotFound, ValidationError } from "../errors.ts";
import type { ResourceRow } from "../resource-row.ts";
import { fromMercator, toMercator, transformBBox, transformGeometry } from "./srs.ts";

/** Style classes: their resources render their parent layer (NGW's IRenderableStyle). */
const STYLE_CLASSES = new Set([
  "qgis_vector_style",
  "qgis_raster_style",
  "raster_style",
  "vector_style",
  "mapserver_style",
]);

export function isStyleClass(cls: ResourceClass | undefined): boolean {
  return !!cls && (STYLE_CLASSES.has(cls.identity) || cls.interfaces.includes("IRenderableStyle"));
}

/** The style model of a style resource (parsed QML/SLD, cached per version by the style module). */
export async function styleModel(deps: ClassDeps, row: ResourceRow): Promise<Style> {
  return (await loadStyle(deps, row)).style;
}

/** Whether a resource can be drawn: a style, a raster layer or a feature layer. */
export function isRenderable(deps: ClassDeps, row: ResourceRow): boolean {
  const cls = deps.classes.get(row.cls);
  return (
    isStyleClass(cls) || row.cls === "raster_layer" || typeof cls?.featureSource === "function"
  );
}

/** The data layer behind a resource: the parent for styles, the resource itself otherwise. */
export async function dataRowOf(deps: ClassDeps, row: ResourceRow): Promise<ResourceRow> {
  if (!isStyleClass(deps.classes.get(row.cls))) return row;
  const parent = row.parentId === null ? undefined : await deps.getRow(row.parentId);
  if (!parent) throw new ResourceNotFound(row.parentId ?? row.id);
  return parent;
}

export async function renderLayerOf(deps: ClassDeps, row: ResourceRow): Promise<RenderLayer> {
  const cls = deps.classes.get(row.cls);
  if (isStyleClass(cls)) {
    const layer = await dataRowOf(deps, row);
    return dataLayer(deps, layer, await styleModel(deps, row));
  }
  if (!isRenderable(deps, row))
    throw new ValidationError(`Resource ${row.id} (${row.cls}) cannot be rendered.`);
  return dataLayer(deps, row, undefined);
}

async function dataLayer(
  deps: ClassDeps,
  row: ResourceRow,
  style: Style | undefined,
): Promise<RenderLayer> {
  if (row.cls === "raster_layer") {
    const r = await readRaster(deps.client, row.id);
    if (!r) throw new ResourceNotFound(row.id);
    const info = r.info;
    const rs = style ?? defaultRasterStyle(info.bandCount, info.dtype);
    if (rs.kind !== "raster")
      throw new ValidationError(`A vector style cannot draw raster layer ${row.id}.`);
    return {
      kind: "raster",
      style: withRasterDefaults(rs),
      input: {
        info,
        inverse: fromMercator(info.epsg),
        block: blockReader(deps.client, row.id, row.version, info),
      },
    };
  }
  const cls = deps.classes.get(row.cls);
  if (!cls?.featureSource) throw new ValidationError(`Resource ${row.id} has no data to draw.`);
  const source = await cls.featureSource(deps, row);
  const meta = await source.info();
  const vs: Style = style ?? defaultVectorStyle(meta.geometryType);
  if (vs.kind !== "vector")
    throw new ValidationError(`A raster style cannot draw vector layer ${row.id}.`);
  return {
    kind: "vector",
    style: vs as VectorStyle,
    input: mercatorInput(source, meta.srs || 3857),
  };
}

/** A feature source seen from EPSG:3857: view boxes go to its SRS, geometries come back. */
export function mercatorInput(source: FeatureSource, srs: number): VectorInput {
  const toBox = fromMercator(srs);
  const toMerc = srs === 3857 ? null : toMercator(srs);
  return {
    async *features(bbox: BBox, signal?: AbortSignal) {
      const q = srs === 3857 ? bbox : transformBBox(bbox, toBox);
      for await (const f of source.query({ bbox: q, signal })) {
        if (toMerc && f.geom) yield { ...f, geom: transformGeometry(f.geom, toMerc) };
        else yield f;
      }
    },
  };
}

/** Raster styles from older readers may lack fields the renderer relies on. */
function withRasterDefaults(s: RasterStyle): RasterStyle {
  return {
    ...s,
    opacity: Number.isFinite(s.opacity) ? s.opacity : 1,
    resampling: s.resampling === "bilinear" ? "bilinear" : "nearest",
  };
}

/** The extent of a layer's data in EPSG:3857, or null when it has none. */
export async function extent3857(deps: ClassDeps, row: ResourceRow): Promise<BBox | null> {
  const layer = await dataRowOf(deps, row);
  const cls = deps.classes.get(layer.cls);
  let box: { bbox: BBox; srs: number } | null = null;
  if (cls?.bbox) box = await cls.bbox(deps, layer);
  else if (cls?.featureSource) {
    const src = await cls.featureSource(deps, layer);
    const b = await src.extent();
    if (b) box = { bbox: b, srs: (await src.info()).srs || 3857 };
  }
  if (!box) return null;
  return box.srs === 3857 ? box.bbox : transformBBox(box.bbox, toMercator(box.srs));
}
