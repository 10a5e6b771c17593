/**
 * @module A one-layer DisplayConfig for /resource/{id}/preview, built from the NGW API: a style
 * previews itself over its layer; a layer previews with its first style, or as plain MVT when it
 * is a feature layer without one.
 */
import { api } from "../app/api.ts";
import { getChildren, getResource, isStyle } from "../app/resource.ts";
import type { DisplayConfig, DisplayLayer } from "./config.ts";

export async function previewConfig(id: number): Promise<DisplayConfig> {
  const r = await getResource(id);
  let layerId = id;
  let styleId: number | null = null;
  let title = r.resource.display_name;
  if (isStyle(r.resource.cls)) {
    layerId = r.resource.parent!.id;
    styleId = id;
  } else {
    const children = await getChildren(id).catch(() => []);
    styleId = children.find((c) => isStyle(c.resource.cls))?.resource.id ?? null;
  }
  if (styleId === null && !r.resource.interfaces.includes("IFeatureLayer"))
    throw new Error("This resource has no style to preview.");
  const xyz = "z={z}&x={x}&y={y}";
  const layer: DisplayLayer = {
    key: "0",
    title,
    layerId,
    styleId,
    opacity: 1,
    visible: true,
    identifiable: true,
    minZoom: null,
    maxZoom: null,
    source:
      styleId !== null
        ? { kind: "raster", tiles: `/api/component/render/tile?${xyz}&resource=${styleId}&nd=204` }
        : { kind: "vector", tiles: `/api/component/feature_layer/mvt?resource=${layerId}&${xyz}` },
  };
  const ext = await api<{
    extent?: { minLon: number | null; minLat: number; maxLon: number; maxLat: number };
  }>(`/api/resource/${layerId}/extent`).catch(() => ({ extent: undefined }));
  const e = ext.extent;
  if (title === "") title = `#${id}`;
  return {
    id,
    title,
    extent: e && e.minLon !== null ? [e.minLon, e.minLat, e.maxLon, e.maxLat] : null,
    maxBounds: null,
    layers: [layer],
    tree: [{ type: "layer", key: "0" }],
    basemaps: [],
    backgroundColor: null,
  };
}
