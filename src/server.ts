/**
 * @module Builds the HTTP application: opens the catalog, creates the shared context and mounts
 * every face. It wires; the work lives in catalog/, geo/ and faces/.
 */
import { Hono } from "hono";
import { cors } from "hono/cors";
import { Catalog } from "./catalog/index.ts";
import type { Config } from "./config.ts";
import { geonodeFace } from "./faces/geonode/index.ts";
import { geoserverFace } from "./faces/geoserver/index.ts";
import { ngwNotFound } from "./faces/ngw/errors.ts";
import { ngwFace } from "./faces/ngw/index.ts";
import { ogcFace } from "./faces/ogc/index.ts";
import { mountOws } from "./faces/ows/index.ts";
import { webFace } from "./faces/web/index.ts";
import { Authenticator } from "./http/auth.ts";
import type { AppContext, Env } from "./http/context.ts";
import { requestLog } from "./http/log.ts";
import { Metrics } from "./http/metrics.ts";
import { modules } from "./modules.ts";
import { VERSION } from "./version.ts";

export interface Server {
  app: Hono<Env>;
  ctx: AppContext;
  /** Printed once on first start when GISD_ADMIN_PASSWORD was not set. */
  generatedPassword?: string;
  close(): Promise<void>;
}

export async function createServer(config: Config): Promise<Server> {
  const { catalog, generatedPassword } = await Catalog.open({
    databaseUrl: config.databaseUrl,
    databaseAuthToken: config.databaseAuthToken,
    dataDir: config.dataDir,
    maxUpload: config.maxUpload,
    adminPassword: config.adminPassword,
    classes: modules.flatMap((m) => m.classes ?? []),
  });
  const metrics = new Metrics();
  const ctx: AppContext = {
    config,
    catalog,
    auth: new Authenticator(catalog, {
      trustProxy: config.trustProxy,
      corsOrigins: config.corsOrigins,
    }),
    metrics,
    started: Date.now(),
    version: VERSION,
  };
  for (const m of modules) await m.start?.(ctx);
  const app = new Hono<Env>({ strict: false });
  app.use("*", requestLog(metrics, config.requestLog));
  if (config.corsOrigins.length > 0) {
    app.use(
      "*",
      cors({
        origin: config.corsOrigins,
        credentials: true,
        exposeHeaders: ["Location", "Upload-Offset"],
      }),
    );
  }
  app.get("/metrics", (c) =>
    c.text(metrics.render(), 200, { "Content-Type": "text/plain; version=0.0.4" }),
  );
  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    await catalog.database.client.execute("SELECT 1");
    return c.json({ status: "ready" });
  });
  app.get("/", (c) => c.redirect("/resource/0"));

  const ngw = ngwFace(
    ctx,
    modules.flatMap((m) => (m.ngw ? [m.ngw] : [])),
  );
  mountOws(app, ctx);
  app.route("/geoserver", geoserverFace(ctx));
  app.route("/ogcapi", ogcFace(ctx));
  app.route("/api/v2", geonodeFace(ctx));
  app.route("/", webFace(ctx));
  app.route("/", ngw.face);
  app.notFound(ngwNotFound);
  return {
    app,
    ctx,
    generatedPassword,
    close: async () => catalog.close(),
  };
}
