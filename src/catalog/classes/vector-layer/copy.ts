/**
 * @module Creating a vector layer as a copy of another feature layer (NGW's write-only
 * `vector_layer.feature_layer: {resource: {id}}`, vector_layer/model.py FeatureLayerAttr): same
 * geometry type, SRS and fields, every feature with its id. Needs data.read on the source.
 */
import type { GeometryType } from "../../../geo/geometry/types.ts";
import type { FeatureInput } from "../../../geo/sources/feature-source.ts";
import { LibsqlSource } from "../../../geo/sources/libsql-source.ts";
import { ValidationError } from "../../errors.ts";
import type { ResourceRow } from "../../resource-row.ts";
import type { WriteContext } from "../registry.ts";
import { createLayer, specOf } from "./store.ts";

export async function copyFromLayer(ctx: WriteContext, row: ResourceRow, ref: unknown) {
  const res = (ref as { resource?: { id?: unknown } } | null)?.resource;
  const id = res?.id;
  if (typeof id !== "number" || !Number.isSafeInteger(id))
    throw new ValidationError(`'feature_layer' must be {"resource": {"id": <layer id>}}.`);
  const srcRow = await ctx.getRow(id);
  const cls = srcRow && ctx.classes.get(srcRow.cls);
  // NGW answers every unusable source with the same ValidationError, leaking nothing.
  if (!srcRow || !cls?.featureSource || !(await ctx.permissions(ctx.actor, id)).has("data.read"))
    throw new ValidationError(`Resource ${id} is not a readable feature layer.`);
  const source = await cls.featureSource(ctx, srcRow);
  const info = await source.info();
  const doc = cls.serialize ? await cls.serialize({ ...ctx, perms: new Set() }, srcRow) : {};
  const meta = ((doc.feature_layer as { fields?: Record<string, unknown>[] })?.fields ?? []).reduce(
    (m, f) => m.set(String(f.keyname), f),
    new Map<string, Record<string, unknown>>(),
  );
  const layer = await createLayer(
    ctx.tx,
    row.id,
    info.geometryType === "NONE" ? null : info.srs,
    info.geometryType as GeometryType,
    info.fields.map((f) => {
      const m = meta.get(f.keyname) ?? {};
      return {
        keyname: f.keyname,
        displayName: typeof m.display_name === "string" ? m.display_name : f.keyname,
        datatype: f.datatype,
        labelField: m.label_field === true,
        gridVisibility: m.grid_visibility !== false,
        textSearch: m.text_search !== false,
      };
    }),
  );
  const target = new LibsqlSource(ctx.tx.raw, specOf(layer));
  let batch: { op: "insert"; id: number; feature: FeatureInput }[] = [];
  for await (const f of source.query({})) {
    batch.push({ op: "insert", id: f.id, feature: { geom: f.geom, fields: f.fields } });
    if (batch.length === 500) {
      await target.batch(batch);
      batch = [];
    }
  }
  await target.batch(batch);
}
