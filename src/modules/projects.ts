/**
 * @module QGIS projects: registers the "project" OWS layer-set provider, so `/ows?MAP=name` and
 * the management listener's `/qgis/?MAP=name` serve the projects of `--projects DIR` as WMS/WFS.
 * The projects service (project cache + render worker pool) is made on the first MAP request
 * here; `gisd serve` makes it at start (catalog/projects/service.ts).
 */
import { registerLayerSetProvider } from "../catalog/ows/providers.ts";
import { PROJECT_PROVIDER, projectLayerSets } from "../catalog/projects/provider.ts";
import { projectService } from "../catalog/projects/service.ts";
import type { Module } from "../modules.ts";

export const projectsModule: Module = {
  name: "qgis_projects",
  description: "QGIS projects (.qgs/.qgz) of --projects served as WMS/WFS at /ows?MAP= and /qgis/",
  async start(ctx) {
    registerLayerSetProvider(
      ctx.catalog,
      PROJECT_PROVIDER,
      projectLayerSets(() => projectService(ctx.catalog, ctx.config)),
    );
  },
};
