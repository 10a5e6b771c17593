/**
 * @module The GeoNode API v2 face at /api/v2 (reference Part B), a first read-only slice:
 * endpoint map, users, groups, resources and datasets over the one catalog. The route table
 * below is the whole face; trailing slashes are optional as in dynamic-rest's router.
 */
import { type Context, Hono } from "hono";
import type { AppContext, Env } from "../../http/context.ts";
import { geonodeOnError, gnError } from "./errors.ts";
import { geonodeHandlers } from "./handlers.ts";

type Handler = (c: Context<Env>) => Response | Promise<Response>;

export function geonodeFace(app: AppContext): Hono<Env> {
  const h = geonodeHandlers(app);

  const routes: { path: string; handler: Handler }[] = [
    { path: "/", handler: h.root },
    { path: "/users", handler: h.users },
    { path: "/users/:pk", handler: h.user },
    { path: "/groups", handler: h.groups },
    { path: "/groups/:pk", handler: h.group },
    { path: "/resources", handler: h.resources },
    { path: "/resources/:pk", handler: h.resource },
    { path: "/datasets", handler: h.datasets },
    { path: "/datasets/:pk", handler: h.dataset },
  ];

  // strict: false makes "/datasets/1/" the same route as "/datasets/1".
  const face = new Hono<Env>({ strict: false });
  // Per handler, as the OGC face does, so unknown paths never pay for authentication.
  const withActor =
    (fn: Handler): Handler =>
    async (c) => {
      c.set("face", "geonode");
      c.set("actor", await app.auth.forRequest(c));
      return fn(c);
    };
  for (const r of routes) {
    face.get(r.path, withActor(r.handler));
    // Writes are not served yet: a known path answers 405 in DRF's words, not a 404.
    face.on(["POST", "PUT", "PATCH", "DELETE"], r.path, (c) =>
      gnError(c, 405, "method_not_allowed", `Method "${c.req.method}" not allowed.`, {
        Allow: "GET, HEAD, OPTIONS",
      }),
    );
  }
  face.all("*", (c) => gnError(c, 404, "not_found", "Not found."));
  face.onError(geonodeOnError);
  return face;
}
