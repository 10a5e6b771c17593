/**
 * @module The compiled-in modules: each engine contributes resource classes and NGW routes here.
 * This list is what the management API's /plugins/ reports. Add a module by appending a line.
 */
import type { ResourceClass } from "./catalog/classes/registry.ts";
import type { NgwExtension } from "./faces/ngw/index.ts";
import type { AppContext } from "./http/context.ts";
import { extrasModule } from "./modules/extras.ts";
import { geoserverModule } from "./modules/geoserver.ts";
import { mvtModule } from "./modules/mvt.ts";
import { owsModule } from "./modules/ows.ts";
import { postgisModule } from "./modules/postgis.ts";
import { projectsModule } from "./modules/projects.ts";
import { renderModule } from "./modules/render.ts";
import { stylesModule } from "./modules/styles.ts";
import { vectorLayerModule } from "./modules/vector-layer.ts";
import { webmapModule } from "./modules/webmap.ts";

export interface Module {
  name: string;
  description: string;
  classes?: ResourceClass[];
  ngw?: NgwExtension;
  /** Runs once when a server has built its context (caches, listeners, first-start data). */
  start?(ctx: AppContext): Promise<void>;
}

export const modules: Module[] = [
  vectorLayerModule,
  extrasModule,
  geoserverModule,
  mvtModule,
  renderModule,
  stylesModule,
  postgisModule,
  webmapModule,
  owsModule,
  projectsModule,
];
