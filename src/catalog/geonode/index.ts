/**
 * @module How GeoNode API v2 sees the one catalog (reference Part B.2): vector and raster layers
 * are datasets, users and groups are the catalog's principals. Everything is computed from the
 * catalog with the actor's ACL applied first, so a private layer never reaches a list or a total.
 */
import { type Actor, SYSTEM } from "../acl.ts";
import { listFiles } from "../classes/file-bucket.ts";
import { NS as GS_NS, publishedName } from "../geoserver/model.ts";
import type { Catalog } from "../index.ts";
import { MAP_CLASSES, type MapDescription, openMap } from "../maps.ts";
import type { PrincipalRow } from "../principals.ts";
import { readExtMany } from "../resource-ext.ts";
import type { ResourceRow } from "../resource-row.ts";
import type { SearchFilter } from "../search.ts";
import type { Executor } from "../tx.ts";
import {
  BOOL_DEFAULTS,
  emptyMeta,
  readMetaMany,
  type StoredMeta,
  TEXT_FIELDS,
} from "./metadata.ts";
import type { Doc } from "./query.ts";
import {
  type CategoryRow,
  categories,
  keywords,
  type RegionRow,
  regions,
  slugify,
  tkeywords,
} from "./vocab.ts";

/** Feature layers of every storage (imported, PostGIS in place, FlatGeobuf in place). */
export const VECTOR_DATASET_CLASSES = ["vector_layer", "postgis_layer", "fgb_layer"];
export const DATASET_CLASSES = [...VECTOR_DATASET_CLASSES, "raster_layer"];
export const DOCUMENT_CLASSES = ["file_bucket"];

/** GeoNode resource types and the catalog classes each is made of. */
export const KINDS = {
  dataset: DATASET_CLASSES,
  document: DOCUMENT_CLASSES,
  map: MAP_CLASSES,
} as const;
export type Kind = keyof typeof KINDS;

export function kindOf(cls: string): Kind | null {
  for (const [k, classes] of Object.entries(KINDS))
    if ((classes as readonly string[]).includes(cls)) return k as Kind;
  return null;
}

/** What to load: one kind or all, optionally only some ids. */
export interface LoadOptions {
  kinds?: readonly Kind[];
  ids?: readonly number[];
  /** Attach the actor's recent execution requests of each resource (`include[]=executions`). */
  executions?: boolean;
}

/** NGW permissions -> GeoNode codenames the requesting user holds (B.2.1 `perms`). */
const PERM_MAP: [string, string[]][] = [
  ["resource.read", ["view_resourcebase"]],
  ["data.read", ["download_resourcebase"]],
  ["resource.update", ["change_resourcebase", "change_resourcebase_metadata"]],
  ["data.write", ["change_dataset_data"]],
  ["resource.delete", ["delete_resourcebase"]],
  ["resource.change_permissions", ["change_resourcebase_permissions", "publish_resourcebase"]],
];

function geonodePerms(perms: ReadonlySet<string>, kind: Kind): string[] {
  const out = PERM_MAP.flatMap(([p, codes]) => (perms.has(p) ? codes : []));
  if (kind === "dataset" && perms.has("resource.update")) out.push("change_dataset_style");
  if (kind !== "dataset") return out.filter((c) => c !== "change_dataset_data");
  return out;
}

const iso = (d: string) => (d.endsWith("Z") ? d : `${d}Z`);

export class GeonodeCatalog {
  constructor(private readonly catalog: Catalog) {}

  /** The controlled vocabularies (vocab.ts) of this catalog. */
  readonly vocab = {
    categories: () => categories(this.catalog.database.client),
    regions: () => regions(this.catalog.database.client),
    keywords: () => keywords(this.catalog.database.client),
    tkeywords: () => tkeywords(this.catalog.database.client),
  };

  /** A user as GeoNode embeds it (B.2.3); `pk` is an int for users. */
  user(row: PrincipalRow, base: string): Doc {
    const [first, ...rest] = row.displayName.split(" ");
    return {
      pk: row.id,
      username: row.keyname,
      first_name: first ?? "",
      last_name: rest.join(" "),
      avatar: "",
      perms: row.superuser ? ["add_resource"] : [],
      is_superuser: row.superuser,
      is_staff: row.superuser,
      link: `${base}/api/v2/users/${row.id}`,
    };
  }

  /** Users the actor may see: all of them for an administrator, else itself and fellow members. */
  async users(actor: Actor, base: string): Promise<Doc[]> {
    const all = (await this.catalog.principals.list("U")).filter(
      (u) => u.id !== SYSTEM.guest && (!u.system || u.id === SYSTEM.administrator),
    );
    if (actor.superuser) return all.map((u) => this.user(u, base));
    const visible = new Set<number>([actor.id]);
    for (const g of actor.groups)
      for (const m of await this.catalog.principals.membersOf(g)) visible.add(m);
    return all.filter((u) => visible.has(u.id)).map((u) => this.user(u, base));
  }

