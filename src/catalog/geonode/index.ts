/**
 * @module How GeoNode API v2 sees the one catalog (reference Part B.2): vector and raster layers
 * are datasets, users and groups are the catalog's principals. Everything is computed from the
 * catalog with the actor's ACL applied first, so a private layer never reaches a list or a total.
 */
import { type Actor, SYSTEM } from "../acl.ts";
import { NS as GS_NS, publishedName } from "../geoserver/model.ts";
import type { Catalog } from "../index.ts";
import type { PrincipalRow } from "../principals.ts";
import { readExtMany } from "../resource-ext.ts";
import type { ResourceRow } from "../resource-row.ts";
import type { Doc } from "./query.ts";

export const DATASET_CLASSES = ["vector_layer", "raster_layer"];

/** NGW permissions -> GeoNode codenames the requesting user holds (B.2.1 `perms`). */
const PERM_MAP: [string, string[]][] = [
  ["resource.read", ["view_resourcebase"]],
  ["data.read", ["download_resourcebase"]],
  ["resource.update", ["change_resourcebase", "change_resourcebase_metadata"]],
  ["data.write", ["change_dataset_data"]],
  ["resource.delete", ["delete_resourcebase"]],
  ["resource.change_permissions", ["change_resourcebase_permissions", "publish_resourcebase"]],
];

function geonodePerms(perms: ReadonlySet<string>): string[] {
  return PERM_MAP.flatMap(([p, codes]) => (perms.has(p) ? codes : []));
}

const iso = (d: string) => (d.endsWith("Z") ? d : `${d}Z`);

export class GeonodeCatalog {
  constructor(private readonly catalog: Catalog) {}

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

  /** Every dataset the actor can read, newest first, as full documents. */
  async datasets(actor: Actor, base: string): Promise<Doc[]> {
    const hits = await this.catalog.search(actor, {
      where: [{ column: "cls", op: "in", value: DATASET_CLASSES }],
      resmeta: [],
    });
    const exts = await readExtMany(
      this.catalog.database.client,
      hits.map((h) => h.row.id),
      GS_NS,
    );
    const owners = new Map<number, Doc | null>();
    const workspaces = new Map<number, string | null>();
    const out: Doc[] = [];
    for (const { row, perms } of hits) {
      if (!owners.has(row.ownerUserId)) {
        const p = await this.catalog.principals.get(row.ownerUserId);
        owners.set(row.ownerUserId, p ? this.user(p, base) : null);
      }
      const ws = await this.workspaceOf(row, workspaces);
      out.push(
        this.toDataset(row, perms, {
          base,
          owner: owners.get(row.ownerUserId) ?? null,
          workspace: ws,
          name: publishedName(row, exts.get(row.id)),
        }),
      );
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

  private toDataset(
    row: ResourceRow,
    perms: ReadonlySet<string>,
    o: { base: string; owner: Doc | null; workspace: string | null; name: string },
  ): Doc {
    const vector = row.cls === "vector_layer";
    const { base } = o;
    const links: Doc[] = [];
    if (vector) {
      links.push(
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
    links.push({
      extension: "png",
      link_type: "image",
      name: "PNG tiles",
      mime: "image/png",
      url: `${base}/api/component/render/tile?resource=${row.id}&z={z}&x={x}&y={y}`,
    });
    const created = iso(row.creationDate);
    return {
      pk: String(row.id),
      uuid: null,
      resource_type: "dataset",
      subtype: vector ? "vector" : "raster",
      polymorphic_ctype_id: "dataset",
      perms: geonodePerms(perms),
      owner: o.owner,
      title: row.displayName,
      abstract: row.description ?? "",
      raw_abstract: row.description ?? "",
      name: o.name,
      workspace: o.workspace,
      alternate: o.workspace === null ? o.name : `${o.workspace}:${o.name}`,
      keywords: [],
      regions: [],
      category: null,
      date: created,
      date_type: "creation",
      created,
      last_updated: created,
      featured: false,
      is_published: true,
      is_approved: true,
      metadata_only: false,
      state: "PROCESSED",
      detail_url: `${base}/resource/${row.id}`,
      thumbnail_url: null,
      link: `${base}/api/v2/datasets/${row.id}`,
      links,
    };
  }
}
