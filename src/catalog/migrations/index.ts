/**
 * @module The ordered list of catalog migrations. SQL files are imported as text so they are
 * embedded in the single executable. Append new entries; never edit an applied one.
 */
import core from "./0001_core.sql" with { type: "text" };
import vectorLayer from "./0100_vector_layer.sql" with { type: "text" };
import extras from "./0150_extras.sql" with { type: "text" };
import styles from "./0200_styles.sql" with { type: "text" };
import styleSldJson from "./0201_style_sld.sql" with { type: "text" };
import rasterLayer from "./0250_raster_layer.sql" with { type: "text" };
import geonode from "./0500_geonode.sql" with { type: "text" };
import webmap from "./0700_webmap.sql" with { type: "text" };
import webmapAnnotation from "./0701_webmap_annotation.sql" with { type: "text" };
import postgis from "./0800_postgis.sql" with { type: "text" };
import changeFeed from "./0820_change_feed.sql" with { type: "text" };
import jobClaims from "./0821_job_claims.sql" with { type: "text" };
import audit from "./0900_audit.sql" with { type: "text" };

export interface Migration {
  /** Sortable, unique, never reused: NNNN_name. */
  id: string;
  sql: string;
}

export const migrations: Migration[] = [
  { id: "0001_core", sql: core },
  { id: "0100_vector_layer", sql: vectorLayer },
  { id: "0150_extras", sql: extras },
  { id: "0200_styles", sql: styles },
  { id: "0201_style_sld", sql: styleSldJson },
  { id: "0250_raster_layer", sql: rasterLayer },
  { id: "0500_geonode", sql: geonode },
  { id: "0700_webmap", sql: webmap },
  { id: "0701_webmap_annotation", sql: webmapAnnotation },
  { id: "0800_postgis", sql: postgis },
  { id: "0820_change_feed", sql: changeFeed },
  { id: "0821_job_claims", sql: jobClaims },
  { id: "0900_audit", sql: audit },
];
