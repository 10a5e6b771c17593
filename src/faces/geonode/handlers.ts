/**
 * @module Read handlers of the GeoNode API v2 face: the endpoint map, paginated lists in the
 * dynamic-rest envelope and single items wrapped in the serializer name (reference B.1.1-B.1.2).
 */
import type { Context } from "hono";
import { SYSTEM } from "../../catalog/acl.ts";
import { GeonodeCatalog } from "../../catalog/geonode/index.ts";
import {
  applyListQuery,
  type Doc,
  type ListSpec,
  parseListQuery,
} from "../../catalog/geonode/query.ts";
import type { AppContext, Env } from "../../http/context.ts";
import { NotAuthenticated } from "./errors.ts";

type C = Context<Env>;

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
] as const;

export const SPECS = {
  resources: {
    filterable: RESOURCE_FIELDS,
    sortable: ["pk", "title", "created", "last_updated", "date", "name", "owner.username"],
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
} satisfies Record<string, ListSpec>;

/** The absolute base URL the client used, for `link`s and `links.next`. */
export function baseUrl(c: C): string {
  return new URL(c.req.url).origin;
}

function pageLink(c: C, page: number | null): string | null {
  if (page === null) return null;
  const u = new URL(c.req.url);
  u.searchParams.set("page", String(page));
  return u.toString();
}

/** `{links, total, page, page_size, <key>: [...]}` over ACL-filtered documents. */
export function paginate(c: C, key: string, docs: Doc[], spec: ListSpec): Response {
  const params = [...new URL(c.req.url).searchParams.entries()];
  const q = parseListQuery(params, spec);
  const { total, items } = applyListQuery(docs, q);
  const hasNext = q.page * q.pageSize < total;
  return c.json({
    links: {
      next: pageLink(c, hasNext ? q.page + 1 : null),
      previous: pageLink(c, q.page > 1 ? q.page - 1 : null),
    },
    total,
    page: q.page,
    page_size: q.pageSize,
    [key]: items,
  });
}

function byPk(docs: Doc[], pk: string): Doc | undefined {
  return docs.find((d) => String(d.pk) === pk);
}

export function geonodeHandlers(app: AppContext) {
  const gn = new GeonodeCatalog(app.catalog);
  const notFound = (c: C) =>
    c.json(
      { success: false, errors: ["Not found."], code: "not_found", detail: "Not found." },
      404,
    );
  const requireUser = (c: C) => {
    if (c.get("actor").id === SYSTEM.guest) throw new NotAuthenticated();
  };
  type Load = (actor: C["var"]["actor"], base: string) => Promise<Doc[]>;
  /** A DRF list endpoint: load what the actor may see, then filter, sort and page. */
  const list = (key: string, load: Load, spec: ListSpec) => async (c: C) =>
    paginate(c, key, await load(c.get("actor"), baseUrl(c)), spec);
  /** A DRF detail endpoint: one document by pk (a string), wrapped in `key`. */
  const item = (key: string, load: Load) => async (c: C) => {
    const d = byPk(await load(c.get("actor"), baseUrl(c)), c.req.param("pk") ?? "");
    return d ? c.json({ [key]: d }) : notFound(c);
  };

  return {
    root(c: C) {
      const b = `${baseUrl(c)}/api/v2`;
      const names = ["users", "groups", "resources", "datasets"];
      return c.json(Object.fromEntries(names.map((n) => [n, `${b}/${n}`])));
    },
    async users(c: C) {
      requireUser(c);
      return paginate(c, "users", await gn.users(c.get("actor"), baseUrl(c)), SPECS.users);
    },
    async user(c: C) {
      requireUser(c);
      const d = byPk(await gn.users(c.get("actor"), baseUrl(c)), c.req.param("pk") ?? "");
      return d ? c.json({ user: d }) : notFound(c);
    },
    groups: list("group_profiles", gn.groups.bind(gn), SPECS.groups),
    group: item("group_profile", gn.groups.bind(gn)),
    resources: list("resources", gn.datasets.bind(gn), SPECS.resources),
    resource: item("resource", gn.datasets.bind(gn)),
    datasets: list("datasets", gn.datasets.bind(gn), SPECS.resources),
    dataset: item("dataset", gn.datasets.bind(gn)),
  };
}
