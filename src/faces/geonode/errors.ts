/**
 * @module GeoNode API v2 error bodies (reference B.1.5): `{"success":false,"errors":[msg],
 * "code":...}` as GeoNode's exception handler writes them, plus DRF's plain `detail` so clients
 * reading either shape find the message. Hidden and missing resources are both 404.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { CatalogError } from "../../catalog/errors.ts";
import { GnForbidden } from "../../catalog/geonode/errors.ts";

export type GnCode =
  | "not_found"
  | "permission_denied"
  | "not_authenticated"
  | "authentication_failed"
  | "invalid"
  | "method_not_allowed"
  | "parse_error"
  | "throttled"
  | "error";

export function gnError(
  c: Context,
  status: number,
  code: GnCode,
  detail: string,
  headers: Record<string, string> = {},
): Response {
  return c.json({ success: false, errors: [detail], code, detail }, status as 400, headers);
}

/** Missing credentials on an endpoint that needs them (B.1.4: users answer 403). */
export class NotAuthenticated extends CatalogError {
  override readonly status = 403;
  constructor() {
    super("Authentication credentials were not provided.");
  }
}

/**
 * The same, on viewsets whose first authentication class is Basic (datasets, documents, maps):
 * DRF answers 401 with a challenge there (B.1.4).
 */
export class NotAuthenticatedBasic extends NotAuthenticated {}

export function geonodeOnError(err: Error, c: Context): Response {
  if (err instanceof NotAuthenticatedBasic)
    return gnError(c, 401, "not_authenticated", err.message, {
      "WWW-Authenticate": 'Basic realm="api"',
    });
  if (err instanceof NotAuthenticated) return gnError(c, 403, "not_authenticated", err.message);
  if (err instanceof GnForbidden) return gnError(c, 403, "permission_denied", err.message);
  if (err instanceof CatalogError) {
    if (err.code === "malformed_json") return gnError(c, 400, "parse_error", err.message);
    if (err.status === 413) return gnError(c, 413, "invalid", err.message);
    if (err.status === 403 || err.status === 404) {
      const msg = err.message === "Invalid page." ? err.message : "Not found.";
      return gnError(c, 404, "not_found", msg);
    }
    if (err.status === 401)
      return gnError(c, 401, "authentication_failed", err.message, {
        "WWW-Authenticate": 'Basic realm="api"',
      });
    if (err.status === 429) return gnError(c, 429, "throttled", err.message);
    if (err.status < 500) return gnError(c, 400, "invalid", err.message);
  }
  if (err instanceof HTTPException && err.status < 500)
    return gnError(c, err.status, "invalid", err.message || "Bad request.");
  console.error(`[geonode] ${c.req.method} ${c.req.path}:`, err);
  return gnError(c, 500, "error", "A server error occurred.");
}
