/**
 * @module NGW rendering endpoints (reference/ngw.md §2.4): render/tile (styles bottom to top,
 * nd=200|204|404), the seed's legacy /resource/{id}/tms, render/image (extent + size, 3857),
 * legend PNG, legend_symbols JSON, raster download and a preview PNG. Parameters are checked
 * here; bad values are NGW ValidationErrors (422), never a render attempt.
 */
import type { Context } from "hono";
import { readRaster } from "../../catalog/classes/raster-layer/store.ts";
import { ResourceNotFound, ValidationError } from "../../catalog/errors.ts";
import {
  renderLegend,
  renderLegendSymbols,
  renderThumbnail,
  renderTile,
  renderView,
} from "../../catalog/render/index.ts";
import type { BBox } from "../../geo/geometry/types.ts";
import type { Rendered } from "../../geo/render/index.ts";
import { MAX_IMAGE_SIDE, viewOf } from "../../geo/render/view.ts";
import type { AppContext, Env } from "../../http/context.ts";
import { parseInt32, parseList, resourceId } from "./params.ts";
import type { NgwRoute } from "./routes.ts";

type C = Context<Env>;

/** NGW's render/tile accepts zoom levels 0..24 (render/api.py). */
const MAX_ZOOM = 24;

export function renderRoutes(app: AppContext): NgwRoute[] {
  const h = renderHandlers(app);
  return [
    { name: "render.tile", path: "/api/component/render/tile", methods: { GET: h.tile } },
    { name: "render.image", path: "/api/component/render/image", methods: { GET: h.image } },
    { name: "render.tms", path: "/resource/{id}/tms", methods: { GET: h.tms } },
    { name: "render.legend", path: "/api/resource/{id}/legend", methods: { GET: h.legend } },
    {
      name: "render.legend_symbols",
      path: "/api/resource/{id}/legend_symbols",
      methods: { GET: h.legendSymbols },
    },
    {
      name: "resource.preview",
      path: "/api/resource/{id}/preview.png",
      methods: { GET: h.preview },
    },
    {
      name: "raster_layer.download",
      path: "/api/resource/{id}/download",
      methods: { GET: h.download },
    },
  ];
}

function renderHandlers(app: AppContext) {
  const catalog = app.catalog;
  return {
    async tile(c: C) {
      const q = query(c);
      const { z, x, y } = tileParams(q);
      const ids = idList(q.resource);
      const nd = ndParam(q.nd);
      const out = await renderTile(catalog, c.get("actor"), ids, z, x, y, c.req.raw.signal, {
        symbols: symbolsParam(q),
      });
      return tileResponse(c, out, nd);
    },

    async tms(c: C) {
      const q = query(c);
      const { z, x, y } = tileParams(q);
      const out = await renderTile(catalog, c.get("actor"), [resourceId(c)], z, x, y);
      return tileResponse(c, out, 200);
    },

    async image(c: C) {
      const q = c.req.query();
      const ids = idList(q.resource);
      const bbox = numbers(q.extent, "extent", 4) as BBox;
      if (!(bbox[0] < bbox[2] && bbox[1] < bbox[3]))
        throw new ValidationError("'extent' must be minx,miny,maxx,maxy with min < max.");
      const [w = 0, h = 0] = numbers(q.size, "size", 2);
      if (![w, h].every((v) => Number.isInteger(v) && v >= 1 && v <= MAX_IMAGE_SIDE))
        throw new ValidationError(`'size' must be two integers from 1 to ${MAX_IMAGE_SIDE}.`);
      const srs = parseInt32(q.srs, "srs", { min: 1 }) ?? 3857;
      const box = srs === 3857 ? bbox : toMercatorBox(bbox, srs);
      const out = await renderView(catalog, c.get("actor"), ids, viewOf(box, w, h));
      return png(c, out.png);
    },

    async legend(c: C) {
      return png(c, await renderLegend(catalog, c.get("actor"), resourceId(c)));
    },

    async legendSymbols(c: C) {
      const size = parseInt32(c.req.query("icon_size"), "icon_size", { min: 8, max: 128 }) ?? 24;
      return c.json(await renderLegendSymbols(catalog, c.get("actor"), resourceId(c), size));
    },

    async preview(c: C) {
      const id = resourceId(c);
      await catalog.resources.require(c.get("actor"), id, "data.read");
      return png(c, await renderThumbnail(catalog, id));
    },

    /** The original GeoTIFF as uploaded (NGW raster_layer.download). */
    async download(c: C) {
      const id = resourceId(c);
      const { row } = await catalog.resources.require(c.get("actor"), id, "data.read");
      const r = row.cls === "raster_layer" ? await readRaster(catalog.deps.client, id) : null;
      if (!r) throw new ResourceNotFound(id);
      const name = (r.fileName ?? `raster-${id}.tif`).replace(/[^\w.-]+/g, "_");
      return new Response(catalog.files.file(r.fileKey), {
        headers: {
          "Content-Type": "image/tiff",
          "Content-Length": String(r.fileSize),
          "Content-Disposition": `attachment; filename="${name}"`,
        },
      });
    },
  };
}

