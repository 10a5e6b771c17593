/**
 * @module OGC services of one QGIS project, used by `/qgis/` only while no OWS dispatcher is
 * registered (deps.ows). WFS is the shared WFS handler (faces/ows/wfs) over the project's
 * read-only layers. WMS is small: GetMap of a project's layers (PNG, EPSG:3857, or EPSG:4326
 * drawn on the Web Mercator grid) through the render worker pool, and a GetCapabilities listing
 * them. Errors are OGC exception reports with 4xx statuses. The full WMS (every CRS, styles,
 * GetFeatureInfo, the whole catalog without MAP) is the OWS face's.
 */

import { projectOwsSet } from "../../catalog/projects/layer-set.ts";
import { mapKey } from "../../catalog/projects/paths.ts";
import { MANAGER } from "../../catalog/projects/summary.ts";
import { toMercator, transformBBox } from "../../catalog/render/srs.ts";
import type { BBox } from "../../geo/geometry/types.ts";
import { MAX_IMAGE_SIDE, viewOf } from "../../geo/render/view.ts";
import { escapeXml } from "../../geo/xml.ts";
import { serveWfs, type WfsService } from "../ows/wfs/index.ts";
import type { ManageDeps } from "./deps.ts";

class OwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export function exceptionReport(code: string, message: string, status: number): Response {
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<ServiceExceptionReport version="1.3.0" xmlns="http://www.opengis.net/ogc">' +
    `<ServiceException code="${escapeXml(code)}">${escapeXml(message)}</ServiceException>` +
    "</ServiceExceptionReport>";
  return new Response(xml, { status, headers: { "Content-Type": "text/xml; charset=utf-8" } });
}

export async function projectOws(deps: ManageDeps, url: URL, req: Request): Promise<Response> {
  const q = new Map<string, string>();
  for (const [k, v] of url.searchParams) q.set(k.toUpperCase(), v);
  try {
    const request = (q.get("REQUEST") ?? "").toLowerCase();
    const map = q.get("MAP");
    if (map === undefined) throw new OwsError("MissingParameterValue", "MAP is required here.");
    const key = projectKey(deps, map);
    const wfs = (q.get("SERVICE") ?? "").toUpperCase() === "WFS" || /\/wfs\/?$/i.test(url.pathname);
    if (wfs) return await projectWfs(deps, key, url, q, req);
    if (request === "getmap") return await getMap(deps, key, q);
    if (request === "getcapabilities") return await capabilities(deps, key, url);
    throw new OwsError(
      "OperationNotSupported",
      `Request '${q.get("REQUEST") ?? ""}' is not supported.`,
    );
  } catch (e) {
    if (e instanceof OwsError) return exceptionReport(e.code, e.message, e.status);
    const status = Number((e as { status?: number }).status);
    if (status === 404) return exceptionReport("MapNotFound", (e as Error).message, 404);
    if (status >= 400 && status < 500)
      return exceptionReport("InvalidParameterValue", (e as Error).message, 400);
    throw e;
  }
}

/** QGIS server's WFS namespace and prefix for project layers. */
const QGS_NS = "http://www.qgis.org/gml";

async function projectWfs(
  deps: ManageDeps,
  key: string,
  url: URL,
  params: Map<string, string>,
  req: Request,
): Promise<Response> {
  const set = await projectOwsSet(deps.projects, key);
  const service: WfsService = {
    title: set.title,
    url: `${url.origin}/qgis/p/${encodeURIComponent(key)}`,
    layers: set.layers
      .filter((l) => l.kind === "vector")
      .map((l) => ({
        prefix: "qgs",
        namespaceUri: QGS_NS,
        // Type names are XML names: QGIS server also replaces spaces and the like.
        name: l.name.replace(/[^\w.-]/g, "_").replace(/^([^A-Za-z_])/, "_$1"),
        title: l.title,
        abstract: l.abstract,
        source: l.source,
      })),
  };
  const body = req.method === "POST" ? new Uint8Array(await req.arrayBuffer()) : null;
  return serveWfs({ catalog: deps.ctx.catalog, actor: MANAGER }, service, { params, body });
}

