/**
 * @module Importing a vector file into a vector_layer: the one entry point used by the NGW API
 * (`vector_layer.source`), the `gisd import` CLI and the GeoServer/GeoNode faces. The whole import
 * runs inside the caller's transaction, so a layer appears whole or not at all; the file is
 * streamed (read twice only when its geometry type or FID field must be explored first).
 */
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CastError, type FixErrors, fitGeometry } from "../../../geo/features/cast.ts";
import { FormatError } from "../../../geo/formats/errors.ts";
import { openVectorFile } from "../../../geo/formats/reader.ts";
import type { ReadFeature, ReadOptions, VectorReader } from "../../../geo/formats/source.ts";
import { GeometryError } from "../../../geo/geometry/errors.ts";
import type { Geometry, GeometryType } from "../../../geo/geometry/types.ts";
import { validateGeometry } from "../../../geo/geometry/validate.ts";
import type { BatchOp, FeatureInput, FieldValue } from "../../../geo/sources/feature-source.ts";
import { bulkInsert, LibsqlSource } from "../../../geo/sources/libsql-source.ts";
import { hasSrs, reprojectGeometry } from "../../../geo/srs/index.ts";
import { ValidationError } from "../../errors.ts";
import type { ResourceRow } from "../../resource-row.ts";
import type { Tx } from "../../tx.ts";
import type { ClassDeps } from "../registry.ts";
import {
  type CastOptions,
  FidExplorer,
  fidFieldMissing,
  findFidField,
  GeomTypeExplorer,
  initialFilter,
  parseFix,
  type Toggle,
  undetermined,
  uniqueKeynames,
} from "./import-plan.ts";
import { createLayer, specOf } from "./store.ts";

export interface ImportOptions extends Partial<CastOptions> {
  /** Layer of a multi-layer source (GPKG table, shapefile in a zip); default the only one. */
  sourceLayer?: string;
  /** Text encoding of CSV/DBF when the file does not say. */
  encoding?: string;
  fixErrors?: FixErrors;
  /** Skip features that cannot be written instead of failing the import. */
  skipErrors?: boolean;
  fidSource?: "AUTO" | "SEQUENCE" | "FIELD";
  fidField?: string[];
  /** EPSG code of the layer (target of reprojection); default 3857. */
  srs?: number;
  /** The original file name (uploads are stored without one); its extension helps detection. */
  fileName?: string;
  /** Reader options beyond NGW's keys (CSV delimiter, X/Y/WKT columns) for the CLI and faces. */
  reader?: Omit<ReadOptions, "sourceLayer" | "encoding">;
}

export interface ImportResult {
  count: number;
  geometryType: GeometryType;
  srs: number | null;
}

export type Progress = (done: number, total?: number) => void;

function toggle(v: unknown, name: string): Toggle {
  if (v === undefined || v === null || v === "AUTO") return null;
  if (v === true || v === "YES") return true;
  if (v === false || v === "NO") return false;
  throw new ValidationError(`'${name}' must be AUTO, YES or NO.`);
}

/** Reads NGW's loader keys from a `vector_layer` body (reference/ngw.md §3.4). */
export function parseImportOptions(vl: Record<string, unknown>): ImportOptions {
  const cgt = vl.cast_geometry_type ?? null;
  if (cgt !== null && cgt !== "POINT" && cgt !== "LINESTRING" && cgt !== "POLYGON")
    throw new ValidationError("'cast_geometry_type' must be POINT, LINESTRING, POLYGON or null.");
  const fidSource = vl.fid_source ?? "SEQUENCE";
  if (fidSource !== "AUTO" && fidSource !== "SEQUENCE" && fidSource !== "FIELD")
    throw new ValidationError("'fid_source' must be AUTO, SEQUENCE or FIELD.");
  let fidField: string[] = [];
  if (typeof vl.fid_field === "string") fidField = vl.fid_field.split(/\s*,\s*/).filter(Boolean);
  else if (Array.isArray(vl.fid_field) && vl.fid_field.every((x) => typeof x === "string"))
    fidField = vl.fid_field;
  else if (vl.fid_field !== undefined && vl.fid_field !== null)
    throw new ValidationError("'fid_field' must be a string or a list of strings.");
  const opts: ImportOptions = {
    fixErrors: parseFix(vl.fix_errors),
    skipErrors: vl.skip_errors === true,
    skipOtherGeometryTypes: vl.skip_other_geometry_types === true,
    castGeometryType: cgt,
    castIsMulti: toggle(vl.cast_is_multi, "cast_is_multi"),
    castHasZ: toggle(vl.cast_has_z, "cast_has_z"),
    fidSource,
    fidField,
  };
  if (opts.skipOtherGeometryTypes && cgt === null)
    throw new ValidationError(
      "Parameter 'cast_geometry_type' is required with 'skip_other_geometry_types=true'.",
    );
  if (typeof vl.source_layer === "string") opts.sourceLayer = vl.source_layer;
  if (typeof vl.encoding === "string") opts.encoding = vl.encoding;
  return opts;
}

