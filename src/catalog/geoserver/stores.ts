/**
 * @module Data stores and coverage stores: the groups under a workspace group. A group marked in
 * its ext as one kind is only that kind; an unmarked group (made with the NGW API) is a data
 * store, and also a coverage store when it holds raster layers. Layers placed directly in the
 * workspace group form the workspace's default store, named after the workspace.
 */
import type { Actor } from "../acl.ts";
import {
  createStoreConnection,
  isPostgisStore,
  publicParams,
  updateStoreConnection,
} from "../classes/postgis/geoserver.ts";
import {
  type Child,
  GsBadRequest,
  GsBase,
  GsConflict,
  GsForbidden,
  GsNotFound,
  GsUnauthorized,
} from "./base.ts";
import { gsDate, layerKind, type Store, validName, type Workspace } from "./model.ts";

export type StoreKind = Store["kind"];

export interface StoreInput {
  name?: string;
  type?: string;
  description?: string | null;
  enabled?: boolean;
  params?: Record<string, string>;
}

const layerKindOf = (k: StoreKind) => (k === "dataStore" ? "featureType" : "coverage");

export function notFoundMsg(kind: StoreKind, ws: string, name: string): string {
  return kind === "dataStore"
    ? `No such datastore: ${ws},${name}`
    : `No such coverage store: ${ws},${name}`;
}

export class Stores extends GsBase {
  private toStore(ws: Workspace, c: Child, kind: StoreKind, self: boolean): Store {
    const p = c.ext.params;
    return {
      id: c.row.id,
      name: self ? ws.name : c.row.displayName,
      ws,
      kind,
      self,
      type:
        typeof c.ext.type === "string" && !self
          ? c.ext.type
          : kind === "dataStore"
            ? "gisd"
            : "GeoTIFF",
      description: self ? null : c.row.description,
      enabled: c.ext.enabled !== false,
      params: !self && p && typeof p === "object" ? (p as Record<string, string>) : {},
      created: gsDate(c.row.creationDate),
    };
  }

  async list(actor: Actor, ws: Workspace, kind: StoreKind): Promise<Store[]> {
    const kids = await this.children(actor, ws.id);
    const out: Store[] = [];
    for (const c of kids) {
      if (c.row.cls !== "resource_group") continue;
      const k = c.ext.kind;
      if (k === kind) out.push(this.toStore(ws, c, kind, false));
      else if (k === undefined || k === "workspace") {
        if (kind === "dataStore") out.push(this.toStore(ws, c, kind, false));
        else if ((await this.layerRows(actor, c.row.id, kind)).length > 0)
          out.push(this.toStore(ws, c, kind, false));
      }
    }
    const direct = kids.some((c) => layerKind(c.row.cls) === layerKindOf(kind));
    if (direct && !out.some((s) => s.name === ws.name)) {
      const wsRow = (await this.catalog.resources.row(ws.id))!;
      out.unshift(this.toStore(ws, { row: wsRow, ext: {} }, kind, true));
    }
    return out;
  }

  async find(actor: Actor, ws: Workspace, name: string, kind: StoreKind) {
    return (await this.list(actor, ws, kind)).find((s) => s.name === name);
  }

  async get(actor: Actor, ws: Workspace, name: string, kind: StoreKind): Promise<Store> {
    const s = await this.find(actor, ws, name, kind);
    if (!s) throw new GsNotFound(notFoundMsg(kind, ws.name, name));
    return s;
  }

  /** The workspace's default store (layers directly in the workspace group), even when empty. */
  async defaultStore(_actor: Actor, ws: Workspace, kind: StoreKind): Promise<Store> {
    const wsRow = (await this.catalog.resources.row(ws.id))!;
    return this.toStore(ws, { row: wsRow, ext: {} }, kind, true);
  }

  async create(actor: Actor, ws: Workspace, kind: StoreKind, input: StoreInput): Promise<Store> {
    const name = input.name ?? "";
    if (!validName(name)) throw new GsBadRequest(`Invalid store name: '${name}'`);
    const kids = await this.children(actor, ws.id);
    if (kids.some((k) => k.row.displayName === name))
      throw new GsConflict(`Store '${name}' already exists in workspace '${ws.name}'`);
    const params = input.params ?? {};
    const postgis = kind === "dataStore" && isPostgisStore(params);
    const id = await this.createGroup(
      actor,
      ws.id,
      name,
      {
        kind,
        type: input.type ?? (kind === "dataStore" ? "gisd" : "GeoTIFF"),
        enabled: input.enabled !== false,
        params: postgis ? publicParams(params) : params,
      },
      input.description ?? null,
    );
    // A PostGIS store keeps its connection (and its encrypted password) as a child resource.
    if (postgis)
      await createStoreConnection(this.catalog, actor, id, name, params).catch(async (err) => {
        await this.catalog.resources.delete(actor, id).catch(() => {});
        throw err;
      });
    return this.get(actor, ws, name, kind);
  }

  async update(actor: Actor, store: Store, input: StoreInput): Promise<void> {
    if (input.name !== undefined && input.name !== store.name)
      throw new GsForbidden("Can't change name of a store");
    if (store.self) return;
    await this.catalog.resources.require(actor, store.id, "resource.update");
    if (input.description !== undefined)
      await this.catalog.resources.update(actor, store.id, {
        resource: { description: input.description },
      });
    const postgis = input.params && isPostgisStore({ ...store.params, ...input.params });
    if (postgis) await updateStoreConnection(this.catalog, actor, store.id, input.params!);
    await this.mergeExt(store.id, {
      kind: store.kind,
      type: input.type,
      enabled: input.enabled,
      params: input.params
        ? postgis
          ? publicParams({ ...store.params, ...input.params })
          : { ...store.params, ...input.params }
        : undefined,
    });
  }

  /** Layer rows of one kind in a store (for the default store: directly in the workspace). */
  async layerRows(actor: Actor, groupId: number, kind: StoreKind) {
    const kids = await this.children(actor, groupId);
    return kids.filter((k) => layerKind(k.row.cls) === layerKindOf(kind));
  }

  async remove(actor: Actor, store: Store, recurse: boolean): Promise<void> {
    const layers = await this.layerRows(actor, store.id, store.kind);
    if (!recurse && layers.length > 0) {
      // GeoServer answers a non-empty coverage store delete with 401 (reference A.2.7).
      if (store.kind === "coverageStore") throw new GsUnauthorized("coveragestore not empty");
      throw new GsForbidden("datastore not empty");
    }
    if (store.self) {
      for (const l of layers) await this.catalog.resources.delete(actor, l.row.id);
      return;
    }
    const others = (await this.children(actor, store.id)).filter(
      (k) => !layers.some((l) => l.row.id === k.row.id) && k.row.cls !== "postgis_connection",
    );
    if (others.length > 0 && !recurse) throw new GsForbidden("store not empty");
    await this.catalog.resources.delete(actor, store.id);
  }
}
