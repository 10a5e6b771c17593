/** @module The GeoServer mapping's resource classes: SLD styles, layer groups, in-place FlatGeobuf files. */

import { fgbLayer, setImportRoot } from "../catalog/geoserver/fgb-layer.ts";
import { geoserverLayergroup, geoserverStyle } from "../catalog/geoserver/index.ts";
import type { Module } from "../modules.ts";

export const geoserverModule: Module = {
  name: "geoserver",
  description:
    "GeoServer REST configuration API over the catalog: SLD styles, layer groups and FlatGeobuf files served in place",
  classes: [geoserverStyle, geoserverLayergroup, fgbLayer],
  async start(ctx) {
    setImportRoot(ctx.catalog.classes, ctx.config.importRoot);
  },
};
