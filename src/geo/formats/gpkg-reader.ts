/**
 * @module GeoPackage reader through libSQL (read-only): layers from gpkg_contents, columns with
 * their declared types, SRS from gpkg_spatial_ref_sys, geometry blobs decoded, rows paged by
 * primary key so a large table streams.
 */
import { type Client, createClient, type InValue } from "@libsql/client";
import type { GeometryType } from "../geometry/types.ts";
import type { FieldDef, FieldType, FieldValue } from "../sources/feature-source.ts";
import { parsePrj } from "../srs/index.ts";
import { FormatError } from "./errors.ts";
import { decodeGpkgGeometry } from "./gpkg-geom.ts";
import { parseDate, parseDateTime } from "./infer.ts";
import type { FeatureReadOptions, ReadFeature, ReadOptions, VectorReader } from "./source.ts";

const PAGE = 1000;
const q = (id: string) => `"${id.replace(/"/g, '""')}"`;

/** GPKG column type → NGW type, as GDAL maps them (MEDIUMINT is GDAL's 32-bit Integer). */
function mapType(decl: string): FieldType | null {
  const t = decl.toUpperCase().replace(/\(.*$/, "").trim();
  if (t === "BOOLEAN") return "BOOLEAN";
  if (t === "TINYINT" || t === "SMALLINT" || t === "MEDIUMINT") return "INTEGER";
  if (t === "INT" || t === "INTEGER") return "BIGINT";
  if (t === "FLOAT" || t === "DOUBLE" || t === "REAL") return "REAL";
  if (t === "DATE") return "DATE";
  if (t === "DATETIME") return "DATETIME";
  if (t === "TEXT" || t === "") return "STRING";
  return null; // BLOB and the like are not carried over
}

function toValue(v: unknown, t: FieldType): FieldValue {
  if (v === null || v === undefined) return null;
  switch (t) {
    case "BOOLEAN":
      return Boolean(Number(v));
    case "INTEGER":
    case "BIGINT":
      return typeof v === "bigint"
        ? Number.isSafeInteger(Number(v))
          ? Number(v)
          : v.toString()
        : Number(v);
    case "REAL":
      return Number(v);
    case "DATE":
      return parseDate(String(v).slice(0, 10));
    case "DATETIME":
      return parseDateTime(String(v)) ?? parseDate(String(v));
    default:
      return String(v);
  }
}

async function srsOf(db: Client, srsId: number): Promise<number | null> {
  const r = await db.execute({
    sql: "SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?",
    args: [srsId],
  });
  const row = r.rows[0];
  if (!row) return null;
  if (String(row.organization).toUpperCase() === "EPSG")
    return Number(row.organization_coordsys_id);
  return typeof row.definition === "string" ? parsePrj(row.definition) : null;
}

export async function openGpkg(path: string, opts: ReadOptions = {}): Promise<VectorReader> {
  const db = createClient({ url: `file:${path}` });
  try {
    // libSQL has no read-only URL flag; query_only refuses every write on this connection.
    await db.execute("PRAGMA query_only = 1");
    const layers = (
      await db.execute(
        "SELECT table_name FROM gpkg_contents WHERE data_type IN ('features','attributes') ORDER BY rowid",
      )
    ).rows.map((r) => String(r.table_name));
    if (layers.length === 0)
      throw new FormatError("the GeoPackage has no feature or attribute tables");
    const layer = opts.sourceLayer ?? layers[0]!;
    if (!layers.includes(layer)) throw new FormatError(`the GeoPackage has no layer "${layer}"`);
    // Only plain tables: a hostile file could name a view whose query never ends.
    const kind = await db.execute({
      sql: "SELECT type FROM sqlite_master WHERE name = ?",
      args: [layer],
    });
    if (kind.rows[0]?.type !== "table")
      throw new FormatError(`GeoPackage layer "${layer}" is not a table`);
    const gc = (
      await db.execute({
        sql: "SELECT column_name, geometry_type_name, srs_id, z FROM gpkg_geometry_columns WHERE table_name = ?",
        args: [layer],
      })
    ).rows[0];
    const geomCol = gc ? String(gc.column_name) : null;
    const cols = (await db.execute(`PRAGMA table_info(${q(layer)})`)).rows;
    const pk = cols.find((c) => Number(c.pk) === 1)?.name;
    const pkCol = pk ? String(pk) : "rowid";
    const fields: FieldDef[] = [];
    for (const c of cols) {
      const name = String(c.name);
      if (name === pkCol || name === geomCol) continue;
      const t = mapType(String(c.type));
      if (t) fields.push({ keyname: name, datatype: t });
    }
    let geometryType: GeometryType | null = "NONE";
    if (gc) {
      const base = String(gc.geometry_type_name).toUpperCase();
      const known = [
        "POINT",
        "LINESTRING",
        "POLYGON",
        "MULTIPOINT",
        "MULTILINESTRING",
        "MULTIPOLYGON",
      ];
      geometryType = known.includes(base)
        ? ((base + (Number(gc.z) === 1 ? "Z" : "")) as GeometryType)
        : null;
    }
    const srs = gc ? await srsOf(db, Number(gc.srs_id)) : null;
    const count = Number((await db.execute(`SELECT count(*) AS n FROM ${q(layer)}`)).rows[0]!.n);
    const select = [pkCol, ...fields.map((f) => f.keyname), ...(geomCol ? [geomCol] : [])]
      .map(q)
      .join(", ");
    async function* features(o?: FeatureReadOptions): AsyncGenerator<ReadFeature> {
      let last: InValue = Number.MIN_SAFE_INTEGER;
      let index = 0;
      for (;;) {
        const r = await db
          .execute({
            sql: `SELECT ${select} FROM ${q(layer)} WHERE ${q(pkCol)} > ? ORDER BY ${q(pkCol)} LIMIT ${PAGE}`,
            args: [last],
          })
          .catch((e: Error) => {
            throw new FormatError(`cannot read the GeoPackage: ${e.message}`, index);
          });
        for (const row of r.rows) {
          const i = index++;
          last = row[0] as InValue;
          const values: Record<string, FieldValue> = {};
          fields.forEach((f, k) => {
            values[f.keyname] = toValue(row[k + 1], f.datatype);
          });
          let geom: ReadFeature["geom"] = null;
          const blob = geomCol ? row[fields.length + 1] : null;
          if (blob) {
            try {
              geom = decodeGpkgGeometry(new Uint8Array(blob as ArrayBuffer));
            } catch (e) {
              const err = new FormatError(`bad geometry: ${(e as Error).message}`, i);
              if (!o?.onSkip) throw err;
              o.onSkip(err);
              continue;
            }
          }
          yield { geom, fields: values, index: i, fid: Number(row[0]) };
        }
        if (r.rows.length < PAGE) return;
      }
    }
    return {
      format: "GPKG",
      layers,
      layer,
      info: { fields, geometryType, srs, count },
      features,
      close: async () => db.close(),
    };
  } catch (e) {
    db.close();
    if (e instanceof FormatError) throw e;
    throw new FormatError(`cannot read the GeoPackage: ${(e as Error).message}`);
  }
}
