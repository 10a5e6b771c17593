/**
 * @module The GeoServer REST face at /geoserver/rest (seed 003, reference Part A). The route table
 * below is the whole face. Paths are matched by a small router of its own because GeoServer's
 * URL rules are not Hono's: `//` is tolerated, `+` is a space, a known extension (.json, .xml,
 * .html, .sld) is stripped from the last segment only, and an existing path with the wrong
 * method is a 405 with an Allow header.
 */
import { type Context, Hono } from "hono";
import { GeoServerCatalog } from "../../catalog/geoserver/index.ts";
import type { AppContext, Env } from "../../http/context.ts";
import { aboutHandlers } from "./about.ts";
import { coverageHandlers } from "./coverages.ts";
import { datastoreHandlers } from "./datastores.ts";
import { CHALLENGE, GsError, gsOnError, plain } from "./errors.ts";
import { featureTypeHandlers } from "./featuretypes.ts";
import { layerGroupHandlers } from "./layergroups.ts";
import { layerHandlers } from "./layers.ts";
import { namespaceHandlers } from "./namespaces.ts";
import { type GsHandler, makeReq } from "./request.ts";
import { securityRoutes } from "./security.ts";
import { settingsHandlers } from "./settings.ts";
import { styleHandlers } from "./styles.ts";
import { uploadHandlers } from "./uploads.ts";
import { workspaceHandlers } from "./workspaces.ts";

type Method = "GET" | "POST" | "PUT" | "DELETE";
export interface GsRoute {
  /** Segments; `{x}` captures one, `{x:file}` captures an upload segment (file|url|external.ext). */
  path: string;
  methods: Partial<Record<Method, GsHandler>>;
  /** Server-wide writes (settings, defaults, reload): superusers only, whatever the ACL says. */
  admin?: true;
}

export interface GsDeps {
  app: AppContext;
  gs: GeoServerCatalog;
}

