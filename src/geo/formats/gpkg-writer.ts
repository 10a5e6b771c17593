/**
 * @module GeoPackage writer (libSQL): the GPKG 1.3 core tables, one feature (or attribute) table
 * whose fid is the feature id, GPKG geometry blobs, and the rtree_<table>_<column> spatial index
 * GDAL creates, filled at the end from the envelopes collected while writing.
 */
import { join } from "node:path";
import { createClient, type InStatement, type InValue } from "@libsql/client";
import { type BBox, toMulti } from "../geometry/types.ts";
import type { Feature, FieldDef, FieldType, SourceInfo } from "../sources/feature-source.ts";
import { srsWkt } from "../srs/index.ts";
import { FormatError } from "./errors.ts";
import { envelope } from "./geom-util.ts";
import { encodeGpkgGeometry } from "./gpkg-geom.ts";

const BATCH = 500;
const q = (id: string) => `"${id.replace(/"/g, '""')}"`;

const SQL_TYPE: Record<FieldType, string> = {
  INTEGER: "MEDIUMINT", // GDAL's 32-bit Integer
  BIGINT: "INTEGER",
  REAL: "REAL",
  STRING: "TEXT",
  DATE: "DATE",
  TIME: "TEXT",
  DATETIME: "DATETIME",
  BOOLEAN: "BOOLEAN",
  JSON: "TEXT",
};

const CORE = [
  `CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,
    organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL,
    description TEXT)`,
  `CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
    identifier TEXT UNIQUE, description TEXT DEFAULT '',
    last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER)`,
  `CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
    geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
    CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name))`,
  `CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL,
    definition TEXT NOT NULL, scope TEXT NOT NULL,
    CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))`,
  `INSERT INTO gpkg_spatial_ref_sys VALUES
    ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
    ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system')`,
];

function cellValue(v: unknown, t: FieldType): InValue {
  if (v === null || v === undefined) return null;
  if (t === "BOOLEAN") return v ? 1 : 0;
  if (t === "DATETIME") return `${v}Z`.replace(/(T\d\d:\d\d:\d\d)Z$/, "$1.000Z");
  if (t === "BIGINT" && typeof v === "string") return BigInt(v);
  if (typeof v === "object") return JSON.stringify(v);
  return v as InValue;
}

export interface GpkgWriteOptions {
  layerName: string;
  srs: number;
  fields: FieldDef[];
  fidField?: string;
  tmpDir: string;
}

