/**
 * @module Builds layer sets (see ./layer-set.ts for the contract) for each scope: an NGW service
 * resource, GeoServer's global or per-workspace view, the whole catalog, or a registered provider.
 * Every builder keeps only what the actor may read and draw.
 */

import { parseSld } from "../../geo/style/sld.ts";
import type { Actor } from "../acl.ts";
import { serviceLayers } from "../classes/ogc-services/service-classes.ts";
import { Forbidden, NotFound, ResourceNotFound } from "../errors.ts";
import { GeoServerCatalog, type Published, type StyleRef } from "../geoserver/index.ts";
import type { Catalog } from "../index.ts";
import { readableData, sourceOf } from "./facts.ts";
import type { OwsLayer, OwsLayerSet, OwsScope, OwsStyle } from "./layer-set.ts";
import { layerSetProvider } from "./providers.ts";
import { catalogLegend, renderCatalogParts } from "./render.ts";

export type {
  DrawPart,
  LayerSetProvider,
  OwsLayer,
  OwsLayerSet,
  OwsScope,
  OwsStyle,
} from "./layer-set.ts";
export { findLayer } from "./layer-set.ts";
export { registerLayerSetProvider } from "./providers.ts";

export async function openLayerSet(
  catalog: Catalog,
  actor: Actor,
  scope: OwsScope,
  origin = "",
): Promise<OwsLayerSet> {
  switch (scope.kind) {
    case "service":
      return serviceSet(catalog, actor, scope, origin);
    case "geoserver":
      return geoserverSet(catalog, actor, scope);
    case "catalog":
      return catalogSet(catalog, actor);
    case "provider": {
      const p = layerSetProvider(catalog, scope.provider);
      if (!p) throw new NotFound(`No ${scope.provider} layers are served here.`);
      return p(catalog, actor, scope.name);
    }
  }
}

/** The parts every catalog-backed set shares: drawing and legends through catalog/render. */
function catalogBacked(
  catalog: Catalog,
  actor: Actor,
  head: Omit<OwsLayerSet, "actor" | "render" | "legend">,
): OwsLayerSet {
  return {
    ...head,
    actor,
    render: (parts, view, signal) => renderCatalogParts(catalog, actor, parts, view, signal),
    legend: (layer, style) => catalogLegend(catalog, actor, layer, style),
  };
}

/** NGW's wmsserver_service / wfsserver_service: layers named by keyname (service.connect). */
async function serviceSet(
  catalog: Catalog,
  actor: Actor,
  scope: Extract<OwsScope, { kind: "service" }>,
  origin: string,
): Promise<OwsLayerSet> {
  const cls = scope.service === "wms" ? "wmsserver_service" : "wfsserver_service";
  const { row, perms } = await catalog.resources.open(actor, scope.id);
  if (row.cls !== cls) throw new ResourceNotFound(scope.id);
  if (!perms.has("service.connect"))
    throw new Forbidden(`Connecting to service ${scope.id} is not permitted.`);
  const layers: OwsLayer[] = [];
  for (const l of await serviceLayers(catalog.deps, row.id)) {
    const target = await catalog.resources.row(l.resource_id);
    const facts = target && (await readableData(catalog, actor, target));
    if (!facts) continue;
    const wms = "min_scale_denom" in l ? l : null;
    layers.push({
      name: l.keyname,
      title: l.display_name,
      abstract: target.description ?? "",
      keywords: [],
      kind: facts.kind,
      srs: facts.srs,
      wgs84: facts.wgs84,
      styles: [{ name: "default", title: target.displayName, resourceId: target.id }],
      minScale: wms?.min_scale_denom ?? null,
      maxScale: wms?.max_scale_denom ?? null,
      queryable: facts.kind === "vector",
      resourceId: facts.data.id,
      maxFeatures: "maxfeatures" in l ? l.maxfeatures : null,
      source: sourceOf(catalog, actor, facts.data.id),
    });
  }
  return catalogBacked(catalog, actor, {
    scope,
    title: row.displayName,
    abstract: row.description ?? "",
    keywords: [],
    namespace: { prefix: "ngw", uri: `${origin}/api/resource/${row.id}/wfs` },
    layers,
  });
}

