/**
 * @module Permission scopes and their requirements, as NextGIS Web defines them (seed 002 and
 * reference/ngw.md §5.1). gisd keeps the 4.x-era `metadata` and `datastruct` scopes too, because
 * GDAL 3.6 reads them from /permission.
 */

export interface ScopeDef {
  identity: string;
  label: string;
  /** permission name -> label */
  permissions: Record<string, string>;
}

export const SCOPES: Record<string, ScopeDef> = {
  resource: {
    identity: "resource",
    label: "Resource",
    permissions: {
      read: "Read",
      create: "Create",
      update: "Modify",
      delete: "Delete",
      manage_children: "Manage child resources",
      change_permissions: "Change permissions",
    },
  },
  metadata: {
    identity: "metadata",
    label: "Metadata",
    permissions: { read: "Read", write: "Write" },
  },
  datastruct: {
    identity: "datastruct",
    label: "Data structure",
    permissions: { read: "Read", write: "Write" },
  },
  data: { identity: "data", label: "Data", permissions: { read: "Read", write: "Write" } },
  connection: {
    identity: "connection",
    label: "Connection",
    permissions: { read: "Read", write: "Write", connect: "Connect" },
  },
  service: {
    identity: "service",
    label: "Service",
    permissions: { connect: "Connection", configure: "Configure" },
  },
  webmap: {
    identity: "webmap",
    label: "Web map",
    permissions: {
      display: "Open",
      annotation_read: "View annotations",
      annotation_write: "Edit annotations",
      annotation_manage: "Manage annotations",
    },
  },
};

/** "scope.permission" -> the permission of the same resource it requires. */
export const REQUIREMENTS: Record<string, string> = {
  "resource.create": "resource.read",
  "resource.update": "resource.read",
  "resource.delete": "resource.read",
  "resource.manage_children": "resource.read",
  "resource.change_permissions": "resource.read",
  "metadata.read": "resource.read",
  "metadata.write": "metadata.read",
  "datastruct.read": "resource.read",
  "datastruct.write": "datastruct.read",
  "data.read": "resource.read",
  "data.write": "data.read",
  "connection.read": "resource.read",
  "connection.write": "connection.read",
  "connection.connect": "resource.read",
  "service.connect": "resource.read",
  "service.configure": "service.connect",
  "webmap.display": "resource.read",
  "webmap.annotation_read": "resource.read",
  "webmap.annotation_write": "resource.read",
  "webmap.annotation_manage": "webmap.annotation_write",
};

/** Every "scope.permission" of the given scopes. */
export function permissionsOf(scopes: readonly string[]): string[] {
  const out: string[] = [];
  for (const s of scopes) {
    const def = SCOPES[s];
    if (!def) continue;
    for (const p of Object.keys(def.permissions)) out.push(`${s}.${p}`);
  }
  return out;
}