  /** Group profiles (B.2.3): all groups for an administrator, else the actor's own. */
  async groups(actor: Actor, base: string): Promise<Doc[]> {
    const all = (await this.catalog.principals.list("G")).filter(
      (g) => !g.system || g.id === SYSTEM.administrators,
    );
    return all
      .filter((g) => actor.superuser || actor.groups.has(g.id))
      .map((g) => ({
        pk: g.id,
        title: g.displayName,
        group: { pk: g.id, name: g.keyname },
        slug: g.keyname,
        logo: null,
        description: g.description ?? "",
        email: null,
        keywords: [],
        access: "private",
        categories: [],
        link: `${base}/api/v2/groups/${g.id}`,
      }));
  }

  /** Every dataset the actor can read, as full documents. */
  datasets(actor: Actor, base: string): Promise<Doc[]> {
    return this.load(actor, base, { kinds: ["dataset"] });
  }

  /** One resource by id, if the actor can read it and it is of one of `kinds`. */
  async one(actor: Actor, base: string, id: number, kinds?: readonly Kind[]): Promise<Doc | null> {
    if (!Number.isSafeInteger(id) || id < 0) return null;
    return (await this.load(actor, base, { kinds, ids: [id] }))[0] ?? null;
  }

  /** Resources the actor can read (ACL applied in the catalog search), as GeoNode documents. */
  async load(actor: Actor, base: string, opts: LoadOptions = {}): Promise<Doc[]> {
    const kinds = opts.kinds ?? (Object.keys(KINDS) as Kind[]);
    const where: SearchFilter["where"] = [
      { column: "cls", op: "in", value: kinds.flatMap((k) => [...KINDS[k]]) },
    ];
    if (opts.ids) where.push({ column: "id", op: "in", value: [...opts.ids] });
    const hits = await this.catalog.search(actor, { where, resmeta: [] });
    const db = this.catalog.database.client;
    const ids = hits.map((h) => h.row.id);
    const exts = await readExtMany(db, ids, GS_NS);
    const metas = await readMetaMany(db, ids);
    const social = await readSocial(db, actor.id, ids);
    const vocab = { categories: await categories(db), regions: await regions(db) };
    const owners = new Map<number, Doc | null>();
    const workspaces = new Map<number, string | null>();
    const out: Doc[] = [];
    for (const { row, perms } of hits) {
      if (!owners.has(row.ownerUserId)) {
        const p = await this.catalog.principals.get(row.ownerUserId);
        owners.set(row.ownerUserId, p ? this.user(p, base) : null);
      }
      const kind = kindOf(row.cls)!;
      let map: MapDescription | null = null;
      if (kind === "map") {
        // openMap applies the map's own rules (webmap.display deny, unreadable layers left out).
        map = await openMap(this.catalog, actor, row.id).catch(() => null);
        if (!map) continue;
      }
      const ws = kind === "dataset" ? await this.workspaceOf(row, workspaces) : null;
      const doc = this.toResource(row, perms, kind, {
        base,
        owner: owners.get(row.ownerUserId) ?? null,
        workspace: ws,
        name:
          kind === "dataset"
            ? publishedName(row, exts.get(row.id))
            : (row.keyname ?? `${kind}_${row.id}`),
        meta: metas.get(row.id) ?? emptyMeta(),
        vocab,
      });
      if (map) Object.assign(doc, mapFields(map, base));
      if (kind === "document") Object.assign(doc, await documentFields(db, row.id, perms, base));
      if (opts.executions) doc.executions = await executionsOf(db, actor, row.id);
      const so = social.get(row.id);
      doc.favorite = actor.id !== SYSTEM.guest && (so?.favorite ?? false);
      doc.rating = String(so?.rating ?? 0);
      out.push(doc);
    }
    return out;
  }

  /**
   * The GeoServer workspace of a layer: the group directly under the root that contains it
   * (docs/geoserver-rest.md). Ancestors of a readable resource are readable, so no name leaks.
   */
  private async workspaceOf(
    row: ResourceRow,
    cache: Map<number, string | null>,
  ): Promise<string | null> {
    let parentId = row.parentId;
    const seen: number[] = [];
    while (parentId !== null && parentId !== 0) {
      if (cache.has(parentId)) {
        const ws = cache.get(parentId)!;
        for (const s of seen) cache.set(s, ws);
        return ws;
      }
      seen.push(parentId);
      const p = await this.catalog.resources.row(parentId);
      if (!p) break;
      if (p.parentId === 0) {
        for (const s of seen) cache.set(s, p.displayName);
        return p.displayName;
      }
      parentId = p.parentId;
    }
    for (const s of seen) cache.set(s, null);
    return null;
  }

