/**
 * @module What the display page reads from /ui/api/display/{id}: the catalog's map model
 * (drawing order, tree, basemaps, extent) with a tile source already chosen for each layer.
 * Shared as a type by the server face that writes it and the browser code that reads it.
 */
import type { MapTreeNode } from "../../catalog/maps.ts";

export interface DisplayLayer {
  key: string;
  title: string;
  layerId: number;
  styleId: number | null;
  opacity: number;
  visible: boolean;
  identifiable: boolean;
  minZoom: number | null;
  maxZoom: number | null;
  /**
   * "raster": PNG tiles drawn by gisd with the layer's style (/api/component/render/tile);
   * "vector": MVT tiles (/api/component/feature_layer/mvt) drawn with a default paint, for a
   * layer shown without a style.
   */
  source: { kind: "raster" | "vector"; tiles: string };
}

/** The layer tree as the map model gives it (first item on top). */
export type DisplayTreeNode = MapTreeNode;

export interface DisplayBasemap {
  resourceId: number;
  title: string;
  url: string;
  opacity: number | null;
  attribution: string | null;
  minZoom: number | null;
  maxZoom: number | null;
}

export interface DisplayConfig {
  id: number;
  title: string;
  /** [west, south, east, north] in degrees, or null (then the layers' extents are used). */
  extent: [number, number, number, number] | null;
  maxBounds: [number, number, number, number] | null;
  /** Bottom first. */
  layers: DisplayLayer[];
  /** First on top, as in a layer panel. */
  tree: DisplayTreeNode[];
  basemaps: DisplayBasemap[];
  backgroundColor: string | null;
}
