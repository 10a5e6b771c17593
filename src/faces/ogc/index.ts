/**
 * @module The OGC API – Features face (Part 1 core + GeoJSON, Part 2 CRS) at /ogcapi: every
 * feature layer the actor may read is a collection. The route table below is the whole face.
 */
import { type Context, Hono } from "hono";
import type { AppContext, Env } from "../../http/context.ts";
import { collectionHandlers } from "./collections.ts";
import { ogcOnError, problem } from "./errors.ts";
import { itemHandlers } from "./items.ts";

type Handler = (c: Context<Env>) => Response | Promise<Response>;

export function ogcFace(app: AppContext): Hono<Env> {
  const col = collectionHandlers(app);
  const it = itemHandlers(app);

  const routes: { path: string; handler: Handler }[] = [
    { path: "/", handler: col.landing },
    { path: "/api", handler: col.api },
    { path: "/conformance", handler: col.conformance },
    { path: "/collections", handler: col.collections },
    { path: "/collections/:cid", handler: col.collection },
    { path: "/collections/:cid/items", handler: it.items },
    { path: "/collections/:cid/items/:fid", handler: it.item },
  ];

  const face = new Hono<Env>();
  // Per handler rather than a "*" middleware, as the NGW face does, so unknown paths under
  // /ogcapi never pay for authentication.
  const withActor =
    (h: Handler): Handler =>
    async (c) => {
      c.set("face", "ogcapi");
      c.set("actor", await app.auth.forRequest(c));
      return h(c);
    };
  for (const r of routes) {
    face.get(r.path, withActor(r.handler));
    // The API is read-only: other methods on a known path are 405, not a misleading 404.
    face.on(["POST", "PUT", "PATCH", "DELETE"], r.path, (c) =>
      problem(c, 405, "Method Not Allowed", "Only GET is supported.", { Allow: "GET, HEAD" }),
    );
  }
  face.all("*", (c) => problem(c, 404, "Not Found", `No such path: ${c.req.path.slice(0, 200)}`));
  face.onError(ogcOnError);
  return face;
}
