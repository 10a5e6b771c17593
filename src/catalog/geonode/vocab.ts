/**
 * @module GeoNode's controlled vocabularies in the catalog: ISO topic categories (seeded by
 * migration 0500), regions (seeded from data/regions.json on first use), free keywords (a row
 * per distinct keyword, created the first time a resource uses it) and thesaurus keywords.
 */
import regionData from "../../../data/regions.json" with { type: "json" };
import { ValidationError } from "../errors.ts";
import type { Executor } from "../tx.ts";

export interface CategoryRow {
  id: number;
  identifier: string;
  description: string;
  gn_description: string;
  is_choice: boolean;
  fa_class: string;
}

export interface RegionRow {
  id: number;
  code: string;
  name: string;
  parent_id: number | null;
  bbox: [number, number, number, number] | null;
}

export interface KeywordRow {
  id: number;
  name: string;
  slug: string;
}

/** Django's slugify: ASCII lower case, runs of other characters become one hyphen. */
export function slugify(name: string): string {
  const s = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9\s_-]/g, "")
    .trim()
    .replace(/[\s_-]+/g, "-");
  return s === "" ? `kw-${Buffer.from(name).toString("hex").slice(0, 40)}` : s;
}

export async function categories(db: Executor): Promise<CategoryRow[]> {
  const res = await db.execute("SELECT * FROM gn_category ORDER BY identifier");
  return res.rows.map((r) => ({
    id: Number(r.id),
    identifier: String(r.identifier),
    description: String(r.description),
    gn_description: String(r.gn_description),
    is_choice: Number(r.is_choice) === 1,
    fa_class: String(r.fa_class),
  }));
}

/** Loads data/regions.json into gn_region when it is empty (INSERT OR IGNORE: races are harmless). */
async function ensureRegions(db: Executor): Promise<void> {
  const n = await db.execute("SELECT 1 FROM gn_region LIMIT 1");
  if (n.rows.length > 0) return;
  const data = regionData as { global: RegionJson; countries: RegionJson[] };
  const stmt = (r: RegionJson, id: number, parent: number | null) => ({
    sql: `INSERT OR IGNORE INTO gn_region (id, code, name, parent_id, bbox_x0, bbox_y0, bbox_x1, bbox_y1)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    args: [id, r.code, r.name, parent, ...r.bbox],
  });
  await db.batch(
    [stmt(data.global, 1, null), ...data.countries.map((c, i) => stmt(c, i + 2, 1))],
    "write",
  );
}

type RegionJson = { code: string; name: string; bbox: [number, number, number, number] };

export async function regions(db: Executor): Promise<RegionRow[]> {
  await ensureRegions(db);
  const res = await db.execute("SELECT * FROM gn_region ORDER BY name");
  return res.rows.map((r) => ({
    id: Number(r.id),
    code: String(r.code),
    name: String(r.name),
    parent_id: r.parent_id === null ? null : Number(r.parent_id),
    bbox:
      r.bbox_x0 === null
        ? null
        : [Number(r.bbox_x0), Number(r.bbox_y0), Number(r.bbox_x1), Number(r.bbox_y1)],
  }));
}

/** Every keyword ever used, by slug. */
export async function keywords(db: Executor): Promise<KeywordRow[]> {
  const res = await db.execute("SELECT id, name, slug FROM gn_keyword ORDER BY name");
  return res.rows.map((r) => ({ id: Number(r.id), name: String(r.name), slug: String(r.slug) }));
}

/** Makes sure each keyword name has a row (stable id and slug); returns them in input order. */
export async function ensureKeywords(
  db: Executor,
  names: readonly string[],
): Promise<KeywordRow[]> {
  const out: KeywordRow[] = [];
  for (const name of names) {
    const slug = slugify(name);
    await db.execute({
      sql: "INSERT OR IGNORE INTO gn_keyword (name, slug) VALUES (?, ?)",
      args: [name, slug],
    });
    const r = await db.execute({
      sql: "SELECT id, name FROM gn_keyword WHERE slug = ?",
      args: [slug],
    });
    out.push({ id: Number(r.rows[0]!.id), name: String(r.rows[0]!.name), slug });
  }
  return out;
}

/** Thesaurus keywords with their thesaurus, for `tkeywords`. */
export async function tkeywords(db: Executor) {
  const res = await db.execute(`SELECT k.id, k.about, k.alt_label, t.identifier, t.title, t.uri
      FROM gn_tkeyword k JOIN gn_thesaurus t ON t.id = k.thesaurus_id ORDER BY k.alt_label`);
  return res.rows.map((r) => ({
    id: Number(r.id),
    about: String(r.about),
    alt_label: String(r.alt_label),
    thesaurus: { identifier: String(r.identifier), title: String(r.title), uri: String(r.uri) },
  }));
}

/** Resolves a client's category value (identifier, {identifier} or id) to an identifier. */
export function resolveCategory(v: unknown, all: readonly CategoryRow[]): string | null {
  if (v === null || v === "") return null;
  const key =
    typeof v === "object" && !Array.isArray(v)
      ? ((v as Record<string, unknown>).identifier ?? (v as Record<string, unknown>).id)
      : v;
  const hit = all.find((c) => c.identifier === key || c.id === Number(key));
  if (!hit) throw new ValidationError(`Invalid category: ${String(key).slice(0, 100)}`);
  return hit.identifier;
}

/** Resolves region references (code, name, id or {code|name|id}) to region codes. */
export function resolveRegions(v: unknown, all: readonly RegionRow[]): string[] {
  if (!Array.isArray(v)) throw new ValidationError("regions must be a list.");
  if (v.length > 500) throw new ValidationError("Too many regions.");
  return v.map((item) => {
    const o: Record<string, unknown> =
      typeof item === "object" && item !== null ? (item as Record<string, unknown>) : { ref: item };
    const hit = all.find(
      (r) =>
        r.code === (o.code ?? o.ref) ||
        r.name === (o.name ?? o.ref) ||
        (o.id ?? o.ref) === r.id ||
        String(o.id ?? o.ref) === String(r.id),
    );
    if (!hit) throw new ValidationError(`Invalid region: ${JSON.stringify(item).slice(0, 100)}`);
    return hit.code;
  });
}

/** Keyword names from `["a","b"]` or `[{"name":"a"}]`; commas are separators in storage. */
export function resolveKeywordNames(v: unknown): string[] {
  if (!Array.isArray(v)) throw new ValidationError("keywords must be a list.");
  if (v.length > 500) throw new ValidationError("Too many keywords.");
  const names = v.flatMap((k) => {
    const name = typeof k === "object" && k !== null ? (k as Record<string, unknown>).name : k;
    if (typeof name !== "string" || name.length > 255)
      throw new ValidationError("Each keyword must be a string of at most 255 characters.");
    return name.split(",").map((s) => s.trim());
  });
  return [...new Set(names.filter((n) => n !== ""))];
}
