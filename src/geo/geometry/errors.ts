/** @module GeometryError: every codec and validity check throws it for bad geometry input. */

/**
 * Bad geometry input (truncated WKB, malformed WKT, NaN coordinates, unclosed rings...). Pure
 * engines cannot import catalog errors, so this carries its own status hint: faces map it to a
 * 4xx (422, unprocessable content) in their own format.
 */
export class GeometryError extends Error {
  readonly status = 422;
  override readonly name = "GeometryError";
}
