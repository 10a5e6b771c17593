/**
 * @module py-qgis-server's wire conventions (reference Part C.1): JSON bodies with keys sorted at
 * every level (`json.dumps(sort_keys=True)`), `application/json;charset=utf-8`, the error envelope
 * `{"error":{"message"},"httpcode","status":"error"}`, and absolute links built from the request.
 */
import type { Context } from "hono";
import { VERSION } from "../../version.ts";

/** Recursively sorts object keys (arrays keep their order). */
export function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object" && !(v instanceof Date)) {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .sort()
        .filter((k) => o[k] !== undefined)
        .map((k) => [k, sortKeys(o[k])]),
    );
  }
  return v;
}

const HEADERS = {
  "Content-Type": "application/json;charset=utf-8",
  Server: `gisd/${VERSION} (Py-Qgis-Server compatible)`,
};

export function sendJson(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(sortKeys(body)), { status, headers: HEADERS });
}

/** The management API's one error shape. */
export function sendError(status: number, message: string): Response {
  return sendJson({ error: { message }, httpcode: status, status: "error" }, status);
}

/** `{protocol}://{host}` of the request, for absolute links (X-Forwarded-* is not trusted). */
export function origin(c: Context): string {
  const u = new URL(c.req.url);
  return `${u.protocol}//${u.host}`;
}

/** `YYYY-MM-DDTHH:MM:SS` (project summaries, /pool/ caches). */
export function isoNoZone(d: Date): string {
  return d.toISOString().slice(0, 19);
}

/** With the UTC offset, as `/cache/` listings print it (`astimezone().isoformat()`). */
export function isoWithZone(d: Date): string {
  return `${d.toISOString().slice(0, 19)}+00:00`;
}
