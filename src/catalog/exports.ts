/**
 * @module Feature layer exports with the ACL applied (NGW's resource.export, feature_layer.geojson
 * and the seed's /csv; reference/ngw.md §2.3): the layer's features are queried (intersects,
 * ilike, field subset), reprojected and renamed here, then written by the format writers of
 * geo/formats and optionally zipped as they stream. The format table is the one place to add a
 * format (the CLI's `gisd export` uses it too).
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { extname, join } from "node:path";
import { FormatError } from "../geo/formats/errors.ts";
import { exportFeatures } from "../geo/formats/writers.ts";
import { type ZipSource, zipStream } from "../geo/formats/zip-stream.ts";
import type { Geometry } from "../geo/geometry/types.ts";
import { parseWkt } from "../geo/geometry/wkt.ts";
import type {
  Feature,
  FeatureQuery,
  FieldDef,
  FieldValue,
  SourceInfo,
} from "../geo/sources/feature-source.ts";
import { hasSrs, reprojectGeometry } from "../geo/srs/index.ts";
import type { Actor } from "./acl.ts";
import { ValidationError } from "./errors.ts";
import { FeatureLayers, type OpenLayer } from "./features.ts";
import type { Catalog } from "./index.ts";

export type WriterFormat = "GeoJSON" | "CSV" | "GPKG" | "FlatGeobuf" | "ESRI Shapefile" | "KML";

export interface ExportFormat {
  writer: WriterFormat;
  extension: string;
  mime: string;
  /** False when the output is several files (always zipped). */
  singleFile: boolean;
  /** NGW's lonlat: "prefer" defaults to EPSG:4326, "only" forces it. */
  lonlat?: "prefer" | "only";
}

/** NGW's EXPORT_FORMAT_OGR names (feature_layer/ogrdriver.py), plus FlatGeobuf. */
export const EXPORT_FORMATS: Record<string, ExportFormat> = {
  GeoJSON: {
    writer: "GeoJSON",
    extension: "geojson",
    mime: "application/json",
    singleFile: true,
    lonlat: "prefer",
  },
  CSV: { writer: "CSV", extension: "csv", mime: "text/csv", singleFile: true, lonlat: "prefer" },
  GPKG: {
    writer: "GPKG",
    extension: "gpkg",
    mime: "application/geopackage+vnd.sqlite3",
    singleFile: true,
  },
  FlatGeobuf: {
    writer: "FlatGeobuf",
    extension: "fgb",
    mime: "application/octet-stream",
    singleFile: true,
  },
  "ESRI Shapefile": {
    writer: "ESRI Shapefile",
    extension: "shp",
    mime: "application/zip",
    singleFile: false,
  },
  KML: {
    writer: "KML",
    extension: "kml",
    mime: "application/vnd.google-earth.kml+xml",
    singleFile: true,
    lonlat: "only",
  },
};

export interface ExportParams {
  format: string;
  srs?: number;
  /** Field keynames, in output order; undefined means all. */
  fields?: string[];
  /** Name of an extra field holding the feature id. */
  fid?: string;
  /** Name output fields by display name instead of keyname. */
  displayName?: boolean;
  zipped?: boolean;
  /** WKT, in `intersectsSrs` (default: the layer's SRS). */
  intersects?: string;
  intersectsSrs?: number;
  ilike?: string;
  encoding?: string;
}

export interface ExportResult {
  body: ReadableStream<Uint8Array>;
  contentType: string;
  filename: string;
}

function checkSrs(srs: number | undefined, what: string): number | undefined {
  if (srs !== undefined && !hasSrs(srs)) throw new ValidationError(`Unknown SRS in '${what}'.`);
  return srs;
}

