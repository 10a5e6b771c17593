/** @module Errors of feature sources, each with a status hint for the faces. */

/** A query or a write named a field the layer does not have. */
export class UnknownFieldError extends Error {
  readonly status = 422;
  override readonly name = "UnknownFieldError";
  constructor(readonly field: string) {
    super(`Unknown field '${field}'.`);
  }
}

/** A value that cannot be stored in or compared with a field of the given type. */
export class FieldValueError extends Error {
  readonly status = 422;
  override readonly name = "FieldValueError";
}

/** An update or delete in a batch named a feature that does not exist. */
export class MissingFeatureError extends Error {
  readonly status = 404;
  override readonly name = "MissingFeatureError";
  constructor(readonly id: number) {
    super(`Feature with id = ${id} was not found.`);
  }
}
