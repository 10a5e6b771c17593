/**
 * @module NGW's web map display configuration (`webmap.display_config`, webmap/api.py
 * display_config): the ACL-filtered layer tree with item ids, checked and expanded items,
 * adapters and annotation permissions, as NextGIS Web's own display page loads it. Built from
 * the catalog's map model, so the layers left out are the same everywhere (no data.read on the
 * style or the layer; groups left empty are hidden, as in NGW).
 */
import type { Actor } from "../../acl.ts";
import { ResourceNotFound } from "../../errors.ts";
import type { Catalog } from "../../index.ts";
import { openMap } from "../../maps.ts";
import { readSettings, readTree, type TreeItem } from "./store.ts";

/** NGW's jsentry names of the two adapters (webmap/adapter.py). */
const ADAPTER_ENTRY = {
  image: "@nextgisweb/webmap/image-adapter",
  tile: "@nextgisweb/webmap/tile-adapter",
};

type Node = Record<string, unknown>;

export async function displayConfig(catalog: Catalog, actor: Actor, id: number) {
  const map = await openMap(catalog, actor, id);
  if (map.kind !== "webmap") throw new ResourceNotFound(id);
  const db = catalog.database.client;
  const settings = (await readSettings(db, id))!;
  const perms = await catalog.access.permissions(actor, id);
  const visible = new Map(map.layers.map((l) => [l.itemId, l]));
  const checked: number[] = [];
  const expanded: number[] = [];
  const adapters = new Set<string>();
  const legend = settings.legendSymbols ?? "collapse";

  const walk = (items: TreeItem[]): Node[] => {
    const out: Node[] = [];
    for (const it of items) {
      const base = { id: it.id, key: it.id, label: it.displayName, title: it.displayName };
      if (it.type === "group") {
        const children = walk(it.children);
        if (children.length === 0) continue;
        if (it.expanded) expanded.push(it.id!);
        out.push({
          ...base,
          type: "group",
          expanded: it.expanded,
          exclusive: it.exclusive,
          children,
          visibility: it.enabled,
          plugin: {},
        });
        continue;
      }
      const l = visible.get(it.id);
      if (!l) continue;
      if (it.enabled) checked.push(it.id!);
      const adapter = ADAPTER_ENTRY[it.adapter];
      adapters.add(adapter);
      const feature = catalog.classes.get(l.layerCls)?.interfaces.includes("IFeatureLayer");
      const mode = !it.identifiable
        ? null
        : feature
          ? "feature_layer"
          : l.layerCls === "raster_layer"
            ? "raster_layer"
            : null;
      out.push({
        ...base,
        type: "layer",
        layerId: l.layerId,
        styleId: l.styleId ?? l.layerId,
        visibility: it.enabled,
        identifiable: it.identifiable,
        filterable: feature === true,
        opacity: it.transparency === null ? null : (100 - it.transparency) / 100,
        minScaleDenom: it.minScaleDenom,
        maxScaleDenom: it.maxScaleDenom,
        drawOrderPosition: it.drawOrderPosition,
        legendInfo: { visible: it.legendSymbols ?? legend, has_legend: feature === true },
        identification: mode === null ? null : { mode, resource: { id: l.layerId } },
        adapter,
        plugin: {},
      });
    }
    return out;
  };
  const children = walk(await readTree(db, id));

  const extent = map.extent?.wgs84 ?? [-180, -90, 180, 90];
  return {
    webmapId: id,
    webmapTitle: map.title,
    webmapPlugin: {},
    initialExtent: extent,
    constrainingExtent: map.constrainingExtent?.wgs84 ?? null,
    rootItem: { id: 0, key: 0, type: "root", label: "", title: "", children },
    checkedItems: checked,
    expandedItems: expanded,
    mid: { adapter: [...adapters], plugin: [] },
    annotations: {
      enabled: settings.annotationEnabled,
      default: settings.annotationDefault,
      scope: {
        read: perms.has("webmap.annotation_read"),
        write: perms.has("webmap.annotation_write"),
        manage: perms.has("webmap.annotation_manage"),
      },
    },
    webmapDescription: map.description ?? "",
    webmapEditable: settings.editable,
    webmapLegendVisible: legend,
    drawOrderEnabled: settings.drawOrderEnabled,
    measureSrsId: settings.measureSrsId,
  };
}
