/**
 * @module The data behind a project layer, opened from its file: vector files are read once
 * into a read-only in-memory FeatureSource (project files are small working sets; a cap keeps a
 * huge file from filling memory), GeoTIFFs are cut into an in-memory block pyramid the renderer
 * warps exactly as it does stored rasters.
 */
import { stat } from "node:fs/promises";
import { openVectorFile } from "../../geo/formats/reader.ts";
import { type Geometry, type GeometryType, geometryTypeOf } from "../../geo/geometry/types.ts";
import type { FileSource } from "../../geo/qgis/datasource.ts";
import { decodeBlock } from "../../geo/raster/blocks.ts";
import { openGeoTiff } from "../../geo/raster/geotiff.ts";
import { buildPyramid } from "../../geo/raster/pyramid.ts";
import type { DecodedBlock, RasterInfo } from "../../geo/raster/types.ts";
import type { FeatureSource, FieldValue } from "../../geo/sources/feature-source.ts";
import { MemorySource } from "../../geo/sources/memory-source.ts";
import { ValidationError } from "../errors.ts";

/** Features read from one vector file; larger files belong in the catalog (import them). */
export const MAX_PROJECT_FEATURES = 250_000;
/** GeoTIFFs are pyramided in memory; larger ones belong in the catalog as raster layers. */
export const MAX_PROJECT_RASTER_BYTES = 64 * 1024 * 1024;

export type LayerData =
  | { kind: "vector"; source: FeatureSource }
  | {
      kind: "raster";
      info: RasterInfo;
      block: (level: number, col: number, row: number) => Promise<DecodedBlock | undefined>;
    };

/** Opens the file at `path` (already resolved and checked) as the datasource describes it. */
export async function openLayerData(
  path: string,
  ds: FileSource,
  layerEpsg: number | null,
): Promise<LayerData> {
  return ds.kind === "raster" ? openRaster(path) : openVector(path, ds, layerEpsg);
}

async function openVector(
  path: string,
  ds: FileSource,
  layerEpsg: number | null,
): Promise<LayerData> {
  const reader = await openVectorFile(path, { sourceLayer: ds.sourceLayer, ...ds.csv });
  try {
    const rows: { id: number; geom: Geometry | null; fields: Record<string, FieldValue> }[] = [];
    let type: GeometryType | null = reader.info.geometryType;
    for await (const f of reader.features()) {
      if (rows.length >= MAX_PROJECT_FEATURES)
        throw new ValidationError(`more than ${MAX_PROJECT_FEATURES} features in ${ds.path}`);
      if (type === null && f.geom) type = geometryTypeOf(f.geom);
      rows.push({ id: f.fid ?? f.index + 1, geom: f.geom, fields: f.fields });
    }
    const srs = reader.info.srs ?? ds.epsg ?? layerEpsg ?? 4326;
    const mem = new MemorySource(
      { srs, geometryType: type ?? "NONE", fields: reader.info.fields },
      rows,
    );
    return { kind: "vector", source: readOnly(mem) };
  } finally {
    await reader.close();
  }
}

/** Only the read half: project layers are not editable through WFS-T. */
function readOnly(src: FeatureSource): FeatureSource {
  return {
    info: () => src.info(),
    query: (q) => src.query(q),
    count: (q) => src.count(q),
    extent: (q) => src.extent(q),
  };
}

async function openRaster(path: string): Promise<LayerData> {
  if ((await stat(path)).size > MAX_PROJECT_RASTER_BYTES)
    throw new ValidationError(`raster ${path} is larger than ${MAX_PROJECT_RASTER_BYTES} bytes`);
  const reader = await openGeoTiff(path);
  const blocks = new Map<string, Uint8Array>();
  try {
    const info = await buildPyramid(reader, {
      put: async (l, c, r, d) => void blocks.set(`${l}/${c}/${r}`, d),
      get: async (l, c, r) => blocks.get(`${l}/${c}/${r}`),
    });
    return {
      kind: "raster",
      info,
      block: async (l, c, r) => {
        const data = blocks.get(`${l}/${c}/${r}`);
        return data ? decodeBlock(info, data) : undefined;
      },
    };
  } finally {
    reader.close();
  }
}
