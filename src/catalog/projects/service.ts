/**
 * @module One server's QGIS projects service: the project cache of the main thread (summaries,
 * WFS reads) and the render worker pool (drawing, with each worker's own project cache). It is
 * made once per catalog, so two servers in one process never share projects or threads.
 */
import type { Rendered } from "../../geo/render/index.ts";
import type { View } from "../../geo/render/view.ts";
import type { Style } from "../../geo/style/model.ts";
import { WorkerPool } from "../../workers/pool.ts";
import { ProjectNotFound } from "./paths.ts";
import { ProjectRegistry } from "./registry.ts";

export interface ProjectOptions {
  /** Projects folder; undefined serves no projects (the pool still draws). */
  projectsDir: string | undefined;
  workers: number;
}

export class ProjectService {
  readonly registry: ProjectRegistry | null;
  readonly pool: WorkerPool;

  constructor(opts: ProjectOptions) {
    this.registry = opts.projectsDir ? new ProjectRegistry(opts.projectsDir) : null;
    this.pool = new WorkerPool(opts.workers);
  }

  /** The registry, or a 404 for every key when no projects folder is configured. */
  projects(key: string): ProjectRegistry {
    if (!this.registry) throw new ProjectNotFound(key);
    return this.registry;
  }

  /**
   * Draws layers of a project (empty: its checked layers) in a worker; `styles` may replace
   * the project's style of each named layer (null keeps it).
   */
  async render(
    key: string,
    layers: string[],
    view: View,
    styles?: (Style | null)[],
  ): Promise<Rendered> {
    const reg = this.projects(key);
    await reg.get(key); // 404 errors surface here, before a worker is busy
    return this.pool.render({ kind: "project", root: reg.root, key, layers, styles, view });
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

const services = new WeakMap<object, ProjectService>();

/** The service of one catalog (made on first call with these options). */
export function projectService(owner: object, opts: ProjectOptions): ProjectService {
  let s = services.get(owner);
  if (!s) services.set(owner, (s = new ProjectService(opts)));
  return s;
}

/** The service of a catalog if one was made (by `gisd serve`), else undefined. */
export function existingProjectService(owner: object): ProjectService | undefined {
  return services.get(owner);
}

/** Stops the pool of a catalog's service, if one was made. */
export async function closeProjectService(owner: object): Promise<void> {
  const s = services.get(owner);
  services.delete(owner);
  await s?.close();
}
