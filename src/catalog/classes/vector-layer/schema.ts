/**
 * @module The vector_layer tables (drizzle definitions; DDL in migrations/0100_vector_layer.sql):
 * layer metadata and its attribute fields. Feature rows live in one table per layer.
 */
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const vectorLayerTable = sqliteTable("vector_layer", {
  resourceId: integer("resource_id").primaryKey(),
  /** EPSG code of stored geometries; null for geometry type NONE. */
  srs: integer("srs"),
  geometryType: text("geometry_type").notNull(),
  tableName: text("table_name").notNull(),
  fidSeq: integer("fid_seq").notNull().default(0),
});

export const layerFieldTable = sqliteTable(
  "layer_field",
  {
    id: integer("id").primaryKey(),
    resourceId: integer("resource_id").notNull(),
    position: integer("position").notNull(),
    keyname: text("keyname").notNull(),
    displayName: text("display_name").notNull(),
    datatype: text("datatype").notNull(),
    columnName: text("column_name").notNull(),
    labelField: integer("label_field", { mode: "boolean" }).notNull().default(false),
    gridVisibility: integer("grid_visibility", { mode: "boolean" }).notNull().default(true),
    textSearch: integer("text_search", { mode: "boolean" }).notNull().default(true),
    required: integer("required", { mode: "boolean" }).notNull().default(false),
    lookupTableId: integer("lookup_table_id"),
  },
  (t) => [index("layer_field_resource_idx").on(t.resourceId, t.position)],
);

export type VectorLayerRow = typeof vectorLayerTable.$inferSelect;
export type LayerFieldRow = typeof layerFieldTable.$inferSelect;
