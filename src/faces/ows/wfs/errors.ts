/**
 * @module WFS exceptions: a WfsError carries the OWS exceptionCode, the locator and an HTTP
 * status; the report is OGC's ServiceExceptionReport for WFS 1.0, ows:ExceptionReport (OWS 1.0)
 * for 1.1 and (OWS 1.1) for 2.0. Engine and catalog errors with a 4xx hint become reports with
 * that status; nothing a client sends ends in a 5xx.
 */
import { CatalogError } from "../../../catalog/errors.ts";
import { escapeXml } from "../../../geo/xml.ts";

export type WfsVersion = "1.0.0" | "1.1.0" | "2.0.0";

export class WfsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly locator?: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export const invalid = (message: string, locator?: string) =>
  new WfsError("InvalidParameterValue", message, locator);
export const missing = (locator: string) =>
  new WfsError("MissingParameterValue", `The ${locator} parameter is required.`, locator);
export const unsupported = (message: string, locator?: string) =>
  new WfsError("OperationNotSupported", message, locator);

/** Any error as a WfsError: hinted 4xx keep their status, everything unknown is a 500 report. */
export function asWfsError(err: unknown): WfsError {
  if (err instanceof WfsError) return err;
  if (err instanceof CatalogError) {
    const code =
      err.status === 403 || err.status === 401 ? "NoApplicableCode" : "InvalidParameterValue";
    return new WfsError(code, err.message, undefined, err.status === 422 ? 400 : err.status);
  }
  if (err instanceof Error) {
    const hint = (err as { status?: unknown }).status;
    const code = (err as { code?: unknown }).code;
    const locator = (err as { locator?: unknown }).locator;
    if (typeof hint === "number" && hint >= 400 && hint < 500) {
      return new WfsError(
        typeof code === "string" ? code : "InvalidParameterValue",
        err.message,
        typeof locator === "string" ? locator : undefined,
        hint === 422 ? 400 : hint,
      );
    }
  }
  return new WfsError("NoApplicableCode", "Internal server error.", undefined, 500);
}

export function exceptionReport(e: WfsError, version: WfsVersion): Response {
  const loc = e.locator ? ` locator="${escapeXml(e.locator)}"` : "";
  const msg = escapeXml(e.message);
  const body =
    version === "1.0.0"
      ? `<?xml version="1.0" encoding="UTF-8"?>\n<ServiceExceptionReport version="1.2.0" xmlns="http://www.opengis.net/ogc"><ServiceException code="${escapeXml(e.code)}"${loc}>${msg}</ServiceException></ServiceExceptionReport>`
      : `<?xml version="1.0" encoding="UTF-8"?>\n<ows:ExceptionReport version="${version === "2.0.0" ? "2.0.0" : "1.0.0"}" xmlns:ows="http://www.opengis.net/ows${version === "2.0.0" ? "/1.1" : ""}"><ows:Exception exceptionCode="${escapeXml(e.code)}"${loc}><ows:ExceptionText>${msg}</ows:ExceptionText></ows:Exception></ows:ExceptionReport>`;
  return new Response(body, {
    status: e.status,
    headers: { "Content-Type": "application/xml; charset=utf-8" },
  });
}
