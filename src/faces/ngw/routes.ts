/**
 * @module The NGW route-table type: every endpoint has NextGIS Web's route name and path
 * template, so one table both registers Hono handlers and publishes /api/component/pyramid/route.
 */
import type { Context } from "hono";
import type { Env } from "../../http/context.ts";

export type Handler = (c: Context<Env>) => Promise<Response> | Response;
export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS";

export interface NgwRoute {
  /** NGW's route name, e.g. "resource.item"; routes without a name are not published. */
  name?: string;
  /** NGW template with named parameters: "/api/resource/{id}/feature/{fid}". */
  path: string;
  methods: Partial<Record<Method, Handler>>;
}

/**
 * "/api/resource/{id}" -> "/api/resource/:id" for Hono; handlers validate the values. The trailing
 * slash is dropped because the app runs with strict: false, which matches both spellings.
 */
export function honoPath(template: string): string {
  return template.replace(/\{(\w+)\}/g, ":$1").replace(/(.)\/$/, "$1");
}

/** The pyramid/route document: {name: [template with {0}, {1}…, param names…]}. */
export function publishRoutes(routes: readonly NgwRoute[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of routes) {
    if (!r.name) continue;
    const names: string[] = [];
    const template = r.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
      names.push(name);
      return `{${names.length - 1}}`;
    });
    out[r.name] = [template, ...names];
  }
  return out;
}
