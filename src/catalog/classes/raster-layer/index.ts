/**
 * @module raster_layer: a GeoTIFF imported into a tile-ready pyramid (reference/ngw.md §3.5).
 * Created from `raster_layer.source` = an upload reference, as GDAL's NGW driver sends it
 * (§3.9); a new `source` on update replaces the data. The stored raster keeps its own SRS (it is
 * warped at render time, exactly as gdalwarp would), so `srs`, `xsize`, `ysize` and
 * `geo_transform` describe the stored data; the requested `srs` is only validated.
 */
import type { RasterInfo } from "../../../geo/raster/types.ts";
import { InsufficientPermissions, ValidationError } from "../../errors.ts";
import type { ResourceClass, SerializeContext, WriteContext } from "../registry.ts";
import { importRaster, readRaster, removeRaster } from "./store.ts";

export const rasterLayer: ResourceClass = {
  identity: "raster_layer",
  label: "Raster layer",
  order: 61,
  scopes: ["resource", "datastruct", "data", "metadata"],
  interfaces: ["IBboxLayer"],
  category: "layers_and_styles",
  parents: ["*"],
  keys: ["raster_layer"],

  async serialize(ctx: SerializeContext, row) {
    const r = await readRaster(ctx.client, row.id);
    if (!r) return { raster_layer: null };
    return { raster_layer: describe(r.info) };
  },

  async write(ctx: WriteContext, row, body) {
    const data = body.raster_layer;
    if (data === undefined || data === null) {
      if (ctx.creating) throw new ValidationError("'raster_layer.source' is required.");
      return;
    }
    if (typeof data !== "object" || Array.isArray(data))
      throw new ValidationError("'raster_layer' must be an object.");
    const d = data as Record<string, unknown>;
    if (d.srs !== undefined && d.srs !== null) checkSrs(d.srs);
    if (d.source === undefined || d.source === null) {
      if (ctx.creating) throw new ValidationError("'raster_layer.source' is required.");
      return;
    }
    if (!ctx.creating && !ctx.perms.has("data.write"))
      throw new InsufficientPermissions(row.id, "data", "write");
    const ref = d.source as Record<string, unknown>;
    if (typeof ref !== "object" || typeof ref.id !== "string")
      throw new ValidationError("'raster_layer.source' must be an upload reference {\"id\": …}.");
    const { path, row: upload } = await ctx.uploads.path(ref.id);
    await importRaster(ctx.tx, ctx.files, row.id, path, upload.name ?? null);
  },

  async bbox(deps, row) {
    const r = await readRaster(deps.client, row.id);
    if (!r) return null;
    return { bbox: extentOf(r.info), srs: r.info.epsg };
  },

  async remove(ctx, row) {
    await removeRaster(ctx.tx, ctx.files, row.id);
  },
};

/** NGW's raster_layer JSON (reference/ngw.md §3.5). */
function describe(info: RasterInfo) {
  return {
    srs: { id: info.epsg },
    xsize: info.width,
    ysize: info.height,
    band_count: info.bandCount,
    dtype: info.dtype,
    geo_transform: info.geoTransform,
    bands: info.colorInterp.map((ci, i) => ({
      band: i + 1,
      color_interp: ci,
      no_data: info.nodata === null || Number.isNaN(info.nodata) ? null : info.nodata,
      rat: null,
    })),
    storage: null,
    storage_filename: null,
    cog: info.cog,
    color_interpretation: info.colorInterp,
  };
}

/** The data extent in the raster's SRS (all four corners, so rotated rasters are covered). */
export function extentOf(info: RasterInfo): [number, number, number, number] {
  const gt = info.geoTransform;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [px, py] of [
    [0, 0],
    [info.width, 0],
    [0, info.height],
    [info.width, info.height],
  ] as const) {
    xs.push(gt[0] + px * gt[1] + py * gt[2]);
    ys.push(gt[3] + px * gt[4] + py * gt[5]);
  }
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

function checkSrs(v: unknown): void {
  const id = typeof v === "object" && v !== null ? (v as Record<string, unknown>).id : v;
  if (typeof id !== "number" || !Number.isSafeInteger(id) || id <= 0)
    throw new ValidationError("'raster_layer.srs' must be a reference {\"id\": <EPSG code>}.");
}
