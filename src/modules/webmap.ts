/**
 * @module The web map module: the `webmap` and `basemap_layer` classes and NGW's webmap routes:
 * `webmap.extent` (the combined extent of the layers the user may see), `webmap.display_config`
 * (NGW's display page configuration) and the annotations (`webmap.annotation.collection`,
 * `webmap.annotation.item`).
 */
import type { Context } from "hono";
import { Annotations } from "../catalog/classes/webmap/annotations.ts";
import { basemapLayerClass } from "../catalog/classes/webmap/basemap-layer.ts";
import { displayConfig } from "../catalog/classes/webmap/display-config.ts";
import { loadSampleWebmap } from "../catalog/classes/webmap/sample.ts";
import { webmapClass } from "../catalog/classes/webmap/webmap.ts";
import { NotFound, ResourceNotFound } from "../catalog/errors.ts";
import { mapDataExtent } from "../catalog/maps.ts";
import { readObject, resourceId } from "../faces/ngw/params.ts";
import type { NgwRoute } from "../faces/ngw/routes.ts";
import type { AppContext, Env } from "../http/context.ts";
import type { Module } from "../modules.ts";

type C = Context<Env>;

/** NGW's AnnotationID: an integer >= 1; anything else is not found. */
function annotationId(c: C): number {
  const v = c.req.param("annotation_id") ?? "";
  if (!/^[1-9]\d{0,14}$/.test(v)) throw new NotFound(`Annotation ${v} was not found.`);
  return Number(v);
}

function webmapRoutes(app: AppContext): NgwRoute[] {
  const { catalog } = app;
  const annotations = new Annotations(catalog);
  const max = app.config.maxJsonBody;

  /** {minLon, maxLon, minLat, maxLat} or null, as NGW's get_webmap_extent (webmap/api.py). */
  async function extent(c: C) {
    const id = resourceId(c);
    const { row } = await catalog.resources.require(c.get("actor"), id, "resource.read");
    // NGW's route factory only matches web maps; other classes are "not found" there.
    if (row.cls !== "webmap") throw new ResourceNotFound(id);
    const box = await mapDataExtent(catalog, c.get("actor"), id);
    return c.json(box ? { minLon: box[0], maxLon: box[2], minLat: box[1], maxLat: box[3] } : null);
  }

  const display = async (c: C) =>
    c.json(await displayConfig(catalog, c.get("actor"), resourceId(c)));

  const a = {
    list: async (c: C) => c.json(await annotations.list(c.get("actor"), resourceId(c))),
    create: async (c: C) => {
      const body = await readObject(c, max);
      return c.json({ id: await annotations.create(c.get("actor"), resourceId(c), body) });
    },
    get: async (c: C) =>
      c.json(await annotations.get(c.get("actor"), resourceId(c), annotationId(c))),
    update: async (c: C) => {
      const id = annotationId(c);
      await annotations.update(c.get("actor"), resourceId(c), id, await readObject(c, max));
      return c.json({ id });
    },
    remove: async (c: C) => {
      await annotations.remove(c.get("actor"), resourceId(c), annotationId(c));
      return c.json({});
    },
  };

  return [
    { name: "webmap.extent", path: "/api/resource/{id}/webmap/extent", methods: { GET: extent } },
    {
      name: "webmap.display_config",
      path: "/api/resource/{id}/webmap/display_config",
      methods: { GET: display },
    },
    {
      name: "webmap.annotation.collection",
      path: "/api/resource/{id}/annotation/",
      methods: { GET: a.list, POST: a.create },
    },
    {
      name: "webmap.annotation.item",
      path: "/api/resource/{id}/annotation/{annotation_id}",
      methods: { GET: a.get, PUT: a.update, DELETE: a.remove },
    },
  ];
}

export const webmapModule: Module = {
  name: "webmap",
  description: "Web maps (layer tree, extents, basemaps, annotations) and basemap layers",
  classes: [webmapClass, basemapLayerClass],
  ngw: webmapRoutes,
  // Runs after the extras module has loaded the sample layers (modules start in list order).
  async start({ catalog, config }) {
    if (!config.samples) return;
    try {
      await loadSampleWebmap(catalog);
    } catch (err) {
      // A convenience, like the samples: a failure must not stop the server from starting.
      console.error("gisd: could not create the sample web map:", err);
    }
  },
};