/** Engine errors become 422 ValidationErrors naming the 1-based feature number. */
function asValidation(err: unknown): unknown {
  if (err instanceof FormatError) {
    const msg = err.message.replace(/^Feature #\d+: /, "");
    return new ValidationError(
      err.featureIndex === undefined ? msg : `Feature #${err.featureIndex + 1}: ${msg}`,
    );
  }
  if (err instanceof GeometryError || err instanceof CastError)
    return new ValidationError(err.message);
  return err;
}

/** Opens the file under a name with its original extension, since uploads have none. */
async function open(path: string, o: ImportOptions): Promise<{ r: VectorReader; dir?: string }> {
  let target = path;
  let dir: string | undefined;
  const ext = /\.[A-Za-z0-9]{1,10}$/.exec(o.fileName ?? "")?.[0];
  if (ext && !path.toLowerCase().endsWith(ext.toLowerCase())) {
    dir = mkdtempSync(join(tmpdir(), "gisd-import-"));
    target = join(dir, `source${ext.toLowerCase()}`);
    symlinkSync(path, target);
  }
  try {
    const r = await openVectorFile(target, {
      ...o.reader,
      sourceLayer: o.sourceLayer,
      encoding: o.encoding,
    });
    return { r, dir };
  } catch (err) {
    if (dir) rmSync(dir, { recursive: true, force: true });
    throw asValidation(err);
  }
}

/**
 * Imports `path` into the layer `row` (which must not have a table yet) inside `tx`. Creates the
 * fields and the table, streams every feature in, reprojected to `options.srs` (default 3857).
 */
export async function importVectorFile(
  _deps: ClassDeps,
  tx: Tx,
  row: ResourceRow,
  path: string,
  options: ImportOptions = {},
  onProgress?: Progress,
): Promise<ImportResult> {
  const { r, dir } = await open(path, options);
  try {
    return await run(tx, row, r, options, onProgress);
  } catch (err) {
    throw asValidation(err);
  } finally {
    await r.close().catch(() => {});
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

async function run(
  tx: Tx,
  row: ResourceRow,
  r: VectorReader,
  o: ImportOptions,
  onProgress?: Progress,
): Promise<ImportResult> {
  const cast: CastOptions = {
    castGeometryType: o.castGeometryType ?? null,
    castIsMulti: o.castIsMulti ?? null,
    castHasZ: o.castHasZ ?? null,
    skipOtherGeometryTypes: o.skipOtherGeometryTypes ?? false,
  };
  const fix = o.fixErrors ?? "NONE";
  const info = r.info;
  // Geometry type: from the options alone, from the file's own declaration, or by exploring.
  let filter = initialFilter(cast);
  let geometryType: GeometryType | null = null;
  let explorer: GeomTypeExplorer | null = null;
  if (info.geometryType === "NONE" && cast.castGeometryType === null) geometryType = "NONE";
  else if (filter.size === 1) geometryType = [...filter][0]!;
  else if (info.geometryType && filter.has(info.geometryType) && !/shp|shapefile/i.test(r.format))
    geometryType = info.geometryType; // NGW distrusts a shapefile's declared type, so do we
  else explorer = new GeomTypeExplorer(filter, cast);

  const fidNames = o.fidSource === "SEQUENCE" || !o.fidSource ? [] : (o.fidField ?? []);
  const fidDef = findFidField(info.fields, fidNames);
  let fidExplorer = fidDef ? new FidExplorer(fidDef.keyname) : null;
  if (explorer || fidExplorer) {
    let geomDone = !explorer;
    let fidDone = !fidExplorer;
    for await (const f of r.features({ onSkip: () => {} })) {
      if (!geomDone) geomDone = explorer!.explore(f.geom);
      if (!fidDone) fidDone = fidExplorer!.explore(f);
      if (geomDone && fidDone) break;
    }
  }
  if (explorer) {
    filter = explorer.result();
    if (filter.size === 1) geometryType = [...filter][0]!;
  }
  if (geometryType === null) undetermined(filter);
  if (fidExplorer && !fidExplorer.ok) {
    if (fix === "NONE")
      throw new ValidationError(
        `Field '${fidExplorer.keyname}' contains non-unique or empty values.`,
      );
    fidExplorer = null;
  }
  if (!fidExplorer && o.fidSource === "FIELD" && fix === "NONE")
    fidFieldMissing(info.fields, fidNames);

  const target = geometryType === "NONE" ? null : (o.srs ?? 3857);
  // GeoJSON (RFC 7946), KML and lon/lat CSV are WGS 84 unless the file says otherwise.
  const from = info.srs ?? (/geojson|kml|csv/i.test(r.format) ? 4326 : null);
  if (target !== null && from === null)
    throw new ValidationError("Layer doesn't contain coordinate system information.");
  if (target !== null && from !== null && !hasSrs(from))
    throw new ValidationError(`Unknown coordinate system of the source: EPSG:${from}.`);

  const names = uniqueKeynames(info.fields.filter((f) => f.keyname !== fidExplorer?.keyname));
  const types = new Map(info.fields.map((f) => [f.keyname, f.datatype]));
  const layer = await createLayer(
    tx,
    row.id,
    target,
    geometryType,
    names.map((n) => ({
      keyname: n.keyname,
      displayName: n.keyname,
      datatype: types.get(n.source)!,
    })),
  );

  const fidKey = fidExplorer?.keyname;
  const skip = o.skipErrors === true;
  async function* rows(): AsyncGenerator<FeatureInput & { id?: number }> {
    for await (const f of r.features(skip ? { onSkip: () => {} } : {})) {
      const n = f.index + 1;
      let geom: Geometry | null;
      try {
        geom = prepareGeometry(f, geometryType!, fix, n, from, target);
      } catch (err) {
        if (skip) continue;
        if (err instanceof CastError && err.wrongType && cast.skipOtherGeometryTypes) continue;
        if (err instanceof CastError) throw err;
        throw new ValidationError(`Feature #${n}: ${(err as Error).message}`);
      }
      const fields: Record<string, FieldValue> = {};
      for (const nm of names) fields[nm.keyname] = f.fields[nm.source] ?? null;
      const out: FeatureInput & { id?: number } = { geom, fields };
      if (fidKey !== undefined) out.id = Number(f.fields[fidKey]);
      yield out;
    }
  }
  const progress = (done: number) => onProgress?.(done, info.count);
  const spec = specOf(layer);
  const count =
    fidKey === undefined
      ? await bulkInsert(tx.raw, spec, rows(), progress)
      : await insertWithIds(new LibsqlSource(tx.raw, spec), rows(), progress);
  return { count, geometryType, srs: target };
}

/** Inserts with ids taken from the FID field, in batches (bulkInsert assigns its own ids). */
async function insertWithIds(
  src: LibsqlSource,
  rows: AsyncIterable<FeatureInput & { id?: number }>,
  progress: (n: number) => void,
): Promise<number> {
  let ops: BatchOp[] = [];
  let n = 0;
  for await (const f of rows) {
    ops.push({ op: "insert", feature: f, id: f.id });
    if (ops.length === 500) {
      n += (await src.batch(ops)).length;
      progress(n);
      ops = [];
    }
  }
  if (ops.length) n += (await src.batch(ops)).length;
  progress(n);
  return n;
}

function prepareGeometry(
  f: ReadFeature,
  type: GeometryType,
  fix: FixErrors,
  n: number,
  from: number | null,
  to: number | null,
): Geometry | null {
  if (!f.geom || type === "NONE") return null;
  let g = fitGeometry(f.geom, type, fix, n);
  if (!g) return null;
  validateGeometry(g);
  if (from !== null && to !== null && from !== to) g = reprojectGeometry(g, from, to);
  return g;
}
