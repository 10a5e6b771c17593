/**
 * @module The OWS face: one dispatcher for every OGC endpoint. It reads the request (KVP with
 * case-insensitive keys, form POST, or an XML POST body), resolves the actor, builds the layer
 * set of the endpoint's scope (catalog/ows: already ACL-filtered) and hands it to WMS
 * (faces/ows/wms) or WFS (faces/ows/wfs) by SERVICE, the path (/wms, /wfs) or the request name.
 *
 * Endpoints: NGW `/api/resource/{id}/wms` and `/wfs` (NGW routes, see modules/ows.ts),
 * GeoServer `/geoserver/ows|wms|wfs` and `/geoserver/{ws}/ows|wms|wfs`, and `/ows` (the whole
 * catalog, or with MAP= the "project" layer-set provider). Failures are OGC exception reports
 * with 4xx statuses; a guest refused a private service gets 401 with a Basic challenge so
 * desktop clients ask for credentials.
 */
import type { Context, Hono } from "hono";
import type { Actor } from "../../catalog/acl.ts";
import { type OwsScope, openLayerSet } from "../../catalog/ows/index.ts";
import type { AppContext, Env } from "../../http/context.ts";
import type { NgwRoute } from "../ngw/routes.ts";
import { asOwsError, OwsError, owsException, wmsException } from "./errors.ts";
import { serveWfs, wfsServiceOf } from "./wfs/index.ts";
import { serveWms } from "./wms/index.ts";
import { wmsVersion } from "./wms/map-request.ts";

type C = Context<Env>;
type Service = "WMS" | "WFS";

/** A request as the services see it. */
export interface OwsCall {
  params: Map<string, string>;
  body: Uint8Array | null;
  url: URL;
}

const WFS_REQUESTS = new Set([
  "describefeaturetype",
  "getfeature",
  "transaction",
  "getpropertyvalue",
  "liststoredqueries",
  "describestoredqueries",
  "getfeaturewithlock",
  "lockfeature",
]);

export async function readCall(req: Request, maxBody: number): Promise<OwsCall> {
  const url = new URL(req.url);
  const params = new Map<string, string>();
  const add = (k: string, v: string) => {
    const key = k.toUpperCase();
    if (!params.has(key)) params.set(key, v);
  };
  for (const [k, v] of url.searchParams) add(k, v);
  let body: Uint8Array | null = null;
  if (req.method === "POST") {
    const declared = Number(req.headers.get("content-length") ?? "0");
    if (declared > maxBody)
      throw new OwsError("InvalidRequest", "The request body is too large.", 413);
    const bytes = new Uint8Array(await req.arrayBuffer());
    if (bytes.byteLength > maxBody)
      throw new OwsError("InvalidRequest", "The request body is too large.", 413);
    const type = (req.headers.get("content-type") ?? "").toLowerCase();
    if (type.startsWith("application/x-www-form-urlencoded"))
      for (const [k, v] of new URLSearchParams(new TextDecoder().decode(bytes))) add(k, v);
    else if (bytes.byteLength > 0) body = bytes;
  }
  return { params, body, url };
}

