/**
 * @module A web map as a map: the layer tree with the ACL applied, drawing order (tree bottom-up,
 * or draw_order_position with position 1 on top), basemaps and the stored settings.
 */
import type { Actor } from "../acl.ts";
import {
  readBasemapLayer,
  readBasemaps,
  readSettings,
  readTree,
  type TreeItem,
} from "../classes/webmap/store.ts";
import type { Catalog } from "../index.ts";
import type { MapBasemap, MapDescription, MapLayer, MapTreeNode } from "../maps.ts";
import type { ResourceRow } from "../resource-row.ts";
import { permsCache, rowCache, summarize, wsenExtent } from "./common.ts";

export async function openWebmap(
  catalog: Catalog,
  actor: Actor,
  row: ResourceRow,
): Promise<MapDescription> {
  const db = catalog.database.client;
  const settings = await readSettings(db, row.id);
  const tree = await readTree(db, row.id);
  const perms = permsCache(catalog, actor);
  const rowOf = rowCache(catalog);
  const layers: (MapLayer & { drawOrderPosition: number | null })[] = [];

  const walk = async (
    items: TreeItem[],
    prefix: string,
    groupPath: string[],
    groupKeys: string[],
  ): Promise<MapTreeNode[]> => {
    const nodes: MapTreeNode[] = [];
    for (const [i, it] of items.entries()) {
      const key = prefix === "" ? String(i) : `${prefix}.${i}`;
      if (it.type === "group") {
        const children = await walk(
          it.children,
          key,
          [...groupPath, it.displayName],
          [...groupKeys, key],
        );
        if (children.length === 0) continue;
        nodes.push({
          type: "group",
          key,
          title: it.displayName,
          expanded: it.expanded,
          visible: it.enabled,
          exclusive: it.exclusive,
          children,
        });
        continue;
      }
      const style = await rowOf(it.styleId);
      if (!style) continue;
      // A style draws its parent layer; other renderables (none yet) would draw themselves.
      const layer =
        style.cls.endsWith("_style") && style.parentId !== null
          ? await rowOf(style.parentId)
          : style;
      if (!layer) continue;
      if (!(await perms(style.id)).has("data.read")) continue;
      if (!(await perms(layer.id)).has("data.read")) continue;
      nodes.push({ type: "layer", key });
      layers.push({
        key,
        title: it.displayName,
        layerId: layer.id,
        layerCls: layer.cls,
        styleId: style.id === layer.id ? null : style.id,
        opacity: it.transparency === null ? 1 : (100 - it.transparency) / 100,
        visible: it.enabled,
        identifiable: it.identifiable,
        minScaleDenom: it.minScaleDenom,
        maxScaleDenom: it.maxScaleDenom,
        adapter: it.adapter,
        groupPath,
        groupKeys,
        ...(it.id === undefined ? {} : { itemId: it.id }),
        drawOrderPosition: it.drawOrderPosition,
      });
    }
    return nodes;
  };
  const nodes = await walk(tree, "", [], []);

  // `layers` holds tree order (top first); drawing order is bottom first.
  const drawOrderEnabled = settings?.drawOrderEnabled === true;
  let ordered = [...layers].reverse();
  if (drawOrderEnabled) {
    const pos = (l: { drawOrderPosition: number | null }) =>
      l.drawOrderPosition ?? Number.MAX_SAFE_INTEGER;
    // Stable sort: equal positions keep tree order (first on top).
    ordered = layers
      .map((l, i) => ({ l, i }))
      .sort((a, b) => pos(a.l) - pos(b.l) || a.i - b.i)
      .map((x) => x.l)
      .reverse();
  }

  const basemaps: MapBasemap[] = [];
  for (const b of await readBasemaps(db, row.id)) {
    if (!(await perms(b.resourceId)).has("data.read")) continue;
    const data = await readBasemapLayer(db, b.resourceId);
    if (!data) continue;
    basemaps.push({
      resourceId: b.resourceId,
      title: b.displayName,
      url: data.url,
      qms: data.qms,
      enabled: b.enabled,
      opacity: b.opacity,
      copyrightText: data.copyrightText,
      copyrightUrl: data.copyrightUrl,
      zMin: data.zMin,
      zMax: data.zMax,
    });
  }

  const bookmark = settings?.bookmarkResourceId ?? null;
  return {
    ...(await summarize(catalog, row)),
    extent: settings ? wsenExtent(settings.initialExtent) : null,
    constrainingExtent: settings ? wsenExtent(settings.constrainingExtent) : null,
    layers: ordered.map(({ drawOrderPosition: _, ...l }) => l),
    tree: nodes,
    basemaps,
    backgroundColor: settings?.backgroundColor ?? null,
    drawOrderEnabled,
    bookmarkLayerId:
      bookmark !== null && (await perms(bookmark)).has("resource.read") ? bookmark : null,
    measureSrsId: settings?.measureSrsId ?? null,
  };
}
