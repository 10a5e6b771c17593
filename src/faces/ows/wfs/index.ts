/**
 * @module The WFS handler the OWS dispatcher calls for SERVICE=WFS (NGW wfsserver_service,
 * GeoServer /wfs and /ows, QGIS projects): KVP or XML POST in, one operation out, every failure
 * as the version's exception report with a 4xx status.
 */

import { getCapabilities } from "./capabilities.ts";
import { describeFeatureType } from "./describe.ts";
import { asWfsError, exceptionReport, invalid, type WfsVersion } from "./errors.ts";
import { getFeature } from "./get-feature.ts";
import { getPropertyValue } from "./property-value.ts";
import { fromKvp, fromXml, type WfsRequest } from "./request.ts";
import type { WfsDeps, WfsService } from "./service.ts";
import { describeStoredQueries, listStoredQueries } from "./stored-queries.ts";
import { transaction } from "./transaction.ts";

export { type WfsLayerSource, wfsServiceOf } from "./layer-set.ts";
export type { WfsDeps, WfsLayer, WfsService } from "./service.ts";

export interface WfsCall {
  /** Query parameters with upper-cased keys. */
  params: Map<string, string>;
  /** The POST body, when there is one. */
  body?: Uint8Array | null;
}

function guessVersion(call: WfsCall): WfsVersion {
  const v = call.params.get("VERSION");
  return v?.startsWith("1.0") ? "1.0.0" : v?.startsWith("1.1") ? "1.1.0" : "2.0.0";
}

export async function serveWfs(d: WfsDeps, service: WfsService, call: WfsCall): Promise<Response> {
  let req: WfsRequest | undefined;
  try {
    req = call.body && call.body.byteLength > 0 ? fromXml(call.body) : fromKvp(call.params);
    switch (req.operation) {
      case "GetCapabilities":
        return await getCapabilities(d, service, req.version);
      case "DescribeFeatureType":
        return await describeFeatureType(d, service, req.typeNames, req.version);
      case "GetFeature":
        return await getFeature(d, service, req);
      case "GetPropertyValue":
        return await getPropertyValue(d, service, req);
      case "ListStoredQueries":
        return listStoredQueries(service);
      case "DescribeStoredQueries":
        return describeStoredQueries(call.params.get("STOREDQUERY_ID"));
      case "Transaction":
        if (!req.transaction) throw invalid("Transaction needs an XML body.", "REQUEST");
        return await transaction(d, service, req.transaction, req.version);
    }
  } catch (err) {
    const e = asWfsError(err);
    if (e.status >= 500) console.error("WFS:", err);
    const res = exceptionReport(e, req?.version ?? guessVersion(call));
    // A guest refused (a Transaction on a public layer) is asked for credentials, as the
    // dispatcher does for services: QGIS and GDAL then prompt or retry with their login.
    if (e.status === 403 && d.actor.authMedium === null) {
      const headers = new Headers(res.headers);
      headers.set("WWW-Authenticate", 'Basic realm="gisd"');
      return new Response(res.body, { status: 401, headers });
    }
    return res;
  }
}
