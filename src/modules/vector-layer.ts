/**
 * @module The vector-layer module: the vector_layer resource class and NGW's feature API routes
 * (reference/ngw.md §2.1, §2.3, §4.4 for the route names clients resolve).
 */
import { vectorLayer } from "../catalog/classes/vector-layer/index.ts";
import { featureHandlers } from "../faces/ngw/feature.ts";
import { featureExtentHandlers } from "../faces/ngw/feature-extent.ts";
import type { NgwExtension } from "../faces/ngw/index.ts";
import type { NgwRoute } from "../faces/ngw/routes.ts";
import type { Module } from "../modules.ts";

const featureRoutes: NgwExtension = (app): NgwRoute[] => {
  const f = featureHandlers(app);
  const e = featureExtentHandlers(app);
  // prettier-ignore
  return [
    {
      name: "feature_layer.feature.collection",
      path: "/api/resource/{id}/feature/",
      methods: { GET: f.list, POST: f.create, PATCH: f.patch, DELETE: f.deleteMany },
    },
    {
      name: "feature_layer.feature.item",
      path: "/api/resource/{id}/feature/{fid}",
      methods: { GET: f.item, PUT: f.put, DELETE: f.remove },
    },
    {
      name: "feature_layer.feature.count",
      path: "/api/resource/{id}/feature_count",
      methods: { GET: e.count },
    },
    {
      name: "feature_layer.feature.extent",
      path: "/api/resource/{id}/feature_extent",
      methods: { GET: e.featureExtent },
    },
    {
      name: "feature_layer.feature.item_extent",
      path: "/api/resource/{id}/feature/{fid}/extent",
      methods: { GET: e.itemExtent },
    },
    {
      name: "feature_layer.feature.geometry_info",
      path: "/api/resource/{id}/feature/{fid}/geometry_info",
      methods: { GET: e.geometryInfo },
    },
    { name: "layer.extent", path: "/api/resource/{id}/extent", methods: { GET: e.layerExtent } },
  ];
};

export const vectorLayerModule: Module = {
  name: "vector_layer",
  description: "Vector layers in libSQL (SpatiaLite-style), imports, the NGW feature API",
  classes: [vectorLayer],
  ngw: featureRoutes,
};
