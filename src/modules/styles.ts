/**
 * @module The styles module: qgis_vector_style, qgis_raster_style, raster_style and the legacy
 * vector_style/mapserver_style classes, and NGW's QML download route.
 */
import { styleClasses } from "../catalog/classes/styles/index.ts";
import { styleRoutes } from "../faces/ngw/style.ts";
import type { Module } from "../modules.ts";

export const stylesModule: Module = {
  name: "styles",
  description: "QGIS (QML) and SLD styles, raster styles; the style model used by the renderer",
  classes: styleClasses(),
  ngw: styleRoutes,
};
