/**
 * @module Cross-cutting parts of the management face: CORS as py-qgis-server answers it (any
 * origin; OPTIONS lists methods and allows the Authorization header), optional Basic auth (only
 * when GISD_MANAGE_PASSWORD is set, which is required to bind beyond loopback), and the error
 * handler mapping domain errors to the management envelope.
 */
import { timingSafeEqual } from "node:crypto";
import type { Context, Next } from "hono";
import { sendError } from "./json.ts";

const METHODS = "GET, POST, PUT, DELETE, HEAD, OPTIONS";

export async function cors(c: Context, next: Next): Promise<Response | undefined> {
  const fromBrowser = c.req.header("Origin") !== undefined;
  if (c.req.method === "OPTIONS" && !c.req.path.startsWith("/qgis")) {
    const h: Record<string, string> = {
      Allow: METHODS,
      "Access-Control-Allow-Headers": "Authorization",
    };
    if (fromBrowser) {
      h["Access-Control-Allow-Origin"] = "*";
      h["Access-Control-Allow-Methods"] = METHODS;
    }
    return new Response(null, { status: 200, headers: h });
  }
  await next();
  if (fromBrowser) c.res.headers.set("Access-Control-Allow-Origin", "*");
  return undefined;
}

/** User name of the management listener's Basic auth (py-qgis-server has none; gisd adds it). */
export const MANAGE_USER = "admin";

export function basicAuth(password: string | undefined) {
  const expected = password ? Buffer.from(`${MANAGE_USER}:${password}`) : null;
  return async (c: Context, next: Next): Promise<Response | undefined> => {
    if (expected && c.req.method !== "OPTIONS") {
      const h = c.req.header("Authorization") ?? "";
      const given = h.startsWith("Basic ") ? Buffer.from(h.slice(6), "base64") : Buffer.alloc(0);
      const ok = given.length === expected.length && timingSafeEqual(given, expected);
      if (!ok) {
        const res = sendError(401, "Authentication required");
        res.headers.set("WWW-Authenticate", 'Basic realm="gisd management"');
        return res;
      }
    }
    await next();
    return undefined;
  };
}

/** Domain errors keep their status (404 not in cache, 422 unreadable project); others are 500. */
export function onError(err: Error): Response {
  const status = Number((err as { status?: number }).status);
  if (status >= 400 && status < 500) return sendError(status === 422 ? 400 : status, err.message);
  process.stderr.write(`gisd manage: ${err.stack ?? err.message}\n`);
  return sendError(500, "Internal server error");
}
