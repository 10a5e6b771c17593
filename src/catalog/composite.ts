/**
 * @module The composite resource document (reference/ngw.md §3): one object keyed by serializer
 * identity, `resource` and `resmeta` for every class plus each class's own keys. It is the
 * catalog's native description of a resource; faces reshape it for their own dialects.
 */
import type { Actor } from "./acl.ts";
import type { ClassDeps } from "./classes/registry.ts";
import type { ResourceRow } from "./resource-row.ts";
import type { Resources } from "./resources.ts";

export type Composite = Record<string, unknown> & { resource: Record<string, unknown> };

export async function serializeComposite(
  deps: ClassDeps,
  resources: Resources,
  actor: Actor,
  row: ResourceRow,
  perms: ReadonlySet<string>,
  opts: { full?: boolean } = {},
): Promise<Composite> {
  const cls = resources.classOf(row);
  const parent =
    row.parentId === null
      ? null
      : { id: row.parentId, parent: { id: (await resources.row(row.parentId))?.parentId ?? null } };
  const out: Composite = {
    resource: {
      id: row.id,
      cls: row.cls,
      creation_date: row.creationDate,
      parent,
      owner_user: { id: row.ownerUserId },
      permissions: await resources.aclOf(row.id),
      keyname: row.keyname,
      display_name: row.displayName,
      description: row.description,
      children: await resources.hasChildren(row.id),
      interfaces: cls.interfaces,
      scopes: cls.scopes,
    },
    resmeta: { items: await resources.resmetaOf(row.id) },
  };
  if (opts.full !== false && cls.serialize) {
    Object.assign(out, await cls.serialize({ ...deps, actor, perms }, row));
  }
  return out;
}
