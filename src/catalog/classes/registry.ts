/**
 * @module The registry of resource classes. Each class (resource_group, vector_layer, styles,
 * webmap, services, …) is one module that declares its scopes, allowed parents and how it
 * serializes, creates, updates and deletes its own data; the resource tree does the rest.
 * A registry is a value passed around, never a module global, so two catalogs can coexist.
 */

import type { Client } from "@libsql/client";
import type { FeatureSource } from "../../geo/sources/feature-source.ts";
import type { Actor } from "../acl.ts";
import type { Db } from "../db.ts";
import type { FileStore } from "../files.ts";
import type { ResourceRow } from "../resource-row.ts";
import type { Tx } from "../tx.ts";
import type { Uploads } from "../uploads.ts";

/** What a class module may use besides the transaction. */
export interface ClassDeps {
  db: Db;
  client: Client;
  files: FileStore;
  /** Finished uploads that create/update bodies refer to as {"id": …} (vector_layer.source). */
  uploads: Pick<Uploads, "path" | "get">;
  /** Looks up another class (e.g. a style asking about its layer's class). */
  classes: ClassRegistry;
  /** Read access to a resource row by id, without ACL (class-internal lookups). */
  getRow(id: number): Promise<ResourceRow | undefined>;
  /** Effective permissions of the actor on another resource (cross-resource checks). */
  permissions(actor: Actor, id: number): Promise<Set<string>>;
}

export interface SerializeContext extends ClassDeps {
  actor: Actor;
  /** Effective permissions of the actor on this resource. */
  perms: ReadonlySet<string>;
}

export interface WriteContext extends ClassDeps {
  actor: Actor;
  tx: Tx;
  perms: ReadonlySet<string>;
  /** True on create, false on update. */
  creating: boolean;
  /** Progress of long writes (imports): features done so far, and the total when known. */
  progress?: (done: number, total?: number) => void;
}

export interface ResourceClass {
  identity: string;
  label: string;
  /** Sort key among siblings (NGW's cls_order): groups first, then maps, then layers. */
  order: number;
  scopes: readonly string[];
  interfaces: readonly string[];
  /** Category shown by the blueprint. */
  category: string;
  /** True for group-like classes that hold layers, maps and services ("*" parents). */
  container?: boolean;
  /** Classes that may be this class's parent; "*" for any container class. */
  parents: readonly string[];
  /** Composite keys this class adds, e.g. ["feature_layer", "vector_layer"]. */
  keys: readonly string[];
  serialize?(ctx: SerializeContext, row: ResourceRow): Promise<Record<string, unknown>>;
  /** Applies the class keys of a create or update body inside the transaction. */
  write?(ctx: WriteContext, row: ResourceRow, body: Record<string, unknown>): Promise<void>;
  /**
   * For classes with the IFeatureLayer interface: the FeatureSource over this layer's features.
   * With `tx`, an editable source writes inside that transaction (edits are atomic with the
   * version bump that keeps tile caches fresh).
   */
  featureSource?(deps: ClassDeps, row: ResourceRow, tx?: Tx): Promise<FeatureSource>;
  /**
   * For layers that are not feature layers (raster_layer): the data extent in the layer's SRS,
   * so /api/resource/{id}/extent answers for them too. null when the layer has no data.
   */
  bbox?(
    deps: ClassDeps,
    row: ResourceRow,
  ): Promise<{ bbox: [number, number, number, number]; srs: number } | null>;
  /** Removes the class's own rows, tables and files; runs inside the delete transaction. */
  remove?(ctx: ClassDeps & { tx: Tx }, row: ResourceRow): Promise<void>;
}

export class ClassRegistry {
  readonly #classes = new Map<string, ResourceClass>();

  register(cls: ResourceClass): this {
    if (this.#classes.has(cls.identity)) throw new Error(`class ${cls.identity} registered twice`);
    this.#classes.set(cls.identity, cls);
    return this;
  }

  get(identity: string): ResourceClass | undefined {
    return this.#classes.get(identity);
  }

  all(): ResourceClass[] {
    return [...this.#classes.values()];
  }
}
