/**
 * @module Read and metadata-write handlers of the GeoNode API v2 face: the endpoint map, users,
 * groups, resources/datasets/documents (lists, items, PATCH of one, bulk PATCH, patch-all) and
 * the facets (categories, regions, keywords, owners, resource_types) — reference B.1-B.3.
 */
import { SYSTEM } from "../../catalog/acl.ts";
import { GnInvalid, GnNotFound } from "../../catalog/geonode/errors.ts";
import { GeonodeCatalog, KINDS, type Kind } from "../../catalog/geonode/index.ts";
import type { Doc, ListSpec } from "../../catalog/geonode/query.ts";
import { GeonodeWrites } from "../../catalog/geonode/writes.ts";
import type { AppContext } from "../../http/context.ts";
import { NotAuthenticated, NotAuthenticatedBasic } from "./errors.ts";
import { baseUrl, type C, jsonBody, matching, paginate, pathId, single } from "./list.ts";

const RESOURCE_FIELDS = [
  "pk",
  "uuid",
  "title",
  "abstract",
  "name",
  "alternate",
  "workspace",
  "subtype",
  "resource_type",
  "owner.pk",
  "owner.username",
  "created",
  "last_updated",
  "date",
  "featured",
  "is_published",
  "is_approved",
  "metadata_only",
  "state",
  "favorite",
  "keywords.name",
  "keywords.slug",
  "category.identifier",
  "regions.code",
  "regions.name",
  "purpose",
  "attribution",
  "edition",
  "doi",
  "language",
] as const;

export const SPECS = {
  resources: {
    filterable: RESOURCE_FIELDS,
    sortable: [
      "pk",
      "title",
      "created",
      "last_updated",
      "date",
      "name",
      "owner.username",
      "rating",
      "popular_count",
      "featured",
    ],
    defaultSort: ["-created"],
    defaultSearch: ["title", "abstract"],
  },
  users: {
    filterable: ["pk", "username", "first_name", "last_name", "is_superuser", "is_staff"],
    sortable: ["pk", "username", "first_name", "last_name"],
    defaultSort: ["username"],
    defaultSearch: ["username", "first_name", "last_name"],
  },
  groups: {
    filterable: ["pk", "title", "slug", "description", "group.name"],
    sortable: ["pk", "title", "slug"],
    defaultSort: ["title"],
    defaultSearch: ["title", "slug", "description"],
  },
  categories: {
    filterable: ["id", "identifier", "gn_description", "description", "count"],
    sortable: ["id", "identifier", "gn_description", "count"],
    defaultSort: ["identifier"],
    defaultSearch: ["identifier", "gn_description"],
  },
  regions: {
    filterable: ["id", "code", "name", "count"],
    sortable: ["id", "code", "name", "count"],
    defaultSort: ["name"],
    defaultSearch: ["code", "name"],
  },
  keywords: {
    filterable: ["id", "name", "slug", "count"],
    sortable: ["id", "name", "slug", "count"],
    defaultSort: ["name"],
    defaultSearch: ["name", "slug"],
  },
  owners: {
    filterable: ["pk", "username", "first_name", "last_name", "count"],
    sortable: ["pk", "username", "count"],
    defaultSort: ["username"],
    defaultSearch: ["username", "first_name", "last_name"],
  },
} satisfies Record<string, ListSpec>;

/** The endpoints each resource kind is served under, and its serializer names. */
const ENDPOINT: Record<Kind | "resource", { plural: string; single: string; kinds: Kind[] }> = {
  resource: { plural: "resources", single: "resource", kinds: Object.keys(KINDS) as Kind[] },
  dataset: { plural: "datasets", single: "dataset", kinds: ["dataset"] },
  document: { plural: "documents", single: "document", kinds: ["document"] },
  map: { plural: "maps", single: "map", kinds: ["map"] },
};

const TRUE = new Set(["true", "True", "1"]);

