/**
 * @module Favorites, ratings and extra metadata of a resource (reference B.3.1). These views
 * answer in GeoNode's hand-made shapes: `{"message": ...}` for favorites (typos are GeoNode's).
 */
import { SYSTEM } from "../../catalog/acl.ts";
import { GnForbidden, GnNotFound } from "../../catalog/geonode/errors.ts";
import { kindOf } from "../../catalog/geonode/index.ts";
import { GeonodeSocial } from "../../catalog/geonode/social.ts";
import type { AppContext } from "../../http/context.ts";
import { NotAuthenticated } from "./errors.ts";
import { type C, jsonBody, pathId } from "./list.ts";

export function socialHandlers(app: AppContext) {
  const catalog = app.catalog;
  const social = new GeonodeSocial(catalog.database.client);

  /** The path's resource, readable by the actor, with the actor's permissions. */
  const readable = async (c: C) => {
    const id = pathId(c);
    const row = id === null ? undefined : await catalog.resources.row(id);
    if (!row || !kindOf(row.cls)) throw new GnNotFound();
    const perms = await catalog.access.permissions(c.get("actor"), row.id);
    if (!perms.has("resource.read")) throw new GnNotFound();
    return { id: row.id, perms };
  };
  const user = (c: C) => {
    const a = c.get("actor");
    if (a.id === SYSTEM.guest) throw new NotAuthenticated();
    return a.id;
  };

  return {
    async favorite(c: C) {
      const uid = user(c);
      const { id } = await readable(c);
      if (c.req.method === "POST") {
        return (await social.addFavorite(uid, id))
          ? c.json({ message: "Successfuly added resource to favorites" }, 201)
          : c.json({ message: "Resource is already in favorites" }, 400);
      }
      return (await social.removeFavorite(uid, id))
        ? c.json({ message: "Successfuly removed resource from favorites" })
        : c.json({ message: "Resource not in favorites" }, 404);
    },

    async ratings(c: C) {
      const { id } = await readable(c);
      const uid = c.get("actor").id;
      if (c.req.method === "POST") {
        user(c);
        const body = (await jsonBody(c)) as { rating?: unknown } | null;
        await social.rate(uid, id, body?.rating);
      }
      return c.json(await social.ratingOf(uid, id));
    },

    async extraMetadata(c: C) {
      const { id, perms } = await readable(c);
      if (c.req.method === "GET") {
        const filters = Object.entries(c.req.query());
        const items = (await social.listExtra(id)).filter((m) =>
          filters.every(([k, v]) => String(m[k]) === v),
        );
        return c.json(items);
      }
      user(c);
      if (!perms.has("resource.update")) throw new GnForbidden();
      const method = c.req.method as "POST" | "PUT" | "DELETE";
      await social.writeExtra(id, method, await jsonBody(c));
      return c.json(await social.listExtra(id), method === "POST" ? 201 : 200);
    },
  };
}
