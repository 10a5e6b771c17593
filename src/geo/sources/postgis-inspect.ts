/**
 * @module Inspection of PostGIS tables: the columns of a table with their NGW field types, the
 * geometry column's type and SRID (geometry_columns, as NextGIS Web's postgis_layer detects
 * them), and the tables a connection can publish (GeoServer's `list=available`). Names are
 * bound as values here, never spliced into SQL.
 */
import type { SQL } from "bun";
import { GEOMETRY_TYPES, type GeometryType } from "../geometry/types.ts";
import type { FieldType } from "./feature-source.ts";
import { pgError } from "./postgis-source.ts";
import type { PgTableSpec } from "./postgis-sql.ts";

export interface PgColumn {
  name: string;
  /** format_type(), e.g. "integer", "character varying(2)", "geometry(Point,4326)". */
  pgType: string;
  /** The NGW field type; null for geometry and types gisd does not map (arrays, bytea…). */
  datatype: FieldType | null;
  primaryKey: boolean;
}

export interface PgTableInfo {
  columns: PgColumn[];
  /** Geometry columns with their type and SRID. */
  geometry: { column: string; type: GeometryType | null; srid: number }[];
}

/** PostgreSQL base type → NGW field type (feature_layer field datatypes). */
function fieldType(udt: string): FieldType | null {
  switch (udt) {
    case "int2":
    case "int4":
      return "INTEGER";
    case "int8":
      return "BIGINT";
    case "float4":
    case "float8":
    case "numeric":
      return "REAL";
    case "text":
    case "varchar":
    case "bpchar":
    case "uuid":
    case "citext":
      return "STRING";
    case "date":
      return "DATE";
    case "time":
      return "TIME";
    case "timestamp":
    case "timestamptz":
      return "DATETIME";
    case "bool":
      return "BOOLEAN";
    case "json":
    case "jsonb":
      return "JSON";
    default:
      return null;
  }
}

/** geometry_columns' type and dimension → NGW geometry type; null when mixed (GEOMETRY). */
function geometryType(type: string, dims: number): GeometryType | null {
  const base = type.toUpperCase().replace(/M$/, "");
  const t = `${base}${dims >= 3 && !type.toUpperCase().endsWith("M") ? "Z" : ""}`;
  return (GEOMETRY_TYPES as readonly string[]).includes(t) && t !== "NONE"
    ? (t as GeometryType)
    : null;
}

/** Columns and geometry columns of schema.table; null when there is no such table or view. */
export async function inspectTable(
  sql: SQL,
  schema: string,
  table: string,
): Promise<PgTableInfo | null> {
  try {
    const cols = await sql`
      SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS pg_type,
        t.typname AS udt,
        EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary
          AND a.attnum = ANY(i.indkey)) AS pk
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN pg_attribute a ON a.attrelid = c.oid JOIN pg_type t ON t.oid = a.atttypid
      WHERE n.nspname = ${schema} AND c.relname = ${table} AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
        AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`;
    if (!cols.length) return null;
    const geoms = await sql`
      SELECT f_geometry_column AS col, type, coord_dimension AS dims, srid
      FROM geometry_columns WHERE f_table_schema = ${schema} AND f_table_name = ${table}`;
    return {
      columns: cols.map((r: Record<string, unknown>) => ({
        name: String(r.name),
        pgType: String(r.pg_type),
        datatype: fieldType(String(r.udt)),
        primaryKey: r.pk === true,
      })),
      geometry: geoms.map((g: Record<string, unknown>) => ({
        column: String(g.col),
        type: geometryType(String(g.type), Number(g.dims)),
        srid: Number(g.srid),
      })),
    };
  } catch (err) {
    throw pgError(err);
  }
}

/** Tables and views with one geometry column in a schema: what a datastore can publish. */
export async function listGeometryTables(sql: SQL, schema: string): Promise<string[]> {
  try {
    const rows = await sql`
      SELECT DISTINCT f_table_name AS name FROM geometry_columns
      WHERE f_table_schema = ${schema} ORDER BY 1`;
    return rows.map((r: { name: string }) => r.name);
  } catch (err) {
    throw pgError(err);
  }
}

/**
 * The table spec for a layer, as NGW's postgis_layer setup does: the id column must be an integer
 * column, the geometry column must be a PostGIS geometry with a single type and an SRID; every
 * other column of a mapped type becomes a field. Returns an error message when it cannot.
 */
export function tableSpec(
  info: PgTableInfo,
  want: { schema: string; table: string; idColumn?: string; geomColumn?: string },
): PgTableSpec | string {
  const idCol =
    want.idColumn ??
    info.columns.find((c) => c.primaryKey && (c.datatype === "INTEGER" || c.datatype === "BIGINT"))
      ?.name;
  const id = info.columns.find((c) => c.name === idCol);
  if (!id)
    return want.idColumn
      ? `Column '${want.idColumn}' not found.`
      : "No integer primary key column; set column_id.";
  if (id.datatype !== "INTEGER" && id.datatype !== "BIGINT")
    return `Column '${id.name}' is not an integer column.`;
  const g = want.geomColumn
    ? info.geometry.find((x) => x.column === want.geomColumn)
    : info.geometry[0];
  if (!g)
    return want.geomColumn
      ? `Column '${want.geomColumn}' is not a PostGIS geometry column.`
      : "The table has no geometry column.";
  if (!g.type) return `Column '${g.column}' has no single geometry type; set geometry_type.`;
  if (!(g.srid > 0)) return `Column '${g.column}' has no SRID.`;
  return {
    schema: want.schema,
    table: want.table,
    idColumn: id.name,
    geomColumn: g.column,
    srs: g.srid,
    geometryType: g.type,
    fields: info.columns
      .filter((c) => c.name !== id.name && c.datatype !== null)
      .map((c) => ({ keyname: c.name, datatype: c.datatype!, column: c.name })),
  };
}
