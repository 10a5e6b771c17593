/** @module `gisd serve`: start the server and stop it gracefully on SIGTERM/SIGINT. */
import { closeProjectService } from "../catalog/projects/service.ts";
import { MANAGER } from "../catalog/projects/summary.ts";
import { loadConfig, type ServeFlags } from "../config.ts";
import { startManagement } from "../faces/manage/listener.ts";
import { owsForManagement } from "../faces/ows/index.ts";
import { modules } from "../modules.ts";
import { createServer } from "../server.ts";
import type { Command } from "./args.ts";

export const serveCommand: Command = {
  name: "serve",
  summary:
    "Run the gisd server (NextGIS Web, GeoServer REST, GeoNode and OGC faces on one listener).",
  usage: "serve [options]",
  flags: [
    { name: "port", value: "N", help: "Listen port (PORT, default 8080; 0 picks a free port)" },
    { name: "host", value: "ADDR", help: "Listen address (HOST, default 127.0.0.1)" },
    { name: "data", value: "DIR", help: "Data folder (GISD_DATA, default ./gisd-data)" },
    {
      name: "manage-port",
      value: "N",
      help: "Management listener port (GISD_MANAGE_PORT, default 19876; 0 disables it)",
    },
    {
      name: "projects",
      value: "DIR",
      help: "Folder of QGIS projects (.qgs/.qgz) served at /ows?MAP=name (GISD_PROJECTS)",
    },
  ],
  details: `Environment:
  GISD_DATABASE_URL         catalog database (default file:<data>/catalog.db; libsql:// or http:// for a server)
  GISD_DATABASE_AUTH_TOKEN  token for a remote libSQL server
  GISD_ADMIN_PASSWORD       password of 'administrator' on first start (else generated and printed once)
  GISD_REGISTER=true        allow self-registration at /api/component/auth/register
  GISD_CORS_ORIGINS         comma-separated origins allowed by CORS (default: none)
  GISD_MAX_BODY, GISD_MAX_UPLOAD   request size limits in bytes
  GISD_SAMPLES=false        do not load the sample datasets into an empty catalog
  GISD_LOG=off              no per-request log lines
  GISD_MANAGE_HOST          management listener address (default 127.0.0.1); any non-loopback
                            address is refused unless GISD_MANAGE_PASSWORD is set
  GISD_MANAGE_PASSWORD      Basic-auth password (user 'admin') of the management listener
  GISD_WORKERS              render worker threads of the pool (default 2)`,
  async run({ flags }) {
    const config = loadConfig(flags as ServeFlags, process.env);
    const server = await createServer(config);
    const manage = await Promise.resolve()
      .then(() => startManagement(server.ctx, modules, owsForManagement(server.ctx, MANAGER)))
      .catch(async (e) => {
        await server.close();
        throw e;
      });
    if (server.generatedPassword) {
      process.stderr.write(
        `gisd: created user 'administrator' with password: ${server.generatedPassword}\n` +
          "gisd: (set GISD_ADMIN_PASSWORD before the first start to choose it)\n",
      );
    }
    const http = Bun.serve({
      port: config.port,
      hostname: config.host,
      fetch: (req, srv) => server.app.fetch(req, srv),
      // A little above our own limits, so oversize requests get the face's 413 error body.
      maxRequestBodySize: Math.max(config.maxUpload, config.maxJsonBody) + 1024 * 1024,
      idleTimeout: 120,
    });
    // Signal handlers go in before the "listening" lines: a supervisor may stop gisd the moment
    // it reads them, and that must still be a graceful stop.
    const stopped = new Promise<void>((resolve) => {
      const stop = async (sig: string) => {
        process.stderr.write(`gisd: ${sig}, finishing requests in flight\n`);
        await http.stop(false);
        await manage?.stop();
        await closeProjectService(server.ctx.catalog);
        await server.close();
        resolve();
      };
      process.once("SIGTERM", () => void stop("SIGTERM"));
      process.once("SIGINT", () => void stop("SIGINT"));
    });
    process.stderr.write(
      `gisd ${server.ctx.version} listening on http://${http.hostname}:${http.port}\n`,
    );
    // A machine-readable line for tests and supervisors that start gisd on port 0.
    process.stdout.write(`LISTENING ${http.port}\n`);
    if (manage)
      process.stderr.write(`gisd management API on http://${manage.hostname}:${manage.port}\n`);
    await stopped;
    return 0;
  },
};
