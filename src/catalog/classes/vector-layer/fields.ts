/**
 * @module The field editor: `feature_layer.fields` on update (reference/ngw.md §3.3), with NGW's
 * ordering rules (feature_layer/model.py FieldsAttr.set): items with an id are updated, moved or
 * deleted, items without one are created, untouched fields keep their place around them.
 */
import { eq } from "drizzle-orm";
import type { FieldType } from "../../../geo/sources/feature-source.ts";
import { addColumn, dropColumn } from "../../../geo/sources/libsql-source.ts";
import { ValidationError } from "../../errors.ts";
import type { Tx } from "../../tx.ts";
import { type LayerFieldRow, layerFieldTable } from "./schema.ts";
import { checkUniqueNames, insertFields, type Layer, parseNewField, refId } from "./store.ts";

type Item = Record<string, unknown>;
/** A field in the new order: an existing row (possibly changed) or one still to be created. */
type Slot = { row: LayerFieldRow } | { add: ReturnType<typeof parseNewField> };

function asItems(v: unknown): Item[] {
  if (!Array.isArray(v)) throw new ValidationError("'feature_layer.fields' must be a list.");
  return v.map((x, i) => {
    if (typeof x !== "object" || x === null || Array.isArray(x))
      throw new ValidationError(`Field item #${i + 1} must be an object.`);
    return x as Item;
  });
}

function str(v: unknown, what: string): string {
  if (typeof v !== "string" || v.trim() === "" || v.length > 255)
    throw new ValidationError(`Field ${what} must be a non-empty string.`);
  return v;
}

function flag(v: unknown, what: string): boolean {
  if (typeof v !== "boolean") throw new ValidationError(`Field ${what} must be a boolean.`);
  return v;
}

/** Applies the editable attributes of an item to an existing row (not datatype: NGW forbids it). */
function fill(row: LayerFieldRow, it: Item): LayerFieldRow {
  const r = { ...row };
  if (it.keyname !== undefined) r.keyname = str(it.keyname, "keyname");
  if (it.display_name !== undefined) r.displayName = str(it.display_name, "display_name");
  if (it.grid_visibility !== undefined)
    r.gridVisibility = flag(it.grid_visibility, "grid_visibility");
  if (it.text_search !== undefined) r.textSearch = flag(it.text_search, "text_search");
  if (it.required !== undefined) r.required = flag(it.required, "required");
  if (it.lookup_table !== undefined) r.lookupTableId = refId(it.lookup_table, r.keyname);
  if (it.datatype !== undefined && it.datatype !== row.datatype)
    throw new ValidationError(`Field '${row.keyname}': datatype cannot be changed.`);
  return r;
}

/** The new field order per NGW's algorithm, the deleted rows and the chosen label field. */
function plan(fields: LayerFieldRow[], items: Item[]) {
  const ids = new Set(items.flatMap((it) => (typeof it.id === "number" ? [it.id] : [])));
  const slots: Slot[] = [];
  const pending = new Map<number, { row: LayerFieldRow; idx: number }>();
  let found = false;
  fields.forEach((row, idx) => {
    if (!found && !ids.has(row.id)) slots.push({ row });
    else {
      found = true;
      pending.set(row.id, { row, idx });
    }
  });
  let next = slots.length;
  const deleted: LayerFieldRow[] = [];
  let label: Slot | null | undefined; // undefined: unchanged
  for (const it of items) {
    let slot: Slot;
    if (it.id !== undefined) {
      if (typeof it.id !== "number") throw new ValidationError("Field id must be an integer.");
      const entry = pending.get(it.id);
      if (!entry) throw new ValidationError(`Field not found (ID=${it.id}).`);
      pending.delete(it.id);
      if (it.delete === true) {
        deleted.push(entry.row);
        if (entry.row.labelField) label = label ?? null;
        continue;
      }
      for (let i = next; i < entry.idx; i++) {
        const prev = fields[i]!;
        if (!ids.has(prev.id) && pending.delete(prev.id)) slots.push({ row: prev });
      }
      next = entry.idx + 1;
      slot = { row: fill(entry.row, it) };
      if (it.label_field === false && entry.row.labelField) label = label ?? null;
    } else {
      slot = { add: parseNewField(it, slots.length) };
    }
    if (it.label_field === true) label = slot;
    slots.push(slot);
  }
  for (const { row } of [...pending.values()].sort((a, b) => a.idx - b.idx)) slots.push({ row });
  checkUniqueNames(slots.map((s) => ("row" in s ? s.row : s.add)));
  return { slots, deleted, label };
}

/** Runs the field editor inside the update transaction: DDL and metadata change together. */
export async function editFields(tx: Tx, layer: Layer, value: unknown): Promise<void> {
  const { slots, deleted, label } = plan(layer.fields, asItems(value));
  const table = layer.meta.tableName;
  for (const row of deleted) {
    await dropColumn(tx.raw, table, row.columnName);
    await tx.db.delete(layerFieldTable).where(eq(layerFieldTable.id, row.id));
  }
  for (const [position, slot] of slots.entries()) {
    let row: LayerFieldRow;
    if ("add" in slot) {
      [row] = (await insertFields(tx, layer.meta.resourceId, [slot.add], position)) as [
        LayerFieldRow,
      ];
      await addColumn(tx.raw, table, {
        column: row.columnName,
        datatype: row.datatype as FieldType,
      });
    } else row = slot.row;
    const isLabel = label === undefined ? row.labelField : label !== null && slot === label;
    await tx.db
      .update(layerFieldTable)
      .set({
        position,
        keyname: row.keyname,
        displayName: row.displayName,
        labelField: isLabel,
        gridVisibility: row.gridVisibility,
        textSearch: row.textSearch,
        required: row.required,
        lookupTableId: row.lookupTableId,
      })
      .where(eq(layerFieldTable.id, row.id));
  }
}
