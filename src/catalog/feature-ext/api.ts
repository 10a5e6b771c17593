/**
 * @module Feature attachments with the ACL applied, for faces: list, read, create, update,
 * delete, download and thumbnails. Reads need data.read; writes need data.write and run in the
 * layer's edit transaction, so they bump its version like any feature edit.
 */
import type { Actor } from "../acl.ts";
import { FeatureNotFound, ValidationError } from "../errors.ts";
import { FeatureLayers } from "../features.ts";
import type { Catalog } from "../index.ts";
import {
  type AttachmentJson,
  deleteAttachments,
  getAttachment,
  isImage,
  listByFeatures,
  saveAttachment,
  toJson,
} from "./attachments.ts";

export class FeatureAttachments {
  readonly #layers: FeatureLayers;

  constructor(private readonly catalog: Catalog) {
    this.#layers = new FeatureLayers(catalog);
  }

  async list(actor: Actor, id: number, fid: number): Promise<AttachmentJson[]> {
    await this.#layers.open(actor, id, "data.read");
    return ((await listByFeatures(this.catalog.deps.client, id, [fid])).get(fid) ?? []).map(toJson);
  }

  async get(actor: Actor, id: number, fid: number, aid: number): Promise<AttachmentJson> {
    await this.#layers.open(actor, id, "data.read");
    return toJson(await getAttachment(this.catalog.deps.client, id, fid, aid));
  }

  async create(actor: Actor, id: number, fid: number, body: unknown): Promise<number> {
    const b = asObject(body);
    return this.#layers.edit(actor, id, async (ctx) => {
      if ((await ctx.source.count({ fids: [fid] })) === 0) throw new FeatureNotFound(id, fid);
      return saveAttachment(ctx.tx, this.catalog.files, id, fid, b);
    });
  }

  async update(actor: Actor, id: number, fid: number, aid: number, body: unknown): Promise<number> {
    const b = asObject(body);
    return this.#layers.edit(actor, id, (ctx) =>
      saveAttachment(ctx.tx, this.catalog.files, id, fid, b, aid),
    );
  }

  async remove(actor: Actor, id: number, fid: number, aid: number): Promise<void> {
    await this.#layers.edit(actor, id, async (ctx) => {
      await getAttachment(ctx.tx.raw, id, fid, aid);
      await deleteAttachments(ctx.tx, this.catalog.files, id, [fid], [aid]);
    });
  }

  /** The stored file for download. */
  async file(actor: Actor, id: number, fid: number, aid: number) {
    await this.#layers.open(actor, id, "data.read");
    const a = await getAttachment(this.catalog.deps.client, id, fid, aid);
    return { path: this.catalog.files.path(a.fileKey), attachment: a };
  }

  /**
   * A thumbnail fitting `size` ("WxH"); without size, or for non-images, the file itself
   * (NGW answers the original when no size is given).
   */
  async image(actor: Actor, id: number, fid: number, aid: number, size: string, crop: boolean) {
    const { path, attachment } = await this.file(actor, id, fid, aid);
    if (!isImage(attachment.mime_type))
      throw new ValidationError("The attachment is not a JPEG or PNG image.");
    const bytes = new Uint8Array(await Bun.file(path).arrayBuffer());
    if (size === "") return { bytes, mimeType: attachment.mime_type };
    // Loaded on first use: thumbnails need the Skia addon, which costs memory at start.
    const { parseSize, thumbnail } = await import("./thumbnail.ts");
    const data = await thumbnail(bytes, attachment.mime_type, parseSize(size), crop);
    return { bytes: data, mimeType: attachment.mime_type };
  }
}

function asObject(v: unknown): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new ValidationError("A JSON object was expected.");
  return v as Record<string, unknown>;
}
