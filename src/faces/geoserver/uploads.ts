/**
 * @module PUT …/datastores/{ds}/{file|url|external}.{format} and …/coveragestores/{cs}/….geotiff:
 * the body is the file (zip by Content-Type or magic), a URL on an allow-listed host (no SSRF),
 * or a server path inside the import root. Bodies are streamed to disk, never held in memory. Parameters configure, target, update, charset,
 * filename and coverageName as GeoServer reads them.
 */
import { statSync } from "node:fs";
import { basename, join } from "node:path";
import { resolveImportPath } from "../../catalog/geoserver/paths.ts";
import { storeObj } from "./datastores.ts";
import { badRequest, GsError } from "./errors.ts";
import type { GsDeps } from "./index.ts";
import { empty, type GsReq, ok } from "./request.ts";
import { spool, tooLarge } from "./upload-body.ts";

const ZIP_MIMES = ["application/zip", "multipart/x-zip", "application/x-zip-compressed"];

function isZip(r: GsReq, head: Uint8Array): boolean {
  const mime = r.contentType.split(";")[0]!.trim().toLowerCase();
  return ZIP_MIMES.includes(mime) || (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03);
}

interface Body {
  file: Blob;
  head: Uint8Array;
  size: number;
  name?: string;
  /** The resolved server path of an external upload (inside the import root). */
  external?: string;
  dispose(): void;
}

/**
 * The body for the upload method, on disk: the request body or a fetched URL streamed to a
 * temporary file (size-limited), or the server file of an external upload, used where it is.
 */
async function bodyFile(r: GsReq, deps: GsDeps): Promise<Body> {
  const method = r.params.method;
  const { config, catalog } = deps.app;
  const tmp = join(catalog.files.root, "tmp");
  if (method === "file") {
    const len = Number(r.c.req.header("content-length") ?? "0");
    if (len > config.maxUpload) throw tooLarge(config.maxUpload);
    return spool(r.c.req.raw.body, tmp, config.maxUpload);
  }
  const text = (await r.text()).trim();
  if (method === "external") {
    const path = resolveImportPath(config.importRoot, text);
    if (!statSync(path).isFile()) throw badRequest(`Not a file: ${text}`);
    const file = Bun.file(path);
    const head = new Uint8Array(await file.slice(0, 8).arrayBuffer());
    return { file, head, size: file.size, name: basename(path), external: path, dispose() {} };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badRequest("The body of a url upload must be a URL");
  }
  if (!["http:", "https:"].includes(url.protocol))
    throw badRequest(`Unsupported URL scheme: ${url.protocol}`);
  if (!config.fetchAllowHosts.includes(url.hostname.toLowerCase()))
    throw new GsError(403, `Fetching from ${url.hostname} is not allowed (GISD_FETCH_ALLOW_HOSTS)`);
  const res = await fetch(url, { redirect: "error", signal: AbortSignal.timeout(60_000) }).catch(
    (e) => {
      throw badRequest(`Could not fetch ${url.href}: ${(e as Error).message}`);
    },
  );
  if (!res.ok) throw badRequest(`Could not fetch ${url.href}: HTTP ${res.status}`);
  const body = await spool(res.body, tmp, config.maxUpload);
  return { ...body, name: url.pathname.split("/").pop() };
}

function choice<T extends string>(
  v: string | undefined,
  allowed: T[],
  fallback: T,
  what: string,
): T {
  if (v === undefined || v === "") return fallback;
  if (!allowed.includes(v as T)) throw badRequest(`Invalid ${what}: ${v}`);
  return v as T;
}

export function uploadHandlers(deps: GsDeps) {
  const { gs, app } = deps;
  const wsOf = (r: GsReq) =>
    gs.workspaces.get(r.actor, r.params.ws!, `No such workspace : ${r.params.ws}`);
  return {
    async vector(r: GsReq) {
      const ws = await wsOf(r);
      const target = r.query("target");
      if (target && target !== r.params.format && !["shp", "gpkg", "geopkg"].includes(target))
        throw badRequest(`Unsupported target: ${target}`);
      const configure = choice(
        r.query("configure"),
        ["first", "none", "all"],
        "first",
        "configure",
      );
      const update = choice(r.query("update"), ["append", "overwrite"], "append", "update");
      const body = await bodyFile(r, deps);
      try {
        if (body.size === 0) throw badRequest("Empty upload");
        const res = await gs.imports.upload(r.actor, ws, r.params.ds!, {
          file: body.file,
          external: body.external,
          format: r.params.format!,
          zip: isZip(r, body.head),
          filename: r.query("filename") ?? body.name,
          configure,
          update,
          charset: r.query("charset"),
        });
        return empty(res.status);
      } finally {
        body.dispose();
      }
    },
    async raster(r: GsReq) {
      const ws = await wsOf(r);
      if (!["geotiff", "worldimage"].includes(r.params.format!))
        throw badRequest(
          `Unsupported format: ${r.params.format}, available formats are: [geotiff, worldimage]`,
        );
      if (!app.catalog.classes.get("raster_layer"))
        throw badRequest("Raster layers are not available in this build");
      const configure = choice(
        r.query("configure"),
        ["first", "none", "all"],
        "first",
        "configure",
      );
      const body = await bodyFile(r, deps);
      const store = await (async () => {
        if (body.size === 0) throw badRequest("Empty upload");
        return gs.imports.uploadRaster(r.actor, ws, r.params.cs!, {
          file: body.file,
          filename: r.query("filename"),
          coverageName: r.query("coverageName"),
          configure,
        });
      })().finally(() => body.dispose());
      return ok(
        { ...r, fmt: r.fmt === "json" ? "json" : "xml" },
        { coverageStore: storeObj(r, store) },
        201,
      );
    },
  };
}
