/**
 * @module `/qgis/…`: py-qgis-server's passthrough to the OGC services. gisd has one OWS
 * dispatcher (faces/ows) for the whole catalog and its QGIS projects; this hands it the request
 * with the path moved under `/ows` and a lower-case `map` key normalised to `MAP`, as
 * py-qgis-server does. Without MAP the dispatcher answers for the whole catalog. The listener
 * also routes `/ows…` here: the dispatcher advertises those URLs in capabilities.
 */
import type { Context } from "hono";
import type { ManageDeps } from "./deps.ts";

export function qgis(deps: ManageDeps) {
  return async (c: Context) => {
    const url = new URL(c.req.url);
    let rest = url.pathname.replace(/^\/(qgis|ows)\/?/, "");
    const params = new URLSearchParams();
    for (const [k, v] of url.searchParams) params.append(k.toLowerCase() === "map" ? "MAP" : k, v);
    // `/qgis/p/{key}` names the project in the path (py-qgis-server's `/ows/p/…`): service URLs
    // advertised without a query, for clients that append their own `?`.
    const inPath = /^p\/([^/]+)\/?(.*)$/.exec(rest);
    if (inPath) {
      params.set("MAP", decodeURIComponent(inPath[1]!));
      rest = inPath[2]!;
    }
    const target = new URL(`/ows${rest ? `/${rest}` : ""}`, url);
    target.search = params.toString();
    return deps.ows(new Request(target, c.req.raw));
  };
}