function projectKey(deps: ManageDeps, map: string): string {
  try {
    return mapKey(deps.projects.registry?.root ?? "/nonexistent", map);
  } catch (e) {
    throw new OwsError("InvalidParameterValue", (e as Error).message);
  }
}

async function getMap(deps: ManageDeps, key: string, q: Map<string, string>): Promise<Response> {
  const width = Number(q.get("WIDTH"));
  const height = Number(q.get("HEIGHT"));
  for (const n of [width, height])
    if (!Number.isInteger(n) || n < 1 || n > MAX_IMAGE_SIDE)
      throw new OwsError("InvalidParameterValue", `WIDTH and HEIGHT must be 1..${MAX_IMAGE_SIDE}.`);
  const fmt = q.get("FORMAT") ?? "image/png";
  if (fmt !== "image/png")
    throw new OwsError("InvalidFormat", `FORMAT ${fmt} is not supported here.`);
  const bbox = mercatorBox(q);
  const layers = (q.get("LAYERS") ?? "").split(",").filter(Boolean);
  const out = await deps.projects.render(key, layers, viewOf(bbox, width, height));
  return new Response(out.png as Uint8Array<ArrayBuffer>, {
    headers: { "Content-Type": "image/png" },
  });
}

/** BBOX in CRS/SRS as a Web Mercator box (EPSG:4326 is lat,lon in WMS 1.3.0). */
function mercatorBox(q: Map<string, string>): BBox {
  const v = (q.get("BBOX") ?? "").split(",").map(Number);
  if (v.length !== 4 || !v.every(Number.isFinite) || v[0]! >= v[2]! || v[1]! >= v[3]!)
    throw new OwsError("InvalidParameterValue", "BBOX must be minx,miny,maxx,maxy.");
  const crs = (q.get("CRS") ?? q.get("SRS") ?? "EPSG:3857").toUpperCase();
  if (crs === "EPSG:3857") return v as BBox;
  if (crs !== "EPSG:4326" && crs !== "CRS:84")
    throw new OwsError("InvalidCRS", `CRS ${crs} is not supported here.`);
  const latLon = crs === "EPSG:4326" && q.get("VERSION") !== "1.1.1";
  const lonLat: BBox = latLon ? [v[1]!, v[0]!, v[3]!, v[2]!] : (v as BBox);
  return transformBBox(lonLat, toMercator(4326));
}

async function capabilities(deps: ManageDeps, key: string, url: URL): Promise<Response> {
  const p = await deps.projects.projects(key).get(key);
  const href = escapeXml(`${url.origin}${url.pathname}?MAP=${encodeURIComponent(key)}&`);
  const layers = p.layers
    .filter((l) => l.valid)
    .map(
      (l) =>
        `<Layer queryable="0"><Name>${escapeXml(l.name)}</Name><Title>${escapeXml(l.title)}</Title>` +
        `<Abstract>${escapeXml(l.abstract)}</Abstract></Layer>`,
    )
    .join("");
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<WMS_Capabilities version="1.3.0" xmlns="http://www.opengis.net/wms" xmlns:xlink="http://www.w3.org/1999/xlink">' +
    `<Service><Name>WMS</Name><Title>${escapeXml(p.project.title)}</Title></Service>` +
    "<Capability><Request><GetCapabilities><Format>text/xml</Format></GetCapabilities>" +
    `<GetMap><Format>image/png</Format><DCPType><HTTP><Get><OnlineResource xlink:href="${href}"/></Get></HTTP></DCPType></GetMap>` +
    "</Request><Exception><Format>XML</Format></Exception>" +
    `<Layer><Title>${escapeXml(p.project.title)}</Title><CRS>EPSG:3857</CRS><CRS>EPSG:4326</CRS>${layers}</Layer>` +
    "</Capability></WMS_Capabilities>";
  return new Response(xml, { headers: { "Content-Type": "text/xml; charset=utf-8" } });
}