  private toResource(
    row: ResourceRow,
    perms: ReadonlySet<string>,
    kind: Kind,
    o: {
      base: string;
      owner: Doc | null;
      workspace: string | null;
      name: string;
      meta: StoredMeta;
      vocab: { categories: CategoryRow[]; regions: RegionRow[] };
    },
  ): Doc {
    const { base, meta } = o;
    const created = iso(row.creationDate);
    const cat = o.vocab.categories.find((c) => c.identifier === meta.category) ?? null;
    const flag = (k: keyof typeof BOOL_DEFAULTS) => meta.flags[k] ?? BOOL_DEFAULTS[k];
    const text = (k: keyof StoredMeta["text"]) => meta.text[k] ?? null;
    const doc: Doc = {
      pk: String(row.id),
      uuid: uuidOf(row.id),
      resource_type: kind,
      subtype:
        kind === "dataset"
          ? VECTOR_DATASET_CLASSES.includes(row.cls)
            ? "vector"
            : "raster"
          : kind === "document"
            ? "file"
            : null,
      polymorphic_ctype_id: kind,
      perms: geonodePerms(perms, kind),
      owner: o.owner,
      poc: o.owner,
      metadata_author: o.owner,
      title: row.displayName,
      abstract: row.description ?? "",
      raw_abstract: row.description ?? "",
      name: o.name,
      keywords: meta.keywords.map((k) => ({ name: k, slug: slugify(k) })),
      tkeywords: [],
      regions: meta.regions.flatMap((code) => {
        const r = o.vocab.regions.find((x) => x.code === code);
        return r ? [{ code: r.code, name: r.name }] : [];
      }),
      category: cat
        ? { identifier: cat.identifier, gn_description: cat.gn_description, fa_class: cat.fa_class }
        : null,
      date: text("date") ?? created,
      date_type: text("date_type") ?? "creation",
      created,
      last_updated: created,
      featured: flag("featured"),
      is_published: flag("is_published"),
      is_approved: flag("is_approved"),
      metadata_only: false,
      state: "PROCESSED",
      sourcetype: "LOCAL",
      is_copyable: kind === "dataset",
      license: { identifier: text("license") ?? "not_specified" },
      language: text("language") ?? "eng",
      srid: "EPSG:4326",
      detail_url: `${base}/resource/${row.id}`,
      embed_url: `${base}/resource/${row.id}`,
      thumbnail_url: `${base}/api/resource/${row.id}/preview.png`,
      link: `${base}/api/v2/${kind}s/${row.id}`,
      links: kind === "dataset" ? datasetLinks(row, base, o.workspace, o.name) : [],
    };
    for (const k of TEXT_FIELDS) if (!(k in doc)) doc[k] = text(k) ?? "";
    if (kind === "dataset") {
      doc.workspace = o.workspace;
      doc.alternate = o.workspace === null ? o.name : `${o.workspace}:${o.name}`;
      doc.ptype = "gxp_wmscsource";
      doc.ows_url = `${base}/geoserver/ows`;
    }
    return doc;
  }
}

/** The actor's (every one's, for an administrator) last ten tickets about a resource. */
async function executionsOf(db: Executor, actor: Actor, id: number): Promise<Doc[]> {
  const r = await db.execute({
    sql: `SELECT exec_id, user_id, status, func_name, action, created, finished, last_updated,
            input_params, output_params, log FROM gn_execution
          WHERE resource_id = ? AND (? OR user_id = ?) ORDER BY created DESC LIMIT 10`,
    args: [id, actor.superuser ? 1 : 0, actor.id],
  });
  return r.rows.map((x) => ({
    exec_id: String(x.exec_id),
    user: Number(x.user_id),
    status: String(x.status),
    func_name: String(x.func_name),
    action: x.action === null ? null : String(x.action),
    created: String(x.created),
    finished: x.finished === null ? null : String(x.finished),
    last_updated: String(x.last_updated),
    input_params: JSON.parse(String(x.input_params)),
    output_params: JSON.parse(String(x.output_params)),
    log: x.log === null ? null : String(x.log),
  }));
}

/** Document fields (B.2.2): the bucket's first file is the document (files only with data.read). */
async function documentFields(db: Executor, id: number, perms: ReadonlySet<string>, base: string) {
  const file = perms.has("data.read") ? (await listFiles(db, id))[0] : undefined;
  const ext = file?.name.includes(".")
    ? file.name.slice(file.name.lastIndexOf(".") + 1).toLowerCase()
    : null;
  const mime = file?.mime_type ?? null;
  return {
    href: file ? `${base}/api/resource/${id}/file/${encodeURIComponent(file.name)}` : null,
    doc_url: null,
    extension: ext,
    mime_type: mime,
    subtype: mime?.startsWith("image/")
      ? "image"
      : mime?.startsWith("video/")
        ? "video"
        : mime?.startsWith("audio/")
          ? "audio"
          : "text",
  };
}

