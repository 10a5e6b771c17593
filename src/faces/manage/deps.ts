/** @module What the management face is built from (passed in by its listener; no globals). */
import type { ProjectService } from "../../catalog/projects/service.ts";
import type { AppContext } from "../../http/context.ts";

export interface ManageDeps {
  ctx: AppContext;
  /** Compiled-in modules (src/modules.ts), reported as plugins. */
  modules: { name: string; description: string }[];
  projects: ProjectService;
  /** The OWS dispatcher that `/qgis/` passes requests to (faces/ows owsForManagement). */
  ows: (req: Request) => Response | Promise<Response>;
}
