/**
 * @module The management face (py-qgis-server's management API, reference Part C): a Hono app for
 * the separate management listener. Route table first; handlers live one file per family.
 * Errors use the management error envelope, never a 5xx for bad input.
 */
import { Hono } from "hono";
import { evict, listOrShow, reload, show } from "./cache.ts";
import type { ManageDeps } from "./deps.ts";
import { basicAuth, cors, onError } from "./guard.ts";
import { sendError } from "./json.ts";
import { getPlugin, listPlugins } from "./plugins.ts";
import { poolRestart, poolStatus } from "./pool.ts";
import { qgis } from "./qgis.ts";
import { root, status, statusPart } from "./status.ts";

export function manageFace(deps: ManageDeps): Hono {
  const app = new Hono({ strict: false });
  app.use("*", cors, basicAuth(deps.ctx.config.managePassword));

  app.get("/", root);
  app.get("/status", status(deps));
  app.get("/status/:part", statusPart(deps));
  app.get("/plugins", listPlugins(deps));
  app.get("/plugins/:name", getPlugin(deps));
  app.get("/cache", listOrShow(deps));
  app.delete("/cache", evict(deps));
  app.get("/cache/content", show(deps));
  app.put("/cache/content", reload(deps));
  app.delete("/cache/content", evict(deps));
  app.get("/cache/content/:key", show(deps));
  app.put("/cache/content/:key", reload(deps));
  app.delete("/cache/content/:key", evict(deps));
  app.get("/cache/:key", show(deps)); // the seed's documented form (before /content/)
  app.put("/cache/:key", reload(deps));
  app.delete("/cache/:key", evict(deps));
  app.get("/pool", poolStatus(deps));
  app.post("/pool/restart", poolRestart(deps));
  app.all("/qgis", qgis(deps));
  app.all("/qgis/*", qgis(deps));
  // The OWS dispatcher advertises /ows… in capabilities; those URLs come back here.
  app.all("/ows", qgis(deps));
  app.all("/ows/*", qgis(deps));

  app.notFound(() => sendError(404, "Invalid resource path."));
  app.onError(onError);
  return app;
}