export function geoserverFace(app: AppContext): Hono<Env> {
  const d: GsDeps = { app, gs: new GeoServerCatalog(app.catalog) };
  const about = aboutHandlers(d);
  const ws = workspaceHandlers(d);
  const ns = namespaceHandlers(d);
  const ds = datastoreHandlers(d);
  const up = uploadHandlers(d);
  const ft = featureTypeHandlers(d);
  const cv = coverageHandlers(d);
  const st = styleHandlers(d);
  const ly = layerHandlers(d);
  const lg = layerGroupHandlers(d);
  const set = settingsHandlers(d);

  const W = "/workspaces/{ws}";
  const routes: GsRoute[] = [
    { path: "/about/version", methods: { GET: about.version } },
    { path: "/about/manifest", methods: { GET: about.manifest } },
    { path: "/about/status", methods: { GET: about.status } },
    { path: "/reload", methods: { POST: about.reload, PUT: about.reload }, admin: true },
    { path: "/reset", methods: { POST: about.reload, PUT: about.reload }, admin: true },
    { path: "/settings", methods: { GET: set.settings, PUT: set.putSettings }, admin: true },
    { path: "/settings/contact", methods: { GET: set.contact, PUT: set.putContact }, admin: true },
    ...securityRoutes(d),
    { path: "/security/roles", methods: { GET: set.roles } },

    { path: "/workspaces", methods: { GET: ws.list, POST: ws.create } },
    {
      path: "/workspaces/default",
      methods: { GET: ws.getDefault, PUT: ws.putDefault },
      admin: true,
    },
    { path: W, methods: { GET: ws.get, PUT: ws.update, DELETE: ws.remove } },
    { path: "/namespaces", methods: { GET: ns.list, POST: ns.create } },
    {
      path: "/namespaces/default",
      methods: { GET: ns.getDefault, PUT: ns.putDefault },
      admin: true,
    },
    { path: "/namespaces/{ns}", methods: { GET: ns.get, PUT: ns.update, DELETE: ns.remove } },

    { path: `${W}/datastores`, methods: { GET: ds.list, POST: ds.create } },
    { path: `${W}/datastores/{ds}`, methods: { GET: ds.get, PUT: ds.update, DELETE: ds.remove } },
    { path: `${W}/datastores/{ds}/reset`, methods: { POST: ds.reset, PUT: ds.reset } },
    { path: `${W}/datastores/{ds}/featuretypes`, methods: { GET: ft.list, POST: ft.create } },
    {
      path: `${W}/datastores/{ds}/featuretypes/{ft}`,
      methods: { GET: ft.get, PUT: ft.update, DELETE: ft.remove },
    },
    {
      path: `${W}/datastores/{ds}/featuretypes/{ft}/reset`,
      methods: { POST: ds.reset, PUT: ds.reset },
    },
    { path: `${W}/datastores/{ds}/{up:file}`, methods: { PUT: up.vector } },
    { path: `${W}/featuretypes`, methods: { GET: ft.list, POST: ft.create } },
    { path: `${W}/featuretypes/{ft}`, methods: { GET: ft.get, PUT: ft.update, DELETE: ft.remove } },

    { path: `${W}/coveragestores`, methods: { GET: cv.storeList, POST: cv.storeCreate } },
    {
      path: `${W}/coveragestores/{cs}`,
      methods: { GET: cv.storeGet, PUT: cv.storeUpdate, DELETE: cv.storeRemove },
    },
    { path: `${W}/coveragestores/{cs}/reset`, methods: { POST: ds.reset, PUT: ds.reset } },
    { path: `${W}/coveragestores/{cs}/{up:file}`, methods: { PUT: up.raster } },
    { path: `${W}/coveragestores/{cs}/coverages`, methods: { GET: cv.list, POST: cv.create } },
    {
      path: `${W}/coveragestores/{cs}/coverages/{c}`,
      methods: { GET: cv.get, PUT: cv.update, DELETE: cv.remove },
    },
    { path: `${W}/coverages`, methods: { GET: cv.list } },
    { path: `${W}/coverages/{c}`, methods: { GET: cv.get } },
    { path: `${W}/wmsstores`, methods: { GET: ds.emptyWms, POST: ds.refuseWms } },
    { path: `${W}/wmtsstores`, methods: { GET: ds.emptyWmts, POST: ds.refuseWmts } },

    { path: "/styles", methods: { GET: st.list, POST: st.create } },
    { path: "/styles/{s}", methods: { GET: st.get, PUT: st.update, DELETE: st.remove } },
    { path: `${W}/styles`, methods: { GET: st.list, POST: st.create } },
    { path: `${W}/styles/{s}`, methods: { GET: st.get, PUT: st.update, DELETE: st.remove } },

    { path: "/layers", methods: { GET: ly.list } },
    { path: "/layers/{l}", methods: { GET: ly.get, PUT: ly.update, DELETE: ly.remove } },
    { path: "/layers/{l}/styles", methods: { GET: ly.styles, POST: ly.addStyle } },
    { path: `${W}/layers`, methods: { GET: ly.list } },
    { path: `${W}/layers/{l}`, methods: { GET: ly.get, PUT: ly.update, DELETE: ly.remove } },

    { path: "/layergroups", methods: { GET: lg.list, POST: lg.create } },
    { path: "/layergroups/{g}", methods: { GET: lg.get, PUT: lg.update, DELETE: lg.remove } },
    { path: `${W}/layergroups`, methods: { GET: lg.list, POST: lg.create } },
    { path: `${W}/layergroups/{g}`, methods: { GET: lg.get, PUT: lg.update, DELETE: lg.remove } },
  ];

  const face = new Hono<Env>({ strict: false });
  const dispatch = async (c: Context<Env>) => {
    c.set("face", "geoserver");
    const raw = new URL(c.req.url).pathname;
    const rest = raw.slice(raw.indexOf("/geoserver/rest") + "/geoserver/rest".length);
    const { segments, ext } = splitPath(rest);
    const hit = match(routes, segments);
    if (!hit) return plain(404, `No such resource: ${decodeLoose(rest)}`);
    const method = (c.req.method === "HEAD" ? "GET" : c.req.method) as Method;
    const handler = hit.route.methods[method];
    if (!handler)
      return new Response(null, {
        status: 405,
        headers: { Allow: Object.keys(hit.route.methods).join(", ") },
      });
    const actor = await app.auth.forRequest(c);
    // Real GeoServer protects every REST path (rest.properties /**;GET=ADMIN); gisd lets
    // authenticated users do what the catalog ACL allows them (reads, and writes such as
    // manage_children/update on their groups), and keeps server-wide writes for superusers.
    if (actor.authMedium === null) return plain(401, "Authentication required", CHALLENGE);
    if (method !== "GET" && !actor.superuser && hit.route.admin)
      return plain(403, "Access denied: administrator privileges are required");
    const r = makeReq(c, actor, hit.params, ext, app.config.maxUpload);
    try {
      return await handler(r);
    } catch (err) {
      // quietOnNotFound=true: a 404 with an empty body (RestControllerAdvice).
      if (err instanceof GsError && err.status === 404 && r.flag("quietOnNotFound"))
        return plain(404, "");
      if (isNotFound(err) && r.flag("quietOnNotFound")) return plain(404, "");
      throw err;
    }
  };
  // The inner table is published on the handler so tools that walk the router (the security
  // suite's route enumeration) see every GeoServer path, not just "/rest/*".
  face.all("/rest/*", Object.assign(dispatch, { innerRoutes: innerRoutes("/rest", routes) }));
  face.all("/rest", (c) => c.redirect("/geoserver/rest/about/version.html"));
  face.onError(gsOnError);
  return face;
}

