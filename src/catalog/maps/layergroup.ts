/**
 * @module A GeoServer layer group as a map: publishables in drawing order, nested groups
 * flattened into group paths, SLD styles mapped to their NGW mirrors, bounds from any CRS.
 */
import { parseCrsName } from "../../geo/srs/index.ts";
import type { Actor } from "../acl.ts";
import type { Catalog } from "../index.ts";
import type { MapDescription, MapExtent, MapLayer, MapTreeNode } from "../maps.ts";
import { readExtMany } from "../resource-ext.ts";
import type { ResourceRow } from "../resource-row.ts";
import { mapExtent, permsCache, summarize } from "./common.ts";

interface GroupExt {
  title?: unknown;
  publishables?: { type: "layer" | "layerGroup"; id: number }[];
  styleRefs?: ({ builtin: string } | { id: number } | null)[];
  bounds?: { minx: number; miny: number; maxx: number; maxy: number; crs: string };
}

/**
 * A GeoServer layer group as a map: publishables in order (GeoServer draws the first at the
 * bottom), nested groups flattened into group paths, styles from the group's style list (a
 * stored SLD style by id; a built-in or empty entry means the layer's default style).
 */
export async function openLayerGroup(
  catalog: Catalog,
  actor: Actor,
  row: ResourceRow,
): Promise<MapDescription> {
  const db = catalog.database.client;
  const perms = permsCache(catalog, actor);
  const layers: MapLayer[] = [];
  const seen = new Set<number>();

  const walk = async (
    groupId: number,
    prefix: string,
    groupPath: string[],
    groupKeys: string[],
  ): Promise<MapTreeNode[]> => {
    seen.add(groupId);
    const ext = ((await readExtMany(db, [groupId], "geoserver")).get(groupId) ?? {}) as GroupExt;
    const pubs = ext.publishables ?? [];
    const nodes: MapTreeNode[] = [];
    for (const [i, p] of pubs.entries()) {
      const key = prefix === "" ? String(i) : `${prefix}.${i}`;
      const member = await catalog.resources.row(p.id);
      if (!member || !(await perms(member.id)).has("resource.read")) continue;
      if (p.type === "layerGroup") {
        if (seen.has(member.id)) continue;
        const sub = ((await readExtMany(db, [member.id], "geoserver")).get(member.id) ??
          {}) as GroupExt;
        const title = typeof sub.title === "string" && sub.title ? sub.title : member.displayName;
        const children = await walk(member.id, key, [...groupPath, title], [...groupKeys, key]);
        if (children.length > 0)
          nodes.push({
            type: "group",
            key,
            title,
            expanded: true,
            visible: true,
            exclusive: false,
            children,
          });
        continue;
      }
      if (!(await perms(member.id)).has("data.read")) continue;
      const ref = ext.styleRefs?.[i] ?? null;
      const sld = ref && "id" in ref ? ref.id : undefined;
      if (sld !== undefined && !(await perms(sld)).has("resource.read")) continue;
      nodes.push({ type: "layer", key });
      layers.push({
        key,
        title: member.displayName,
        layerId: member.id,
        layerCls: member.cls,
        styleId: sld === undefined ? null : await syncedStyle(catalog, member.id, sld),
        ...(sld === undefined ? {} : { sldStyleId: sld }),
        opacity: 1,
        visible: true,
        identifiable: true,
        minScaleDenom: null,
        maxScaleDenom: null,
        adapter: "image",
        groupPath,
        groupKeys,
      });
    }
    return nodes;
  };
  const nodes = await walk(row.id, "", [], []);

  const ext = ((await readExtMany(db, [row.id], "geoserver")).get(row.id) ?? {}) as GroupExt;
  let extent: MapExtent | null = null;
  const b = ext.bounds;
  if (b && [b.minx, b.miny, b.maxx, b.maxy].every(Number.isFinite)) {
    extent = mapExtent([b.minx, b.miny, b.maxx, b.maxy], parseCrsName(b.crs) ?? 4326);
  }
  return {
    ...(await summarize(catalog, row)),
    extent,
    constrainingExtent: null,
    layers,
    // The tree is top first; GeoServer lists bottom first.
    tree: reverseTree(nodes),
    basemaps: [],
    backgroundColor: null,
    drawOrderEnabled: false,
    bookmarkLayerId: null,
    measureSrsId: null,
  };
}

/**
 * The NGW style the GeoServer mapping made from an SLD style under this layer ("synced-style"
 * ext, see GeoServerCatalog.syncDefaultStyle), so the render API can draw what the group names.
 */
async function syncedStyle(
  catalog: Catalog,
  layerId: number,
  sldId: number,
): Promise<number | null> {
  const res = await catalog.database.client.execute({
    sql: "SELECT id FROM resource WHERE parent_id = ? AND cls LIKE '%style'",
    args: [layerId],
  });
  const ids = res.rows.map((r) => Number(r.id));
  const exts = await readExtMany(catalog.database.client, ids, "geoserver");
  for (const id of ids) {
    const e = exts.get(id);
    if (e?.kind === "synced-style" && e.style === sldId) return id;
  }
  return null;
}

function reverseTree(nodes: MapTreeNode[]): MapTreeNode[] {
  return [...nodes]
    .reverse()
    .map((n) => (n.type === "group" ? { ...n, children: reverseTree(n.children) } : n));
}
