/**
 * @module Route table of the NGW endpoints around feature layers that are not the feature API
 * itself: exports, identify, attachments, file bucket downloads. Contributed to the face through
 * the extras module (src/modules/extras.ts); each handler lives in its endpoint family's file.
 */
import type { AppContext } from "../../http/context.ts";
import { fileBucketHandlers } from "./file-bucket.ts";
import type { NgwRoute } from "./routes.ts";

export function extrasRoutes(app: AppContext): NgwRoute[] {
  const bucket = fileBucketHandlers(app);
  return [
    {
      name: "resource.file_download",
      path: "/api/resource/{id}/file/{name}",
      methods: { GET: bucket.download },
    },
    // Names with folders ("dir/a.txt", from an uploaded archive) need a wildcard route.
    { path: "/api/resource/{id}/file/*", methods: { GET: bucket.download } },
  ];
}
