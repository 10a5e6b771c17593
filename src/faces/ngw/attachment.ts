/**
 * @module NGW feature attachments (reference/ngw.md §2.3, feature_attachment/api.py): collection
 * GET/POST, item GET/PUT/DELETE, /download and /image?size=WxH thumbnails.
 */
import type { Context } from "hono";
import { NotFound } from "../../catalog/errors.ts";
import { FeatureAttachments } from "../../catalog/feature-ext/api.ts";
import type { AppContext, Env } from "../../http/context.ts";
import { contentDisposition } from "./download.ts";
import { parseBool, readJson, resourceId } from "./params.ts";

type C = Context<Env>;

function intParam(c: C, name: string, what: string): number {
  const v = c.req.param(name) ?? "";
  if (!/^\d{1,15}$/.test(v)) throw new NotFound(`${what} '${v}' was not found.`);
  return Number(v);
}

export function attachmentHandlers(app: AppContext) {
  const att = new FeatureAttachments(app.catalog);
  const max = app.config.maxJsonBody;
  const ids = (c: C) =>
    [resourceId(c), intParam(c, "fid", "Feature"), intParam(c, "aid", "Attachment")] as const;

  return {
    async list(c: C) {
      return c.json(await att.list(c.get("actor"), resourceId(c), intParam(c, "fid", "Feature")));
    },

    async create(c: C) {
      const body = await readJson(c, max);
      const fid = intParam(c, "fid", "Feature");
      return c.json({ id: await att.create(c.get("actor"), resourceId(c), fid, body) });
    },

    async item(c: C) {
      return c.json(await att.get(c.get("actor"), ...ids(c)));
    },

    async update(c: C) {
      const body = await readJson(c, max);
      return c.json({ id: await att.update(c.get("actor"), ...ids(c), body) });
    },

    async remove(c: C) {
      await att.remove(c.get("actor"), ...ids(c));
      return c.json({});
    },

    async download(c: C) {
      const [id, fid, aid] = ids(c);
      const { path, attachment: a } = await att.file(c.get("actor"), id, fid, aid);
      const name = a.name ?? `unnamed${aid}`;
      return new Response(Bun.file(path), {
        headers: {
          "Content-Type": a.mime_type,
          "Content-Length": String(a.size),
          "Content-Disposition": contentDisposition(name, "attachment"),
        },
      });
    },

    async image(c: C) {
      const size = c.req.query("size") ?? "";
      const crop = parseBool(c.req.query("crop"), "crop", false);
      const img = await att.image(c.get("actor"), ...ids(c), size, crop);
      return new Response(new Blob([img.bytes as BlobPart]), {
        headers: { "Content-Type": img.mimeType },
      });
    },
  };
}
