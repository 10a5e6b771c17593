/**
 * @module NextGIS Web's error JSON (reference/ngw.md §1.2): {title, message, status_code,
 * exception, …} with the HTTP status equal to status_code. `message` is always sent because
 * GDAL shows only that field.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { CatalogError, type ErrorCode } from "../../catalog/errors.ts";

const EXCEPTION: Record<ErrorCode, string> = {
  resource_not_found: "nextgisweb.resource.exception.ResourceNotFound",
  feature_not_found: "nextgisweb.feature_layer.exception.FeatureNotFound",
  insufficient_permissions: "nextgisweb.core.exception.InsufficientPermissions",
  forbidden: "nextgisweb.core.exception.ForbiddenError",
  validation: "nextgisweb.core.exception.ValidationError",
  display_name_not_unique: "nextgisweb.resource.exception.DisplayNameNotUnique",
  hierarchy: "nextgisweb.resource.exception.HierarchyError",
  root_delete: "nextgisweb.resource.exception.ResourceRootDeleteError",
  invalid_credentials: "nextgisweb.auth.exception.InvalidCredentialsException",
  authentication_required: "nextgisweb.auth.exception.UnauthorizedException",
  malformed_json: "nextgisweb.pyramid.tomb.exception.MalformedJSONBody",
  too_large: "nextgisweb.file_upload.api.UploadedFileTooLarge",
  not_found: "nextgisweb.pyramid.exception.NotFound",
  conflict: "nextgisweb.core.exception.ValidationError",
  method_not_allowed: "nextgisweb.pyramid.exception.MethodNotAllowed",
  too_many_requests: "nextgisweb.auth.exception.TooManyLoginAttempts",
  insufficient_storage: "nextgisweb.core.exception.InsufficientStorage",
};

export function ngwErrorBody(
  status: number,
  title: string,
  message: string,
  exception: string,
  data = {},
) {
  return { title, message, status_code: status, exception, data };
}

/** The face's onError: domain errors keep their status; anything unexpected is logged and is a 500. */
export function ngwOnError(err: Error, c: Context): Response {
  if (err instanceof CatalogError) {
    const exception =
      err.title === "Invalid authorization header"
        ? "nextgisweb.auth.exception.InvalidAuthorizationHeader"
        : EXCEPTION[err.code];
    const headers: Record<string, string> = {};
    if (err.status === 429 && typeof err.data.retry_after === "number")
      headers["Retry-After"] = String(err.data.retry_after);
    return c.json(
      ngwErrorBody(err.status, err.title, err.message, exception, err.data),
      err.status as 400,
      headers,
    );
  }
  // Pure engines (geometry, SRS, sources, formats) throw errors carrying a 4xx `status` hint
  // without knowing any face; they are the client's fault, so they keep that status here.
  const hinted = (err as { status?: unknown }).status;
  if (
    !(err instanceof HTTPException) &&
    typeof hinted === "number" &&
    hinted >= 400 &&
    hinted < 500
  ) {
    const exception =
      hinted === 404 ? EXCEPTION.not_found : "nextgisweb.core.exception.ValidationError";
    return c.json(ngwErrorBody(hinted, "Bad request", err.message, exception), hinted as 400);
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const exception =
      status === 413 ? EXCEPTION.too_large : "nextgisweb.core.exception.ValidationError";
    return c.json(
      ngwErrorBody(status, "Bad request", err.message || "Bad request.", exception),
      status,
    );
  }
  console.error(`[ngw] ${c.req.method} ${c.req.path}:`, err);
  return c.json(
    ngwErrorBody(
      500,
      "Internal server error",
      "An unexpected error occurred.",
      "nextgisweb.pyramid.exception.InternalServerError",
    ),
    500,
  );
}

export function ngwNotFound(c: Context): Response {
  return c.json(
    ngwErrorBody(
      404,
      "Not found",
      `The resource ${c.req.path} was not found on this server.`,
      EXCEPTION.not_found,
    ),
    404,
  );
}
