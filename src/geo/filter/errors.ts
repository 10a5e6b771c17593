/** @module Errors of filter parsing and planning, with the OWS exception code a face reports. */

/**
 * A filter the server refuses: malformed, naming an unknown property, or using an operator
 * gisd does not evaluate. `code` is the OWS exceptionCode; `locator` the offending parameter.
 */
export class FilterError extends Error {
  readonly status = 400;
  override readonly name = "FilterError";
  constructor(
    message: string,
    readonly code: "InvalidParameterValue" | "OperationNotSupported" = "InvalidParameterValue",
    readonly locator = "FILTER",
  ) {
    super(message);
  }
}
