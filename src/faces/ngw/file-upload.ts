/**
 * @module NGW file upload (reference/ngw.md §2.5): multipart POST (the deprecated /upload alias is
 * what GDAL uses), raw PUT, and tus 1.0.0 resumable uploads (OPTIONS, POST, HEAD, PATCH, DELETE).
 */
import type { Context } from "hono";
import { SYSTEM } from "../../catalog/acl.ts";
import { Forbidden, TooLarge, ValidationError } from "../../catalog/errors.ts";
import type { UploadRow } from "../../catalog/uploads.ts";
import type { AppContext, Env } from "../../http/context.ts";

type C = Context<Env>;

const TUS_VERSION = "1.0.0";

function meta(u: UploadRow) {
  return { id: u.id, size: u.size, name: u.name, mime_type: u.mimeType };
}

function filenameOf(disposition: string | undefined): string | null {
  if (!disposition) return null;
  const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(disposition);
  if (star) return decodeURIComponent(star[1]!.trim().replace(/^"|"$/g, ""));
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(disposition);
  return plain ? (plain[2] ?? plain[1]!).trim() : null;
}

function parseTusMetadata(h: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (h ?? "").split(",")) {
    const [k, v] = pair.trim().split(/\s+/);
    if (k) out[k] = v ? Buffer.from(v, "base64").toString("utf8") : "";
  }
  return out;
}

export function fileUploadHandlers(app: AppContext) {
  const { uploads } = app.catalog;
  const max = app.config.maxUpload;

  function checkLength(c: C) {
    // Uploads cost disk; anonymous visitors get none (NGW answers 403 for missing rights).
    if (c.get("actor").id === SYSTEM.guest)
      throw new Forbidden("Anonymous uploads are not allowed; please sign in.");
    const len = Number(c.req.header("content-length") ?? "0");
    if (len > max) throw new TooLarge(`Upload is larger than ${max} bytes.`);
  }

  const handlers = {
    async form(c: C) {
      checkLength(c);
      const type = c.req.header("content-type") ?? "";
      if (!type.includes("multipart/form-data"))
        throw new ValidationError("multipart/form-data was expected.");
      const form = await c.req.raw.formData().catch(() => {
        throw new ValidationError("The multipart body could not be parsed.");
      });
      const files = [...form.getAll("file"), ...form.getAll("files[]")].filter(
        (f): f is File => f instanceof File,
      );
      if (files.length === 0)
        throw new ValidationError("No file part ('file' or 'files[]') in the request.");
      const actor = c.get("actor");
      const stored = [];
      for (const f of files)
        stored.push(meta(await uploads.store(f, f.name, f.type || null, actor.id)));
      return c.json({ upload_meta: stored });
    },

    async put(c: C) {
      checkLength(c);
      const blob = await c.req.blob();
      const name = filenameOf(c.req.header("content-disposition"));
      const type = c.req.header("content-type")?.split(";")[0] ?? null;
      const u = await uploads.store(blob, name, type, c.get("actor").id);
      return c.json(meta(u), 201);
    },

    async item(c: C) {
      // Hono answers HEAD through the GET route, so tus's HEAD arrives here.
      if (c.req.raw.method === "HEAD") return handlers.tusHead(c);
      const u = await uploads.get(c.req.param("id")!);
      return c.json(meta(u));
    },

    // --- tus -----------------------------------------------------------------------------

    tusOptions(c: C) {
      return c.body(null, 204, {
        "Tus-Resumable": TUS_VERSION,
        "Tus-Version": TUS_VERSION,
        "Tus-Extension": "creation,termination",
        "Tus-Max-Size": String(max),
      });
    },

    /** POST with Tus-Resumable creates a resumable upload; otherwise it is a multipart form. */
    async create(c: C) {
      if (!c.req.header("tus-resumable")) return handlers.form(c);
      checkLength(c);
      const length = Number(c.req.header("upload-length"));
      const md = parseTusMetadata(c.req.header("upload-metadata"));
      const u = await uploads.begin(
        length,
        md.name ?? null,
        md.mime_type ?? null,
        c.get("actor").id,
      );
      const location = new URL(`/api/component/file_upload/${u.id}`, c.req.url).toString();
      return c.body(null, 201, { Location: location, "Tus-Resumable": TUS_VERSION });
    },

    async tusHead(c: C) {
      const u = await uploads.get(c.req.param("id")!);
      return c.body(null, 200, {
        "Upload-Offset": String(u.size),
        "Upload-Length": String(u.length),
        "Tus-Resumable": TUS_VERSION,
        "Cache-Control": "no-store",
      });
    },

    async tusPatch(c: C) {
      if ((c.req.header("content-type") ?? "") !== "application/offset+octet-stream") {
        return c.body(null, 415, { "Tus-Resumable": TUS_VERSION });
      }
      const offset = Number(c.req.header("upload-offset"));
      if (!Number.isSafeInteger(offset) || offset < 0)
        throw new ValidationError("Upload-Offset must be a non-negative integer.");
      checkLength(c);
      const chunk = new Uint8Array(await c.req.arrayBuffer());
      const u = await uploads.append(c.req.param("id")!, offset, chunk);
      return c.body(null, 204, { "Upload-Offset": String(u.size), "Tus-Resumable": TUS_VERSION });
    },

    async tusDelete(c: C) {
      await uploads.remove(c.req.param("id")!);
      return c.body(null, 204, { "Tus-Resumable": TUS_VERSION });
    },
  };
  return handlers;
}
