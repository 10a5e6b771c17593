/**
 * @module GeoServer's error format: a plain-text body with the exception message and
 * GeoServer's status (reference A.1.4). Catalog errors are translated here; bad input is a 4xx
 * (GeoServer itself answers many of them with 500, gisd does not).
 */
import type { Context } from "hono";
import { CatalogError } from "../../catalog/errors.ts";

export class GsError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = (msg: string) => new GsError(404, msg);
export const forbidden = (msg: string) => new GsError(403, msg);
export const badRequest = (msg: string) => new GsError(400, msg);

export const CHALLENGE = { "WWW-Authenticate": 'Basic realm="GeoServer Realm"' };

export function plain(status: number, text: string, headers: Record<string, string> = {}) {
  return new Response(text, {
    status,
    headers: { "Content-Type": "text/plain; charset=utf-8", ...headers },
  });
}

/** Status of a catalog error in GeoServer's dialect: validation problems are 400, not 422. */
function statusOf(err: CatalogError): number {
  if (err.status === 422) return err.code === "display_name_not_unique" ? 409 : 400;
  return err.status;
}

/** Errors thrown by geo/ engines (FormatError, GeometryError) carry a numeric status hint. */
function engineStatus(err: Error): number | undefined {
  const s = (err as { status?: unknown }).status;
  if (typeof s === "number" && s >= 400 && s < 500) return s === 422 ? 400 : s;
  if (/Error$/.test(err.name) && err.name !== "Error" && err.name !== "TypeError") {
    if (err.name === "FormatError" || err.name === "GeometryError" || err.name === "SrsError")
      return 400;
  }
  return undefined;
}

export function gsOnError(err: Error, c: Context): Response {
  if (err instanceof GsError) return plain(err.status, err.message, err.headers);
  if (err instanceof CatalogError) {
    const status = statusOf(err);
    // GeoServer's 401 for a non-empty coverage store delete is not a login prompt.
    const login = err.code === "invalid_credentials" || err.code === "authentication_required";
    return plain(status, err.message, login ? CHALLENGE : {});
  }
  const hinted = engineStatus(err);
  if (hinted) return plain(hinted, err.message);
  console.error(`[geoserver] ${c.req.method} ${c.req.path}:`, err);
  return plain(500, "Internal error");
}
