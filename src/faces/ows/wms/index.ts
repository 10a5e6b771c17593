/**
 * @module WMS 1.1.1 and 1.3.0 over a layer set: GetCapabilities, GetMap, GetFeatureInfo and
 * GetLegendGraphic. Every failure is a ServiceExceptionReport in the request's version, 4xx.
 */
import { findLayer, type OwsLayerSet } from "../../../catalog/ows/index.ts";
import { asOwsError, missingParam, OwsError, wmsException } from "../errors.ts";
import { capabilities } from "./capabilities.ts";
import { getFeatureInfo } from "./feature-info.ts";
import { getMap } from "./get-map.ts";
import { styleOf, wmsVersion } from "./map-request.ts";

export interface WmsCall {
  /** KVP with upper-cased keys. */
  params: Map<string, string>;
  /** Endpoint URL ending in "?" or "&" (with MAP=… when a project is named), for capabilities. */
  url: string;
  signal?: AbortSignal;
}

export async function serveWms(set: OwsLayerSet, call: WmsCall): Promise<Response> {
  const p = call.params;
  const request = (p.get("REQUEST") ?? "").toLowerCase();
  // GetCapabilities negotiates: no VERSION means the newest.
  const version = wmsVersion(p);
  try {
    switch (request) {
      case "getcapabilities":
      case "capabilities":
        return capabilities(set, version, call.url);
      case "getmap":
      case "map":
        return await getMap(set, p, call.signal);
      case "getfeatureinfo":
      case "feature_info":
        return await getFeatureInfo(set, p, call.signal);
      case "getlegendgraphic":
        return await legendGraphic(set, p);
      case "":
        throw missingParam("REQUEST");
      default:
        throw new OwsError(
          "OperationNotSupported",
          `Request '${(p.get("REQUEST") ?? "").slice(0, 60)}' is not supported.`,
          400,
          "REQUEST",
        );
    }
  } catch (err) {
    return wmsException(asOwsError(err), version);
  }
}

/** GetLegendGraphic (SLD 1.1 profile): LAYER, optional STYLE, PNG. */
async function legendGraphic(set: OwsLayerSet, p: Map<string, string>): Promise<Response> {
  const name = p.get("LAYER");
  if (!name) throw missingParam("LAYER");
  const layer = findLayer(set, name);
  if (!layer)
    throw new OwsError(
      "LayerNotDefined",
      `Layer '${name.slice(0, 100)}' is not served here.`,
      400,
      "LAYER",
    );
  const format = (p.get("FORMAT") ?? "image/png").toLowerCase();
  if (format !== "image/png")
    throw new OwsError(
      "InvalidFormat",
      `FORMAT '${format.slice(0, 60)}' is not offered.`,
      400,
      "FORMAT",
    );
  const style = styleOf(layer, p.get("STYLE") ?? "", "STYLE");
  const png = await set.legend(layer, style);
  return new Response(png as Uint8Array<ArrayBuffer>, { headers: { "Content-Type": "image/png" } });
}
