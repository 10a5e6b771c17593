/**
 * @module Feature layers as the tiler sees them, with the ACL applied: a cheap reference (id,
 * current version, after the NGW checks: 404 when missing, 422 when not a feature layer, 403
 * without data.read) whose data is opened only when a tile must actually be made.
 */
import type { FieldDef } from "../geo/sources/feature-source.ts";
import type { LayerRef } from "../geo/tiling/service.ts";
import type { Actor } from "./acl.ts";
import { ValidationError } from "./errors.ts";
import { FeatureLayers } from "./features.ts";
import type { Catalog } from "./index.ts";
import type { ResourceRow } from "./resource-row.ts";
import { demand } from "./resources.ts";

export interface TileLayerRef extends LayerRef {
  row: ResourceRow;
}

/** Checks access and returns the layer's current version; no layer data is read yet. */
export async function tileLayer(catalog: Catalog, actor: Actor, id: number): Promise<TileLayerRef> {
  const { row, perms } = await catalog.resources.open(actor, id);
  const cls = catalog.classes.get(row.cls);
  if (!cls?.featureSource || !cls.interfaces.includes("IFeatureLayer")) {
    demand(perms, id, "resource.read");
    // NGW's words for the MVT endpoint (feature_layer/api_mvt.py).
    throw new ValidationError(`Resource (ID=${id}) is not a feature layer.`);
  }
  demand(perms, id, "data.read");
  return {
    id,
    version: row.version,
    row,
    async open() {
      const layer = await new FeatureLayers(catalog).open(actor, id);
      if (layer.geometryType === "NONE")
        throw new ValidationError(
          `Resource (ID=${id}) has no geometry, MVT tiles are not available.`,
        );
      const fields: FieldDef[] = layer.fields.map((f) => ({
        keyname: f.keyname,
        datatype: f.datatype,
      }));
      const info = await layer.source.info();
      return { source: layer.source, info: { ...info, fields } };
    },
  };
}
