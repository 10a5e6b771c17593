/**
 * @module How GeoServer's configuration maps onto the one catalog (docs in README of this
 * folder): workspaces are the groups directly under the root, stores the groups under those,
 * featuretypes/coverages the vector/raster layers in a store, and every GeoServer-only property
 * lives in resource_ext under the "geoserver" namespace. Nothing here is a second catalog.
 */
import type { ResourceRow } from "../resource-row.ts";

export const NS = "geoserver";

export const VECTOR_CLASSES = ["vector_layer", "postgis_layer", "fgb_layer"];
export const RASTER_CLASSES = ["raster_layer"];

/** Names of the hidden helper groups (styles and layer groups live there, not in stores). */
export const GLOBAL_GROUP = "GeoServer global styles and layer groups";
export const HIDDEN_GROUP = "GeoServer styles and layer groups";

export type GroupKind = "workspace" | "dataStore" | "coverageStore" | "global" | "hidden";

export interface Workspace {
  id: number;
  name: string;
  uri: string;
  isolated: boolean;
  created: string;
}

export interface Store {
  /** The store's group; for the workspace's default store, the workspace group itself. */
  id: number;
  name: string;
  ws: Workspace;
  kind: "dataStore" | "coverageStore";
  /** True for the implicit store of layers placed directly in the workspace group. */
  self: boolean;
  type: string;
  description: string | null;
  enabled: boolean;
  params: Record<string, string>;
  created: string;
}

/** A style named in a layer or layer group: a built-in by name or a stored style by id. */
export type StyleRef = { builtin: string } | { id: number };

/** GeoServer-only properties of a published layer (resource_ext, ns "geoserver"). */
export interface LayerExt {
  /** Published name, pinned when the layer was created or first published through GeoServer. */
  name?: string;
  abstract?: string;
  keywords?: string[];
  srs?: string;
  enabled?: boolean;
  advertised?: boolean;
  projectionPolicy?: string;
  nativeBoundingBox?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  defaultStyle?: StyleRef;
  styles?: StyleRef[];
  attribution?: Record<string, unknown>;
  queryable?: boolean;
  opaque?: boolean;
  path?: string;
  /** Coverage band names (coverage dimensions renamed by clients). */
  bands?: string[];
  maxFeatures?: number;
  numDecimals?: number;
}

export interface Published {
  row: ResourceRow;
  ws: Workspace;
  store: Store;
  kind: "featureType" | "coverage";
  name: string;
  ext: LayerExt;
}

/**
 * The published name of a layer: the name GeoServer gave it, else the NGW keyname, else the
 * display name. `workspace:name` therefore stays stable unless an NGW user renames a layer that
 * has neither (set a keyname to pin it).
 */
export function publishedName(row: ResourceRow, ext: { name?: unknown } | undefined): string {
  if (typeof ext?.name === "string" && ext.name !== "") return ext.name;
  return row.keyname ?? row.displayName;
}

export function layerKind(cls: string): "featureType" | "coverage" | undefined {
  if (VECTOR_CLASSES.includes(cls)) return "featureType";
  if (RASTER_CLASSES.includes(cls)) return "coverage";
  return undefined;
}

/** GeoServer's date format: "2022-05-24 14:05:21.710 UTC". */
export function gsDate(iso: string): string {
  const d = iso.replace("T", " ");
  return `${d.length === 19 ? `${d}.000` : d} UTC`;
}

/**
 * Names as GeoServer accepts them for workspaces, stores, layers and styles: no path syntax, no
 * control characters, no XML-hostile characters, bounded. `../` and friends never get through.
 */
export function validName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 255 &&
    name.trim() === name &&
    !/[/\\:<>&"'`\u0000-\u001f\u007f]/.test(name) &&
    name !== "." &&
    name !== ".." &&
    !name.includes("..")
  );
}
