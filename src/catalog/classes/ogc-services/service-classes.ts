/**
 * @module NGW's OGC service resources (reference/ngw.md §3.8): `wmsserver_service` and
 * `wfsserver_service`, each a list of catalog layers published under a keyname. JSON exactly as
 * NGW: `{"layers": [{resource_id, keyname, display_name, min_scale_denom, max_scale_denom}]}`
 * for WMS (resource_id a style or a layer), `maxfeatures` instead of the scale range for WFS
 * (resource_id a feature layer). Read needs service.connect, write service.configure. The list
 * is kept in the resource's "ogc_service" ext document, written in the create/update
 * transaction; layers whose resource was deleted since are dropped when the service is read.
 */
import { InsufficientPermissions, ValidationError } from "../../errors.ts";
import { readExt, writeExt } from "../../resource-ext.ts";
import type { ClassDeps, ResourceClass } from "../registry.ts";

export const SERVICE_NS = "ogc_service";

/** NGW's KEYNAME_RE for service layers. */
const KEYNAME = /^[A-Za-z][\w]*$/;
const MAX_LAYERS = 1000;

export interface WmsServiceLayer {
  resource_id: number;
  keyname: string;
  display_name: string;
  min_scale_denom: number | null;
  max_scale_denom: number | null;
}

export interface WfsServiceLayer {
  resource_id: number;
  keyname: string;
  display_name: string;
  maxfeatures: number | null;
}

type Kind = "wms" | "wfs";

function fail(path: string, msg: string): never {
  throw new ValidationError(`${path}: ${msg}`);
}

/** Validates the class key's `layers`; referenced resources must exist and be of a fitting kind. */
async function parseLayers(
  deps: ClassDeps,
  kind: Kind,
  key: string,
  value: unknown,
): Promise<(WmsServiceLayer | WfsServiceLayer)[]> {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    fail(key, "must be an object.");
  const layers = (value as Record<string, unknown>).layers;
  if (layers === undefined) return [];
  if (!Array.isArray(layers)) fail(`${key}.layers`, "must be a list.");
  if (layers.length > MAX_LAYERS) fail(`${key}.layers`, `at most ${MAX_LAYERS} layers.`);
  const seen = new Set<string>();
  const out: (WmsServiceLayer | WfsServiceLayer)[] = [];
  for (const [i, raw] of layers.entries()) {
    const at = `${key}.layers[${i}]`;
    if (raw === null || typeof raw !== "object" || Array.isArray(raw))
      fail(at, "must be an object.");
    const l = raw as Record<string, unknown>;
    if (typeof l.keyname !== "string" || !KEYNAME.test(l.keyname) || l.keyname.length > 255)
      fail(`${at}.keyname`, "must start with a Latin letter and hold letters, digits or _.");
    if (seen.has(l.keyname)) fail(`${at}.keyname`, `'${l.keyname}' is used twice.`);
    seen.add(l.keyname);
    if (typeof l.display_name !== "string" || l.display_name.trim() === "")
      fail(`${at}.display_name`, "must be a non-empty string.");
    const rid = refId(l.resource_id);
    if (rid === null) fail(`${at}.resource_id`, "must be a resource id.");
    const row = await deps.getRow(rid);
    if (!row) fail(`${at}.resource_id`, `resource ${rid} was not found.`);
    const cls = deps.classes.get(row.cls);
    const feature = typeof cls?.featureSource === "function";
    const style = !!cls?.interfaces.includes("IRenderableStyle") || /_style$/.test(row.cls);
    if (kind === "wfs" && !feature)
      fail(`${at}.resource_id`, `resource ${rid} (${row.cls}) is not a feature layer.`);
    if (kind === "wms" && !feature && !style && row.cls !== "raster_layer")
      fail(`${at}.resource_id`, `resource ${rid} (${row.cls}) cannot be drawn.`);
    const base = { resource_id: rid, keyname: l.keyname, display_name: l.display_name };
    if (kind === "wms")
      out.push({
        ...base,
        min_scale_denom: scale(l.min_scale_denom, `${at}.min_scale_denom`),
        max_scale_denom: scale(l.max_scale_denom, `${at}.max_scale_denom`),
      });
    else {
      const m = l.maxfeatures;
      if (m !== undefined && m !== null && !(Number.isSafeInteger(m) && (m as number) >= 1))
        fail(`${at}.maxfeatures`, "must be null or an integer >= 1.");
      out.push({ ...base, maxfeatures: (m as number | null | undefined) ?? null });
    }
  }
  return out;
}

/** NGW accepts `{"id": n}` (ResourceRef) as well as a bare id. */
function refId(v: unknown): number | null {
  const n = typeof v === "object" && v !== null ? (v as { id?: unknown }).id : v;
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 0 ? n : null;
}

function scale(v: unknown, at: string): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0)
    fail(at, "must be null or a non-negative number.");
  return v;
}

/**
 * The stored layers of a service, without those whose resource has gone. Resource ids can be
 * reused after a delete (SQLite rowids), so each stored layer keeps its resource's creation
 * date (`created`, never shown) and a layer whose id now names a newer resource is dropped too.
 */
export async function serviceLayers<K extends Kind>(
  deps: ClassDeps,
  id: number,
): Promise<(K extends "wms" ? WmsServiceLayer : WfsServiceLayer)[]> {
  const ext = await readExt(deps.client, id, SERVICE_NS);
  const layers = Array.isArray(ext?.layers) ? ext.layers : [];
  const out = [];
  for (const { created, ...l } of layers) {
    const row = await deps.getRow(l.resource_id);
    if (row && (created === undefined || created === row.creationDate)) out.push(l);
  }
  return out;
}

/** Stamps each layer with its resource's creation date (see serviceLayers). */
async function stamped(deps: ClassDeps, layers: { resource_id: number }[]) {
  const out = [];
  for (const l of layers)
    out.push({ ...l, created: (await deps.getRow(l.resource_id))?.creationDate });
  return out;
}

function serviceClass(kind: Kind): ResourceClass {
  const key = kind === "wms" ? "wmsserver_service" : "wfsserver_service";
  return {
    identity: key,
    label: kind === "wms" ? "WMS service" : "WFS service",
    order: 80,
    scopes: ["resource", "service"],
    interfaces: [],
    category: "services",
    parents: ["resource_group"],
    keys: [key],
    async serialize(ctx, row) {
      if (!ctx.perms.has("service.connect")) return {};
      return { [key]: { layers: await serviceLayers(ctx, row.id) } };
    },
    async write(ctx, row, body) {
      const value = body[key];
      if (value === undefined) {
        if (ctx.creating) await writeExt(ctx.tx.raw, row.id, SERVICE_NS, { layers: [] });
        return;
      }
      if (!ctx.creating && !ctx.perms.has("service.configure"))
        throw new InsufficientPermissions(row.id, "service", "configure");
      const layers = await parseLayers(ctx, kind, key, value);
      await writeExt(ctx.tx.raw, row.id, SERVICE_NS, { layers: await stamped(ctx, layers) });
    },
  };
}

export const wmsServerService = serviceClass("wms");
export const wfsServerService = serviceClass("wfs");
