/**
 * @module GeoNode metadata of a resource, stored where NextGIS Web sees it too: title and
 * abstract are the resource's display name and description; everything else (category,
 * keywords, regions, flags, ISO text fields) is a resmeta item under a `geonode.` key, so an
 * NGW client reads `geonode.keywords = "roads, town"` and a value it writes shows up here.
 */
import type { Executor } from "../tx.ts";

export const META_PREFIX = "geonode.";

/** Free-text ISO fields GeoNode clients PATCH; each is one resmeta string. */
export const TEXT_FIELDS = [
  "purpose",
  "attribution",
  "supplemental_information",
  "data_quality_statement",
  "constraints_other",
  "edition",
  "doi",
  "language",
  "maintenance_frequency",
  "date",
  "date_type",
  "temporal_extent_start",
  "temporal_extent_end",
  "license",
  "restriction_code_type",
  "spatial_representation_type",
] as const;
export const BOOL_FIELDS = ["featured", "is_published", "is_approved"] as const;
/** Defaults of the flags when nothing was written: gisd resources are published. */
export const BOOL_DEFAULTS: Record<(typeof BOOL_FIELDS)[number], boolean> = {
  featured: false,
  is_published: true,
  is_approved: true,
};

/** The stored metadata of one resource, decoded. */
export interface StoredMeta {
  category: string | null;
  keywords: string[];
  regions: string[];
  text: Partial<Record<(typeof TEXT_FIELDS)[number], string>>;
  flags: Partial<Record<(typeof BOOL_FIELDS)[number], boolean>>;
}

export function emptyMeta(): StoredMeta {
  return { category: null, keywords: [], regions: [], text: {}, flags: {} };
}

/** Keywords and region codes are kept as one comma-separated string, readable in NGW. */
export function splitList(v: string): string[] {
  return v
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

export async function readMetaMany(
  db: Executor,
  ids: readonly number[],
): Promise<Map<number, StoredMeta>> {
  const out = new Map<number, StoredMeta>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    if (chunk.length === 0) break;
    const res = await db.execute({
      sql: `SELECT resource_id, key, vtype, value FROM resmeta
            WHERE key LIKE 'geonode.%' AND resource_id IN (${chunk.map(() => "?").join(",")})`,
      args: [...chunk],
    });
    for (const r of res.rows) {
      const id = Number(r.resource_id);
      const m = out.get(id) ?? emptyMeta();
      out.set(id, m);
      const key = String(r.key).slice(META_PREFIX.length);
      const value = r.value === null ? null : String(r.value);
      if (key === "category") m.category = value || null;
      else if (key === "keywords") m.keywords = splitList(value ?? "");
      else if (key === "regions") m.regions = splitList(value ?? "");
      else if ((BOOL_FIELDS as readonly string[]).includes(key))
        m.flags[key as (typeof BOOL_FIELDS)[number]] = value === "true" || value === "1";
      else if ((TEXT_FIELDS as readonly string[]).includes(key) && value !== null)
        m.text[key as (typeof TEXT_FIELDS)[number]] = value;
    }
  }
  return out;
}

/** Sets (or with null removes) resmeta items `geonode.<key>` of one resource. */
export async function writeMetaItems(
  db: Executor,
  id: number,
  items: Record<string, string | boolean | null>,
): Promise<void> {
  for (const [key, value] of Object.entries(items)) {
    const k = META_PREFIX + key;
    await db.execute({
      sql: "DELETE FROM resmeta WHERE resource_id = ? AND key = ?",
      args: [id, k],
    });
    if (value === null) continue;
    await db.execute({
      sql: "INSERT INTO resmeta (resource_id, key, vtype, value) VALUES (?, ?, ?, ?)",
      args: [id, k, typeof value === "boolean" ? "bool" : "str", String(value)],
    });
  }
}
