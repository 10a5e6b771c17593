/**
 * @module Helpers the map model's readers share: the summary of a map row, extents in both
 * SRSs, and per-open caches of rows and permissions.
 */
import type { BBox } from "../../geo/geometry/types.ts";
import { reprojectBBox } from "../../geo/srs/index.ts";
import type { Actor } from "../acl.ts";
import { readSettings } from "../classes/webmap/store.ts";
import type { Catalog } from "../index.ts";
import type { MapExtent, MapKind, MapSummary } from "../maps.ts";
import { readExtMany } from "../resource-ext.ts";
import type { ResourceRow } from "../resource-row.ts";

export async function summarize(catalog: Catalog, row: ResourceRow): Promise<MapSummary> {
  let title = row.displayName;
  if (row.cls === "webmap") {
    title = (await readSettings(catalog.database.client, row.id))?.title ?? title;
  } else {
    const ext = (await readExtMany(catalog.database.client, [row.id], "geoserver")).get(row.id);
    if (typeof ext?.title === "string" && ext.title !== "") title = ext.title;
  }
  return {
    id: row.id,
    kind: row.cls as MapKind,
    title,
    displayName: row.displayName,
    keyname: row.keyname,
    description: row.description,
    parentId: row.parentId ?? 0,
    ownerUserId: row.ownerUserId,
    creationDate: row.creationDate,
    version: row.version,
  };
}

/** An extent in both SRSs from a box in `srs`; null when it cannot be transformed. */
export function mapExtent(box: BBox, srs = 4326): MapExtent | null {
  try {
    const wgs84 = srs === 4326 ? box : reprojectBBox(box, srs, 4326);
    const lat = (v: number) => Math.max(-85.0511287798, Math.min(85.0511287798, v));
    const webMercator = reprojectBBox(
      [wgs84[0], lat(wgs84[1]), wgs84[2], lat(wgs84[3])],
      4326,
      3857,
    );
    return { wgs84: [...wgs84] as BBox, webMercator };
  } catch {
    return null;
  }
}

export function wsenExtent(parts: (number | null)[]): MapExtent | null {
  if (parts.length !== 4 || parts.some((p) => p === null)) return null;
  return mapExtent(parts as BBox);
}

/** Resource rows by id, fetched once each (a map names the same style many times). */
export function rowCache(catalog: Catalog) {
  const memo = new Map<number, Promise<ResourceRow | undefined>>();
  return (id: number) => {
    let p = memo.get(id);
    if (!p) memo.set(id, (p = catalog.resources.row(id)));
    return p;
  };
}

/** Permission sets of many resources, fetched once each. */
export function permsCache(catalog: Catalog, actor: Actor) {
  const memo = new Map<number, Promise<Set<string>>>();
  return (id: number) => {
    let p = memo.get(id);
    if (!p) memo.set(id, (p = catalog.access.permissions(actor, id)));
    return p;
  };
}
