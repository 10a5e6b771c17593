/**
 * @module PUT …/datastores/{ds}/{file|url|external}.{format} and …/coveragestores/{cs}/….geotiff:
 * the body is the file (zip by Content-Type or magic), a URL on an allow-listed host (no SSRF),
 * or a server path inside the import root. Parameters configure, target, update, charset,
 * filename and coverageName as GeoServer reads them.
 */
import { resolveImportPath } from "../../catalog/geoserver/paths.ts";
import { storeObj } from "./datastores.ts";
import { badRequest, GsError } from "./errors.ts";
import type { GsDeps } from "./index.ts";
import { empty, type GsReq, ok } from "./request.ts";

const ZIP_MIMES = ["application/zip", "multipart/x-zip", "application/x-zip-compressed"];
const MAX_FETCH = 512 * 1024 * 1024;

function isZip(r: GsReq, bytes: Uint8Array): boolean {
  const mime = r.contentType.split(";")[0]!.trim().toLowerCase();
  return ZIP_MIMES.includes(mime) || (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03);
}

/** The body bytes for the upload method: the file itself, a fetched URL, or a server file. */
async function bodyBytes(r: GsReq, deps: GsDeps): Promise<{ bytes: Uint8Array; name?: string }> {
  const method = r.params.method;
  if (method === "file") return { bytes: await r.bytes() };
  const text = (await r.text()).trim();
  if (method === "external") {
    const path = resolveImportPath(deps.app.config.importRoot, text);
    return {
      bytes: new Uint8Array(await Bun.file(path).arrayBuffer()),
      name: path.split("/").pop(),
    };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badRequest("The body of a url upload must be a URL");
  }
  if (!["http:", "https:"].includes(url.protocol))
    throw badRequest(`Unsupported URL scheme: ${url.protocol}`);
  if (!deps.app.config.fetchAllowHosts.includes(url.hostname.toLowerCase()))
    throw new GsError(403, `Fetching from ${url.hostname} is not allowed (GISD_FETCH_ALLOW_HOSTS)`);
  const res = await fetch(url, { redirect: "error", signal: AbortSignal.timeout(60_000) }).catch(
    (e) => {
      throw badRequest(`Could not fetch ${url.href}: ${(e as Error).message}`);
    },
  );
  if (!res.ok) throw badRequest(`Could not fetch ${url.href}: HTTP ${res.status}`);
  const buf = new Uint8Array(await res.arrayBuffer());
  if (buf.length > MAX_FETCH) throw new GsError(413, "Remote file too large");
  return { bytes: buf, name: url.pathname.split("/").pop() };
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
      const { bytes, name } = await bodyBytes(r, deps);
      if (bytes.length === 0) throw badRequest("Empty upload");
      const res = await gs.imports.upload(r.actor, ws, r.params.ds!, {
        bytes,
        format: r.params.format!,
        zip: isZip(r, bytes),
        filename: r.query("filename") ?? name,
        configure,
        update,
        charset: r.query("charset"),
      });
      return empty(res.status);
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
      const { bytes } = await bodyBytes(r, deps);
      if (bytes.length === 0) throw badRequest("Empty upload");
      const store = await gs.imports.uploadRaster(r.actor, ws, r.params.cs!, {
        bytes,
        filename: r.query("filename"),
        coverageName: r.query("coverageName"),
        configure,
      });
      return ok(
        { ...r, fmt: r.fmt === "json" ? "json" : "xml" },
        { coverageStore: storeObj(r, store) },
        201,
      );
    },
  };
}
