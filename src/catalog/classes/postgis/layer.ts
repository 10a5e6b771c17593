/**
 * @module postgis_layer: one table of a PostGIS database served in place through PostgisSource
 * (reference/ngw.md §2.3, seed 002). Its JSON is NGW's: `postgis_layer` {connection, schema,
 * table, column_id, column_geom, geometry_type, geometry_srid, srs, fields} where `fields` is
 * write-only: "update" inspects the table again and sets the layer's fields from its columns,
 * "keep" leaves them. gisd inspects on create by default (NGW leaves a new layer without fields
 * unless the client sends "update", which its own UI always does). Features are served in the
 * table's SRID. An edit request is one PostgreSQL transaction, committed right after the
 * catalog's transaction that bumps the layer version (so tile caches never outlive the data).
 */

import type { GeometryType } from "../../../geo/geometry/types.ts";
import type { FieldType } from "../../../geo/sources/feature-source.ts";
import { inspectTable, tableSpec } from "../../../geo/sources/postgis-inspect.ts";
import { PgEditSession } from "../../../geo/sources/postgis-session.ts";
import { PostgisSource } from "../../../geo/sources/postgis-source.ts";
import type { PgTableSpec } from "../../../geo/sources/postgis-sql.ts";
import { InsufficientPermissions, ResourceNotFound, ValidationError } from "../../errors.ts";
import type { ResourceRow } from "../../resource-row.ts";
import type { Executor } from "../../tx.ts";
import type { ClassDeps, ResourceClass, SerializeContext, WriteContext } from "../registry.ts";
import { readConnection } from "./connection.ts";
import { poolFor } from "./pools.ts";

interface LayerField {
  id: number;
  keyname: string;
  display_name: string;
  datatype: FieldType;
  column: string;
  label_field: boolean;
  grid_visibility: boolean;
  text_search: boolean;
}

interface LayerRow {
  connectionId: number;
  schema: string;
  table: string;
  columnId: string;
  columnGeom: string;
  geometryType: GeometryType;
  srid: number;
  fields: LayerField[];
}

async function readLayer(db: Executor, id: number): Promise<LayerRow | undefined> {
  const rs = await db.execute({
    sql: `SELECT connection_id, schema_name, table_name, column_id, column_geom, geometry_type,
      geometry_srid, fields FROM postgis_layer WHERE resource_id = ?`,
    args: [id],
  });
  const r = rs.rows[0];
  if (!r) return undefined;
  return {
    connectionId: Number(r.connection_id),
    schema: String(r.schema_name),
    table: String(r.table_name),
    columnId: String(r.column_id),
    columnGeom: String(r.column_geom),
    geometryType: String(r.geometry_type) as GeometryType,
    srid: Number(r.geometry_srid),
    fields: JSON.parse(String(r.fields)) as LayerField[],
  };
}

function specOf(l: LayerRow): PgTableSpec {
  return {
    schema: l.schema,
    table: l.table,
    idColumn: l.columnId,
    geomColumn: l.columnGeom,
    srs: l.srid,
    geometryType: l.geometryType,
    fields: l.fields.map((f) => ({ keyname: f.keyname, datatype: f.datatype, column: f.column })),
  };
}

async function serialize(ctx: SerializeContext, row: ResourceRow) {
  const l = await readLayer(ctx.client, row.id);
  if (!l) return {};
  const srs = { id: l.srid };
  return {
    feature_layer: {
      srs,
      geometry_type: l.geometryType,
      fields: l.fields.map((f) => ({
        id: f.id,
        keyname: f.keyname,
        display_name: f.display_name,
        datatype: f.datatype,
        typemod: null,
        label_field: f.label_field,
        grid_visibility: f.grid_visibility,
        text_search: f.text_search,
        required: false,
        lookup_table: null,
      })),
      versioning: null,
    },
    postgis_layer: {
      connection: { id: l.connectionId },
      schema: l.schema,
      table: l.table,
      column_id: l.columnId,
      column_geom: l.columnGeom,
      geometry_type: l.geometryType,
      geometry_srid: l.srid,
      srs,
    },
  };
}

function name(v: unknown, key: string): string {
  if (typeof v !== "string" || v === "" || v.length > 63 || v.includes("\0"))
    throw new ValidationError(`'postgis_layer.${key}' must be a name of at most 63 characters.`);
  return v;
}

function idOf(v: unknown): number {
  const id = typeof v === "object" && v !== null ? (v as { id?: unknown }).id : v;
  if (typeof id !== "number" || !Number.isSafeInteger(id))
    throw new ValidationError(`'postgis_layer.connection' must be {"id": <resource id>}.`);
  return id;
}

/** The connection resource, checked to be one and usable by the actor (connection.connect). */
async function connectionFor(ctx: WriteContext, id: number) {
  const row = await ctx.getRow(id);
  if (row?.cls !== "postgis_connection")
    throw new ValidationError(`Resource ${id} is not a PostGIS connection.`);
  if (!(await ctx.permissions(ctx.actor, id)).has("connection.connect"))
    throw new InsufficientPermissions(id, "connection", "connect");
  const c = await readConnection(ctx.tx.raw, id);
  if (!c) throw new ResourceNotFound(id);
  return c;
}

/** Fields from the inspected table, keeping ids and display settings of fields that stay. */
function mergeFields(spec: PgTableSpec, old: LayerField[]): LayerField[] {
  let next = Math.max(0, ...old.map((f) => f.id));
  return spec.fields.map((f) => {
    const was = old.find((o) => o.keyname === f.keyname && o.datatype === f.datatype);
    return (
      was ?? {
        id: ++next,
        keyname: f.keyname,
        display_name: f.keyname,
        datatype: f.datatype,
        column: f.column,
        label_field: false,
        grid_visibility: true,
        text_search: true,
      }
    );
  });
}

