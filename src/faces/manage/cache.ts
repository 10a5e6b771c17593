/**
 * @module `/cache/…`: the QGIS projects of the projects folder. GET lists them or summarises one
 * (py-qgis-server's `get_project_summary` fields), PUT reloads one from its file, DELETE evicts
 * one (or all). A project is named by `/cache/content/{key}`, `/cache/content/?MAP=…`, or the
 * seed's older `/cache/{key}` form; a MAP that could name a file elsewhere is a 400.
 */
import type { Context } from "hono";
import { mapKey } from "../../catalog/projects/paths.ts";
import type { LoadedProject } from "../../catalog/projects/registry.ts";
import type { ManageDeps } from "./deps.ts";
import { isoNoZone, isoWithZone, origin, sendError, sendJson } from "./json.ts";

/** The project key a request names, from the path or `?MAP=` (any case, as py-qgis-server). */
function keyOf(deps: ManageDeps, c: Context): string | null {
  const map = c.req.param("key") ?? c.req.query("MAP") ?? c.req.query("map");
  if (map === undefined) return null;
  const reg = deps.projects.registry;
  return mapKey(reg?.root ?? "/nonexistent", map);
}

export function summary(p: LoadedProject) {
  return {
    bad_layers_count: p.layers.filter((l) => !l.valid).length,
    cache_key: p.key,
    crs: p.project.crs.label,
    filename: p.filename,
    last_modified: isoNoZone(p.lastModified),
    layers: p.layers.map((l) => ({
      crs: l.crs.label,
      id: l.id,
      name: l.name,
      source: l.source,
      spatial: l.spatial,
      valid: l.valid,
    })),
  };
}

export function listOrShow(deps: ManageDeps) {
  return async (c: Context) => {
    if (keyOf(deps, c) !== null) return show(deps)(c);
    const o = origin(c);
    const loaded = new Set(deps.projects.registry?.loaded().map((p) => p.key));
    const files = (await deps.projects.registry?.files()) ?? [];
    return sendJson({
      cached: files.map((f) => ({
        last_modified: isoWithZone(f.lastModified),
        link: `${o}/cache/content/${encodeURIComponent(f.key)}`,
        loaded: loaded.has(f.key),
        name: f.key,
      })),
    });
  };
}

export function show(deps: ManageDeps) {
  return async (c: Context) => {
    const key = keyOf(deps, c);
    if (key === null) return sendError(400, "Missing project key or MAP.");
    return sendJson(summary(await deps.projects.projects(key).get(key)));
  };
}

export function reload(deps: ManageDeps) {
  return async (c: Context) => {
    const key = keyOf(deps, c);
    if (key === null) return sendError(400, "Missing project key or MAP.");
    return sendJson(summary(await deps.projects.projects(key).reload(key)));
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
