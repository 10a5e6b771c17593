/**
 * @module The GeoNode API v2 face at /api/v2 (reference Part B). The route table below is the
 * whole face; trailing slashes are optional as in dynamic-rest's router, and a known path asked
 * with a method it does not serve answers DRF's 405.
 */
import { type Context, Hono } from "hono";
import type { AppContext, Env } from "../../http/context.ts";
import { asyncHandlers } from "./async.ts";
import { geonodeOnError, gnError } from "./errors.ts";
import { geonodeHandlers } from "./handlers.ts";
import { managementHandlers } from "./management.ts";
import { socialHandlers } from "./social.ts";

type Handler = (c: Context<Env>) => Response | Promise<Response>;
type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export function geonodeFace(app: AppContext): Hono<Env> {
  const h = geonodeHandlers(app);
  const a = asyncHandlers(app);
  const so = socialHandlers(app);
  const mg = managementHandlers(app);
  const res = (e: ReturnType<typeof geonodeHandlers>["resources"]) => ({
    GET: e.item,
    PATCH: e.patchItem,
    PUT: e.patchItem,
  });

  const routes: [string, Partial<Record<Method, Handler>>][] = [
    ["/", { GET: h.root }],
    ["/users", { GET: h.users }],
    ["/users/:pk", { GET: h.user }],
    ["/users/:pk/groups", { GET: h.userGroups }],
    ["/users/:pk/resources", { GET: h.userResources }],
    ["/groups", { GET: h.groups }],
    ["/groups/:pk", { GET: h.group }],
    ["/groups/:pk/members", { GET: h.groupMembers }],
    ["/groups/:pk/managers", { GET: h.groupManagers }],
    ["/groups/:pk/resources", { GET: h.groupResources }],
    ["/resources", { GET: h.resources.list, PATCH: h.resources.patchList }],
    ["/resources/resource_types", { GET: h.resourceTypes }],
    ["/resources/approved", { GET: h.flagged }],
    ["/resources/published", { GET: h.flagged }],
    ["/resources/featured", { GET: h.flagged }],
    ["/resources/favorites", { GET: h.favorites }],
    ["/resources/:pk", res(h.resources)],
    [
      "/resources/:pk/permissions",
      {
        GET: a.getPermissions,
        PUT: a.writePermissions,
        PATCH: a.writePermissions,
        DELETE: a.writePermissions,
      },
    ],
    ["/resources/:pk/copy", { PUT: a.copy }],
    ["/resources/:pk/favorite", { POST: so.favorite, DELETE: so.favorite }],
    ["/resources/:pk/ratings", { GET: so.ratings, POST: so.ratings }],
    [
      "/resources/:pk/extra_metadata",
      {
        GET: so.extraMetadata,
        POST: so.extraMetadata,
        PUT: so.extraMetadata,
        DELETE: so.extraMetadata,
      },
    ],
    ["/resources/:pk/delete", { DELETE: a.delete }],
    ["/resources/:pk/update", { PUT: a.update }],
    ["/resources/:pk/:field", { GET: h.resourceField }],
    ["/datasets", { GET: h.datasets.list, PATCH: h.datasets.patchList }],
    ["/datasets/:pk", res(h.datasets)],
    ["/documents", { GET: h.documents.list, PATCH: h.documents.patchList, POST: a.createDocument }],
    ["/maps", { GET: h.maps.list, PATCH: h.maps.patchList }],
    ["/maps/:pk", res(h.maps)],
    ["/maps/:pk/maplayers", { GET: h.mapLayers }],
    ["/maps/:pk/datasets", { GET: h.mapDatasets }],
    ["/datasets/:pk/maps", { GET: h.datasetMaps }],
    ["/datasets/:pk/maplayers", { GET: h.datasetMaps }],
    ["/documents/:pk", res(h.documents)],
    ["/uploads", { GET: a.uploads }],
    ["/uploads/upload", { POST: a.upload }],
    ["/resource-service/execution-status/:id", { GET: a.status }],
    ["/executionrequest", { GET: a.requests }],
    ["/executionrequest/:id", { GET: a.request, DELETE: a.request }],
    ["/management/commands", { GET: mg.list, POST: mg.list }],
    ["/management/commands/:cmd", { GET: mg.command, POST: mg.command }],
    ["/management/commands/:cmd/jobs", { GET: mg.jobs, POST: mg.jobs }],
    ["/management/commands/:cmd/jobs/:id", { GET: mg.job }],
    ["/management/commands/:cmd/jobs/:id/start", { PATCH: mg.start }],
    ["/management/commands/:cmd/jobs/:id/stop", { PATCH: mg.stop }],
    ["/management/commands/:cmd/jobs/:id/status", { GET: mg.status }],
    ["/management/jobs", { GET: mg.jobs, POST: mg.jobs }],
    ["/management/jobs/:id", { GET: mg.job }],
    ["/management/jobs/:id/start", { PATCH: mg.start }],
    ["/management/jobs/:id/stop", { PATCH: mg.stop }],
    ["/management/jobs/:id/status", { GET: mg.status }],
    ["/harvesters", { GET: mg.harvesters, POST: mg.harvesterWrite }],
    [
      "/harvesters/:id",
      {
        GET: mg.harvesterItem,
        PUT: mg.harvesterItem,
        PATCH: mg.harvesterItem,
        DELETE: mg.harvesterItem,
      },
    ],
    ["/harvesters/:id/harvestable-resources", { GET: mg.harvesterItem, PATCH: mg.harvesterItem }],
    ["/harvesting-sessions", { GET: mg.harvestingSessions }],
    ["/harvesting-sessions/:id", { GET: mg.harvesterItem }],
    ["/categories", { GET: h.categories }],
    ["/categories/:pk", { GET: h.category }],
    ["/regions", { GET: h.regions }],
    ["/regions/:pk", { GET: h.region }],
    ["/keywords", { GET: h.keywords }],
    ["/keywords/:pk", { GET: h.keyword }],
    ["/tkeywords", { GET: h.tkeywords }],
    ["/tkeywords/:pk", { GET: h.tkeyword }],
    ["/owners", { GET: h.owners }],
    ["/owners/:pk", { GET: h.owner }],
  ];

  routes.push(["/schema", { GET: (c) => schema(c, routes) }]);

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
  for (const [path, methods] of routes) {
    for (const [m, fn] of Object.entries(methods)) face.on(m, path, withActor(fn));
    const allow = ["GET", "POST", "PUT", "PATCH", "DELETE"].filter((m) => m in methods);
    face.on(
      ["GET", "POST", "PUT", "PATCH", "DELETE"].filter((m) => !(m in methods)),
      path,
      (c) =>
        gnError(c, 405, "method_not_allowed", `Method "${c.req.method}" not allowed.`, {
          Allow: [...allow, "HEAD", "OPTIONS"].join(", "),
        }),
    );
  }
  face.all("*", (c) => gnError(c, 404, "not_found", "Not found."));
  face.onError(geonodeOnError);
  return face;
}

/**
 * GET /schema: an OpenAPI 3.0 document of this face, made from the route table. JSON is valid
 * YAML, so the default (YAML) answer and the JSON one (`?format=json` or the +json Accept) are
 * the same text under different media types.
 */
function schema(c: Context<Env>, routes: [string, Partial<Record<Method, Handler>>][]): Response {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [path, methods] of routes) {
    const p = `/api/v2${path === "/" ? "/" : `${path.replace(/:(\w+)/g, "{$1}")}/`}`;
    const params = [...path.matchAll(/:(\w+)/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    paths[p] = Object.fromEntries(
      Object.keys(methods).map((m) => [
        m.toLowerCase(),
        { parameters: params, responses: { 200: { description: "" } } },
      ]),
    );
  }
  const doc = { openapi: "3.0.3", info: { title: "gisd GeoNode API v2", version: "2" }, paths };
  const json =
    c.req.query("format") === "json" ||
    (c.req.header("accept") ?? "").includes("application/vnd.oai.openapi+json");
  return new Response(JSON.stringify(doc, null, 1), {
    headers: {
      "Content-Type": json ? "application/vnd.oai.openapi+json" : "application/vnd.oai.openapi",
    },
  });
}
