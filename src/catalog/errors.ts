/** @module Domain errors: each carries an HTTP status hint and a stable code; faces pick the wire format. */

export type ErrorCode =
  | "resource_not_found"
  | "feature_not_found"
  | "insufficient_permissions"
  | "forbidden"
  | "validation"
  | "display_name_not_unique"
  | "hierarchy"
  | "root_delete"
  | "invalid_credentials"
  | "authentication_required"
  | "malformed_json"
  | "too_large"
  | "not_found"
  | "conflict"
  | "method_not_allowed"
  | "too_many_requests"
  | "insufficient_storage";

export class CatalogError extends Error {
  readonly status: number = 400;
  readonly code: ErrorCode = "validation";
  readonly title: string = "Bad request";
  /** Machine-readable details, e.g. the conflicting resource id. */
  data: Record<string, unknown> = {};
  constructor(message: string, data?: Record<string, unknown>) {
    super(message);
    if (data) this.data = data;
  }
}

export class ResourceNotFound extends CatalogError {
  override readonly status = 404;
  override readonly code = "resource_not_found";
  override readonly title = "Resource not found";
  constructor(id: number | string) {
    super(`Resource with id = ${id} was not found.`, { resource: { id } });
  }
}

export class FeatureNotFound extends CatalogError {
  override readonly status = 404;
  override readonly code = "feature_not_found";
  override readonly title = "Feature not found";
  constructor(resourceId: number, fid: number | string) {
    super(`Feature with id = ${fid} was not found in resource with id = ${resourceId}.`);
  }
}

export class NotFound extends CatalogError {
  override readonly status = 404;
  override readonly code = "not_found";
  override readonly title = "Not found";
}

export class InsufficientPermissions extends CatalogError {
  override readonly status = 403;
  override readonly code = "insufficient_permissions";
  override readonly title = "Insufficient permissions";
  constructor(resourceId: number, scope: string, permission: string) {
    super(
      `Insufficient '${permission}' permission in scope '${scope}' on resource id = ${resourceId}.`,
      { resource: { id: resourceId }, permission, scope },
    );
  }
}

export class Forbidden extends CatalogError {
  override readonly status = 403;
  override readonly code = "forbidden";
  override readonly title = "Forbidden";
}

export class ValidationError extends CatalogError {
  override readonly status = 422;
  override readonly code = "validation";
  override readonly title = "Validation error";
}

export class DisplayNameNotUnique extends CatalogError {
  override readonly status = 422;
  override readonly code = "display_name_not_unique";
  override readonly title = "Display name is not unique";
  constructor(conflictId: number) {
    super(
      `Resource display name is not unique. Resource with same name already exists (ID ${conflictId}).`,
      {
        resource_id: conflictId,
      },
    );
  }
}

export class HierarchyError extends CatalogError {
  override readonly status = 422;
  override readonly code = "hierarchy";
  override readonly title = "Hierarchy error";
}

export class RootDeleteError extends CatalogError {
  override readonly status = 422;
  override readonly code = "root_delete";
  override readonly title = "Root resource could not be deleted";
  constructor() {
    super("Root resource could not be deleted.");
  }
}

export class InvalidCredentials extends CatalogError {
  override readonly status = 401;
  override readonly code = "invalid_credentials";
  override readonly title = "Invalid credentials";
  constructor(message = "Invalid login or password.") {
    super(message);
  }
}

export class AuthenticationRequired extends CatalogError {
  override readonly status = 401;
  override readonly code = "authentication_required";
  override readonly title = "Unauthorized";
  constructor(message = "Authentication required.") {
    super(message);
  }
}

export class MalformedJSON extends CatalogError {
  override readonly status = 400;
  override readonly code = "malformed_json";
  override readonly title = "Malformed JSON body";
  constructor(message = "The request body is not valid JSON.") {
    super(message);
  }
}

export class TooLarge extends CatalogError {
  override readonly status = 413;
  override readonly code = "too_large";
  override readonly title = "Request too large";
}

export class Conflict extends CatalogError {
  override readonly status = 409;
  override readonly code = "conflict";
  override readonly title = "Conflict";
}

export class TooManyRequests extends CatalogError {
  override readonly status = 429;
  override readonly code = "too_many_requests";
  override readonly title = "Too many requests";
}

export class InsufficientStorage extends CatalogError {
  override readonly status = 507;
  override readonly code = "insufficient_storage";
  override readonly title = "Insufficient storage";
}

/** Recognises SQLite's "disk full" so it reaches the client as 507, not 500. */
export function isDiskFull(err: unknown): boolean {
  const msg = err instanceof Error ? err.message : String(err);
  return /SQLITE_FULL|database or disk is full|ENOSPC/i.test(msg);
}