/** MapStore asks `include[]=executions` to see a resource's running operations. */
function wantsExecutions(c: C): boolean {
  const u = new URL(c.req.url).searchParams;
  return [...u.getAll("include[]"), ...u.getAll("include")].some((v) =>
    v.split(",").includes("executions"),
  );
}

export function geonodeHandlers(app: AppContext) {
  const gn = new GeonodeCatalog(app.catalog);
  const writes = new GeonodeWrites(app.catalog);
  const requireUser = (c: C) => {
    if (c.get("actor").id === SYSTEM.guest) throw new NotAuthenticated();
  };
  const actor = (c: C) => c.get("actor");

  /** Writes need a user: 403 on /resources (Session first), 401 + challenge elsewhere. */
  const writer = (c: C, e: (typeof ENDPOINT)[keyof typeof ENDPOINT]) => {
    if (actor(c).id !== SYSTEM.guest) return;
    throw e.plural === "resources" ? new NotAuthenticated() : new NotAuthenticatedBasic();
  };

  /** List, item, PATCH item and bulk PATCH of one resource endpoint. */
  const resourceEndpoint = (e: (typeof ENDPOINT)[keyof typeof ENDPOINT]) => ({
    async list(c: C) {
      const opts = { kinds: e.kinds, executions: wantsExecutions(c) };
      return paginate(c, e.plural, await gn.load(actor(c), baseUrl(c), opts), SPECS.resources);
    },
    async item(c: C) {
      const id = pathId(c);
      const d =
        id === null
          ? null
          : (
              await gn.load(actor(c), baseUrl(c), {
                kinds: e.kinds,
                ids: [id],
                executions: wantsExecutions(c),
              })
            )[0];
      if (!d) throw new GnNotFound();
      return single(c, e.single, d);
    },
    async patchItem(c: C) {
      writer(c, e);
      const id = pathId(c);
      if (id === null) throw new GnNotFound();
      const body = await jsonBody(c);
      await writes.update(actor(c), [{ id, body }], e.kinds);
      return single(c, e.single, (await gn.one(actor(c), baseUrl(c), id, e.kinds))!);
    },
    /** `PATCH /x/` with a list of records by id, or `?patch-all=true|query` over a filter. */
    async patchList(c: C) {
      writer(c, e);
      const body = await jsonBody(c);
      const patchAll = c.req.query("patch-all");
      if (patchAll !== undefined) {
        if (!TRUE.has(patchAll) && patchAll !== "query")
          throw new GnInvalid("patch-all", "Must be true or query.");
        const docs = matching(
          c,
          await gn.load(actor(c), baseUrl(c), { kinds: e.kinds }),
          SPECS.resources,
        );
        const ids = await writes.update(
          actor(c),
          docs.map((d) => ({ id: Number(d.pk), body })),
          e.kinds,
        );
        return c.json({ meta: { updated: ids.length } });
      }
      const list = Array.isArray(body)
        ? body
        : body && typeof body === "object" && Array.isArray((body as Doc)[e.plural])
          ? ((body as Doc)[e.plural] as unknown[])
          : null;
      if (!list)
        throw new GnInvalid(
          "non_field_errors",
          "Expected a list of records with ids, or patch-all with a filter.",
        );
      const items = list.map((r) => {
        const raw = r && typeof r === "object" ? ((r as Doc).id ?? (r as Doc).pk) : undefined;
        const id =
          typeof raw === "number" ? raw : typeof raw === "string" ? Number(raw) : Number.NaN;
        if (!Number.isSafeInteger(id) || id < 0)
          throw new GnInvalid("id", "Each record needs an integer id.");
        return { id, body: r };
      });
      const ids = await writes.update(actor(c), items, e.kinds);
      const docs = await gn.load(actor(c), baseUrl(c), { kinds: e.kinds, ids });
      return c.json({ [e.plural]: docs });
    },
  });

  /** A facet list: vocabulary rows with `count` of visible resources using each. */
  const facet = async (
    c: C,
    rows: Doc[],
    countOf: (d: Doc) => unknown[],
    key: (r: Doc) => unknown,
  ) => {
    const docs = await gn.load(actor(c), baseUrl(c));
    const counts = new Map<unknown, number>();
    for (const d of docs)
      for (const k of new Set(countOf(d))) counts.set(k, (counts.get(k) ?? 0) + 1);
    const withCount = rows.map((r) => ({ ...r, count: counts.get(key(r)) ?? 0 }));
    return TRUE.has(c.req.query("with_resources") ?? "")
      ? withCount.filter((r) => r.count > 0)
      : withCount;
  };
  const base = (c: C) => `${baseUrl(c)}/api/v2`;

  const categoryDocs = async (c: C) =>
    facet(
      c,
      (await gn.vocab.categories()).map((r) => ({ ...r, link: `${base(c)}/categories/${r.id}` })),
      (d) => [(d.category as Doc | null)?.identifier],
      (r) => r.identifier,
    );
  const regionDocs = async (c: C) =>
    facet(
      c,
      (await gn.vocab.regions()).map((r) => ({
        id: r.id,
        code: r.code,
        name: r.name,
        parent: r.parent_id,
        bbox_x0: r.bbox?.[0] ?? null,
        bbox_y0: r.bbox?.[1] ?? null,
        bbox_x1: r.bbox?.[2] ?? null,
        bbox_y1: r.bbox?.[3] ?? null,
        srid: "EPSG:4326",
        link: `${base(c)}/regions/${r.id}`,
      })),
      (d) => (d.regions as Doc[]).map((r) => r.code),
      (r) => r.code,
    );
  const keywordDocs = async (c: C) =>
    facet(
      c,
      (await gn.vocab.keywords()).map((k) => ({
        ...k,
        depth: 1,
        path: String(k.id).padStart(4, "0"),
        link: `${base(c)}/keywords/${k.id}`,
      })),
      (d) => (d.keywords as Doc[]).map((k) => k.slug),
      (r) => r.slug,
    );
  const ownerDocs = async (c: C) => {
    const docs = await gn.load(actor(c), baseUrl(c));
    const byPk = new Map<unknown, Doc>();
    for (const d of docs) {
      const o = d.owner as Doc | null;
      if (!o) continue;
      const e = byPk.get(o.pk) ?? { ...o, count: 0 };
      e.count = (e.count as number) + 1;
      byPk.set(o.pk, e);
    }
    return [...byPk.values()];
  };
  const byId = (rows: Doc[], c: C, key: string) => {
    const id = pathId(c);
    const d = rows.find((r) => r.id === id || r.pk === id);
    if (!d) throw new GnNotFound();
    return c.json({ [key]: d });
  };

  const resources = resourceEndpoint(ENDPOINT.resource);
  return {
    resources,
    datasets: resourceEndpoint(ENDPOINT.dataset),
    documents: resourceEndpoint(ENDPOINT.document),
    maps: resourceEndpoint(ENDPOINT.map),

    /** `/maps/{id}/maplayers` and `/maps/{id}/datasets`: bare arrays (B.1.2). */
    async mapLayers(c: C) {
      const id = pathId(c);
      const m = id === null ? null : await gn.one(actor(c), baseUrl(c), id, ["map"]);
      if (!m) throw new GnNotFound();
      return c.json(m.maplayers);
    },
    async mapDatasets(c: C) {
      const id = pathId(c);
      const m = id === null ? null : await gn.one(actor(c), baseUrl(c), id, ["map"]);
      if (!m) throw new GnNotFound();
      const ids = [...new Set((m.maplayers as Doc[]).map((l) => Number((l.dataset as Doc).pk)))];
      return c.json(await gn.load(actor(c), baseUrl(c), { kinds: ["dataset"], ids }));
    },
    /** `/datasets/{id}/maps` and `/datasets/{id}/maplayers`: where a dataset is drawn. */
    async datasetMaps(c: C) {
      const id = pathId(c);
      const d = id === null ? null : await gn.one(actor(c), baseUrl(c), id, ["dataset"]);
      if (!d) throw new GnNotFound();
      const uses = (m: Doc) => (m.maplayers as Doc[]).filter((l) => (l.dataset as Doc).pk === d.pk);
      const maps = (await gn.load(actor(c), baseUrl(c), { kinds: ["map"] })).filter(
        (m) => uses(m).length > 0,
      );
      if (c.req.path.replace(/\/$/, "").endsWith("/maplayers")) return c.json(maps.flatMap(uses));
      return c.json(maps);
    },

    root(c: C) {
      const names = [
        "users",
        "groups",
        "resources",
        "datasets",
        "documents",
        "maps",
        "categories",
        "keywords",
        "tkeywords",
        "regions",
        "owners",
        "uploads",
        "management",
        "harvesters",
        "harvesting-sessions",
        "executionrequest",
      ];
      return c.json(Object.fromEntries(names.map((n) => [n, `${base(c)}/${n}`])));
    },
    async users(c: C) {
      requireUser(c);
      return paginate(c, "users", await gn.users(actor(c), baseUrl(c)), SPECS.users);
    },
    async user(c: C) {
      requireUser(c);
      const d = (await gn.users(actor(c), baseUrl(c))).find((u) => u.pk === pathId(c));
      if (!d) throw new GnNotFound();
      return single(c, "user", d);
    },
    async userGroups(c: C) {
      requireUser(c);
      const u = (await gn.users(actor(c), baseUrl(c))).find((x) => x.pk === pathId(c));
      if (!u) throw new GnNotFound();
      const member = new Set(await memberGroups(u.pk as number));
      return c.json(
        (await gn.groups(actor(c), baseUrl(c))).filter((g) => member.has(g.pk as number)),
      );
    },
    async userResources(c: C) {
      const id = pathId(c);
      const docs = (await gn.load(actor(c), baseUrl(c))).filter(
        (d) => (d.owner as Doc | null)?.pk === id,
      );
      return paginate(c, "resources", docs, SPECS.resources);
    },
    async groups(c: C) {
      return paginate(c, "group_profiles", await gn.groups(actor(c), baseUrl(c)), SPECS.groups);
    },
    async group(c: C) {
      const d = (await gn.groups(actor(c), baseUrl(c))).find((g) => g.pk === pathId(c));
      if (!d) throw new GnNotFound();
      return single(c, "group_profile", d);
    },
    async groupMembers(c: C) {
      const g = (await gn.groups(actor(c), baseUrl(c))).find((x) => x.pk === pathId(c));
      if (!g) throw new GnNotFound();
      const ids = new Set(await app.catalog.principals.membersOf(g.pk as number));
      const all = await gn.users({ ...actor(c), superuser: true }, baseUrl(c));
      return c.json(all.filter((u) => ids.has(u.pk as number)));
    },
    /** gisd groups have no managers distinct from administrators: the administrators. */
    async groupManagers(c: C) {
      const g = (await gn.groups(actor(c), baseUrl(c))).find((x) => x.pk === pathId(c));
      if (!g) throw new GnNotFound();
      const all = await gn.users({ ...actor(c), superuser: true }, baseUrl(c));
      return c.json(all.filter((u) => u.is_superuser));
    },
    async groupResources(c: C) {
      // Resources are shared with a group through the ACL; list those the group can read.
      const g = (await gn.groups(actor(c), baseUrl(c))).find((x) => x.pk === pathId(c));
      if (!g) throw new GnNotFound();
      const mine = await gn.load(actor(c), baseUrl(c));
      const theirs = new Set(
        (
          await gn.load(
            { ...actor(c), id: -1, superuser: false, groups: new Set([g.pk as number]) },
            baseUrl(c),
          )
        ).map((d) => d.pk),
      );
      return paginate(
        c,
        "resources",
        mine.filter((d) => theirs.has(d.pk)),
        SPECS.resources,
      );
    },

    async resourceTypes(c: C) {
      const docs = await gn.load(actor(c), baseUrl(c));
      const count = (k: string) => docs.filter((d) => d.resource_type === k).length;
      return c.json({
        resource_types: ["dataset", "document", "map"].map((name) => ({
          name,
          count: count(name),
          allowed_perms: allowedPerms(name),
        })),
      });
    },
    async flagged(c: C) {
      const which = c.req.path.replace(/\/$/, "").split("/").pop()!;
      const field = { approved: "is_approved", published: "is_published", featured: "featured" }[
        which
      ]!;
      const docs = (await gn.load(actor(c), baseUrl(c))).filter((d) => d[field] === true);
      return paginate(c, "resources", docs, SPECS.resources);
    },
    async favorites(c: C) {
      if (actor(c).id === SYSTEM.guest) throw new NotAuthenticated();
      const docs = (await gn.load(actor(c), baseUrl(c))).filter((d) => d.favorite === true);
      return paginate(c, "favorites", docs, SPECS.resources);
    },
    /** `/resources/{id}/{field}`: one field as if sideloaded, e.g. keywords. */
    async resourceField(c: C) {
      const id = pathId(c);
      const d = id === null ? null : await gn.one(actor(c), baseUrl(c), id);
      const field = c.req.param("field") ?? "";
      if (!d || !(field in d) || !/^[a-z_]{1,50}$/.test(field)) throw new GnNotFound();
      return c.json({ [field]: d[field] });
    },

    categories: async (c: C) => paginate(c, "categories", await categoryDocs(c), SPECS.categories),
    category: async (c: C) => byId(await categoryDocs(c), c, "category"),
    regions: async (c: C) => paginate(c, "regions", await regionDocs(c), SPECS.regions),
    region: async (c: C) => byId(await regionDocs(c), c, "region"),
    keywords: async (c: C) => paginate(c, "keywords", await keywordDocs(c), SPECS.keywords),
    keyword: async (c: C) => byId(await keywordDocs(c), c, "keyword"),
    tkeywords: async (c: C) =>
      paginate(c, "tkeywords", await gn.vocab.tkeywords(), {
        ...SPECS.keywords,
        filterable: ["id", "about", "alt_label"],
        sortable: ["id", "alt_label"],
        defaultSort: ["alt_label"],
        defaultSearch: ["alt_label"],
      }),
    tkeyword: async (c: C) => byId(await gn.vocab.tkeywords(), c, "tkeyword"),
    owners: async (c: C) => paginate(c, "owners", await ownerDocs(c), SPECS.owners),
    owner: async (c: C) => byId(await ownerDocs(c), c, "owner"),
  };

  async function memberGroups(userId: number): Promise<number[]> {
    const p = await app.catalog.principals.get(userId);
    if (!p) return [];
    return [...(await app.catalog.principals.actorFor(p, null)).groups];
  }
}

