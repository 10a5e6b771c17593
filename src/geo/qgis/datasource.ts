/**
 * @module QGIS layer datasource strings, split into the file they name and its options. Only
 * file-backed providers gisd can read are recognised: `ogr` (GeoPackage, Shapefile, GeoJSON,
 * FlatGeobuf; `path|layername=x`), `delimitedtext` (CSV as a `file:` URL with xField/yField/
 * wktField/delimiter/crs) and `gdal` (GeoTIFF). Anything else (PostGIS, WMS, memory…) is
 * reported as unsupported; paths are resolved and checked by the caller.
 */

export type DataKind = "vector" | "raster";

export interface FileSource {
  kind: DataKind;
  /** The path as written in the project: relative to the project folder or absolute. */
  path: string;
  /** GeoPackage table (`|layername=`); undefined for single-layer files. */
  sourceLayer?: string;
  /** CSV reading options (delimitedtext provider). */
  csv?: { xField?: string; yField?: string; wktField?: string; delimiter?: string };
  /** EPSG code given by the datasource itself (delimitedtext `crs=EPSG:n`). */
  epsg?: number;
}

export type ParsedSource = { ok: true; source: FileSource } | { ok: false; reason: string };

const VECTOR_EXT = /\.(gpkg|shp|geojson|json|fgb|csv)$/i;
const RASTER_EXT = /\.(tif|tiff)$/i;

/** Splits a datasource by provider; never touches the file system. */
export function parseDatasource(provider: string, datasource: string): ParsedSource {
  const ds = datasource.trim();
  if (ds === "") return { ok: false, reason: "empty datasource" };
  if (provider === "ogr") return ogrSource(ds);
  if (provider === "delimitedtext") return csvSource(ds);
  if (provider === "gdal") {
    if (!RASTER_EXT.test(ds)) return { ok: false, reason: `unsupported raster file ${ds}` };
    return { ok: true, source: { kind: "raster", path: ds } };
  }
  return { ok: false, reason: `provider '${provider}' is not served by gisd` };
}

function ogrSource(ds: string): ParsedSource {
  const [path = "", ...opts] = ds.split("|");
  if (!VECTOR_EXT.test(path)) return { ok: false, reason: `unsupported vector file ${path}` };
  const source: FileSource = { kind: "vector", path };
  for (const o of opts) {
    const eq = o.indexOf("=");
    if (eq > 0 && o.slice(0, eq) === "layername") source.sourceLayer = o.slice(eq + 1);
  }
  return { ok: true, source };
}

/** `file:///abs/x.csv?type=csv&xField=lon&yField=lat&crs=EPSG:4326` or `file:./x.csv?…`. */
function csvSource(ds: string): ParsedSource {
  const q = ds.indexOf("?");
  let path = q < 0 ? ds : ds.slice(0, q);
  const params = new URLSearchParams(q < 0 ? "" : ds.slice(q + 1));
  if (path.startsWith("file://")) path = path.slice("file://".length);
  else if (path.startsWith("file:")) path = path.slice("file:".length);
  try {
    path = decodeURIComponent(path);
  } catch {
    return { ok: false, reason: "malformed file URL" };
  }
  if (!/\.(csv|txt)$/i.test(path)) return { ok: false, reason: `unsupported text file ${path}` };
  const delim = params.get("delimiter") ?? undefined;
  const source: FileSource = {
    kind: "vector",
    path,
    csv: {
      xField: params.get("xField") ?? undefined,
      yField: params.get("yField") ?? undefined,
      wktField: params.get("wktField") ?? undefined,
      delimiter: delim === "\\t" ? "\t" : delim,
    },
  };
  const crs = /^EPSG:(\d+)$/i.exec(params.get("crs") ?? "");
  if (crs) source.epsg = Number(crs[1]);
  return { ok: true, source };
}
