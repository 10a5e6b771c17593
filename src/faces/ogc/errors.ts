/**
 * @module OGC API problem details (RFC 7807, as OGC API – Features Part 1 recommends):
 * {type, title, status, detail}. Hidden or missing resources are both 404 so a guest cannot
 * tell a private layer from an absent one.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { CatalogError } from "../../catalog/errors.ts";

/** A bad request of this face; thrown by parameter parsing and handlers. */
export class OgcError extends Error {
  constructor(
    readonly status: 400 | 404 | 406,
    readonly title: string,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (detail: string) => new OgcError(400, "Bad Request", detail);
export const notFound = (detail: string) => new OgcError(404, "Not Found", detail);

export function problem(
  c: Context,
  status: number,
  title: string,
  detail: string,
  headers: Record<string, string> = {},
): Response {
  return c.json(
    { type: `https://httpwg.org/specs/rfc9110.html#status.${status}`, title, status, detail },
    status as 400,
    { "Content-Type": "application/problem+json", ...headers },
  );
}

/** Engine errors carry a numeric status hint (SrsError, GeometryError, FormatError …). */
function hintedStatus(err: Error): number | undefined {
  const s = (err as { status?: unknown }).status;
  return typeof s === "number" ? s : undefined;
}

export function ogcOnError(err: Error, c: Context): Response {
  if (err instanceof OgcError) return problem(c, err.status, err.title, err.message);
  if (err instanceof CatalogError) {
    // 403 for a layer the actor cannot read looks exactly like a missing one.
    if (err.status === 403 || err.status === 404)
      return problem(c, 404, "Not Found", "The requested resource does not exist.");
    if (err.status === 401) return problem(c, 401, "Unauthorized", err.message);
    if (err.status === 429) return problem(c, 429, "Too Many Requests", err.message);
    if (err.status < 500) return problem(c, 400, "Bad Request", err.message);
  }
  if (err instanceof HTTPException && err.status < 500)
    return problem(c, err.status, "Bad Request", err.message || "Bad request.");
  const hint = hintedStatus(err);
  if (hint !== undefined && hint >= 400 && hint < 500)
    return problem(c, 400, "Bad Request", err.message);
  console.error(`[ogcapi] ${c.req.method} ${c.req.path}:`, err);
  return problem(c, 500, "Internal Server Error", "An unexpected error occurred.");
}
