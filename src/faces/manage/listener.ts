/**
 * @module Starts the management listener beside the main one: its own Bun.serve on
 * `--manage-port` (default 19876) and `GISD_MANAGE_HOST` (default 127.0.0.1). Like py-qgis-server
 * it relies on loopback for safety; binding any other address is refused unless
 * GISD_MANAGE_PASSWORD sets Basic auth. Stopping it also stops the render worker pool.
 */
import { projectService } from "../../catalog/projects/service.ts";
import { ConfigError } from "../../config.ts";
import type { ManageDeps } from "./deps.ts";
import { manageFace } from "./index.ts";

export interface ManageListener {
  port: number;
  hostname: string;
  stop(): Promise<void>;
}

/** Loopback names and addresses (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** `port` 0 picks a free port (tests); the serve command skips the listener for --manage-port 0. */
export function startManageListener(
  deps: ManageDeps,
  opts: { host: string; port: number },
): ManageListener {
  if (!isLoopback(opts.host) && !deps.ctx.config.managePassword)
    throw new ConfigError(
      `the management listener may bind ${opts.host} (not loopback) only when ` +
        "GISD_MANAGE_PASSWORD is set (Basic auth, user 'admin')",
    );
  const app = manageFace(deps);
  const http = Bun.serve({
    port: opts.port,
    hostname: opts.host,
    fetch: (req) => app.fetch(req),
    idleTimeout: 120,
  });
  return {
    port: http.port ?? opts.port,
    hostname: opts.host,
    async stop() {
      await http.stop(false);
      await deps.projects.close();
    },
  };
}

/**
 * What `gisd serve` calls: the listener on the configured address, or null when
 * `--manage-port 0` disables it. A port already in use is reported and skipped (the main
 * listener still serves); a non-loopback address without a password throws ConfigError.
 */
export function startManagement(
  ctx: ManageDeps["ctx"],
  modules: ManageDeps["modules"],
  ows: ManageDeps["ows"],
): ManageListener | null {
  const cfg = ctx.config;
  // Made even without the listener: the pool also draws big catalog images (catalog/render).
  const projects = projectService(ctx.catalog, cfg);
  if (cfg.managePort === 0) return null;
  try {
    return startManageListener(
      { ctx, modules, projects, ows },
      { host: cfg.manageHost, port: cfg.managePort },
    );
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    process.stderr.write(
      `gisd: management listener not started on ${cfg.manageHost}:${cfg.managePort}: ${(e as Error).message}\n`,
    );
    return null;
  }
}
