/**
 * @module NGW vector tiles: /api/component/feature_layer/mvt (several layers, each named
 * `ngw:{id}`, as ngw-kit expects), the seed's /api/resource/{id}/{z}/{x}/{y}.mvt, and a TileJSON
 * document per layer. Tiles come from the TileService, keyed by layer versions; 204 for an
 * empty tile (NGW), gzip when accepted, a weak ETag from the cache key with 304 on a match.
 */
import type { Context } from "hono";
import { ValidationError } from "../../catalog/errors.ts";
import { FeatureLayers } from "../../catalog/features.ts";
import { tileLayer } from "../../catalog/tile-layers.ts";
import { hashKey, TileService } from "../../geo/tiling/service.ts";
import { bboxToLonLat } from "../../geo/tiling/srs.ts";
import { parseTile, type TileCoord } from "../../geo/tiling/tile.ts";
import { defaultTileOptions, type TileOptions } from "../../geo/tiling/types.ts";
import type { AppContext, Env } from "../../http/context.ts";
import { resourceId } from "./params.ts";
import type { NgwRoute } from "./routes.ts";

const MVT_TYPE = "application/vnd.mapbox-vector-tile";
/** At most this many layers in one tile request. */
const MAX_LAYERS = 32;

/** The face's tile service: one per server, on-disk cache under the data folder. */
export function mvtService(app: AppContext): TileService {
  const tiles = new TileService({ diskDir: `${app.config.dataDir}/cache/mvt` });
  // forgetAll, not only the prepared source: the change may be a delete seen from another node
  // (the change feed), after which the same id may name a new layer at the same version.
  app.catalog.resources.onChange((ev) => {
    if (ev.kind !== "create") tiles.forgetAll(ev.id);
  });
  return tiles;
}

export function mvtRoutes(app: AppContext): NgwRoute[] {
  const h = mvtHandlers(app, mvtService(app));
  return [
    {
      name: "feature_layer.mvt",
      path: "/api/component/feature_layer/mvt",
      methods: { GET: h.mvt },
    },
    // The seed's path (not in NGW ≥ 3.3): a regex segment so "{y}.mvt" matches only tiles.
    { path: "/api/resource/{id}/{z}/{x}/:y{[^/]+\\.mvt}", methods: { GET: h.resourceTile } },
    {
      name: "feature_layer.tilejson",
      path: "/api/resource/{id}/tilejson",
      methods: { GET: h.tilejson },
    },
  ];
}

function tileOf(z?: string, x?: string, y?: string): TileCoord {
  try {
    return parseTile(z, x, y);
  } catch (err) {
    throw new ValidationError((err as Error).message);
  }
}

function number(v: string | undefined, name: string, min: number, max: number): number | undefined {
  if (v === undefined || v === "") return undefined;
  const n = Number(v);
  if (!/^[0-9.eE+-]{1,32}$/.test(v) || !Number.isFinite(n) || n < min || n > max)
    throw new ValidationError(
      `Invalid value of '${name}': expected a number from ${min} to ${max}.`,
    );
  return n;
}

/** NGW's query parameters: extent (4096), simplification (extent/512), padding (0.05 of a tile). */
function tileParams(c: Context<Env>): Partial<TileOptions> {
  const extent = number(c.req.query("extent"), "extent", 256, 16384) ?? defaultTileOptions.extent;
  if (!Number.isInteger(extent)) throw new ValidationError("'extent' must be an integer.");
  const simplification =
    number(c.req.query("simplification"), "simplification", 0, extent) ?? extent / 512;
  const padding = number(c.req.query("padding"), "padding", 0, 0.5) ?? 0.05;
  return { extent, simplification, buffer: Math.round(padding * extent) };
}

function parseResources(v: string | undefined): number[] {
  const ids = (v ?? "").split(",").filter((s) => s.trim() !== "");
  if (ids.length === 0) throw new ValidationError("Parameter 'resource' is required.");
  if (ids.length > MAX_LAYERS)
    throw new ValidationError(`At most ${MAX_LAYERS} resources per tile.`);
  const out = ids.map((s) => {
    if (!/^\d{1,15}$/.test(s.trim())) throw new ValidationError(`Invalid resource id '${s}'.`);
    return Number(s);
  });
  // A repeated id would give two layers of the same name, which MVT forbids.
  return [...new Set(out)];
}

