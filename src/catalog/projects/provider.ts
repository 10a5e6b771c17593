/**
 * @module QGIS projects as OWS layer sets: the "project" provider of the shared OWS layer-set
 * abstraction (catalog/ows), so `/ows?MAP=name` on the main listener and `/qgis/?MAP=name` on the
 * management listener serve a project's layers as WMS and WFS. Projects are published by whoever
 * put them in the projects folder: every actor may read them (as py-qgis-server serves them),
 * and their layers are read-only. Drawing goes to the render worker pool.
 */
import { defaultRasterStyle, defaultVectorStyle, type Style } from "../../geo/style/model.ts";
import type { LayerSetProvider, OwsLayer, OwsLayerSet, OwsStyle } from "../ows/layer-set.ts";
import { type ProjectOwsLayer, projectOwsSet } from "./layer-set.ts";
import { mapKey } from "./paths.ts";
import type { ProjectService } from "./service.ts";

/** QGIS server's WFS namespace for project layers. */
export const QGS_NAMESPACE = { prefix: "qgs", uri: "http://www.qgis.org/gml" };

/** The name the provider is registered under (`{ kind: "provider", provider: "project" }`). */
export const PROJECT_PROVIDER = "project";

const legends = () => import("../../geo/render/legend.ts");

/** A provider over the projects of `service()` (looked up per call: made on first use). */
export function projectLayerSets(service: () => ProjectService): LayerSetProvider {
  return async (_catalog, actor, name): Promise<OwsLayerSet> => {
    const svc = service();
    const key = mapKey(svc.projects(name).root, name);
    const set = await projectOwsSet(svc, key);
    const layers = set.layers.map(owsLayer);
    // OWS names are sanitised; the worker looks layers up by their project names.
    const projectName = new Map(layers.map((o, i) => [o.name, set.layers[i]!.name]));
    return {
      scope: { kind: "provider", provider: PROJECT_PROVIDER, name: key },
      actor,
      title: set.title,
      abstract: set.abstract,
      keywords: [],
      namespace: QGS_NAMESPACE,
      layers,
      render: (parts, view) =>
        set.render(
          parts.map((p) => projectName.get(p.layer.name) ?? p.layer.name),
          view,
          parts.map((p) => ("adhoc" in p.style ? p.style.adhoc : null)),
        ),
      legend: async (_layer, style) => (await legends()).legendImage(await styleModel(style)),
    };
  };
}

async function styleModel(style: OwsStyle): Promise<Style> {
  if (!style.model) throw new Error(`style ${style.name} has no model`);
  return style.model();
}

function owsLayer(l: ProjectOwsLayer): OwsLayer {
  const model = async (): Promise<Style> => {
    if (l.style) return l.style;
    if (l.kind === "raster") return defaultRasterStyle(3, "Byte");
    return defaultVectorStyle((await (await l.source()).info()).geometryType);
  };
  return {
    // Layer names are XML names in capabilities and WFS type names (QGIS server does the same).
    name: l.name.replace(/[^\w.-]/g, "_").replace(/^([^A-Za-z_])/, "_$1"),
    title: l.title,
    abstract: l.abstract,
    keywords: [],
    kind: l.kind,
    srs: l.srs,
    wgs84: l.wgs84,
    styles: [{ name: "default", title: "default", model }],
    minScale: l.style?.minScale ?? null,
    maxScale: l.style?.maxScale ?? null,
    queryable: l.kind === "vector",
    source: l.source,
  };
}