/** Which service a request is for: SERVICE=, else the path's, else what the body or REQUEST implies. */
function serviceOf(call: OwsCall, hint: Service | undefined): Service {
  const s = (call.params.get("SERVICE") ?? "").toUpperCase();
  if (s === "WMS" || s === "WFS") return s;
  if (s !== "")
    throw new OwsError(
      "InvalidParameterValue",
      `SERVICE '${s.slice(0, 20)}' is not offered.`,
      400,
      "SERVICE",
    );
  if (hint) return hint;
  if (call.body) {
    const head = new TextDecoder().decode(call.body.subarray(0, 4096));
    return /service\s*=\s*["']WMS["']/i.test(head) ? "WMS" : "WFS";
  }
  return WFS_REQUESTS.has((call.params.get("REQUEST") ?? "").toLowerCase()) ? "WFS" : "WMS";
}

/** The endpoint URL advertised in capabilities, with MAP kept, ready for "key=value&…". */
function endpoint(call: OwsCall): string {
  const map = call.params.get("MAP");
  return `${call.url.origin}${call.url.pathname}?${map !== undefined ? `MAP=${encodeURIComponent(map)}&` : ""}`;
}

function errorFor(service: Service, call: OwsCall, e: OwsError): Response {
  return service === "WMS" ? wmsException(e, wmsVersion(call.params)) : owsException(e);
}

/**
 * Serves one OGC request for a scope. `actor` overrides the request's credentials (the
 * management listener, which has its own guard).
 */
export async function serveOws(
  app: AppContext,
  req: Request,
  scope: OwsScope | ((call: OwsCall) => OwsScope),
  opts: {
    hint?: Service;
    actor?: Actor;
    resolveActor?: () => Promise<Actor>;
    signal?: AbortSignal;
  } = {},
): Promise<Response> {
  let call: OwsCall = { params: new Map(), body: null, url: new URL(req.url) };
  let service: Service = opts.hint ?? "WMS";
  let actor: Actor | undefined;
  try {
    call = await readCall(req, app.config.maxJsonBody);
    service = serviceOf(call, opts.hint);
    actor = opts.actor ?? (opts.resolveActor ? await opts.resolveActor() : undefined);
    if (!actor) throw new OwsError("NoApplicableCode", "No actor.", 401);
    const sc = typeof scope === "function" ? scope(call) : scope;
    const set = await openLayerSet(app.catalog, actor, sc, call.url.origin);
    if (service === "WMS")
      return await serveWms(set, { params: call.params, url: endpoint(call), signal: opts.signal });
    const url = endpoint(call).replace(/[?&]$/, "");
    return await serveWfs(
      { catalog: app.catalog, actor, signal: opts.signal },
      wfsServiceOf(set, url),
      {
        params: call.params,
        body: call.body,
      },
    );
  } catch (err) {
    const e = asOwsError(err);
    const res = errorFor(service, call, e);
    if ((e.status === 403 || e.status === 401) && (!actor || actor.authMedium === null)) {
      const challenged = new Response(res.body, { status: 401, headers: res.headers });
      challenged.headers.set("WWW-Authenticate", 'Basic realm="gisd"');
      return challenged;
    }
    return res;
  }
}

function handler(app: AppContext, scope: (c: C, call: OwsCall) => OwsScope, hint?: Service) {
  return (c: C) =>
    serveOws(app, c.req.raw, (call) => scope(c, call), {
      hint,
      resolveActor: () => app.auth.forRequest(c),
      signal: c.req.raw.signal,
    });
}

const HINTS: Record<string, Service | undefined> = { ows: undefined, wms: "WMS", wfs: "WFS" };

/** NGW's `/api/resource/{id}/wms` and `/wfs` (registered by modules/ows.ts). */
export function serviceRoutes(app: AppContext): NgwRoute[] {
  return (["wms", "wfs"] as const).map((kind) => {
    const h = handler(
      app,
      (c) => {
        const raw = c.req.param("id") ?? "";
        const id = /^\d{1,15}$/.test(raw) ? Number(raw) : -1;
        return { kind: "service", id, service: kind };
      },
      kind === "wms" ? "WMS" : "WFS",
    );
    return {
      name: `${kind}server.${kind}`,
      path: `/api/resource/{id}/${kind}`,
      methods: { GET: h, POST: h },
    };
  });
}

/** GeoServer's OWS endpoints and `/ows` on the main application. */
export function mountOws(hono: Hono<Env>, app: AppContext): void {
  for (const [kind, hint] of Object.entries(HINTS)) {
    const global = handler(app, () => ({ kind: "geoserver" }), hint);
    hono.on(["GET", "POST"], `/geoserver/${kind}`, global);
    const ws = handler(
      app,
      (c) => ({ kind: "geoserver", workspace: c.req.param("ws") ?? "" }),
      hint,
    );
    hono.on(["GET", "POST"], `/geoserver/:ws{[^/]+}/${kind}`, ws);
  }
  const ows = handler(app, (_c, call) => owsScope(call));
  hono.on(["GET", "POST"], "/ows", ows);
  hono.on(
    ["GET", "POST"],
    "/ows/wms",
    handler(app, (_c, call) => owsScope(call), "WMS"),
  );
  hono.on(
    ["GET", "POST"],
    "/ows/wfs",
    handler(app, (_c, call) => owsScope(call), "WFS"),
  );
}

/** `/ows`: MAP names a project (the "project" provider); without it, the whole catalog. */
export function owsScope(call: OwsCall): OwsScope {
  const map = call.params.get("MAP");
  return map === undefined
    ? { kind: "catalog" }
    : { kind: "provider", provider: "project", name: map };
}

/**
 * The dispatcher for the management listener's `/qgis/` passthrough (ManageDeps.ows): requests
 * arrive rewritten under `/ows`, and run as `actor` (the listener guards access itself).
 */
export function owsForManagement(
  app: AppContext,
  actor: Actor,
): (req: Request) => Promise<Response> {
  return (req) => {
    const path = new URL(req.url).pathname;
    const hint = /\/wfs\/?$/i.test(path) ? "WFS" : /\/wms\/?$/i.test(path) ? "WMS" : undefined;
    return serveOws(app, req, owsScope, { hint, actor, signal: req.signal });
  };
}
