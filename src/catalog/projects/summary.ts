/**
 * @module What the management API says about a project, whatever it comes from: a QGIS project
 * file of the projects folder or a catalog map (webmap, GeoServer layer group — DESIGN.md maps
 * "project" onto both). Plain values; the face turns them into py-qgis-server's JSON.
 */
import type { Actor } from "../acl.ts";
import { SYSTEM } from "../acl.ts";
import type { Catalog } from "../index.ts";
import { listMaps, type MapSummary, openMap } from "../maps.ts";
import { ProjectNotFound } from "./paths.ts";
import type { LoadedProject } from "./registry.ts";

export interface SummaryLayer {
  crs: string;
  id: string;
  name: string;
  source: string;
  spatial: boolean;
  valid: boolean;
}

export interface ProjectSummary {
  key: string;
  /** The project file, or `resource:{id}` for a catalog map. */
  filename: string;
  lastModified: Date;
  crs: string;
  layers: SummaryLayer[];
}

export function fileSummary(p: LoadedProject): ProjectSummary {
  return {
    key: p.key,
    filename: p.filename,
    lastModified: p.lastModified,
    crs: p.project.crs.label,
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

/**
 * The management listener has no users of its own (py-qgis-server has no auth; gisd keeps it on
 * loopback or behind its own password), so it looks at maps as the administrator.
 */
export const MANAGER: Actor = {
  id: SYSTEM.administrator,
  keyname: "administrator",
  displayName: "Administrator",
  superuser: true,
  groups: new Set([SYSTEM.administrators]),
  authMedium: null,
};

/** A catalog map's project key: its keyname, else its resource id. */
export function mapKeyOf(m: MapSummary): string {
  return m.keyname ?? String(m.id);
}

export async function catalogMaps(catalog: Catalog): Promise<MapSummary[]> {
  return listMaps(catalog, MANAGER);
}

const WEB_MERCATOR = "EPSG:3857 - WGS 84 / Pseudo-Mercator";

/** A catalog map as a project summary (layers drawn in EPSG:3857; sources are resources). */
export async function mapSummary(catalog: Catalog, key: string): Promise<ProjectSummary> {
  const found = (await catalogMaps(catalog)).find((m) => mapKeyOf(m) === key);
  if (!found) throw new ProjectNotFound(key);
  const map = await openMap(catalog, MANAGER, found.id);
  return {
    key,
    filename: `resource:${map.id}`,
    lastModified: catalogDate(map.creationDate),
    crs: WEB_MERCATOR,
    layers: map.layers.map((l) => ({
      crs: WEB_MERCATOR,
      id: l.key,
      name: l.title,
      source: `resource:${l.styleId ?? l.layerId}`,
      spatial: true,
      valid: true,
    })),
  };
}

/** Catalog timestamps are UTC, with or without a zone suffix. */
export function catalogDate(s: string): Date {
  const d = new Date(/[Zz]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s}Z`);
  return Number.isNaN(d.getTime()) ? new Date(0) : d;
}
