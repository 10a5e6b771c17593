/**
 * @module exportFeatures: writes a feature stream in one of the export formats. GeoJSON, CSV and
 * KML come back as byte streams written as they are read (with backpressure); GPKG and
 * FlatGeobuf as a file in tmpDir; ESRI Shapefile as files in tmpDir for the caller to zip.
 */
import type { Feature, FieldDef, SourceInfo } from "../sources/feature-source.ts";
import { csvText } from "./csv-writer.ts";
import { FormatError } from "./errors.ts";
import { writeFgb } from "./fgb-writer.ts";
import { geoJsonText } from "./geojson-writer.ts";
import { writeGpkg } from "./gpkg-writer.ts";
import { kmlText } from "./kml-writer.ts";
import { writeShapefile } from "./shapefile-writer.ts";
import { normalizeEncoding } from "./text-decode.ts";
import { textStream } from "./text-stream.ts";

export { zipFolder } from "./zip.ts";

export type ExportFormat = "GeoJSON" | "CSV" | "GPKG" | "FlatGeobuf" | "ESRI Shapefile" | "KML";

export interface ExportOptions {
  layerName: string;
  /** EPSG code the coordinates are already in. */
  srs: number;
  /** Attribute subset and order; all fields of `info` when absent. */
  fields?: string[];
  /** Text encoding for CSV and Shapefile (default UTF-8). */
  encoding?: string;
  /** Also write the feature id as a field of this name. */
  fidField?: string;
  /** A folder the writer may fill (GPKG, FlatGeobuf, Shapefile files go here). */
  tmpDir: string;
}

export interface ExportResult {
  /** A file (GPKG, FlatGeobuf) or the folder of the shapefile's files. */
  path?: string;
  stream?: ReadableStream<Uint8Array>;
  contentType: string;
  extension: string;
}

function chosenFields(info: SourceInfo, names?: string[]): FieldDef[] {
  if (!names) return info.fields;
  return names.map((n) => {
    const f = info.fields.find((x) => x.keyname === n);
    if (!f) throw new FormatError(`unknown field "${n}"`);
    return f;
  });
}

export async function exportFeatures(
  format: ExportFormat,
  info: SourceInfo,
  features: AsyncIterable<Feature>,
  opts: ExportOptions,
): Promise<ExportResult> {
  const fields = chosenFields(info, opts.fields);
  const names = fields.map((f) => f.keyname);
  const common = { ...opts, fields };
  switch (format) {
    case "GeoJSON":
      return {
        stream: textStream(geoJsonText(features, { ...opts, fields: names })),
        contentType: "application/geo+json",
        extension: "geojson",
      };
    case "CSV": {
      const encoding = normalizeEncoding(opts.encoding ?? "utf-8");
      const gen = csvText(features, {
        fields,
        fidField: opts.fidField,
        withGeometry: info.geometryType !== "NONE",
      });
      return { stream: textStream(gen, encoding), contentType: "text/csv", extension: "csv" };
    }
    case "KML":
      if (opts.srs !== 4326) throw new FormatError("KML coordinates must be in EPSG:4326");
      return {
        stream: textStream(kmlText(features, common)),
        contentType: "application/vnd.google-earth.kml+xml",
        extension: "kml",
      };
    case "GPKG":
      return {
        path: await writeGpkg(info, features, common),
        contentType: "application/geopackage+sqlite3",
        extension: "gpkg",
      };
    case "FlatGeobuf":
      return {
        path: await writeFgb(info, features, common),
        contentType: "application/flatgeobuf",
        extension: "fgb",
      };
    case "ESRI Shapefile":
      return {
        path: await writeShapefile(info, features, common),
        contentType: "application/zip",
        extension: "zip",
      };
    default:
      throw new FormatError(`unknown export format "${format as string}"`);
  }
}
