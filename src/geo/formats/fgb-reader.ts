/**
 * @module FlatGeobuf reader: the header (columns, geometry type, crs, count) parsed up front, the
 * features streamed from the file through the flatgeobuf package's GeoJSON deserializer.
 */
import * as flatbuffers from "flatbuffers";
import { ColumnType } from "flatgeobuf/lib/mjs/flat-geobuf/column-type.js";
import { GeometryType as FgbType } from "flatgeobuf/lib/mjs/flat-geobuf/geometry-type.js";
import { Header } from "flatgeobuf/lib/mjs/flat-geobuf/header.js";
import { deserialize } from "flatgeobuf/lib/mjs/geojson.js";
import { fromByteBuffer, type HeaderMeta } from "flatgeobuf/lib/mjs/header-meta.js";
import type { GeometryType } from "../geometry/types.ts";
import type { FieldDef, FieldType, FieldValue } from "../sources/feature-source.ts";
import { BufferedFile } from "./buffered-file.ts";
import { FormatError } from "./errors.ts";
import { toGeometry } from "./geom-util.ts";
import { parseDateTime } from "./infer.ts";
import type { FeatureReadOptions, ReadFeature, VectorReader } from "./source.ts";

const MAX_HEADER = 10 * 1024 * 1024;

function columnType(t: ColumnType): FieldType | null {
  switch (t) {
    case ColumnType.Bool:
      return "BOOLEAN";
    case ColumnType.Byte:
    case ColumnType.UByte:
    case ColumnType.Short:
    case ColumnType.UShort:
    case ColumnType.Int:
      return "INTEGER";
    case ColumnType.UInt:
    case ColumnType.Long:
    case ColumnType.ULong:
      return "BIGINT";
    case ColumnType.Float:
    case ColumnType.Double:
      return "REAL";
    case ColumnType.DateTime:
      return "DATETIME";
    case ColumnType.String:
    case ColumnType.Json:
      return "STRING";
    default:
      return null; // Binary
  }
}

function layerType(h: FgbHeader): GeometryType | null {
  const names: Partial<Record<FgbType, string>> = {
    [FgbType.Point]: "POINT",
    [FgbType.LineString]: "LINESTRING",
    [FgbType.Polygon]: "POLYGON",
    [FgbType.MultiPoint]: "MULTIPOINT",
    [FgbType.MultiLineString]: "MULTILINESTRING",
    [FgbType.MultiPolygon]: "MULTIPOLYGON",
  };
  const n = names[h.geometryType];
  return n ? (`${n}${h.hasZ ? "Z" : ""}` as GeometryType) : null;
}

export interface FgbHeader extends HeaderMeta {
  /** Not in the package's HeaderMeta: read from the flatbuffer itself. */
  hasZ: boolean;
  name: string | null;
}

export async function readFgbHeader(path: string): Promise<FgbHeader> {
  const f = await BufferedFile.open(path, 64 * 1024);
  try {
    const head = (await f.read(0, 12)).slice();
    if (head.length < 12 || head[0] !== 0x66 || head[1] !== 0x67 || head[2] !== 0x62) {
      throw new FormatError("not a FlatGeobuf file");
    }
    const len = new DataView(head.buffer).getUint32(8, true);
    if (len < 8 || len > MAX_HEADER || 12 + len > f.size)
      throw new FormatError("bad FlatGeobuf header size");
    const bytes = (await f.read(0, 12 + len)).slice();
    const bb = new flatbuffers.ByteBuffer(bytes);
    bb.setPosition(8);
    const meta = fromByteBuffer(bb);
    bb.setPosition(8);
    const raw = Header.getSizePrefixedRootAsHeader(bb);
    return { ...meta, hasZ: raw.hasZ(), name: raw.name() };
  } catch (e) {
    if (e instanceof FormatError) throw e;
    throw new FormatError(`corrupt FlatGeobuf header: ${(e as Error).message}`);
  } finally {
    await f.close();
  }
}

export async function openFgb(path: string): Promise<VectorReader> {
  const h = await readFgbHeader(path);
  const fields: FieldDef[] = [];
  for (const c of h.columns ?? []) {
    const t = columnType(c.type);
    if (t) fields.push({ keyname: c.name, datatype: t });
  }
  const srs =
    h.crs && (h.crs.org ?? "EPSG").toUpperCase() === "EPSG" && h.crs.code > 0 ? h.crs.code : null;
  async function* features(o?: FeatureReadOptions): AsyncGenerator<ReadFeature> {
    let index = 0;
    try {
      for await (const f of deserialize(Bun.file(path).stream() as ReadableStream)) {
        const i = index++;
        let geom: ReadFeature["geom"];
        try {
          geom = toGeometry(f.geometry, i);
        } catch (e) {
          if (!(e instanceof FormatError) || !o?.onSkip) throw e;
          o.onSkip(e);
          continue;
        }
        const p = (f.properties ?? {}) as Record<string, unknown>;
        const values: Record<string, FieldValue> = {};
        for (const fd of fields) {
          const v = p[fd.keyname];
          values[fd.keyname] =
            v === undefined || v === null
              ? null
              : fd.datatype === "DATETIME"
                ? parseDateTime(String(v))
                : fd.datatype === "STRING" && typeof v !== "string"
                  ? JSON.stringify(v)
                  : (v as FieldValue);
        }
        yield { geom, fields: values, index: i };
      }
    } catch (e) {
      if (e instanceof FormatError) throw e;
      throw new FormatError(`corrupt FlatGeobuf data: ${(e as Error).message}`, index);
    }
    // The package's stream reader ends quietly at a cut: the header's count tells.
    if (h.featuresCount > 0 && index < h.featuresCount) {
      throw new FormatError(
        `the FlatGeobuf file is truncated (${index} of ${h.featuresCount} features)`,
        index,
      );
    }
  }
  return {
    format: "FlatGeobuf",
    layers: [h.name ?? "layer"],
    layer: h.name ?? "layer",
    info: {
      fields,
      geometryType: h.featuresCount === 0 ? "NONE" : layerType(h),
      srs,
      count: h.featuresCount,
    },
    features,
    close: async () => {},
  };
}