/** GeoServer's view: enabled, advertised published layers as `ws:name`, with their styles. */
async function geoserverSet(
  catalog: Catalog,
  actor: Actor,
  scope: Extract<OwsScope, { kind: "geoserver" }>,
): Promise<OwsLayerSet> {
  const gs = new GeoServerCatalog(catalog);
  let published: Published[];
  let namespace = { prefix: "", uri: "http://geoserver.org" };
  if (scope.workspace !== undefined) {
    const ws = await gs.workspaces.find(actor, scope.workspace);
    if (!ws) throw new NotFound(`No such workspace: ${scope.workspace}`);
    published = await gs.layers.inWorkspace(actor, ws);
    namespace = { prefix: ws.name, uri: ws.uri };
  } else published = await gs.layers.all(actor);
  const layers: OwsLayer[] = [];
  for (const p of published) {
    if (p.ext.enabled === false || p.ext.advertised === false) continue;
    const facts = await readableData(catalog, actor, p.row);
    if (!facts) continue;
    const refs: StyleRef[] = [p.ext.defaultStyle, ...(p.ext.styles ?? [])].filter(
      (r): r is StyleRef => r !== undefined,
    );
    const styles: OwsStyle[] = [];
    for (const ref of refs) {
      const s = await gs.styles.byRef(actor, ref).catch(() => undefined);
      if (!s || styles.some((x) => x.name === s.name)) continue;
      if (s.builtin) styles.push({ name: s.name, title: s.name, resourceId: p.row.id });
      else
        styles.push({
          name: s.name,
          title: s.name,
          model: async () => parseSld((await gs.styles.body(s)).bytes).style,
        });
    }
    if (styles.length === 0)
      styles.push({ name: "default", title: "default", resourceId: p.row.id });
    layers.push({
      // A workspace endpoint is GeoServer's virtual service: bare names, as GeoServer lists them.
      name: scope.workspace !== undefined ? p.name : `${p.ws.name}:${p.name}`,
      namespace: { prefix: p.ws.name, uri: p.ws.uri },
      title: p.row.displayName,
      abstract: p.ext.abstract ?? p.row.description ?? "",
      keywords: p.ext.keywords ?? [],
      kind: facts.kind,
      srs: facts.srs,
      wgs84: facts.wgs84,
      styles,
      minScale: null,
      maxScale: null,
      queryable: facts.kind === "vector" && p.ext.queryable !== false,
      resourceId: p.row.id,
      maxFeatures: p.ext.maxFeatures ?? null,
      source: sourceOf(catalog, actor, p.row.id),
    });
  }
  return catalogBacked(catalog, actor, {
    scope,
    title: "GeoServer Web Map Service",
    abstract: "",
    keywords: [],
    namespace,
    layers,
  });
}

const MAX_CATALOG_LAYERS = 5000;

/** Every readable style and layer: styles by keyname or `style_<id>`, layers `layer_<id>`. */
async function catalogSet(catalog: Catalog, actor: Actor): Promise<OwsLayerSet> {
  const found = await catalog.search(actor, { where: [], resmeta: [] });
  const layers: OwsLayer[] = [];
  for (const { row } of found) {
    if (layers.length >= MAX_CATALOG_LAYERS) break;
    const facts = await readableData(catalog, actor, row);
    if (!facts) continue;
    const style = facts.data.id !== row.id;
    layers.push({
      name: row.keyname ?? `${style ? "style" : "layer"}_${row.id}`,
      title: row.displayName,
      abstract: row.description ?? "",
      keywords: [],
      kind: facts.kind,
      srs: facts.srs,
      wgs84: facts.wgs84,
      styles: [{ name: "default", title: row.displayName, resourceId: row.id }],
      minScale: null,
      maxScale: null,
      queryable: facts.kind === "vector",
      resourceId: facts.data.id,
      source: sourceOf(catalog, actor, facts.data.id),
    });
  }
  return catalogBacked(catalog, actor, {
    scope: { kind: "catalog" },
    title: "gisd",
    abstract: "Every layer and style of the catalog",
    keywords: [],
    namespace: { prefix: "gisd", uri: "https://gisd.invalid/catalog" },
    layers,
  });
}
