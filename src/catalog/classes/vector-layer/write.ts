/**
 * @module vector_layer create and update (reference/ngw.md §3.3, §3.4, §3.9): an empty layer from
 * `fields` + `geometry_type` + `srs` as GDAL sends it, or an import from an upload (`source`);
 * on update the field editor, `delete_all_features` and re-import. `vector_layer.fields` on update
 * is ignored as NGW does, so GDAL's re-PUT of its whole create JSON never fails.
 */
import { eq } from "drizzle-orm";
import { CastError, familyOf, fitGeometry } from "../../../geo/features/cast.ts";
import { GEOMETRY_TYPES, type GeometryType } from "../../../geo/geometry/types.ts";
import { type BatchOp, isEditable } from "../../../geo/sources/feature-source.ts";
import { LibsqlSource } from "../../../geo/sources/libsql-source.ts";
import { hasSrs } from "../../../geo/srs/index.ts";
import { ValidationError } from "../../errors.ts";
import { dropFeatureExtensions } from "../../feature-extensions.ts";
import type { ResourceRow } from "../../resource-row.ts";
import { demand } from "../../resources.ts";
import type { WriteContext } from "../registry.ts";
import { copyFromLayer } from "./copy.ts";
import { editFields } from "./fields.ts";
import { type ImportOptions, importVectorFile, parseImportOptions } from "./import.ts";
import { vectorLayerTable } from "./schema.ts";
import { createLayer, dropLayer, type Layer, loadLayer, parseNewField, specOf } from "./store.ts";

type Body = Record<string, unknown>;

function objOf(v: unknown, what: string): Body {
  if (v === undefined || v === null) return {};
  if (typeof v !== "object" || Array.isArray(v))
    throw new ValidationError(`'${what}' must be an object.`);
  return v as Body;
}

/** `srs` as {"id": N} (GDAL, NGW) or a bare number; undefined when absent. */
export function parseSrs(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  const id = typeof v === "object" ? (v as { id?: unknown }).id : v;
  if (typeof id !== "number" || !Number.isSafeInteger(id) || id <= 0)
    throw new ValidationError(`'srs' must be {"id": <EPSG code>}.`);
  if (!hasSrs(id)) throw new ValidationError(`Unknown spatial reference system: EPSG:${id}.`);
  return id;
}

function parseGeometryType(v: unknown): GeometryType {
  if (typeof v !== "string" || !GEOMETRY_TYPES.includes(v as GeometryType))
    throw new ValidationError(`'geometry_type' must be one of ${GEOMETRY_TYPES.join(", ")}.`);
  return v as GeometryType;
}

async function importFromUpload(
  ctx: WriteContext,
  row: ResourceRow,
  vl: Body,
  srs: number,
): Promise<void> {
  const ref = objOf(vl.source, "vector_layer.source");
  if (typeof ref.id !== "string")
    throw new ValidationError(`'source' must be {"id": <upload id>}.`);
  const { path, row: upload } = await ctx.uploads.path(ref.id);
  const opts: ImportOptions = {
    ...parseImportOptions(vl),
    srs,
    fileName: upload.name ?? undefined,
  };
  await importVectorFile(ctx, ctx.tx, row, path, opts, ctx.progress);
}

export async function createVectorLayer(ctx: WriteContext, row: ResourceRow, body: Body) {
  const vl = objOf(body.vector_layer, "vector_layer");
  const fl = objOf(body.feature_layer, "feature_layer");
  const srs = parseSrs(vl.srs) ?? 3857;
  if (vl.source !== undefined && vl.source !== null) {
    demand(ctx.perms, row.id, "data.write", true);
    return importFromUpload(ctx, row, vl, srs);
  }
  if (vl.feature_layer !== undefined && vl.feature_layer !== null) {
    demand(ctx.perms, row.id, "data.write", true);
    return copyFromLayer(ctx, row, vl.feature_layer);
  }
  if (vl.geometry_type === undefined)
    throw new ValidationError("The 'geometry_type' attribute is required.");
  const geometryType = parseGeometryType(vl.geometry_type);
  const list = vl.fields ?? fl.fields ?? [];
  if (!Array.isArray(list)) throw new ValidationError("'fields' must be a list.");
  const fields = list.map((f, i) => parseNewField(f, i));
  await createLayer(ctx.tx, row.id, geometryType === "NONE" ? null : srs, geometryType, fields);
}

/**
 * NGW's geometry_type_change: within one family (point, line, polygon) a layer may become multi
 * or single, with or without Z; every feature is refitted, and one that does not fit (a
 * multi-part feature for a single type) fails the update with its number.
 */
async function changeGeometryType(ctx: WriteContext, layer: Layer, to: GeometryType) {
  const from = layer.meta.geometryType as GeometryType;
  if (familyOf(from) === null || familyOf(from) !== familyOf(to))
    throw new ValidationError(`Geometry type can't be changed from ${from} to ${to}.`);
  const src = new LibsqlSource(ctx.tx.raw, specOf(layer));
  const ops: BatchOp[] = [];
  for await (const f of src.query({ fields: [] })) {
    if (!f.geom) continue;
    try {
      ops.push({ op: "update", id: f.id, feature: { geom: fitGeometry(f.geom, to), fields: {} } });
    } catch (err) {
      if (err instanceof CastError)
        throw new ValidationError(err.message.replace(/^Feature #\d+/, `Feature ${f.id}`));
      throw err;
    }
  }
  for (let i = 0; i < ops.length; i += 500) await src.batch(ops.slice(i, i + 500));
  await ctx.tx.db
    .update(vectorLayerTable)
    .set({ geometryType: to })
    .where(eq(vectorLayerTable.resourceId, layer.meta.resourceId));
}

export async function updateVectorLayer(ctx: WriteContext, row: ResourceRow, body: Body) {
  const vl = objOf(body.vector_layer, "vector_layer");
  const fl = objOf(body.feature_layer, "feature_layer");
  let layer = await loadLayer(ctx.tx.db, row.id);
  if (!layer) throw new ValidationError(`Vector layer ${row.id} has no data table.`);
  if (vl.source !== undefined && vl.source !== null) {
    demand(ctx.perms, row.id, "data.write", true);
    const srs = parseSrs(vl.srs) ?? layer.meta.srs ?? 3857;
    await dropFeatureExtensions(ctx, ctx.tx, row, "all");
    await dropLayer(ctx.tx, row.id);
    return importFromUpload(ctx, row, vl, srs);
  }
  // GDAL re-sends geometry_type and srs unchanged; only a real change does anything.
  if (vl.geometry_type !== undefined && vl.geometry_type !== layer.meta.geometryType) {
    demand(ctx.perms, row.id, "resource.update", true);
    await changeGeometryType(ctx, layer, parseGeometryType(vl.geometry_type));
    layer = (await loadLayer(ctx.tx.db, row.id))!;
  }
  const srs = parseSrs(vl.srs);
  if (srs !== undefined && layer.meta.srs !== null && srs !== layer.meta.srs)
    throw new ValidationError("Changing the SRS of a vector layer is not supported.");
  if (fl.fields !== undefined) {
    demand(ctx.perms, row.id, "datastruct.write", true);
    await editFields(ctx.tx, layer, fl.fields);
    layer = (await loadLayer(ctx.tx.db, row.id))!;
  }
  if (vl.delete_all_features === true) {
    demand(ctx.perms, row.id, "data.write", true);
    const src = new LibsqlSource(ctx.tx.raw, specOf(layer));
    if (isEditable(src)) await src.deleteAll();
    await dropFeatureExtensions(ctx, ctx.tx, row, "all");
  }
}
