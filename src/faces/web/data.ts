/**
 * @module Page data the UI cannot get from the NGW API in one call: the display page's map,
 * read through the catalog's map model (openMap: ACL-filtered layers in drawing order, tree,
 * basemaps, extent), with the tile source of each layer chosen here; and a resource's
 * breadcrumbs (NGW's search leaves `breadcrumb` empty), which stop above the first ancestor the
 * user may not read instead of failing.
 */
import type { Context } from "hono";
import { type MapLayer, openMap } from "../../catalog/maps.ts";
import type { AppContext, Env } from "../../http/context.ts";
import type { DisplayConfig, DisplayLayer } from "../../web/display/config.ts";

/** 1:N scale denominator to a web-mercator zoom at the equator (0.28 mm pixels, OGC). */
function zoomOf(scaleDenom: number | null): number | null {
  if (scaleDenom === null || !(scaleDenom > 0)) return null;
  const z = Math.log2(559082264.028717 / scaleDenom);
  return Math.max(0, Math.min(24, Math.round(z * 100) / 100));
}

function displayLayer(l: MapLayer): DisplayLayer {
  const xyz = "z={z}&x={x}&y={y}";
  return {
    key: l.key,
    title: l.title,
    layerId: l.layerId,
    styleId: l.styleId,
    opacity: l.opacity,
    visible: l.visible,
    identifiable: l.identifiable,
    // NGW draws a layer between 1:max_scale_denom (zoomed out) and 1:min_scale_denom (zoomed
    // in), as its display turns them into max/min resolutions: max bounds minzoom.
    minZoom: zoomOf(l.maxScaleDenom),
    maxZoom: zoomOf(l.minScaleDenom),
    source:
      l.styleId !== null
        ? {
            kind: "raster",
            tiles: `/api/component/render/tile?${xyz}&resource=${l.styleId}&nd=204`,
          }
        : {
            kind: "vector",
            tiles: `/api/component/feature_layer/mvt?resource=${l.layerId}&${xyz}`,
          },
  };
}

/** Breadcrumbs never climb further than this (the tree is shallow; a cycle cannot exist). */
const MAX_DEPTH = 64;

export function dataHandlers(app: AppContext) {
  return {
    async breadcrumbs(c: Context<Env>) {
      const actor = c.get("actor");
      const { row } = await app.catalog.resources.require(
        actor,
        Number(c.req.param("id")),
        "resource.read",
      );
      const out = [{ id: row.id, display_name: row.displayName }];
      let parent = row.parentId;
      for (let depth = 0; parent !== null && depth < MAX_DEPTH; depth++) {
        const { row: p, perms } = await app.catalog.resources.open(actor, parent);
        if (!perms.has("resource.read")) break;
        out.unshift({ id: p.id, display_name: p.displayName });
        parent = p.parentId;
      }
      return c.json(out, 200, { "Cache-Control": "no-store" });
    },

    async display(c: Context<Env>) {
      const map = await openMap(app.catalog, c.get("actor"), Number(c.req.param("id")));
      const body: DisplayConfig = {
        id: map.id,
        title: map.title,
        extent: map.extent?.wgs84 ?? null,
        maxBounds: map.constrainingExtent?.wgs84 ?? null,
        layers: map.layers.map(displayLayer),
        tree: map.tree,
        basemaps: map.basemaps
          .filter((b) => b.enabled)
          .map((b) => ({
            resourceId: b.resourceId,
            title: b.title,
            url: b.url,
            opacity: b.opacity,
            attribution: b.copyrightText,
            minZoom: b.zMin,
            maxZoom: b.zMax,
          })),
        backgroundColor: map.backgroundColor,
      };
      return c.json(body, 200, { "Cache-Control": "no-store" });
    },
  };
}
