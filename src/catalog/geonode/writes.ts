/**
 * @module Metadata writes of the GeoNode face (PATCH/PUT of one item, bulk PATCH by id,
 * `patch-all`): every record is checked first (visible, of the right kind, writable, valid),
 * then all are written in ONE transaction, so a bulk write changes everything or nothing.
 * Title and abstract are the resource's display name and description; the rest goes to
 * `geonode.*` resmeta items (metadata.ts) and extra-metadata rows.
 */
import type { Actor } from "../acl.ts";
import { ValidationError } from "../errors.ts";
import { sanitizeHtml } from "../html.ts";
import type { Catalog } from "../index.ts";
import type { ResourceRow } from "../resource-row.ts";
import { type Tx, withTx } from "../tx.ts";
import { retryBusy } from "./busy.ts";
import { GnForbidden, GnInvalid, GnNotFound } from "./errors.ts";
import { type Kind, kindOf } from "./index.ts";
import { BOOL_FIELDS, TEXT_FIELDS, writeMetaItems } from "./metadata.ts";
import {
  categories,
  ensureKeywords,
  regions,
  resolveCategory,
  resolveKeywordNames,
  resolveRegions,
} from "./vocab.ts";

/** One validated change set. */
interface Patch {
  title?: string;
  abstract?: string | null;
  meta: Record<string, string | boolean | null>;
  keywords?: string[];
  extraMetadata?: Record<string, unknown>[];
}

type Body = Record<string, unknown>;

const MAX_BULK = 1000;

export class GeonodeWrites {
  constructor(private readonly catalog: Catalog) {}

  /** Applies `body` to each id; returns the ids written. All or nothing. */
  async update(
    actor: Actor,
    items: readonly { id: number; body: unknown }[],
    kinds: readonly Kind[],
  ): Promise<number[]> {
    if (items.length > MAX_BULK)
      throw new GnInvalid("non_field_errors", `At most ${MAX_BULK} records per request.`);
    const db = this.catalog.database.client;
    const vocab = { categories: await categories(db), regions: await regions(db) };
    const checked: { row: ResourceRow; patch: Patch }[] = [];
    const seen = new Set<number>();
    for (const it of items) {
      if (seen.has(it.id)) throw new GnInvalid("id", `Record ${it.id} appears twice.`);
      seen.add(it.id);
      const row = await this.catalog.resources.row(it.id);
      const kind = row ? kindOf(row.cls) : null;
      if (!row || !kind || !kinds.includes(kind)) throw new GnNotFound();
      const perms = await this.catalog.access.permissions(actor, row.id);
      if (!perms.has("resource.read")) throw new GnNotFound();
      const patch = parsePatch(it.body, vocab);
      const scopes = this.catalog.classes.get(row.cls)?.scopes ?? [];
      const metaPerm = scopes.includes("metadata") ? "metadata.write" : "resource.update";
      const touchesRow = patch.title !== undefined || patch.abstract !== undefined;
      const touchesMeta =
        Object.keys(patch.meta).length > 0 ||
        patch.keywords !== undefined ||
        patch.extraMetadata !== undefined;
      if ((touchesRow && !perms.has("resource.update")) || (touchesMeta && !perms.has(metaPerm)))
        throw new GnForbidden();
      checked.push({ row, patch });
    }
    await retryBusy(() =>
      withTx(db, async (tx) => {
        for (const { row, patch } of checked) await this.apply(tx, row, patch);
      }),
    );
    for (const { row } of checked) this.catalog.resources.emit(row.id, "update");
    return checked.map((c) => c.row.id);
  }

  private async apply(tx: Tx, row: ResourceRow, p: Patch): Promise<void> {
    const raw = tx.raw;
    if (p.title !== undefined && p.title !== row.displayName && row.parentId !== null) {
      const clash = await raw.execute({
        sql: "SELECT id FROM resource WHERE parent_id = ? AND display_name = ? AND id <> ?",
        args: [row.parentId, p.title, row.id],
      });
      if (clash.rows.length > 0)
        throw new GnInvalid("title", "A resource with this title already exists in its group.");
    }
    await raw.execute({
      sql: `UPDATE resource SET display_name = coalesce(?, display_name),
              description = CASE WHEN ? THEN ? ELSE description END, version = version + 1
            WHERE id = ?`,
      args: [p.title ?? null, p.abstract !== undefined ? 1 : 0, p.abstract ?? null, row.id],
    });
    const meta = { ...p.meta };
    if (p.keywords !== undefined) {
      const kws = await ensureKeywords(raw, p.keywords);
      meta.keywords = kws.length > 0 ? kws.map((k) => k.name).join(", ") : null;
    }
    await writeMetaItems(raw, row.id, meta);
    if (p.extraMetadata !== undefined) {
      await raw.execute({
        sql: "DELETE FROM gn_extra_metadata WHERE resource_id = ?",
        args: [row.id],
      });
      for (const m of p.extraMetadata)
        await raw.execute({
          sql: "INSERT INTO gn_extra_metadata (resource_id, data) VALUES (?, ?)",
          args: [row.id, JSON.stringify(m)],
        });
    }
  }
}

