/**
 * @module DRF/dynamic-rest plumbing shared by every GeoNode handler: absolute base URL, the
 * paginated envelope (reference B.1.2) with field projection, JSON bodies parsed in DRF's words.
 */
import type { Context } from "hono";
import {
  applyListQuery,
  type Doc,
  GeonodeQueryError,
  type ListSpec,
  parseListQuery,
  parseProjection,
  project,
} from "../../catalog/geonode/query.ts";
import type { Env } from "../../http/context.ts";

export type C = Context<Env>;

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

function params(c: C): [string, string][] {
  return [...new URL(c.req.url).searchParams.entries()];
}

/** The documents matching the query's filters and search, sorted, unpaged (patch-all, facets). */
export function matching(c: C, docs: Doc[], spec: ListSpec): Doc[] {
  const q = parseListQuery(params(c), spec);
  return applyListQuery(docs, { ...q, page: 1, pageSize: Number.MAX_SAFE_INTEGER }).items;
}

/** `{links, total, page, page_size, <key>: [...]}` over ACL-filtered documents. */
export function paginate(c: C, key: string, docs: Doc[], spec: ListSpec): Response {
  const ps = params(c);
  const q = parseListQuery(ps, spec);
  const proj = parseProjection(ps);
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
    [key]: items.map((d) => project(d, proj)),
  });
}

/** One item wrapped in its serializer name, projected as the query asks. */
export function single(c: C, key: string, doc: Doc): Response {
  return c.json({ [key]: project(doc, parseProjection(params(c))) });
}

/** A JSON request body; malformed JSON is DRF's 400 parse_error. */
export async function jsonBody(c: C): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ParseError(`JSON parse error - ${(err as Error).message.slice(0, 200)}`);
  }
}

export class ParseError extends GeonodeQueryError {
  override readonly code = "malformed_json";
}

/** A path id: digits only, else the item cannot exist. */
export function pathId(c: C, name = "pk"): number | null {
  const v = c.req.param(name) ?? "";
  return /^\d{1,15}$/.test(v) ? Number(v) : null;
}
