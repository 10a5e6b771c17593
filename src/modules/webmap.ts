/**
 * @module The web map module: the `webmap` and `basemap_layer` classes and NGW's webmap routes
 * (`webmap.extent`: the combined extent of the layers the user may see).
 */
import type { Context } from "hono";
import { basemapLayerClass } from "../catalog/classes/webmap/basemap-layer.ts";
import { webmapClass } from "../catalog/classes/webmap/webmap.ts";
import { ResourceNotFound } from "../catalog/errors.ts";
import { mapDataExtent } from "../catalog/maps.ts";
import { resourceId } from "../faces/ngw/params.ts";
import type { NgwRoute } from "../faces/ngw/routes.ts";
import type { AppContext, Env } from "../http/context.ts";
import type { Module } from "../modules.ts";

function webmapRoutes(app: AppContext): NgwRoute[] {
  const { catalog } = app;
  /** {minLon, maxLon, minLat, maxLat} or null, as NGW's get_webmap_extent (webmap/api.py). */
  async function extent(c: Context<Env>) {
    const id = resourceId(c);
    const { row } = await catalog.resources.require(c.get("actor"), id, "resource.read");
    // NGW's route factory only matches web maps; other classes are "not found" there.
    if (row.cls !== "webmap") throw new ResourceNotFound(id);
    const box = await mapDataExtent(catalog, c.get("actor"), id);
    return c.json(box ? { minLon: box[0], maxLon: box[2], minLat: box[1], maxLat: box[3] } : null);
  }
  return [
    { name: "webmap.extent", path: "/api/resource/{id}/webmap/extent", methods: { GET: extent } },
  ];
}

export const webmapModule: Module = {
  name: "webmap",
  description: "Web maps (layer tree, extents, basemaps) and basemap layers",
  classes: [webmapClass, basemapLayerClass],
  ngw: webmapRoutes,
};