export async function writeGpkg(
  info: SourceInfo,
  features: AsyncIterable<Feature>,
  opts: GpkgWriteOptions,
): Promise<string> {
  const path = join(opts.tmpDir, "export.gpkg");
  const db = createClient({ url: `file:${path}` });
  const t = opts.layerName;
  const spatial = info.geometryType !== "NONE";
  const baseType = info.geometryType.replace(/Z$/, "");
  const z = info.geometryType.endsWith("Z") ? 1 : 0;
  try {
    await db.execute("PRAGMA application_id = 1196444487"); // 'GPKG'
    await db.execute("PRAGMA user_version = 10300");
    await db.batch(CORE, "write");
    if (spatial && opts.srs > 0) {
      // An SRS without a WKT in gisd's table still gets its row, as GPKG requires.
      const def = srsWkt(opts.srs) ?? "undefined";
      await db.execute({
        sql: "INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES (?, ?, 'EPSG', ?, ?, NULL)",
        args: [`EPSG:${opts.srs}`, opts.srs, opts.srs, def],
      });
    }
    const cols = [
      "fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL",
      ...(spatial ? [`geom ${baseType}`] : []),
      ...(opts.fidField ? [`${q(opts.fidField)} INTEGER`] : []),
      ...opts.fields.map((f) => `${q(f.keyname)} ${SQL_TYPE[f.datatype]}`),
    ];
    await db.execute(`CREATE TABLE ${q(t)} (${cols.join(", ")})`);
    await db.execute({
      sql: "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES (?, ?, ?, ?)",
      args: [t, spatial ? "features" : "attributes", t, spatial ? opts.srs : null],
    });
    if (spatial) {
      await db.execute({
        sql: "INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, ?, ?, 0)",
        args: [t, baseType, opts.srs, z],
      });
    }
    const names = [
      "fid",
      ...(spatial ? ["geom"] : []),
      ...(opts.fidField ? [opts.fidField] : []),
      ...opts.fields.map((f) => f.keyname),
    ];
    // Multi-row INSERTs: per-statement overhead in the client dominated (50 s for 300k rows).
    const perRow = `(${names.map(() => "?").join(", ")})`;
    const rowsPerStmt = Math.max(1, Math.min(500, Math.floor(30000 / names.length)));
    const head = `INSERT INTO ${q(t)} (${names.map(q).join(", ")}) VALUES `;
    const statement = (rows: InValue[][]): InStatement => ({
      sql: head + rows.map(() => perRow).join(", "),
      args: rows.flat(),
    });
    let rows: InValue[][] = [];
    const boxes: [number, BBox][] = [];
    let ext: BBox | null = null;
    let batch: InStatement[] = [];
    for await (const f of features) {
      const args: InValue[] = [f.id];
      if (spatial) {
        if (f.geom) {
          if (f.geom.type === "GeometryCollection")
            throw new FormatError("GeometryCollection cannot be written to this layer", f.id);
          // A MULTI* column holds multi geometries only (GDAL warns otherwise): promote singles.
          const g = baseType.startsWith("MULTI") ? toMulti(f.geom) : f.geom;
          args.push(encodeGpkgGeometry(g, opts.srs));
          const b = envelope(f.geom);
          if (b) {
            boxes.push([f.id, b]);
            ext = ext
              ? [
                  Math.min(ext[0], b[0]),
                  Math.min(ext[1], b[1]),
                  Math.max(ext[2], b[2]),
                  Math.max(ext[3], b[3]),
                ]
              : [...b];
          }
        } else args.push(null);
      }
      if (opts.fidField) args.push(f.id);
      for (const fd of opts.fields) args.push(cellValue(f.fields[fd.keyname], fd.datatype));
      rows.push(args);
      if (rows.length === rowsPerStmt) {
        batch.push(statement(rows));
        rows = [];
        if (batch.length >= 10) {
          await db.batch(batch, "write");
          batch = [];
        }
      }
    }
    if (rows.length) batch.push(statement(rows));
    if (batch.length) await db.batch(batch, "write");
    if (spatial) await writeIndex(db, t, boxes, ext);
    return path;
  } finally {
    db.close();
  }
}

async function writeIndex(
  db: ReturnType<typeof createClient>,
  t: string,
  boxes: [number, BBox][],
  ext: BBox | null,
) {
  const rtree = `rtree_${t}_geom`;
  await db.execute(`CREATE VIRTUAL TABLE ${q(rtree)} USING rtree(id, minx, maxx, miny, maxy)`);
  await db.execute({
    sql: `INSERT INTO gpkg_extensions VALUES (?, 'geom', 'gpkg_rtree_index',
      'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')`,
    args: [t],
  });
  const stmts: InStatement[] = [];
  for (let i = 0; i < boxes.length; i += BATCH) {
    const part = boxes.slice(i, i + BATCH);
    stmts.push({
      sql: `INSERT INTO ${q(rtree)} VALUES ${part.map(() => "(?, ?, ?, ?, ?)").join(", ")}`,
      args: part.flatMap(([id, b]) => [id, b[0], b[2], b[1], b[3]]),
    });
  }
  if (stmts.length) await db.batch(stmts, "write"); // one transaction
  if (ext) {
    await db.execute({
      sql: "UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ? WHERE table_name = ?",
      args: [...ext, t],
    });
  }
}
