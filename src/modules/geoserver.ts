/** @module The GeoServer mapping's resource classes: SLD styles and layer groups. */
import { geoserverLayergroup, geoserverStyle } from "../catalog/geoserver/index.ts";
import type { Module } from "../modules.ts";

export const geoserverModule: Module = {
  name: "geoserver",
  description: "GeoServer REST configuration API over the catalog: SLD styles and layer groups",
  classes: [geoserverStyle, geoserverLayergroup],
};
