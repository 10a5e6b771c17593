/**
 * @module Reading and writing a vector layer's metadata rows (vector_layer, layer_field) and
 * creating or dropping its feature table. Every function takes the executor it runs on, so the
 * same code works inside the create/import transaction and outside it.
 */
import { asc, eq } from "drizzle-orm";
import type { GeometryType } from "../../../geo/geometry/types.ts";
import { FIELD_TYPES, type FieldType } from "../../../geo/sources/feature-source.ts";
import {
  createLayerTable,
  dropLayerTable,
  type LayerTableSpec,
} from "../../../geo/sources/libsql-source.ts";
import type { Db } from "../../db.ts";
import { ValidationError } from "../../errors.ts";
import type { Tx } from "../../tx.ts";
import {
  type LayerFieldRow,
  layerFieldTable,
  type VectorLayerRow,
  vectorLayerTable,
} from "./schema.ts";

export interface Layer {
  meta: VectorLayerRow;
  /** In display order. */
  fields: LayerFieldRow[];
}

/** A field to create: what NGW's `fields` create items and the field editor carry. */
export interface NewField {
  keyname: string;
  displayName: string;
  datatype: FieldType;
  labelField?: boolean;
  gridVisibility?: boolean;
  textSearch?: boolean;
  required?: boolean;
  lookupTableId?: number | null;
}

export const tableNameOf = (resourceId: number) => `vl_${resourceId}`;

export async function loadLayer(db: Db, id: number): Promise<Layer | undefined> {
  const [meta] = await db
    .select()
    .from(vectorLayerTable)
    .where(eq(vectorLayerTable.resourceId, id));
  if (!meta) return undefined;
  const fields = await db
    .select()
    .from(layerFieldTable)
    .where(eq(layerFieldTable.resourceId, id))
    .orderBy(asc(layerFieldTable.position), asc(layerFieldTable.id));
  return { meta, fields };
}

/** The feature-table description the libSQL source works from. */
export function specOf(layer: Layer): LayerTableSpec {
  return {
    table: layer.meta.tableName,
    srs: layer.meta.srs ?? 0,
    geometryType: layer.meta.geometryType as GeometryType,
    fields: layer.fields.map((f) => ({
      keyname: f.keyname,
      datatype: f.datatype as FieldType,
      column: f.columnName,
    })),
  };
}

/** Validates a field definition from a request body (create `fields` or editor new field). */
export function parseNewField(v: unknown, i: number): NewField {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new ValidationError(`Field #${i + 1} must be an object.`);
  const f = v as Record<string, unknown>;
  const keyname = f.keyname;
  if (typeof keyname !== "string" || keyname.trim() === "" || keyname.length > 255)
    throw new ValidationError(`Field #${i + 1}: keyname must be a non-empty string.`);
  const datatype = f.datatype;
  if (typeof datatype !== "string" || !FIELD_TYPES.includes(datatype as FieldType))
    throw new ValidationError(
      `Field '${keyname}': datatype must be one of ${FIELD_TYPES.join(", ")}.`,
    );
  const display = f.display_name ?? keyname;
  if (typeof display !== "string" || display.trim() === "")
    throw new ValidationError(`Field '${keyname}': display_name must be a non-empty string.`);
  return {
    keyname,
    displayName: display,
    datatype: datatype as FieldType,
    labelField: f.label_field === true,
    gridVisibility: bool(f.grid_visibility, true, keyname, "grid_visibility"),
    textSearch: bool(f.text_search, true, keyname, "text_search"),
    required: bool(f.required, false, keyname, "required"),
    lookupTableId: refId(f.lookup_table, keyname),
  };
}

function bool(v: unknown, fallback: boolean, key: string, name: string): boolean {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== "boolean")
    throw new ValidationError(`Field '${key}': ${name} must be a boolean.`);
  return v;
}

export function refId(v: unknown, key: string): number | null {
  if (v === undefined || v === null) return null;
  const id = typeof v === "object" ? (v as { id?: unknown }).id : v;
  if (typeof id !== "number" || !Number.isSafeInteger(id) || id < 0)
    throw new ValidationError(`Field '${key}': lookup_table must be {"id": <integer>}.`);
  return id;
}

/** Keynames and display names must each be unique within a layer (NGW's rule). */
export function checkUniqueNames(fields: { keyname: string; displayName: string }[]): void {
  const keys = new Set<string>();
  const names = new Set<string>();
  for (const f of fields) {
    if (keys.has(f.keyname))
      throw new ValidationError(`Field keyname (${f.keyname}) is not unique.`);
    if (names.has(f.displayName))
      throw new ValidationError(`Field display_name (${f.displayName}) is not unique.`);
    keys.add(f.keyname);
    names.add(f.displayName);
  }
}

/** Inserts field rows at the given positions; column names come from the new row ids. */
export async function insertFields(
  tx: Tx,
  resourceId: number,
  fields: NewField[],
  firstPosition: number,
): Promise<LayerFieldRow[]> {
  const out: LayerFieldRow[] = [];
  for (const [i, f] of fields.entries()) {
    const [row] = await tx.db
      .insert(layerFieldTable)
      .values({
        resourceId,
        position: firstPosition + i,
        keyname: f.keyname,
        displayName: f.displayName,
        datatype: f.datatype,
        columnName: "",
        labelField: f.labelField ?? false,
        gridVisibility: f.gridVisibility ?? true,
        textSearch: f.textSearch ?? true,
        required: f.required ?? false,
        lookupTableId: f.lookupTableId ?? null,
      })
      .returning();
    const columnName = `fld_${row!.id}`;
    await tx.db.update(layerFieldTable).set({ columnName }).where(eq(layerFieldTable.id, row!.id));
    out.push({ ...row!, columnName });
  }
  return out;
}

/** Creates the metadata rows and the (empty) feature table of a new layer. */
export async function createLayer(
  tx: Tx,
  resourceId: number,
  srs: number | null,
  geometryType: GeometryType,
  fields: NewField[],
): Promise<Layer> {
  checkUniqueNames(fields);
  const labels = fields.filter((f) => f.labelField);
  for (const f of labels.slice(0, -1)) f.labelField = false; // one label field; the last wins
  const [meta] = await tx.db
    .insert(vectorLayerTable)
    .values({ resourceId, srs, geometryType, tableName: tableNameOf(resourceId), fidSeq: 0 })
    .returning();
  const rows = await insertFields(tx, resourceId, fields, 0);
  const layer = { meta: meta!, fields: rows };
  await createLayerTable(tx.raw, specOf(layer));
  return layer;
}

/** Drops the feature table and the metadata rows (delete, or re-import from a new source). */
export async function dropLayer(tx: Tx, resourceId: number): Promise<void> {
  const [meta] = await tx.db
    .select()
    .from(vectorLayerTable)
    .where(eq(vectorLayerTable.resourceId, resourceId));
  if (meta) await dropLayerTable(tx.raw, meta.tableName);
  await tx.db.delete(layerFieldTable).where(eq(layerFieldTable.resourceId, resourceId));
  await tx.db.delete(vectorLayerTable).where(eq(vectorLayerTable.resourceId, resourceId));
}
