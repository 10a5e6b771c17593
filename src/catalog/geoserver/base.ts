/**
 * @module Shared plumbing of the GeoServer mapping: ACL-filtered children with their
 * "geoserver" ext documents, group creation, and the typed errors with GeoServer's messages.
 */
import type { Actor } from "../acl.ts";
import { CatalogError, Conflict, Forbidden, NotFound } from "../errors.ts";
import type { Catalog } from "../index.ts";
import { type ExtData, readExt, readExtMany, writeExt } from "../resource-ext.ts";
import type { ResourceRow } from "../resource-row.ts";
import { NS } from "./model.ts";

export class GsNotFound extends NotFound {}
export class GsConflict extends Conflict {}
export class GsForbidden extends Forbidden {}
/** GeoServer answers a few "not empty" deletes with 401 (reference A.2.3, A.2.7). */
export class GsUnauthorized extends CatalogError {
  override readonly status = 401;
  override readonly code = "forbidden";
}
export class GsBadRequest extends CatalogError {
  override readonly status = 400;
}

export interface Child {
  row: ResourceRow;
  ext: ExtData;
}

export class GsBase {
  constructor(readonly catalog: Catalog) {}

  get db() {
    return this.catalog.database.client;
  }

  /** Readable children of a resource with their ext documents. */
  async children(actor: Actor, parentId: number): Promise<Child[]> {
    const kids = await this.catalog.resources.children(actor, parentId);
    const exts = await readExtMany(
      this.db,
      kids.map((k) => k.row.id),
      NS,
    );
    return kids.map((k) => ({ row: k.row, ext: exts.get(k.row.id) ?? {} }));
  }

  async ext(id: number): Promise<ExtData> {
    return (await readExt(this.db, id, NS)) ?? {};
  }

  async setExt(id: number, data: ExtData): Promise<void> {
    await writeExt(this.db, id, NS, data);
  }

  async mergeExt(id: number, patch: ExtData): Promise<ExtData> {
    const next = { ...(await this.ext(id)), ...patch };
    for (const [k, v] of Object.entries(next)) if (v === undefined) delete next[k];
    await this.setExt(id, next);
    return next;
  }

  /** Creates a resource group with its ext document; the group is removed again if that fails. */
  async createGroup(
    actor: Actor,
    parentId: number,
    name: string,
    ext: ExtData,
    description?: string | null,
  ): Promise<number> {
    const { id } = await this.catalog.resources.create(actor, {
      resource: {
        cls: "resource_group",
        parent: { id: parentId },
        display_name: name,
        description,
      },
    });
    try {
      await this.setExt(id, ext);
    } catch (err) {
      await this.catalog.resources.delete(actor, id).catch(() => {});
      throw err;
    }
    return id;
  }
}
