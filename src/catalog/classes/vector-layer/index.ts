/**
 * @module The vector_layer resource class: a feature layer stored in the catalog's libSQL
 * database, one table per layer (SpatiaLite-style, WKB + R*Tree), served through the
 * FeatureSource seam. Its `feature_layer` and `vector_layer` JSON is what GDAL's NGW driver and
 * ngw-connector read (reference/ngw.md §3.3, §3.4, §4.1).
 */
import { LibsqlSource } from "../../../geo/sources/libsql-source.ts";
import { ResourceNotFound } from "../../errors.ts";
import type { ResourceRow } from "../../resource-row.ts";
import type { ClassDeps, ResourceClass, SerializeContext } from "../registry.ts";
import { dropLayer, type Layer, loadLayer, specOf } from "./store.ts";
import { createVectorLayer, updateVectorLayer } from "./write.ts";

export {
  type ImportOptions,
  type ImportResult,
  importVectorFile,
  type Progress,
  parseImportOptions,
} from "./import.ts";

/** The NGW field JSON of one layer field (feature_layer.fields items). */
export function fieldJson(f: Layer["fields"][number]) {
  return {
    id: f.id,
    keyname: f.keyname,
    display_name: f.displayName,
    datatype: f.datatype,
    typemod: null,
    label_field: f.labelField,
    grid_visibility: f.gridVisibility,
    text_search: f.textSearch,
    required: f.required,
    lookup_table: f.lookupTableId === null ? null : { id: f.lookupTableId },
  };
}

async function serialize(ctx: SerializeContext, row: ResourceRow) {
  const layer = await loadLayer(ctx.db, row.id);
  if (!layer) return {};
  const srs = layer.meta.srs === null ? null : { id: layer.meta.srs };
  return {
    feature_layer: {
      srs,
      geometry_type: layer.meta.geometryType,
      fields: layer.fields.map(fieldJson),
      versioning: null,
    },
    vector_layer: { srs, geometry_type: layer.meta.geometryType },
  };
}

export const vectorLayer: ResourceClass = {
  identity: "vector_layer",
  label: "Vector layer",
  order: 60,
  scopes: ["resource", "datastruct", "data", "metadata"],
  interfaces: [
    "IFeatureLayer",
    "IWritableFeatureLayer",
    "IBboxLayer",
    "IFieldEditableFeatureLayer",
  ],
  category: "layers_and_styles",
  parents: ["*"],
  keys: ["feature_layer", "vector_layer"],
  serialize,

  async write(ctx, row, body) {
    if (ctx.creating) await createVectorLayer(ctx, row, body);
    else await updateVectorLayer(ctx, row, body);
  },

  async featureSource(deps: ClassDeps, row: ResourceRow, tx) {
    const layer = await loadLayer(tx ? tx.db : deps.db, row.id);
    if (!layer) throw new ResourceNotFound(row.id);
    return new LibsqlSource(tx ? tx.raw : deps.client, specOf(layer));
  },

  async remove(ctx, row) {
    await dropLayer(ctx.tx, row.id);
  },
};
