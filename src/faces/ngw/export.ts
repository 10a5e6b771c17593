/**
 * @module NGW feature layer exports (reference/ngw.md §2.3, api_export.py): /geojson
 * (feature_layer.geojson), the seed's /csv, /export?format=… (resource.export; zipped defaults to
 * true) and /fgb, a cached FlatGeobuf served with HTTP Range for browser clients.
 */
import type { Context } from "hono";
import { bucketFiles } from "../../catalog/classes/file-bucket.ts";
import { ValidationError } from "../../catalog/errors.ts";
import { type ExportParams, Exports } from "../../catalog/exports.ts";
import { zipStream } from "../../geo/formats/zip-stream.ts";
import type { AppContext, Env } from "../../http/context.ts";
import { contentDisposition, rangeResponse } from "./download.ts";
import { parseBool, parseInt32, parseList, resourceId } from "./params.ts";

type C = Context<Env>;

/** Query string → ExportParams, with NGW's parsing rules (§1.3); bad values are 422. */
export function exportParams(c: C, fixed: Partial<ExportParams> = {}): ExportParams {
  const q = (k: string) => c.req.query(k);
  const format = fixed.format ?? q("format");
  if (!format) throw new ValidationError("Parameter 'format' is required.");
  const fid = q("fid");
  const encoding = q("encoding");
  if (encoding !== undefined && !/^[A-Za-z0-9_.:-]{1,40}$/.test(encoding))
    throw new ValidationError("Parameter 'encoding' is not a valid encoding name.");
  return {
    format,
    srs: parseInt32(q("srs"), "srs", { min: 1 }),
    fields: parseList(q("fields")),
    fid: fid === "" ? undefined : fid,
    displayName: parseBool(q("display_name"), "display_name", false),
    zipped: fixed.zipped ?? parseBool(q("zipped"), "zipped", true),
    intersects: q("intersects"),
    intersectsSrs: parseInt32(q("intersects_srs"), "intersects_srs", { min: 1 }),
    ilike: q("ilike"),
    encoding,
  };
}

export function exportHandlers(app: AppContext) {
  const exports = new Exports(app.catalog);

  async function send(c: C, p: ExportParams, contentType?: string) {
    const r = await exports.export(c.get("actor"), resourceId(c), p, c.req.raw.signal);
    return new Response(r.body, {
      headers: {
        "Content-Type": contentType ?? r.contentType,
        "Content-Disposition": contentDisposition(r.filename),
      },
    });
  }

  return {
    /** resource.export is overloaded in NGW: a file bucket exports as a zip of its files. */
    async export(c: C) {
      const id = resourceId(c);
      const row = await app.catalog.resources.row(id);
      if (row?.cls === "file_bucket") {
        const { catalog } = app;
        const files = await bucketFiles(catalog.resources, catalog.deps, c.get("actor"), id);
        const body = zipStream(
          files.map((f) => ({ name: f.name, data: Bun.file(f.path).stream() })),
        );
        return new Response(body, {
          headers: {
            "Content-Type": "application/zip",
            "Content-Disposition": contentDisposition(`${id}.zip`),
          },
        });
      }
      return send(c, exportParams(c));
    },
    /** NGW serves the whole layer as GeoJSON in EPSG:4326, not zipped. */
    async geojson(c: C) {
      return send(c, exportParams(c, { format: "GeoJSON", zipped: false }), "application/json");
    },
    /** The seed's CSV endpoint (removed from NGW in 2019): the CSV export, not zipped. */
    async csv(c: C) {
      return send(c, exportParams(c, { format: "CSV", zipped: false }));
    },
    async fgb(c: C) {
      const id = resourceId(c);
      const f = await exports.fgb(c.get("actor"), id);
      const etag = `"fgb-${id}-${f.version}"`;
      if (c.req.header("if-none-match") === etag) return new Response(null, { status: 304 });
      return rangeResponse(f.path, f.size, c.req.header("range"), {
        "Content-Type": "application/octet-stream",
        "Content-Disposition": contentDisposition(`${id}.fgb`, "inline"),
        ETag: etag,
        "Cache-Control": "private, no-cache",
      });
    },
    dropFgb: (id: number) => exports.dropFgb(id),
  };
}
