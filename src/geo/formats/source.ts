/**
 * @module The reader seam: what every format reader returns (VectorReader), plus chunked file
 * reading shared by the streaming readers.
 */
import { open } from "node:fs/promises";
import type { Geometry, GeometryType } from "../geometry/types.ts";
import type { FieldDef, FieldValue } from "../sources/feature-source.ts";
import type { FormatError } from "./errors.ts";

export interface ReadOptions {
  /** Layer (GPKG table, shapefile name in a zip) to read; default the first. */
  sourceLayer?: string;
  /** Text encoding for CSV and DBF when the file does not say (e.g. "cp1251"). */
  encoding?: string;
  /** CSV delimiter; detected among , ; tab | when absent. */
  delimiter?: string;
  /** CSV columns holding X/longitude and Y/latitude; detected by name when absent. */
  xField?: string;
  yField?: string;
  /** CSV column holding WKT geometry; detected by name when absent. */
  wktField?: string;
  /** Where a zip is unpacked (a fresh folder inside it); default the OS temp folder. */
  tmpDir?: string;
}

export interface ReaderInfo {
  fields: FieldDef[];
  /** null: mixed or unknown, the importer decides; "NONE" when no feature has a geometry. */
  geometryType: GeometryType | null;
  /** EPSG code from .prj, GPKG srs, FGB crs, GeoJSON crs member; null = unknown. */
  srs: number | null;
  count?: number;
}

export interface ReadFeature {
  geom: Geometry | null;
  fields: Record<string, FieldValue>;
  /** 0-based source feature number, for error messages. */
  index: number;
  /** The source's own feature id when it has one (GeoJSON "id", GPKG fid, FGB/KML none). */
  fid?: number;
}

export interface FeatureReadOptions {
  /**
   * When set, a feature whose own content is bad (geometry, a JSON syntax error inside one
   * feature) is passed to this callback and skipped instead of ending the iteration with a
   * FormatError. Errors in the file's structure always throw.
   */
  onSkip?: (e: FormatError) => void;
}

export interface VectorReader {
  format: string;
  layers: string[];
  layer: string;
  info: ReaderInfo;
  features(opts?: FeatureReadOptions): AsyncIterable<ReadFeature>;
  close(): Promise<void>;
}

/** Reads a file sequentially in chunks; the handle is closed even when the consumer stops early. */
export async function* fileChunks(path: string, size = 1 << 20): AsyncGenerator<Uint8Array> {
  const fh = await open(path, "r");
  try {
    for (;;) {
      const buf = new Uint8Array(size);
      const { bytesRead } = await fh.read(buf, 0, size, null);
      if (bytesRead === 0) return;
      yield bytesRead === size ? buf : buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}
