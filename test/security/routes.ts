/**
 * @module Every route the server answers, read from its routers rather than from a list kept by
 * hand, so a route added by any face tomorrow is attacked without touching this suite.
 *
 * Sources: `app.routes` of the Hono app built by createServer; handlers that dispatch through a
 * router of their own (GeoServer REST) publish that table as `innerRoutes` on the handler
 * (Hono keeps the original handler of a mounted sub-app under `__COMPOSED_HANDLER`); any other
 * Hono app the Server object carries (e.g. a management listener) is enumerated the same way.
 */
import type { Hono } from "hono";

export interface RouteTarget {
  /** Which Hono app answers it: "app" for the main listener, else the Server property name. */
  app: string;
  method: string;
  /** Hono pattern: `:id`, `:y{regex}`, trailing `*`; or `{x}` templates from inner tables. */
  path: string;
}

const METHODS_FOR_ALL = ["GET", "POST", "PUT", "DELETE", "PATCH"];
type RouteRow = { method: string; path: string; handler: unknown };
type Inner = { innerRoutes?: { method: string; path: string }[] };

function isHono(v: unknown): v is Hono {
  return (
    typeof v === "object" &&
    v !== null &&
    Array.isArray((v as { routes?: unknown }).routes) &&
    typeof (v as { fetch?: unknown }).fetch === "function"
  );
}

function innerOf(handler: unknown): Inner["innerRoutes"] {
  const h = handler as Inner & { __COMPOSED_HANDLER?: Inner };
  return h?.innerRoutes ?? h?.__COMPOSED_HANDLER?.innerRoutes;
}

/** Routes of one Hono app: global middleware (`ALL /*`) skipped, `ALL` expanded to methods. */
export function routesOf(app: Hono, name = "app"): RouteTarget[] {
  const out = new Map<string, RouteTarget>();
  const add = (method: string, path: string) => {
    // Hono prefixes inner patterns of sub-apps mounted with a base path; keep them as given.
    const key = `${method} ${path}`;
    if (!out.has(key)) out.set(key, { app: name, method, path });
  };
  for (const r of app.routes as RouteRow[]) {
    const inner = innerOf(r.handler);
    if (inner) {
      const base = r.path.replace(/\/\*$/, "").replace(/\/rest$/, "");
      for (const i of inner) add(i.method, base + i.path);
      continue;
    }
    if (r.method === "ALL") {
      if (r.path === "/*" || r.path === "*") continue; // middleware on every path
      for (const m of METHODS_FOR_ALL) add(m, r.path);
      continue;
    }
    add(r.method, r.path);
  }
  return [...out.values()];
}

/** Every route of every Hono app on a Server object (`app` first). */
export function allRoutes(server: object): RouteTarget[] {
  const out: RouteTarget[] = [];
  for (const [name, v] of Object.entries(server)) if (isHono(v)) out.push(...routesOf(v, name));
  return out;
}

/** Parameter names of a route pattern, in order: `:id`, `:y{...}`, `{ws}`, `{up:file}`, `*`. */
export function paramNames(path: string): string[] {
  const names: string[] = [];
  for (const m of path.matchAll(/:(\w+)(\{(?:[^{}]|\{[^{}]*\})*\})?|\{(\w+)(?::\w+)?\}|\*/g))
    names.push(m[1] ?? m[3] ?? "*");
  return names;
}

/** Fills a pattern's parameters from `values` (already URL-encoded by the caller as wanted). */
export function fillPath(path: string, values: Record<string, string>): string {
  return (
    path
      // A regex constraint may itself hold braces (`:id{[0-9]{1,9}}`): one level of nesting.
      .replace(/:(\w+)(\{(?:[^{}]|\{[^{}]*\})*\})?/g, (_m, n: string) => values[n] ?? "1")
      .replace(/\{(\w+)(?::\w+)?\}/g, (_m, n: string) => values[n] ?? "1")
      .replace(/\*/g, () => values["*"] ?? "x")
  );
}
