/**
 * @module `/cache/…`: the QGIS projects of the projects folder. GET lists them or summarises one
 * (py-qgis-server's `get_project_summary` fields), PUT reloads one from its file, DELETE evicts
 * one (or all). A project is named by `/cache/content/{key}`, `/cache/content/?MAP=…`, or the
 * seed's older `/cache/{key}` form; a MAP that could name a file elsewhere is a 400. Catalog
 * maps (webmaps, GeoServer layer groups) are listed and summarised as projects too, keyed by
 * keyname or id; they live in the catalog, so PUT/DELETE apply to project files only.
 */
import type { Context } from "hono";
import { mapKey } from "../../catalog/projects/paths.ts";
import {
  catalogDate,
  catalogMaps,
  fileSummary,
  mapKeyOf,
  mapSummary,
  type ProjectSummary,
} from "../../catalog/projects/summary.ts";
import type { ManageDeps } from "./deps.ts";
import { isoNoZone, isoWithZone, origin, sendError, sendJson } from "./json.ts";

/** The project key a request names, from the path or `?MAP=` (any case, as py-qgis-server). */
function keyOf(deps: ManageDeps, c: Context): string | null {
  const map = c.req.param("key") ?? c.req.query("MAP") ?? c.req.query("map");
  if (map === undefined) return null;
  const reg = deps.projects.registry;
  return mapKey(reg?.root ?? "/nonexistent", map);
}

function summary(p: ProjectSummary) {
  return {
    bad_layers_count: p.layers.filter((l) => !l.valid).length,
    cache_key: p.key,
    crs: p.crs,
    filename: p.filename,
    last_modified: isoNoZone(p.lastModified),
    layers: p.layers,
  };
}

/** A project file of the folder first; else a catalog map (webmap, layer group) with that key. */
async function find(deps: ManageDeps, key: string): Promise<ProjectSummary> {
  const reg = deps.projects.registry;
  if (reg && (await reg.files()).some((f) => f.key === key)) return fileSummary(await reg.get(key));
  return mapSummary(deps.ctx.catalog, key);
}

export function listOrShow(deps: ManageDeps) {
  return async (c: Context) => {
    if (keyOf(deps, c) !== null) return show(deps)(c);
    const o = origin(c);
    const reg = deps.projects.registry;
    const loaded = new Set(reg?.loaded().map((p) => p.key));
    const files = (await reg?.files()) ?? [];
    const link = (key: string) => `${o}/cache/content/${encodeURIComponent(key)}`;
    const maps = (await catalogMaps(deps.ctx.catalog)).filter(
      (m) => !files.some((f) => f.key === mapKeyOf(m)),
    );
    return sendJson({
      cached: [
        ...files.map((f) => ({
          last_modified: isoWithZone(f.lastModified),
          link: link(f.key),
          loaded: loaded.has(f.key),
          name: f.key,
        })),
        ...maps.map((m) => ({
          last_modified: isoWithZone(catalogDate(m.creationDate)),
          link: link(mapKeyOf(m)),
          loaded: true,
          name: mapKeyOf(m),
        })),
      ],
    });
  };
}

export function show(deps: ManageDeps) {
  return async (c: Context) => {
    const key = keyOf(deps, c);
    if (key === null) return sendError(400, "Missing project key or MAP.");
    return sendJson(summary(await find(deps, key)));
  };
}

export function reload(deps: ManageDeps) {
  return async (c: Context) => {
    const key = keyOf(deps, c);
    if (key === null) return sendError(400, "Missing project key or MAP.");
    return sendJson(summary(fileSummary(await deps.projects.projects(key).reload(key))));
  };
}

export function evict(deps: ManageDeps) {
  return async (c: Context) => {
    const key = keyOf(deps, c);
    const reg = deps.projects.registry;
    if (key === null) {
      for (const p of reg?.loaded() ?? []) reg?.evict(p.key);
      return sendJson({ status: "ok" });
    }
    if (!reg?.evict(key)) return sendError(404, `Project '${key}' not in cache`);
    return sendJson({ status: "ok" });
  };
}
