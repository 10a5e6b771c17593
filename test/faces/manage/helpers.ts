/**
 * @module A real gisd server plus its management listener on loopback ports, with the QGIS
 * fixture project copied into a temp projects folder.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { projectService } from "../../../src/catalog/projects/service.ts";
import { MANAGER } from "../../../src/catalog/projects/summary.ts";
import type { ManageDeps } from "../../../src/faces/manage/deps.ts";
import { type ManageListener, startManageListener } from "../../../src/faces/manage/listener.ts";
import { owsForManagement } from "../../../src/faces/ows/index.ts";
import { modules } from "../../../src/modules.ts";
import { startServer, type TestServer } from "../../helpers/server.ts";

export interface Managed {
  s: TestServer;
  manage: ManageListener;
  base: string;
  projectsDir: string;
  get(path: string, init?: RequestInit): Promise<{ status: number; body: any; res: Response }>;
  stop(): Promise<void>;
}

export async function startManaged(
  env: Record<string, string> = {},
  ows?: ManageDeps["ows"],
): Promise<Managed> {
  const projectsDir = mkdtempSync(join(tmpdir(), "gisd-qgis-"));
  cpSync(join(import.meta.dir, "../../fixtures/qgis"), projectsDir, { recursive: true });
  const s = await startServer({ GISD_PROJECTS: projectsDir, GISD_WORKERS: "2", ...env });
  const ctx = s.server.ctx;
  const projects = projectService(ctx.catalog, ctx.config);
  const manage = startManageListener(
    { ctx, modules, projects, ows: ows ?? owsForManagement(ctx, MANAGER) },
    { host: "127.0.0.1", port: 0 },
  );
  const base = `http://127.0.0.1:${manage.port}`;
  return {
    s,
    manage,
    base,
    projectsDir,
    async get(path, init) {
      const res = await fetch(base + path, init);
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined, res };
    },
    async stop() {
      await manage.stop();
      await s.stop();
      rmSync(projectsDir, { recursive: true, force: true });
    },
  };
}