/** The query and the field plan of an export; every bad parameter is a 422. */
function plan(layer: OpenLayer, p: ExportParams) {
  const all = layer.fields;
  const chosen = p.fields
    ? p.fields.map((k) => {
        const f = all.find((x) => x.keyname === k);
        if (!f) throw new ValidationError(`Unknown field '${k}'.`);
        return f;
      })
    : all;
  const out: FieldDef[] = chosen.map((f) => ({
    keyname: p.displayName ? f.displayName : f.keyname,
    datatype: f.datatype,
  }));
  if (p.fid !== undefined && p.fid !== "") {
    if (out.some((f) => f.keyname === p.fid))
      throw new ValidationError(`Couldn't add FID field '${p.fid}'. Such field already exists.`);
    out.push({ keyname: p.fid, datatype: "INTEGER" });
  }
  const q: FeatureQuery = { fields: chosen.map((f) => f.keyname) };
  if (p.intersects !== undefined) {
    let g: Geometry;
    try {
      g = parseWkt(p.intersects);
    } catch {
      throw new ValidationError("Parameter 'intersects' geometry is not valid.");
    }
    const from = checkSrs(p.intersectsSrs, "intersects_srs") ?? layer.srs;
    try {
      q.intersects = layer.srs && from !== layer.srs ? reprojectGeometry(g, from, layer.srs) : g;
    } catch (err) {
      throw new ValidationError(
        `Failed to reproject 'intersects' geometry: ${(err as Error).message}`,
      );
    }
  }
  if (p.ilike !== undefined && p.ilike !== "") {
    const text = all.filter((f) => f.textSearch && f.datatype === "STRING").map((f) => f.keyname);
    q.textSearch = { value: p.ilike, caseInsensitive: true, fields: text };
  }
  return { chosen, out, q };
}

async function* features(
  layer: OpenLayer,
  q: FeatureQuery,
  chosen: { keyname: string }[],
  out: FieldDef[],
  fid: string | undefined,
  srs: number,
): AsyncGenerator<Feature> {
  for await (const f of layer.source.query(q)) {
    const fields: Record<string, FieldValue> = {};
    chosen.forEach((c, i) => {
      fields[out[i]!.keyname] = f.fields[c.keyname] ?? null;
    });
    if (fid) fields[fid] = f.id;
    const geom =
      f.geom && layer.srs && srs !== layer.srs ? reprojectGeometry(f.geom, layer.srs, srs) : f.geom;
    yield { id: f.id, geom, fields };
  }
}

/** A stream that removes `dir` once it is fully read, fails or is cancelled. */
function cleaning(stream: ReadableStream<Uint8Array>, dir: string): ReadableStream<Uint8Array> {
  const rm = () => rmSync(dir, { recursive: true, force: true });
  const reader = stream.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          rm();
          controller.close();
        } else controller.enqueue(value);
      } catch (err) {
        rm();
        controller.error(err);
      }
    },
    async cancel(reason) {
      await reader.cancel(reason).catch(() => {});
      rm();
    },
  });
}

export class Exports {
  readonly #layers: FeatureLayers;

  constructor(private readonly catalog: Catalog) {
    this.#layers = new FeatureLayers(catalog);
  }

  /** Scratch folder for writers that need files (GPKG, Shapefile), inside the data folder. */
  tmpDir(): string {
    const base = this.catalog.files.path("tmp");
    mkdirSync(base, { recursive: true });
    return mkdtempSync(join(base, "export-"));
  }

