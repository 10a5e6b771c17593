/**
 * @module Route table of the NGW endpoints around feature layers that are not the feature API
 * itself: exports, identify, attachments, file bucket downloads. Contributed to the face through
 * the extras module (src/modules/extras.ts); each handler lives in its endpoint family's file.
 */
import type { AppContext } from "../../http/context.ts";
import { attachmentHandlers } from "./attachment.ts";
import { exportHandlers } from "./export.ts";
import { fileBucketHandlers } from "./file-bucket.ts";
import { identifyHandlers } from "./identify.ts";
import type { NgwRoute } from "./routes.ts";

export function extrasRoutes(app: AppContext): NgwRoute[] {
  const bucket = fileBucketHandlers(app);
  const att = attachmentHandlers(app);
  const idf = identifyHandlers(app);
  const exp = exportHandlers(app);
  // Cached FlatGeobuf files of a layer are stale after any change to it.
  app.catalog.resources.onChange((ev) => exp.dropFgb(ev.id));
  const item = "/api/resource/{id}/feature/{fid}/attachment/{aid}";
  return [
    {
      name: "feature_layer.geojson",
      path: "/api/resource/{id}/geojson",
      methods: { GET: exp.geojson },
    },
    { name: "feature_layer.csv", path: "/api/resource/{id}/csv", methods: { GET: exp.csv } },
    { name: "resource.export", path: "/api/resource/{id}/export", methods: { GET: exp.export } },
    { name: "feature_layer.fgb", path: "/api/resource/{id}/fgb", methods: { GET: exp.fgb } },
    {
      name: "feature_layer.identify",
      path: "/api/feature_layer/identify",
      methods: { POST: idf.identify },
    },
    { path: "/feature_layer/identify", methods: { POST: idf.identify, PUT: idf.identify } },
    {
      name: "feature_attachment.collection",
      path: "/api/resource/{id}/feature/{fid}/attachment/",
      methods: { GET: att.list, POST: att.create },
    },
    {
      name: "feature_attachment.item",
      path: item,
      methods: { GET: att.item, PUT: att.update, DELETE: att.remove },
    },
    {
      name: "feature_attachment.download",
      path: `${item}/download`,
      methods: { GET: att.download },
    },
    { name: "feature_attachment.image", path: `${item}/image`, methods: { GET: att.image } },
    {
      name: "resource.file_download",
      path: "/api/resource/{id}/file/{name}",
      methods: { GET: bucket.download },
    },
    // Names with folders ("dir/a.txt", from an uploaded archive) need a wildcard route.
    { path: "/api/resource/{id}/file/*", methods: { GET: bucket.download } },
  ];
}
