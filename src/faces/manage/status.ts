/**
 * @module `/` (the link list, titles spelled as py-qgis-server spells them) and `/status/…`:
 * versions, the configuration and environment with every secret left out, and counters.
 */
import type { Context } from "hono";
import type { ManageDeps } from "./deps.ts";
import { origin, sendError, sendJson } from "./json.ts";

const JSON_TYPE = "application/json";

export function root(c: Context): Response {
  const o = origin(c);
  const link = (path: string, title: string) => ({ href: `${o}${path}`, title, type: JSON_TYPE });
  return sendJson({
    links: [
      link("/status", "Server status and configuration"),
      link("/plugins", "Plugins managment"),
      link("/cache", "Projects cache managment"),
      link("/pool", "Workers pool status"),
    ],
  });
}

export function status(deps: ManageDeps) {
  return (c: Context) => {
    const o = origin(c);
    const link = (path: string, title: string, rel = "status") => ({
      href: `${o}/status/${path}`,
      rel,
      title,
      type: JSON_TYPE,
    });
    return sendJson({
      links: [
        link("config", "Server configuration"),
        link("env", "Server environment"),
        link("versions", "Server versions"),
        link("stats", "Server statistics"),
        link("", "Server status", "self"),
      ],
      ...versions(deps),
    });
  };
}

/**
 * gisd is not QGIS: `qgis_version`/`qgis_release` name the QGIS project format it reads (QGIS 3
 * `.qgs`/`.qgz`, tested against 3.28 documents), so clients that print them have something true.
 */
function versions(deps: ManageDeps) {
  return {
    version: deps.ctx.version,
    qgis_version: "32800",
    qgis_release: "Firenze",
    bun_version: Bun.version,
  };
}

/** Environment variables that may be shown: gisd's own, minus anything that is a secret. */
const SECRET = /PASSWORD|TOKEN|SECRET|KEY|AUTH|CREDENTIAL/i;

export function statusPart(deps: ManageDeps) {
  return async (c: Context) => {
    const part = c.req.param("part");
    if (part === "versions") return sendJson(versions(deps));
    if (part === "config") return sendJson(publicConfig(deps));
    if (part === "env") {
      const env = Object.fromEntries(
        Object.entries(process.env).filter(
          ([k]) => (k.startsWith("GISD_") || k === "PORT" || k === "HOST") && !SECRET.test(k),
        ),
      );
      return sendJson(env);
    }
    if (part === "stats") {
      return sendJson({
        num_workers: deps.projects.pool.size,
        pool_restarts: deps.projects.pool.restarts,
        uptime: Math.round((Date.now() - deps.ctx.started) / 1000),
      });
    }
    return sendError(404, "Invalid resource path.");
  };
}

/** The configuration without passwords, tokens, or credentials inside the database URL. */
function publicConfig(deps: ManageDeps) {
  const cfg = deps.ctx.config;
  let database = cfg.databaseUrl;
  try {
    const u = new URL(cfg.databaseUrl);
    u.username = "";
    u.password = "";
    u.search = "";
    database = u.toString();
  } catch {}
  return {
    server: { host: cfg.host, port: cfg.port },
    management: {
      interfaces: cfg.manageHost,
      port: cfg.managePort,
      authentication: cfg.managePassword ? "basic" : "none",
    },
    projects: { root: cfg.projectsDir ?? null },
    pool: { workers: cfg.workers },
    catalog: { database, data: cfg.dataDir },
  };
}
