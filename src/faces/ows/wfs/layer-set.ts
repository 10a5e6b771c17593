/**
 * @module An OWS layer set (catalog/ows/layer-set.ts: NGW wfsserver_service, GeoServer global
 * or workspace, whole catalog, QGIS project) as the WfsService the handler serves: its vector
 * layers, named by their local name in the layer's (or the set's) namespace. Catalog layers keep
 * their resource id, so reads and Transaction go through FeatureLayers and its ACL; others
 * (projects) are served read-only from their source.
 */
import type { FeatureSource } from "../../../geo/sources/feature-source.ts";
import type { WfsLayer, WfsService } from "./service.ts";

/** The parts of an OwsLayerSet the WFS needs (structural, so either side can grow). */
export interface WfsLayerSource {
  title: string;
  abstract: string;
  namespace: { prefix: string; uri: string };
  layers: {
    name: string;
    title: string;
    abstract: string;
    kind: "vector" | "raster";
    resourceId?: number;
    maxFeatures?: number | null;
    namespace?: { prefix: string; uri: string };
    source(): Promise<FeatureSource>;
  }[];
}

/** Prefixes the WFS documents declare themselves. */
const RESERVED = new Set(["wfs", "gml", "ows", "ogc", "fes", "xlink", "xsd", "xsi", "xs", "xml"]);

/**
 * The prefix of type names: a set without one (GeoServer's global default) gets "gisd"; a
 * workspace named like a WFS namespace ("wfs", "gml") or not an XML name gets a suffix, since
 * one document cannot bind a prefix twice (clients take the names from the capabilities).
 */
function typePrefix(p: string): string {
  if (!p) return "gisd";
  const clean = /^[A-Za-z_][\w.-]*$/.test(p) ? p : `ns_${p.replace(/[^\w.-]/g, "_")}`;
  return RESERVED.has(clean.toLowerCase()) || clean.toLowerCase().startsWith("xml")
    ? `${clean}_ns`
    : clean;
}

/** `url`: the absolute endpoint URL without a query, advertised in the capabilities. */
export function wfsServiceOf(set: WfsLayerSource, url: string): WfsService {
  const layers: WfsLayer[] = set.layers
    .filter((l) => l.kind === "vector")
    .map((l) => {
      const ns = l.namespace ?? set.namespace;
      const prefix = typePrefix(ns.prefix);
      const local = l.name.includes(":") ? l.name.slice(l.name.indexOf(":") + 1) : l.name;
      return {
        prefix,
        namespaceUri: ns.uri,
        name: local,
        title: l.title,
        abstract: l.abstract,
        resourceId: l.resourceId,
        maxFeatures: l.maxFeatures ?? null,
        source: l.resourceId === undefined ? () => l.source() : undefined,
      };
    });
  return { title: set.title, abstract: set.abstract, url, layers };
}