/** The permission vocabulary of a resource type (B.2.3 `allowed_perms`). */
function allowedPerms(kind: string) {
  const view = ["view_resourcebase"];
  const download = [...view, "download_resourcebase"];
  const edit = [
    ...download,
    "change_resourcebase",
    "change_resourcebase_metadata",
    ...(kind === "dataset" ? ["change_dataset_data", "change_dataset_style"] : []),
  ];
  const manage = [
    ...edit,
    "delete_resourcebase",
    "change_resourcebase_permissions",
    "publish_resourcebase",
  ];
  const levels =
    kind === "map"
      ? ["none", "view", "edit", "manage", "owner"]
      : ["none", "view", "download", "edit", "manage", "owner"];
  return {
    perms: { anonymous: kind === "map" ? view : download, default: manage, registered: manage },
    compact: {
      anonymous: levels
        .slice(0, kind === "map" ? 2 : 3)
        .map((l) => ({ name: l, label: l[0]!.toUpperCase() + l.slice(1) })),
      default: levels.map((l) => ({ name: l, label: l[0]!.toUpperCase() + l.slice(1) })),
      registered: levels.map((l) => ({ name: l, label: l[0]!.toUpperCase() + l.slice(1) })),
    },
    levels: { view, download, edit, manage },
  };
}