/** Read-only serializer fields a client echoes back; DRF ignores them, so does gisd. */
const IGNORED = new Set([
  "pk",
  "id",
  "uuid",
  "resource_type",
  "subtype",
  "polymorphic_ctype_id",
  "perms",
  "owner",
  "poc",
  "metadata_author",
  "created",
  "last_updated",
  "detail_url",
  "embed_url",
  "thumbnail_url",
  "link",
  "links",
  "alternate",
  "name",
  "workspace",
  "state",
  "raw_abstract",
  "favorite",
  "rating",
  "metadata_only",
  "srid",
  "sourcetype",
  "is_copyable",
  "tkeywords",
  "ptype",
  "ows_url",
  "href",
  "executions",
  "download_url",
  "download_urls",
]);

function parsePatch(
  body: unknown,
  vocab: {
    categories: Awaited<ReturnType<typeof categories>>;
    regions: Awaited<ReturnType<typeof regions>>;
  },
): Patch {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new GnInvalid("non_field_errors", "Invalid data. Expected a dictionary.");
  const b = body as Body;
  const p: Patch = { meta: {} };
  const field = <T>(name: string, fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof ValidationError) throw new GnInvalid(name, err.message);
      throw err;
    }
  };
  for (const [k, v] of Object.entries(b)) {
    if (IGNORED.has(k)) continue;
    if (k === "title") {
      if (typeof v !== "string" || v.trim() === "")
        throw new GnInvalid(k, "This field may not be blank.");
      if (v.length > 1000)
        throw new GnInvalid(k, "Ensure this field has no more than 1000 characters.");
      p.title = v;
    } else if (k === "abstract") {
      if (v !== null && typeof v !== "string") throw new GnInvalid(k, "Not a valid string.");
      p.abstract = v === null || v === "" ? null : sanitizeHtml(v);
    } else if (k === "keywords") {
      p.keywords = field(k, () => resolveKeywordNames(v));
    } else if (k === "category") {
      p.meta.category = field(k, () => resolveCategory(v, vocab.categories));
    } else if (k === "regions") {
      const codes = field(k, () => resolveRegions(v, vocab.regions));
      p.meta.regions = codes.length > 0 ? [...new Set(codes)].join(", ") : null;
    } else if ((BOOL_FIELDS as readonly string[]).includes(k)) {
      if (typeof v !== "boolean") throw new GnInvalid(k, "Must be a valid boolean.");
      p.meta[k] = v;
    } else if (k === "license") {
      const id = typeof v === "object" && v !== null ? (v as Body).identifier : v;
      if (id !== null && typeof id !== "string") throw new GnInvalid(k, "Not a valid string.");
      p.meta.license = id ?? null;
    } else if ((TEXT_FIELDS as readonly string[]).includes(k)) {
      if (v !== null && typeof v !== "string") throw new GnInvalid(k, "Not a valid string.");
      if (typeof v === "string" && v.length > 10_000) throw new GnInvalid(k, "Too long.");
      if (k === "date" && typeof v === "string" && Number.isNaN(Date.parse(v)))
        throw new GnInvalid(k, "Datetime has wrong format.");
      p.meta[k] = v === "" ? null : (v as string | null);
    } else if (k === "extra_metadata") {
      if (
        !Array.isArray(v) ||
        v.some((m) => typeof m !== "object" || m === null || Array.isArray(m))
      )
        throw new GnInvalid(k, "Expected a list of objects.");
      if (v.length > 1000) throw new GnInvalid(k, "Too many items.");
      p.extraMetadata = v as Record<string, unknown>[];
    }
    // Other unknown keys: DRF serializers drop them silently.
  }
  return p;
}
