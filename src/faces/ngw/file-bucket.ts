/** @module NGW file_bucket download: GET /api/resource/{id}/file/{name} (NGW's resource.file_download). */
import type { Context } from "hono";
import { openBucketFile } from "../../catalog/classes/file-bucket.ts";
import { NotFound } from "../../catalog/errors.ts";
import type { AppContext, Env } from "../../http/context.ts";
import { contentDisposition } from "./download.ts";
import { resourceId } from "./params.ts";

type C = Context<Env>;

export function fileBucketHandlers(app: AppContext) {
  const { catalog } = app;
  return {
    /** The name may hold slashes (folders of an uploaded archive), so it is cut from the path. */
    async download(c: C) {
      const id = resourceId(c);
      const marker = `/api/resource/${id}/file/`;
      const raw = c.req.path.slice(c.req.path.indexOf(marker) + marker.length);
      let name: string;
      try {
        name = decodeURIComponent(raw);
      } catch {
        throw new NotFound("The file name is not valid percent-encoding.");
      }
      const f = await openBucketFile(catalog.resources, catalog.deps, c.get("actor"), id, name);
      return new Response(Bun.file(f.path), {
        headers: {
          "Content-Type": f.mimeType,
          "Content-Length": String(f.size),
          "Content-Disposition": contentDisposition(f.name.split("/").pop()!, "inline"),
        },
      });
    },
  };
}
