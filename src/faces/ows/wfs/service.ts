/**
 * @module What a WFS endpoint serves: a service description and its layers (already filtered
 * by the ACL for the actor by whoever built the list), type-name resolution, and the per-layer
 * facts every operation needs (schema, SRS, feature ids) from the catalog's FeatureLayers.
 */
import type { Actor } from "../../../catalog/acl.ts";
import { FeatureLayers } from "../../../catalog/features.ts";
import type { Catalog } from "../../../catalog/index.ts";
import type { FilterSchema } from "../../../geo/filter/plan.ts";
import type { FeatureSource, FieldDef } from "../../../geo/sources/feature-source.ts";
import { invalid } from "./errors.ts";

export interface WfsLayer {
  /** Namespace prefix and URI of the type name ("ngw", "https://…/ngw"). */
  prefix: string;
  namespaceUri: string;
  /** Local type name: the service keyname or the GeoServer layer name (an XML NCName). */
  name: string;
  title: string;
  abstract?: string;
  /** The catalog feature layer that holds the data (read and edited with the ACL applied). */
  resourceId?: number;
  /** Or, for layers outside the catalog (QGIS projects), their read-only source. */
  source?: () => Promise<FeatureSource>;
  /** A per-layer cap on features returned (NGW wfsserver_service maxfeatures). */
  maxFeatures?: number | null;
}

export interface WfsService {
  title: string;
  abstract?: string;
  /** Absolute URL of the endpoint, without a query (advertised in capabilities). */
  url: string;
  layers: WfsLayer[];
}

export interface WfsDeps {
  catalog: Catalog;
  actor: Actor;
  signal?: AbortSignal;
}

/** Name of the geometry property of every type (NGW's WFS calls it geom too). */
export const GEOM = "geom";

export const qualified = (l: WfsLayer) => (l.prefix ? `${l.prefix}:${l.name}` : l.name);

/** The layer a type name names: "prefix:name" exactly, or a bare/foreign-prefixed local name. */
export function resolveType(service: WfsService, typeName: string, locator = "TYPENAME"): WfsLayer {
  const t = typeName.trim();
  const exact = service.layers.find((l) => qualified(l) === t);
  if (exact) return exact;
  const local = t.includes(":") ? t.slice(t.indexOf(":") + 1) : t;
  const byName = service.layers.filter((l) => l.name === local);
  if (byName.length === 1) return byName[0]!;
  throw invalid(`Feature type '${t.slice(0, 100)}' is not served here.`, locator);
}

/** The layer whose features an id like "name.12" names, for RESOURCEID without TYPENAMES. */
export function layerOfId(service: WfsService, rid: string): WfsLayer | undefined {
  const dot = rid.lastIndexOf(".");
  return dot > 0 ? service.layers.find((l) => l.name === rid.slice(0, dot)) : undefined;
}

/** A feature id as written in GML (`gml:id`, `fid`): "<type>.<id>". */
export const featureIdOf = (l: WfsLayer, id: number) => `${l.name}.${id}`;

/** An opened feature type: its source and schema. */
export interface OpenType {
  ref: WfsLayer;
  source: FeatureSource;
  /** EPSG code of stored geometries; 0 when the layer has none. */
  srs: number;
  geometryType: string;
  fields: FieldDef[];
}

/** XML element names (NCNames) the fields must have to be written as properties. */
const NCNAME = /^[\p{L}_][\p{L}\p{N}_.-]*$/u;

/**
 * Fields whose keynames are XML names; others (NGW allows "big number") cannot be GML
 * properties and are left out of the feature type rather than breaking the document.
 */
export const xmlFields = (fields: FieldDef[]) =>
  fields.filter((f) => NCNAME.test(f.keyname) && f.keyname !== GEOM);

/** Opens a type for reading (catalog layers: 403/404 unless the actor may read the data). */
export async function openType(d: WfsDeps, ref: WfsLayer): Promise<OpenType> {
  if (ref.resourceId !== undefined) {
    const layer = await new FeatureLayers(d.catalog).open(d.actor, ref.resourceId);
    const fields = xmlFields(
      layer.fields.map((f) => ({ keyname: f.keyname, datatype: f.datatype })),
    );
    return { ref, source: layer.source, srs: layer.srs, geometryType: layer.geometryType, fields };
  }
  if (!ref.source) throw invalid(`Feature type '${ref.name}' has no data.`, "TYPENAME");
  const source = await ref.source();
  const info = await source.info();
  return {
    ref,
    source,
    srs: info.srs,
    geometryType: info.geometryType,
    fields: xmlFields(info.fields),
  };
}

/** What the filter planner needs about a type. */
export function filterSchema(
  ref: WfsLayer,
  fields: FieldDef[],
  srs: number,
  defaultSrs: number,
): FilterSchema {
  return {
    fields,
    geometryName: GEOM,
    srs,
    defaultSrs: defaultSrs || srs || 4326,
    featureId(raw) {
      const t = raw.trim();
      const dot = t.lastIndexOf(".");
      const prefix = dot >= 0 ? t.slice(0, dot) : "";
      const local = prefix.includes(":") ? prefix.slice(prefix.indexOf(":") + 1) : prefix;
      if (dot >= 0 && local !== ref.name) return null;
      const n = t.slice(dot + 1);
      return /^\d{1,15}$/.test(n) ? Number(n) : null;
    },
  };
}
