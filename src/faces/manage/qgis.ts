/**
 * @module `/qgis/…`: py-qgis-server's passthrough to the OGC services. gisd has one OWS
 * dispatcher (faces/ows) for the whole catalog and its QGIS projects; this hands it the request
 * with the path moved under `/ows` and a lower-case `map` key normalised to `MAP`, as
 * py-qgis-server does. Without MAP the dispatcher answers for the whole catalog.
 */
import type { Context } from "hono";
import type { ManageDeps } from "./deps.ts";

export function qgis(deps: ManageDeps) {
  return async (c: Context) => {
    const url = new URL(c.req.url);
    const rest = url.pathname.replace(/^\/qgis\/?/, "");
    const params = new URLSearchParams();
    for (const [k, v] of url.searchParams) params.append(k.toLowerCase() === "map" ? "MAP" : k, v);
    const target = new URL(`/ows${rest ? `/${rest}` : ""}`, url);
    target.search = params.toString();
    const req = new Request(target, c.req.raw);
    if (!deps.ows) return noService();
    return deps.ows(req);
  };
}

/** An OGC exception while no OWS dispatcher is compiled in. */
function noService(): Response {
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<ServiceExceptionReport version="1.3.0" xmlns="http://www.opengis.net/ogc">' +
    '<ServiceException code="OperationNotSupported">No OGC service is available.</ServiceException>' +
    "</ServiceExceptionReport>";
  return new Response(xml, { status: 400, headers: { "Content-Type": "text/xml; charset=utf-8" } });
}
