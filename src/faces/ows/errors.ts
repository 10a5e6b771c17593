/**
 * @module OGC errors of the OWS face: an OwsError carries the OGC exception code, the locator
 * and the HTTP status (always 4xx for bad input; clients read the XML, status codes help logs
 * and scripts). WMS answers with a ServiceExceptionReport in the requested version's dialect.
 */
import { CatalogError } from "../../catalog/errors.ts";
import { escapeXml } from "../../geo/xml.ts";

export class OwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly locator?: string,
  ) {
    super(message);
  }
}

export const invalidParam = (name: string, msg: string) =>
  new OwsError("InvalidParameterValue", msg, 400, name);
export const missingParam = (name: string) =>
  new OwsError("MissingParameterValue", `${name} is required.`, 400, name);

/** Any thrown value as an OwsError: catalog errors keep their status, the rest become 400. */
export function asOwsError(err: unknown): OwsError {
  if (err instanceof OwsError) return err;
  if (err instanceof CatalogError) {
    const status = err.status >= 400 && err.status < 500 ? err.status : 400;
    const code =
      status === 404 ? "LayerNotDefined" : status === 403 ? "Forbidden" : "InvalidParameterValue";
    return new OwsError(code, err.message, status);
  }
  if (err instanceof RangeError) return new OwsError("InvalidParameterValue", err.message, 400);
  console.error("OWS:", err);
  return new OwsError("NoApplicableCode", "The request could not be served.", 400);
}

/** WMS ServiceExceptionReport: 1.1.1 without a namespace, 1.3.0 in the ogc namespace. */
export function wmsException(e: OwsError, version: string): Response {
  const attrs = `code="${escapeXml(e.code)}"${e.locator ? ` locator="${escapeXml(e.locator)}"` : ""}`;
  const v13 = version === "1.3.0";
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    (v13
      ? '<ServiceExceptionReport version="1.3.0" xmlns="http://www.opengis.net/ogc" ' +
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
        'xsi:schemaLocation="http://www.opengis.net/ogc http://schemas.opengis.net/wms/1.3.0/exceptions_1_3_0.xsd">'
      : '<ServiceExceptionReport version="1.1.1">') +
    `<ServiceException ${attrs}>${escapeXml(e.message)}</ServiceException></ServiceExceptionReport>`;
  return new Response(xml, {
    status: e.status,
    headers: {
      "Content-Type": v13 ? "text/xml; charset=utf-8" : "application/vnd.ogc.se_xml; charset=utf-8",
    },
  });
}

/** OWS 1.1 ExceptionReport, for requests that name no service the face knows. */
export function owsException(e: OwsError): Response {
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<ows:ExceptionReport version="2.0.0" xmlns:ows="http://www.opengis.net/ows/1.1">' +
    `<ows:Exception exceptionCode="${escapeXml(e.code)}"${e.locator ? ` locator="${escapeXml(e.locator)}"` : ""}>` +
    `<ows:ExceptionText>${escapeXml(e.message)}</ows:ExceptionText></ows:Exception></ows:ExceptionReport>`;
  return new Response(xml, {
    status: e.status,
    headers: { "Content-Type": "application/xml; charset=utf-8" },
  });
}
