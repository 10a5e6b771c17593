/**
 * @module The PostGIS module: postgis_connection and postgis_layer resources (tables of an
 * existing PostGIS database served in place through the FeatureSource seam, so the feature API,
 * exports, identify, MVT, rendering and OGC services work on them as on imported layers).
 */
import { postgisConnection } from "../catalog/classes/postgis/connection.ts";
import { postgisLayer } from "../catalog/classes/postgis/layer.ts";
import type { Module } from "../modules.ts";

export const postgisModule: Module = {
  name: "postgis",
  description: "PostGIS connections and layers served in place (Bun's built-in PostgreSQL client)",
  classes: [postgisConnection, postgisLayer],
};