/** Map-only fields (B.2.2): title from the map model, `maplayers` in GeoNode's shape. */
function mapFields(m: MapDescription, base: string): Doc {
  // GeoNode lists map layers top first with `order` 0..n; the model is bottom first.
  const layers = [...m.layers].reverse();
  return {
    title: m.title,
    maplayers: layers.map((l, order) => ({
      pk: l.key,
      extra_params: { msId: l.key, group: l.groupPath.join("/") || null },
      current_style: l.sldStyleId ?? l.styleId,
      name: l.title,
      order,
      visibility: l.visible,
      opacity: l.opacity,
      dataset: { pk: String(l.layerId), link: `${base}/api/v2/datasets/${l.layerId}` },
    })),
    extent: m.extent ? { coords: m.extent.wgs84, srid: "EPSG:4326" } : null,
  };
}

/** A stable UUID per resource id (GeoNode clients use `uuid` as a key; gisd has none stored). */
export function uuidOf(id: number): string {
  const hex = id.toString(16).padStart(12, "0");
  return `00000000-0000-4000-8000-${hex}`;
}

/** WMS/WFS/tiles/download links pointing at gisd's own faces (B.2.1 `links`). */
function datasetLinks(row: ResourceRow, base: string, ws: string | null, name: string): Doc[] {
  const layer = encodeURIComponent(ws === null ? name : `${ws}:${name}`);
  const links: Doc[] = [
    {
      extension: "html",
      link_type: "OGC:WMS",
      name: "OGC WMS Service",
      mime: "text/html",
      url: `${base}/geoserver/ows?service=WMS&request=GetCapabilities`,
    },
    {
      extension: "png",
      link_type: "image",
      name: "PNG",
      mime: "image/png",
      url: `${base}/geoserver/ows?service=WMS&version=1.1.1&request=GetMap&layers=${layer}&styles=&format=image/png&srs=EPSG:3857&width=256&height=256&bbox=-20037508,-20037508,20037508,20037508`,
    },
    {
      extension: "png",
      link_type: "image",
      name: "PNG tiles",
      mime: "image/png",
      url: `${base}/api/component/render/tile?resource=${row.id}&z={z}&x={x}&y={y}`,
    },
  ];
  if (VECTOR_DATASET_CLASSES.includes(row.cls)) {
    links.push(
      {
        extension: "html",
        link_type: "OGC:WFS",
        name: "OGC WFS Service",
        mime: "text/html",
        url: `${base}/geoserver/ows?service=WFS&request=GetCapabilities`,
      },
      {
        extension: "geojson",
        link_type: "data",
        name: "GeoJSON",
        mime: "application/geo+json",
        url: `${base}/api/resource/${row.id}/geojson`,
      },
      {
        extension: "pbf",
        link_type: "data",
        name: "Mapbox Vector Tiles",
        mime: "application/vnd.mapbox-vector-tile",
        url: `${base}/api/component/feature_layer/mvt?resource=${row.id}&z={z}&x={x}&y={y}`,
      },
    );
  } else {
    links.push({
      extension: "tif",
      link_type: "original",
      name: "GeoTIFF",
      mime: "image/tiff",
      url: `${base}/api/resource/${row.id}/download`,
    });
  }
  return links;
}

/** The actor's favorites and ratings of the given resources. */
async function readSocial(
  db: Executor,
  userId: number,
  ids: readonly number[],
): Promise<Map<number, { favorite: boolean; rating: number }>> {
  const out = new Map<number, { favorite: boolean; rating: number }>();
  if (ids.length === 0) return out;
  const fav = await db.execute({
    sql: "SELECT resource_id FROM gn_favorite WHERE user_id = ?",
    args: [userId],
  });
  const wanted = new Set(ids);
  for (const r of fav.rows) {
    const id = Number(r.resource_id);
    if (wanted.has(id)) out.set(id, { favorite: true, rating: 0 });
  }
  const avg = await db.execute(
    "SELECT resource_id, avg(rating) AS a FROM gn_rating GROUP BY resource_id",
  );
  for (const r of avg.rows) {
    const id = Number(r.resource_id);
    if (!wanted.has(id)) continue;
    const e = out.get(id) ?? { favorite: false, rating: 0 };
    e.rating = Math.round(Number(r.a) * 10) / 10;
    out.set(id, e);
  }
  return out;
}