/** Pure engines throw errors with a status hint (SrsError, GeometryError): keep them 4xx. */
function geoError(err: unknown): never {
  const status = (err as { status?: unknown }).status;
  if (typeof status === "number" && status >= 400 && status < 500 && err instanceof Error)
    throw new ValidationError(err.message);
  throw err;
}

/** If-None-Match uses the weak comparison (RFC 9110 §13.1.2): W/"x" and "x" both match. */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = etag.replace(/^W\//, "");
  return header.split(",").some((t) => {
    const v = t.trim();
    return v === "*" || v.replace(/^W\//, "") === bare;
  });
}

export function mvtHandlers(app: AppContext, tiles: TileService) {
  const { catalog } = app;

  async function serve(
    c: Context<Env>,
    ids: number[],
    tile: TileCoord,
    params: Partial<TileOptions>,
  ) {
    const actor = c.get("actor");
    const refs = [];
    for (const id of ids) refs.push(await tileLayer(catalog, actor, id));
    const key = tiles.key(refs, tile, { ...defaultTileOptions, ...params });
    const etag = `W/"${hashKey(key)}"`;
    const headers: Record<string, string> = {
      ETag: etag,
      // Tiles change with every edit: caches may keep them but must revalidate (the ETag
      // makes that a cheap 304); private because access depends on the caller.
      "Cache-Control": "private, no-cache",
      Vary: "Accept-Encoding, Authorization, Cookie",
    };
    if (matches(c.req.header("if-none-match"), etag)) return c.body(null, 304, headers);
    const { data } = await tiles.tile(refs, tile, params, c.req.raw.signal).catch(geoError);
    if (!data) return c.body(null, 204, headers);
    headers["Content-Type"] = MVT_TYPE;
    if (/\bgzip\b/.test(c.req.header("accept-encoding") ?? "")) {
      const gzKey = `${key}|gz`;
      let gz = tiles.memory.get(gzKey);
      if (!gz) {
        gz = Bun.gzipSync(data as Uint8Array<ArrayBuffer>, { level: 6 });
        tiles.memory.set(gzKey, gz);
      }
      headers["Content-Encoding"] = "gzip";
      return c.body(gz as Uint8Array<ArrayBuffer>, 200, headers);
    }
    return c.body(data as Uint8Array<ArrayBuffer>, 200, headers);
  }

  return {
    async mvt(c: Context<Env>) {
      const ids = parseResources(c.req.query("resource"));
      const tile = tileOf(c.req.query("z"), c.req.query("x"), c.req.query("y"));
      return serve(c, ids, tile, tileParams(c));
    },

    async resourceTile(c: Context<Env>) {
      const id = resourceId(c);
      const y = (c.req.param("y") ?? "").replace(/\.mvt$/, "");
      const tile = tileOf(c.req.param("z"), c.req.param("x"), y);
      return serve(c, [id], tile, tileParams(c));
    },

    /** TileJSON 3.0.0 (https://github.com/mapbox/tilejson-spec) for one layer. */
    async tilejson(c: Context<Env>) {
      const id = resourceId(c);
      const ref = await tileLayer(catalog, c.get("actor"), id);
      const layer = await new FeatureLayers(catalog).open(c.get("actor"), id);
      const ext = await layer.source.extent();
      const bounds = ext ? bboxToLonLat(ext, layer.srs) : [-180, -85.0511, 180, 85.0511];
      const origin = new URL(c.req.url).origin;
      return c.json({
        tilejson: "3.0.0",
        name: ref.row.displayName,
        description: ref.row.description ?? "",
        version: `1.0.${ref.version}`,
        scheme: "xyz",
        tiles: [`${origin}/api/component/feature_layer/mvt?resource=${id}&z={z}&x={x}&y={y}`],
        minzoom: 0,
        maxzoom: 22,
        bounds,
        center: [(bounds[0]! + bounds[2]!) / 2, (bounds[1]! + bounds[3]!) / 2, 10],
        vector_layers: [
          {
            id: `ngw:${id}`,
            description: ref.row.displayName,
            minzoom: 0,
            maxzoom: 22,
            fields: Object.fromEntries(
              layer.fields.map((f) => [
                f.keyname,
                f.datatype === "INTEGER" || f.datatype === "BIGINT" || f.datatype === "REAL"
                  ? "Number"
                  : f.datatype === "BOOLEAN"
                    ? "Boolean"
                    : "String",
              ]),
            ),
          },
        ],
      });
    },
  };
}