/** feature_layer.fields edits: display settings of existing fields, matched by id or keyname. */
function applyFieldEdits(fields: LayerField[], edits: unknown): void {
  if (!Array.isArray(edits)) return;
  for (const e of edits as Record<string, unknown>[]) {
    const f = fields.find((x) => x.id === e?.id || x.keyname === e?.keyname);
    if (!f)
      throw new ValidationError('PostGIS layer fields follow the table; send fields: "update".');
    if (typeof e.display_name === "string" && e.display_name) f.display_name = e.display_name;
    if (typeof e.label_field === "boolean") {
      for (const x of fields) if (e.label_field) x.label_field = false;
      f.label_field = e.label_field;
    }
    if (typeof e.grid_visibility === "boolean") f.grid_visibility = e.grid_visibility;
    if (typeof e.text_search === "boolean") f.text_search = e.text_search;
  }
}

async function write(ctx: WriteContext, row: ResourceRow, body: Record<string, unknown>) {
  const data = (body.postgis_layer ?? (ctx.creating ? undefined : {})) as
    | Record<string, unknown>
    | undefined;
  if (typeof data !== "object" || data === null || Array.isArray(data))
    throw new ValidationError("'postgis_layer' must be an object.");
  const current = ctx.creating ? undefined : await readLayer(ctx.tx.raw, row.id);
  const touched = ["connection", "schema", "table", "column_id", "column_geom", "fields"].some(
    (k) => data[k] !== undefined,
  );
  if (
    !ctx.creating &&
    (touched || body.feature_layer !== undefined) &&
    !ctx.perms.has("datastruct.write")
  )
    throw new InsufficientPermissions(row.id, "datastruct", "write");
  const action = data.fields ?? (ctx.creating ? "update" : "keep");
  if (action !== "update" && action !== "keep")
    throw new ValidationError('\'postgis_layer.fields\' must be "update" or "keep".');
  let layer = current;
  if (ctx.creating || touched) {
    const connectionId =
      data.connection !== undefined ? idOf(data.connection) : current?.connectionId;
    if (connectionId === undefined)
      throw new ValidationError("'postgis_layer.connection' is required.");
    const schema =
      data.schema !== undefined ? name(data.schema, "schema") : (current?.schema ?? "public");
    const table = data.table !== undefined ? name(data.table, "table") : current?.table;
    if (table === undefined) throw new ValidationError("'postgis_layer.table' is required.");
    const conn = await connectionFor(ctx, connectionId);
    const info = await inspectTable(poolFor(ctx, conn), schema, table).catch((err) => {
      throw err instanceof Error && "status" in err ? new ValidationError(err.message) : err;
    });
    if (!info) throw new ValidationError(`Table "${schema}.${table}" not found!`);
    const spec = tableSpec(info, {
      schema,
      table,
      idColumn:
        data.column_id !== undefined ? name(data.column_id, "column_id") : current?.columnId,
      geomColumn:
        data.column_geom !== undefined
          ? name(data.column_geom, "column_geom")
          : current?.columnGeom,
    });
    if (typeof spec === "string") throw new ValidationError(spec);
    const old = current?.fields ?? [];
    layer = {
      connectionId,
      schema,
      table,
      columnId: spec.idColumn,
      columnGeom: spec.geomColumn!,
      geometryType: spec.geometryType,
      srid: spec.srs,
      // "keep" keeps the fields the table still has, so no field names a vanished column.
      fields:
        action === "update"
          ? mergeFields(spec, old)
          : old.filter((o) => spec.fields.some((f) => f.column === o.column)),
    };
  }
  if (!layer) return;
  applyFieldEdits(layer.fields, (body.feature_layer as { fields?: unknown } | undefined)?.fields);
  await ctx.tx.raw.execute({
    sql: `INSERT OR REPLACE INTO postgis_layer (resource_id, connection_id, schema_name, table_name,
      column_id, column_geom, geometry_type, geometry_srid, fields) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    args: [
      row.id,
      layer.connectionId,
      layer.schema,
      layer.table,
      layer.columnId,
      layer.columnGeom,
      layer.geometryType,
      layer.srid,
      JSON.stringify(layer.fields),
    ],
  });
}

export const postgisLayer: ResourceClass = {
  identity: "postgis_layer",
  label: "PostGIS layer",
  order: 61,
  scopes: ["resource", "datastruct", "data", "metadata"],
  interfaces: ["IFeatureLayer", "IWritableFeatureLayer", "IBboxLayer"],
  category: "layers_and_styles",
  parents: ["*"],
  keys: ["feature_layer", "postgis_layer"],
  serialize,
  write,

  async featureSource(deps: ClassDeps, row: ResourceRow, tx) {
    const db = tx ? tx.raw : deps.client;
    const layer = await readLayer(db, row.id);
    const conn = layer && (await readConnection(db, layer.connectionId));
    if (!layer || !conn) throw new ResourceNotFound(row.id);
    const pool = poolFor(deps, conn);
    if (!tx) return new PostgisSource(pool, specOf(layer));
    // An edit: one PostgreSQL transaction for the whole request, committed after the catalog's
    // (whose version bump it must not outlive: a failed bump aborts the edit), rolled back with it.
    const session = new PgEditSession(pool);
    tx.afterCommit(() => session.commit());
    tx.onRollback(() => session.rollback());
    return new PostgisSource(pool, specOf(layer), session);
  },

  async remove(ctx, row) {
    await ctx.tx.raw.execute({
      sql: "DELETE FROM postgis_layer WHERE resource_id = ?",
      args: [row.id],
    });
  },
};
