/**
 * @module Web map annotations (NGW webmap/api.py, `webmap.annotation.*`): drawings on a web map
 * with an HTML description and a style object, WKT in EPSG:3857. Permissions are the `webmap`
 * scope's: annotation_read to list and read, annotation_write to draw, annotation_manage to see
 * everybody's private ones (with their author).
 *
 * Stricter than NGW on purpose: NGW's item routes reach any annotation by id, so a writer could
 * read, edit or delete another user's PRIVATE annotation; here a private annotation is visible
 * and writable only by its author or a manager (others get 404, as for a missing one).
 */
import { GeometryError } from "../../../geo/geometry/errors.ts";
import { parseWkt, toWkt } from "../../../geo/geometry/wkt.ts";
import type { Actor } from "../../acl.ts";
import { NotFound, ResourceNotFound, ValidationError } from "../../errors.ts";
import { sanitizeHtml } from "../../html.ts";
import type { Catalog } from "../../index.ts";
import { demand } from "../../resources.ts";

export interface Annotation {
  id: number;
  geom: string;
  public: boolean;
  own: boolean;
  description: string | null;
  style: Record<string, unknown> | null;
  /** Only for managers, on private annotations (NGW's with_user_info). */
  user_id?: number;
  user?: string;
}

/** Bounds for hostile bodies: a drawing is a few hundred vertices, a style a few keys. */
const MAX_WKT = 1_000_000;
const MAX_STYLE = 64 * 1024;
const MAX_DESCRIPTION = 100_000;

interface Row {
  id: number;
  description: string | null;
  style: string | null;
  geom: string;
  public: boolean;
  userId: number | null;
}

export class Annotations {
  constructor(private readonly catalog: Catalog) {}

  private get db() {
    return this.catalog.database.client;
  }

  /** Opens the web map and insists on `perm` (webmap.annotation_*); returns the permissions. */
  private async open(actor: Actor, id: number, perm: string): Promise<Set<string>> {
    const { row, perms } = await this.catalog.resources.open(actor, id);
    if (row.cls !== "webmap") throw new ResourceNotFound(id);
    demand(perms, id, perm);
    return perms;
  }

  async list(actor: Actor, webmapId: number): Promise<Annotation[]> {
    const perms = await this.open(actor, webmapId, "webmap.annotation_read");
    const manage = perms.has("webmap.annotation_manage");
    const res = await this.db.execute({
      sql: "SELECT * FROM webmap_annotation WHERE webmap_id = ? ORDER BY id",
      args: [webmapId],
    });
    return this.withUserNames(
      res.rows
        .map(toRow)
        .filter((r) => manage || r.public || r.userId === actor.id)
        .map((r) => this.read(actor, r, manage)),
    );
  }

  async get(actor: Actor, webmapId: number, id: number): Promise<Annotation> {
    const perms = await this.open(actor, webmapId, "webmap.annotation_read");
    const manage = perms.has("webmap.annotation_manage");
    const [one] = await this.withUserNames([
      this.read(actor, await this.row(actor, webmapId, id, manage), manage),
    ]);
    return one!;
  }

  async create(actor: Actor, webmapId: number, body: Record<string, unknown>): Promise<number> {
    await this.open(actor, webmapId, "webmap.annotation_write");
    if (typeof body.public !== "boolean") throw new ValidationError("'public' must be a boolean.");
    if (body.geom === undefined) throw new ValidationError("'geom' is required.");
    const geom = wkt(body.geom);
    const res = await this.db.execute({
      sql: `INSERT INTO webmap_annotation (webmap_id, description, style, geom, public, user_id)
            VALUES (?, ?, ?, ?, ?, ?)`,
      args: [
        webmapId,
        description(body.description),
        style(body.style),
        geom,
        Number(body.public),
        body.public ? null : actor.id,
      ],
    });
    return Number(res.lastInsertRowid);
  }

  /** NGW's prepare_annotation: description and style are reset when absent; geom kept. */
  async update(
    actor: Actor,
    webmapId: number,
    id: number,
    body: Record<string, unknown>,
  ): Promise<void> {
    const perms = await this.open(actor, webmapId, "webmap.annotation_write");
    const row = await this.row(actor, webmapId, id, perms.has("webmap.annotation_manage"));
    const geom = body.geom === undefined || body.geom === "" ? row.geom : wkt(body.geom);
    await this.db.execute({
      sql: "UPDATE webmap_annotation SET description = ?, style = ?, geom = ? WHERE id = ?",
      args: [description(body.description), style(body.style), geom, id],
    });
  }

  async remove(actor: Actor, webmapId: number, id: number): Promise<void> {
    const perms = await this.open(actor, webmapId, "webmap.annotation_write");
    await this.row(actor, webmapId, id, perms.has("webmap.annotation_manage"));
    await this.db.execute({ sql: "DELETE FROM webmap_annotation WHERE id = ?", args: [id] });
  }

  private async row(actor: Actor, webmapId: number, id: number, manage: boolean): Promise<Row> {
    const res = await this.db.execute({
      sql: "SELECT * FROM webmap_annotation WHERE webmap_id = ? AND id = ?",
      args: [webmapId, id],
    });
    const r = res.rows[0] && toRow(res.rows[0]);
    if (!r || (!r.public && !manage && r.userId !== actor.id))
      throw new NotFound(`Annotation ${id} was not found in web map ${webmapId}.`);
    return r;
  }

  private read(actor: Actor, r: Row, manage: boolean): Annotation {
    const out: Annotation = {
      id: r.id,
      geom: r.geom,
      public: r.public,
      own: r.userId === actor.id,
      description: r.description,
      style: r.style === null ? null : JSON.parse(r.style),
    };
    if (manage && !r.public && r.userId !== null) out.user_id = r.userId;
    return out;
  }

  /** The author names of private annotations, for managers (NGW's `user`). */
  private async withUserNames(list: Annotation[]): Promise<Annotation[]> {
    for (const a of list) {
      if (a.user_id === undefined) continue;
      const p = await this.catalog.principals.get(a.user_id);
      if (p) a.user = p.displayName;
    }
    return list;
  }
}

function toRow(r: Record<string, unknown>): Row {
  return {
    id: Number(r.id),
    description: r.description === null ? null : String(r.description),
    style: r.style === null ? null : String(r.style),
    geom: String(r.geom),
    public: Number(r.public) !== 0,
    userId: r.user_id === null ? null : Number(r.user_id),
  };
}

function wkt(v: unknown): string {
  if (typeof v !== "string" || v.length > MAX_WKT)
    throw new ValidationError("'geom' must be WKT (EPSG:3857).");
  try {
    return toWkt(parseWkt(v));
  } catch (err) {
    if (err instanceof GeometryError) throw new ValidationError(`Invalid geometry: ${err.message}`);
    throw err;
  }
}

function description(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== "string" || v.length > MAX_DESCRIPTION)
    throw new ValidationError("'description' must be a string.");
  return sanitizeHtml(v);
}

function style(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== "object" || Array.isArray(v))
    throw new ValidationError("'style' must be an object.");
  const s = JSON.stringify(v);
  if (s.length > MAX_STYLE) throw new ValidationError("'style' is too large.");
  return s;
}