/**
 * Query parameters; GDAL 3.6's NGW driver sends its TMS template XML-escaped, so "&amp;x=1"
 * arrives as a parameter named "amp;x": such names count as their plain selves.
 */
function query(c: C): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.req.query())) out[k.replace(/^(amp;)+/, "")] = v;
  return out;
}

function tileParams(q: Record<string, string>): { z: number; x: number; y: number } {
  const z = parseInt32(q.z, "z", { min: 0, max: MAX_ZOOM });
  if (z === undefined) throw new ValidationError("Parameter 'z' is required.");
  const n = 2 ** z;
  const x = parseInt32(q.x, "x", { min: 0, max: n - 1 });
  const y = parseInt32(q.y, "y", { min: 0, max: n - 1 });
  if (x === undefined || y === undefined)
    throw new ValidationError("Parameters 'x' and 'y' are required.");
  return { z, x, y };
}

function idList(v: string | undefined): number[] {
  const list = parseList(v) ?? [];
  if (list.length === 0) throw new ValidationError("Parameter 'resource' is required.");
  if (list.length > 64) throw new ValidationError("At most 64 resources can be drawn at once.");
  return list.map((s) => {
    if (!/^\d{1,15}$/.test(s)) throw new ValidationError(`Invalid resource id '${s}'.`);
    return Number(s);
  });
}

/** NGW's symbols[R]=0-3,5 (legend indexes to draw per style); an empty value draws none. */
function symbolsParam(q: Record<string, string>): Map<number, Set<number>> | undefined {
  let out: Map<number, Set<number>> | undefined;
  for (const [k, v] of Object.entries(q)) {
    const m = /^symbols\[(\d{1,15})\]$/.exec(k);
    if (!m) continue;
    const set = new Set<number>();
    for (const part of v === "" ? [] : v.split(",")) {
      const r = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(part.trim());
      if (!r) throw new ValidationError(`Invalid value of '${k}': ${part}.`);
      const a = Number(r[1]);
      const b = r[2] === undefined ? a : Number(r[2]);
      if (b < a || b - a > 10_000) throw new ValidationError(`Invalid range in '${k}': ${part}.`);
      for (let i = a; i <= b; i++) set.add(i);
    }
    (out ??= new Map()).set(Number(m[1]), set);
  }
  return out;
}

function ndParam(v: string | undefined): 200 | 204 | 404 {
  if (v === undefined || v === "" || v === "200") return 200;
  if (v === "204") return 204;
  if (v === "404") return 404;
  throw new ValidationError("Parameter 'nd' must be 200, 204 or 404.");
}

function numbers(v: string | undefined, name: string, count: number): number[] {
  const parts = (v ?? "").split(",");
  const out = parts.map((s) => Number(s.trim()));
  if (parts.length !== count || out.some((n) => !Number.isFinite(n) || Math.abs(n) > 1e9))
    throw new ValidationError(`'${name}' must be ${count} comma-separated finite numbers.`);
  return out;
}

function toMercatorBox(b: BBox, srs: number): BBox {
  if (srs !== 4326) throw new ValidationError("'srs' must be 3857 or 4326.");
  const lat = (v: number) => Math.max(-85.0511287798066, Math.min(85.0511287798066, v));
  const R = 6378137;
  const D2R = Math.PI / 180;
  const y = (v: number) => R * Math.log(Math.tan(Math.PI / 4 + (lat(v) * D2R) / 2));
  return [R * b[0] * D2R, y(b[1]), R * b[2] * D2R, y(b[3])];
}

function tileResponse(c: C, out: Rendered, nd: 200 | 204 | 404): Response {
  if (out.empty && nd === 204) return c.body(null, 204);
  if (out.empty && nd === 404)
    return c.body(null, 404, { "Content-Type": "application/octet-stream" });
  return png(c, out.png);
}

function png(c: C, bytes: Uint8Array): Response {
  return c.body(bytes as unknown as ArrayBuffer, 200, { "Content-Type": "image/png" });
}