/** The route table as {method, path} pairs with `{x}` parameters, for router-walking tools. */
function innerRoutes(prefix: string, routes: GsRoute[]): { method: string; path: string }[] {
  return routes.flatMap((r) =>
    Object.keys(r.methods).map((method) => ({ method, path: prefix + r.path })),
  );
}

function isNotFound(err: unknown): boolean {
  return (err as { status?: number })?.status === 404;
}

function decodeLoose(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Splits, tolerates empty segments (`//`), decodes (`+` is a space), strips a known extension. */
export function splitPath(rest: string): { segments: string[]; ext: string | undefined } {
  const parts = rest.split("/").filter((s) => s !== "");
  let ext: string | undefined;
  const last = parts.length - 1;
  if (last >= 0) {
    const m = /^(.+)\.(json|xml|html|sld)$/i.exec(parts[last]!);
    if (m) {
      parts[last] = m[1]!;
      ext = m[2]!.toLowerCase();
    }
  }
  const segments = parts.map((p) => {
    try {
      return decodeURIComponent(p.replace(/\+/g, " "));
    } catch {
      throw new GsError(400, `Malformed path segment: ${p}`);
    }
  });
  return { segments, ext };
}

const UPLOAD_RE = /^(file|url|external)\.([A-Za-z0-9_-]{1,32})$/;

function match(
  routes: GsRoute[],
  segments: string[],
): { route: GsRoute; params: Record<string, string> } | undefined {
  outer: for (const route of routes) {
    const pat = route.path.split("/").filter(Boolean);
    if (pat.length !== segments.length) continue;
    const params: Record<string, string> = {};
    for (let i = 0; i < pat.length; i++) {
      const p = pat[i]!;
      const s = segments[i]!;
      if (p === "{up:file}") {
        const m = UPLOAD_RE.exec(s);
        if (!m) continue outer;
        params.method = m[1]!;
        params.format = m[2]!.toLowerCase();
      } else if (p.startsWith("{")) params[p.slice(1, -1)] = s;
      else if (p !== s) continue outer;
    }
    return { route, params };
  }
  return undefined;
}
