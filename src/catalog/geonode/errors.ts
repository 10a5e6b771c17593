/** @module Errors of the GeoNode catalog layer that the face turns into DRF bodies. */
import { CatalogError } from "../errors.ts";

/** Missing, or hidden from the actor: GeoNode says "Not found." for both. */
export class GnNotFound extends CatalogError {
  override readonly status = 404;
  constructor() {
    super("Not found.");
  }
}

/** Readable but not writable by the actor: DRF's permission_denied. */
export class GnForbidden extends CatalogError {
  override readonly status = 403;
  constructor(message = "You do not have permission to perform this action.") {
    super(message);
  }
}

/** A bad field value; `errors[0]` is the field dict as DRF stringifies it. */
export class GnInvalid extends CatalogError {
  override readonly status = 400;
  constructor(field: string, message: string) {
    super(`{'${field}': ['${message.replace(/'/g, "\\'")}']}`);
  }
}
