/** @module NGW resource JSON as the UI reads it (reference/ngw.md §3.1), and small helpers. */
import { api } from "./api.ts";

export interface AclRule {
  action: "allow" | "deny";
  principal: { id: number };
  identity: string;
  scope: string;
  permission: string;
  propagate: boolean;
}

export interface ResourceJson {
  resource: {
    id: number;
    cls: string;
    parent: { id: number } | null;
    owner_user: { id: number };
    permissions: AclRule[];
    keyname: string | null;
    display_name: string;
    description: string | null;
    children: boolean;
    interfaces: string[];
    scopes: string[];
    creation_date?: string;
  };
  resmeta?: { items: Record<string, string | number | boolean> };
  [key: string]: unknown;
}

export type Permissions = Record<string, Record<string, boolean>>;

export const getResource = (id: number) => api<ResourceJson>(`/api/resource/${id}`);
export const getChildren = (id: number) => api<ResourceJson[]>(`/api/resource/?parent=${id}`);
export const getPermissions = (id: number) => api<Permissions>(`/api/resource/${id}/permission`);

/** Root first (or the highest ancestor the user may read), the resource itself last. */
export async function ancestors(id: number): Promise<{ id: number; name: string }[]> {
  const crumbs = await api<{ id: number; display_name: string }[]>(`/ui/api/breadcrumbs/${id}`);
  return crumbs.map((c) => ({ id: c.id, name: c.display_name }));
}

const LABELS: Record<string, string> = {
  resource_group: "Resource group",
  vector_layer: "Vector layer",
  raster_layer: "Raster layer",
  postgis_layer: "PostGIS layer",
  webmap: "Web map",
  basemap_layer: "Basemap",
  qgis_vector_style: "QGIS style",
  qgis_raster_style: "QGIS raster style",
  raster_style: "Raster style",
  file_bucket: "File bucket",
};

export function clsLabel(cls: string): string {
  return LABELS[cls] ?? cls.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
}

export const isStyle = (cls: string) => cls.endsWith("_style");
export const isFeatureLayer = (r: ResourceJson) => r.resource.interfaces.includes("IFeatureLayer");
