/** @module FormatError: a file that cannot be read or written, with the feature/row it concerns. */

/**
 * Thrown by every reader, writer and the zip extractor for bad input. `status` is a hint for
 * faces (422: the upload was understood but its content is wrong); `featureIndex` is the 0-based
 * source feature (or CSV data row) the message refers to, when there is one.
 */
export class FormatError extends Error {
  readonly status = 422;
  readonly featureIndex?: number;
  constructor(message: string, featureIndex?: number) {
    super(featureIndex === undefined ? message : `Feature #${featureIndex}: ${message}`);
    this.name = "FormatError";
    if (featureIndex !== undefined) this.featureIndex = featureIndex;
  }
}
