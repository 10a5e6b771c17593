/**
 * @module The render module: the raster_layer class and NGW's rendering routes (render/tile,
 * render/image, legends, the legacy TMS, previews, raster download).
 */
import { rasterLayer } from "../catalog/classes/raster-layer/index.ts";
import { renderRoutes } from "../faces/ngw/render.ts";
import type { Module } from "../modules.ts";

export const renderModule: Module = {
  name: "render",
  description: "Raster layers (GeoTIFF pyramids) and PNG rendering of styles and layers",
  classes: [rasterLayer],
  ngw: renderRoutes,
};