  async export(
    actor: Actor,
    id: number,
    p: ExportParams,
    signal?: AbortSignal,
  ): Promise<ExportResult> {
    const fmt = EXPORT_FORMATS[p.format];
    if (!fmt)
      throw new ValidationError(
        `Unsupported export format '${p.format}'; use one of ${Object.keys(EXPORT_FORMATS).join(", ")}.`,
      );
    const layer = await this.#layers.open(actor, id, "data.read");
    const { chosen, out, q } = plan(layer, p);
    q.signal = signal;
    let srs = checkSrs(p.srs, "srs") ?? (fmt.lonlat === "prefer" ? 4326 : layer.srs || 4326);
    if (fmt.lonlat === "only") srs = 4326;
    const info: SourceInfo = {
      srs,
      geometryType: layer.geometryType as SourceInfo["geometryType"],
      fields: out,
    };
    const dir = this.tmpDir();
    try {
      const fid = p.fid || undefined;
      const res = await exportFeatures(
        fmt.writer,
        info,
        features(layer, q, chosen, out, fid, srs),
        {
          layerName: layer.row.displayName,
          srs,
          encoding: p.encoding,
          tmpDir: dir,
        },
      );
      const name = `${id}.${fmt.extension}`;
      const zipped = !fmt.singleFile || p.zipped !== false;
      let body: ReadableStream<Uint8Array>;
      if (!zipped) {
        body = res.stream ?? Bun.file(res.path!).stream();
      } else if (fmt.singleFile) {
        body = zipStream([{ name, data: res.stream ?? Bun.file(res.path!).stream() }]);
      } else {
        // Multi-file output (Shapefile): every file the writer left in its folder.
        const folder = res.path ?? dir;
        const entries: ZipSource[] = readdirSync(folder)
          .sort()
          .map((f) => ({ name: `${id}${extname(f)}`, data: Bun.file(join(folder, f)).stream() }));
        body = zipStream(entries);
      }
      return {
        body: cleaning(body, dir),
        contentType: zipped ? "application/zip" : fmt.mime,
        filename: zipped ? `${name}.zip` : name,
      };
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      if (err instanceof FormatError) throw new ValidationError(err.message);
      throw err;
    }
  }

  /**
   * The layer as a FlatGeobuf file in its own SRS, cached per layer version under
   * fgb-cache/, so HTTP Range reads by browsers (bbox queries over the packed R-tree) are plain
   * file reads. An edit bumps the version; the next request writes a new file.
   */
  async fgb(actor: Actor, id: number): Promise<{ path: string; size: number; version: number }> {
    const layer = await this.#layers.open(actor, id, "data.read");
    const key = `fgb-cache/${id}-${layer.row.version}.fgb`;
    if (!this.catalog.files.exists(key)) {
      let job = this.#building.get(key);
      if (!job) {
        job = this.#buildFgb(layer, key).finally(() => this.#building.delete(key));
        this.#building.set(key, job);
      }
      await job;
    }
    return {
      path: this.catalog.files.path(key),
      size: this.catalog.files.size(key),
      version: layer.row.version,
    };
  }

  readonly #building = new Map<string, Promise<void>>();

  async #buildFgb(layer: OpenLayer, key: string): Promise<void> {
    const { chosen, out, q } = plan(layer, { format: "FlatGeobuf" });
    const srs = layer.srs || 4326;
    const info: SourceInfo = {
      srs,
      geometryType: layer.geometryType as SourceInfo["geometryType"],
      fields: out,
    };
    const dir = this.tmpDir();
    try {
      const res = await exportFeatures(
        "FlatGeobuf",
        info,
        features(layer, q, chosen, out, undefined, srs),
        {
          layerName: layer.row.displayName,
          srs,
          tmpDir: dir,
        },
      );
      await this.catalog.files.write(
        key,
        res.path ? Bun.file(res.path) : await new Response(res.stream).blob(),
      );
      this.dropFgb(layer.row.id, key);
    } catch (err) {
      if (err instanceof FormatError) throw new ValidationError(err.message);
      throw err;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Removes cached FlatGeobuf files of a layer (all, or all but `keep`). */
  dropFgb(id: number, keep?: string): void {
    let names: string[] = [];
    try {
      names = readdirSync(this.catalog.files.path("fgb-cache"));
    } catch {
      return;
    }
    for (const n of names) {
      if (n.startsWith(`${id}-`) && `fgb-cache/${n}` !== keep)
        this.catalog.files.remove(`fgb-cache/${n}`);
    }
  }
}
