/**
 * @module The resource tree with the ACL applied: get, list children, create, update, move,
 * delete. Every function takes the acting principal; faces never query the tables themselves.
 */
import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import { Access } from "./access.ts";
import type { Actor } from "./acl.ts";
import { SYSTEM } from "./acl.ts";
import type { ClassDeps, ClassRegistry, ResourceClass, WriteContext } from "./classes/registry.ts";
import {
  DisplayNameNotUnique,
  Forbidden,
  HierarchyError,
  InsufficientPermissions,
  ResourceNotFound,
  RootDeleteError,
  ValidationError,
} from "./errors.ts";
import { sanitizeHtml } from "./html.ts";
import { readResmeta, writeResmeta } from "./resmeta.ts";
import { readAcl, writeAcl } from "./resource-acl.ts";
import type { ResourceRow } from "./resource-row.ts";
import { resource } from "./schema.ts";
import { type Tx, withTx } from "./tx.ts";

export type Body = Record<string, unknown>;
export type ChangeListener = (ev: {
  id: number;
  kind: "create" | "update" | "delete" | "data";
}) => void;

const KEYNAME_RE = /^[A-Za-z_][A-Za-z0-9_-]{0,254}$/;

function obj(v: unknown, what: string): Body {
  if (v === undefined || v === null) return {};
  if (typeof v !== "object" || Array.isArray(v))
    throw new ValidationError(`'${what}' must be an object.`);
  return v as Body;
}

function idOf(v: unknown, what: string): number {
  const id = typeof v === "object" && v !== null ? (v as Body).id : v;
  if (typeof id === "number" && Number.isSafeInteger(id) && id >= 0) return id;
  if (typeof id === "string" && /^\d{1,15}$/.test(id)) return Number(id);
  throw new ValidationError(`'${what}' must be a reference {"id": <integer>}.`);
}

export class Resources {
  readonly #listeners: ChangeListener[] = [];

  constructor(
    private readonly deps: ClassDeps,
    private readonly access: Access,
    private readonly classes: ClassRegistry,
  ) {}

  onChange(fn: ChangeListener): void {
    this.#listeners.push(fn);
  }

  /** Tells caches that a resource (or its data) changed; called after commit. */
  emit(id: number, kind: "create" | "update" | "delete" | "data"): void {
    for (const fn of this.#listeners) fn({ id, kind });
  }

  classOf(row: ResourceRow): ResourceClass {
    const cls = this.classes.get(row.cls);
    if (!cls) throw new ValidationError(`Unknown resource class '${row.cls}'.`);
    return cls;
  }

  async row(id: number): Promise<ResourceRow | undefined> {
    const rows = await this.deps.db.select().from(resource).where(eq(resource.id, id));
    return rows[0];
  }

  /** The row and the actor's permissions on it; 404 when missing or unreadable to guests of the tree. */
  async open(actor: Actor, id: number): Promise<{ row: ResourceRow; perms: Set<string> }> {
    if (!Number.isSafeInteger(id) || id < 0) throw new ResourceNotFound(id);
    const row = await this.row(id);
    if (!row) throw new ResourceNotFound(id);
    const perms = await this.access.permissions(actor, id);
    return { row, perms };
  }

  /** Opens a resource and insists on one permission ("scope.permission"). */
  async require(
    actor: Actor,
    id: number,
    perm: string,
  ): Promise<{ row: ResourceRow; perms: Set<string> }> {
    const r = await this.open(actor, id);
    demand(r.perms, r.row.id, perm);
    return r;
  }

  async hasChildren(id: number): Promise<boolean> {
    const rows = await this.deps.db
      .select({ id: resource.id })
      .from(resource)
      .where(eq(resource.parentId, id))
      .limit(1);
    return rows.length > 0;
  }

  /** Readable children, sorted as NextGIS Web does: class order, then display name. */
  async children(
    actor: Actor,
    parentId: number,
  ): Promise<{ row: ResourceRow; perms: Set<string> }[]> {
    const chain = await this.access.chain(parentId);
    if (chain.length === 0) return [];
    const parentPerms = this.access.evaluate(actor, chain).at(-1)!;
    if (!parentPerms.has("resource.read")) return [];
    const rows = await this.deps.db
      .select()
      .from(resource)
      .where(eq(resource.parentId, parentId))
      .orderBy(asc(resource.displayName));
    const perms = await this.access.childPermissions(actor, chain, parentPerms, rows);
    return rows
      .map((row) => ({ row, perms: perms.get(row.id)! }))
      .filter((c) => c.perms.has("resource.read"))
      .sort(
        (a, b) =>
          this.order(a.row) - this.order(b.row) ||
          a.row.displayName.localeCompare(b.row.displayName),
      );
  }

  order(row: ResourceRow): number {
    return this.classes.get(row.cls)?.order ?? 100;
  }

  /** Ids of the resource and all its descendants, parents before children. */
  async subtree(id: number): Promise<ResourceRow[]> {
    const out: ResourceRow[] = [];
    let level = [id];
    const first = await this.row(id);
    if (!first) return out;
    out.push(first);
    while (level.length > 0) {
      const rows = await this.deps.db
        .select()
        .from(resource)
        .where(inArray(resource.parentId, level));
      out.push(...rows);
      level = rows.map((r) => r.id);
    }
    return out;
  }

  // --- create ---------------------------------------------------------------------------

  async create(
    actor: Actor,
    body: Body,
    opts: { progress?: WriteContext["progress"] } = {},
  ): Promise<{ id: number; parentId: number }> {
    const res = obj(body.resource, "resource");
    const clsName = res.cls;
    if (typeof clsName !== "string")
      throw new ValidationError("Resource class (resource.cls) is required.");
    const cls = this.classes.get(clsName);
    if (!cls) throw new ValidationError(`Unknown resource class '${clsName}'.`);
    if (res.parent === undefined || res.parent === null)
      throw new ValidationError("Parent (resource.parent) is required.");
    const parentId = idOf(res.parent, "resource.parent");
    const parentChain = await this.access.chain(parentId);
    if (parentChain.length === 0) throw new ResourceNotFound(parentId);
    const parentPerms = this.access.evaluate(actor, parentChain).at(-1)!;
    demand(parentPerms, parentId, "resource.read");
    const parent = (await this.row(parentId))!;
    this.checkParent(cls, parent);
    demand(parentPerms, parentId, "resource.manage_children");
    let ownerUserId = actor.id === SYSTEM.guest ? SYSTEM.administrator : actor.id;
    if (res.owner_user !== undefined && res.owner_user !== null) {
      if (!actor.superuser) throw new Forbidden("Only administrators can set the owner.");
      ownerUserId = idOf(res.owner_user, "resource.owner_user");
    }
    // The new resource inherits the parent's ACL; check resource.create on it as NGW does.
    const virtual = await this.access.childPermissions(actor, parentChain, parentPerms, [
      { id: -1, cls: cls.identity, ownerUserId },
    ]);
    const perms = virtual.get(-1)!;
    demand(perms, parentId, "resource.create");

    const displayName = checkDisplayName(res.display_name);
    const keyname = checkKeyname(res.keyname);
    const description = checkDescription(res.description);
    const id = await withTx(this.deps.client, async (tx) => {
      await this.checkUnique(tx, parentId, displayName, keyname, null);
      const [ins] = await tx.db
        .insert(resource)
        .values({
          cls: cls.identity,
          parentId,
          keyname,
          displayName,
          description,
          ownerUserId,
          creationDate: new Date().toISOString().slice(0, 19),
        })
        .returning();
      const row = ins!;
      if (res.permissions !== undefined) {
        demand(perms, parentId, "resource.change_permissions");
        await writeAcl(tx, row.id, res.permissions);
      }
      if (body.resmeta !== undefined)
        await writeResmeta(tx, row.id, obj(body.resmeta, "resmeta").items);
      if (cls.write) {
        const finalPerms = await this.permsInTx(tx, actor, row.id);
        const ctx = { ...this.deps, actor, tx, perms: finalPerms, creating: true, ...opts };
        await cls.write(ctx, row, body);
      }
      return row.id;
    });
    this.emit(id, "create");
    return { id, parentId };
  }

  /** Permissions on a row written in the still-open transaction (its ACL may be new). */
  private permsInTx(tx: Tx, actor: Actor, id: number): Promise<Set<string>> {
    return new Access(tx.raw, this.classes).permissions(actor, id);
  }

  private checkParent(cls: ResourceClass, parent: ResourceRow): void {
    const ok =
      cls.parents.includes(parent.cls) ||
      (cls.parents.includes("*") && this.classes.get(parent.cls)?.container === true);
    if (!ok) {
      throw new HierarchyError(
        `Resource of class '${cls.identity}' can't be a child of '${parent.cls}'.`,
      );
    }
  }

  private async checkUnique(
    tx: Tx,
    parentId: number,
    displayName: string,
    keyname: string | null,
    selfId: number | null,
  ): Promise<void> {
    const sib = await tx.db
      .select({ id: resource.id })
      .from(resource)
      .where(and(eq(resource.parentId, parentId), eq(resource.displayName, displayName)));
    const clash = sib.find((s) => s.id !== selfId);
    if (clash) throw new DisplayNameNotUnique(clash.id);
    if (keyname !== null) {
      const k = await tx.db
        .select({ id: resource.id })
        .from(resource)
        .where(eq(resource.keyname, keyname));
      if (k.some((r) => r.id !== selfId))
        throw new ValidationError("Resource keyname is not unique.");
    }
  }

  // --- update ---------------------------------------------------------------------------

  /** Applies a partial composite. Unknown keys and read-only attributes are ignored, as in NGW. */
  async update(actor: Actor, id: number, body: Body): Promise<void> {
    const { row, perms } = await this.require(actor, id, "resource.read");
    const cls = this.classOf(row);
    const res = obj(body.resource, "resource");
    const set: Partial<ResourceRow> = {};
    const need = (p: string) => demand(perms, id, p, true);
    if (res.display_name !== undefined && res.display_name !== row.displayName) {
      need("resource.update");
      set.displayName = checkDisplayName(res.display_name);
    }
    if (res.keyname !== undefined && res.keyname !== row.keyname) {
      need("resource.update");
      set.keyname = checkKeyname(res.keyname);
    }
    if (res.description !== undefined && res.description !== row.description) {
      need("resource.update");
      set.description = checkDescription(res.description);
    }
    if (res.owner_user !== undefined && res.owner_user !== null) {
      const owner = idOf(res.owner_user, "resource.owner_user");
      if (owner !== row.ownerUserId) {
        if (!actor.superuser) throw new Forbidden("Only administrators can change the owner.");
        set.ownerUserId = owner;
      }
    }
    if (res.parent !== undefined && res.parent !== null) {
      const newParent = idOf(res.parent, "resource.parent");
      if (newParent !== row.parentId)
        set.parentId = await this.checkMove(actor, row, cls, newParent);
    }
    if (res.permissions !== undefined) need("resource.change_permissions");
    if (body.resmeta !== undefined) {
      need(cls.scopes.includes("metadata") ? "metadata.write" : "resource.update");
    }
    await withTx(this.deps.client, async (tx) => {
      const parentId = set.parentId ?? row.parentId;
      if (parentId !== null && (set.displayName || set.keyname || set.parentId !== undefined)) {
        await this.checkUnique(
          tx,
          parentId,
          set.displayName ?? row.displayName,
          set.keyname ?? null,
          id,
        );
      }
      await tx.db
        .update(resource)
        .set({ ...set, version: row.version + 1 })
        .where(eq(resource.id, id));
      if (res.permissions !== undefined) await writeAcl(tx, id, res.permissions);
      if (body.resmeta !== undefined)
        await writeResmeta(tx, id, obj(body.resmeta, "resmeta").items);
      if (cls.write)
        await cls.write(
          { ...this.deps, actor, tx, perms, creating: false },
          { ...row, ...set },
          body,
        );
    });
    this.emit(id, "update");
  }

  private async checkMove(
    actor: Actor,
    row: ResourceRow,
    cls: ResourceClass,
    newParent: number,
  ): Promise<number> {
    if (row.parentId === null) throw new HierarchyError("The root resource cannot be moved.");
    const target = await this.row(newParent);
    if (!target) throw new ResourceNotFound(newParent);
    const chain = await this.access.chain(newParent);
    if (chain.some((l) => l.id === row.id)) {
      throw new HierarchyError("Resource can not be a parent himself or of its descendants.");
    }
    this.checkParent(cls, target);
    const targetPerms = this.access.evaluate(actor, chain).at(-1)!;
    const oldPerms = await this.access.permissions(actor, row.parentId);
    if (!targetPerms.has("resource.manage_children") || !oldPerms.has("resource.manage_children")) {
      throw new Forbidden(
        "Insufficient permissions to move the resource: manage_children is needed on both parents.",
      );
    }
    return newParent;
  }

  /** Marks a resource's data as changed (features edited): bumps the version caches key on. */
  async touchData(tx: Tx, id: number): Promise<void> {
    const r = await tx.db.select({ v: resource.version }).from(resource).where(eq(resource.id, id));
    await tx.db
      .update(resource)
      .set({ version: (r[0]?.v ?? 0) + 1 })
      .where(eq(resource.id, id));
    tx.afterCommit(() => this.emit(id, "data"));
  }

  // --- delete ---------------------------------------------------------------------------

  async delete(actor: Actor, id: number): Promise<void> {
    const { row } = await this.require(actor, id, "resource.read");
    if (row.parentId === null) throw new RootDeleteError();
    const parentPerms = await this.access.permissions(actor, row.parentId);
    demand(parentPerms, row.parentId, "resource.manage_children");
    const all = await this.subtree(id);
    for (const r of all) {
      const p = await this.access.permissions(actor, r.id);
      demand(p, r.id, "resource.delete");
      if (r.id !== id || all.length > 1) demand(p, r.id, "resource.manage_children");
    }
    await withTx(this.deps.client, async (tx) => {
      for (const r of [...all].reverse()) {
        const cls = this.classes.get(r.cls);
        if (cls?.remove) await cls.remove({ ...this.deps, tx }, r);
        await tx.raw.execute({
          sql: "DELETE FROM resource_acl WHERE resource_id = ?",
          args: [r.id],
        });
        await tx.raw.execute({ sql: "DELETE FROM resmeta WHERE resource_id = ?", args: [r.id] });
        await tx.raw.execute({
          sql: "DELETE FROM resource_ext WHERE resource_id = ?",
          args: [r.id],
        });
        await tx.raw.execute({ sql: "DELETE FROM resource WHERE id = ?", args: [r.id] });
      }
    });
    for (const r of all) this.emit(r.id, "delete");
  }

  // --- serialization helpers used by faces ----------------------------------------------

  async aclOf(id: number) {
    return readAcl(this.deps.db, id);
  }

  async resmetaOf(id: number) {
    return readResmeta(this.deps.db, id);
  }

  async roots(): Promise<ResourceRow[]> {
    return this.deps.db.select().from(resource).where(isNull(resource.parentId));
  }
}

/** Throws InsufficientPermissions (403) unless `perm` ("scope.permission") is in `perms`. */
export function demand(
  perms: ReadonlySet<string>,
  id: number,
  perm: string,
  attribute = false,
): void {
  if (perms.has(perm)) return;
  const [scope, permission] = perm.split(".") as [string, string];
  if (!attribute && !perms.has("resource.read") && perm !== "resource.read") {
    throw new InsufficientPermissions(id, "resource", "read");
  }
  throw new InsufficientPermissions(id, scope, permission);
}

function checkDisplayName(v: unknown): string {
  if (typeof v !== "string" || v.trim() === "")
    throw new ValidationError("Display name is required.");
  if (v.length > 1000) throw new ValidationError("Display name is too long.");
  return v;
}

function checkKeyname(v: unknown): string | null {
  if (v === undefined || v === null || v === "") return null;
  if (typeof v !== "string" || !KEYNAME_RE.test(v)) {
    throw new ValidationError(
      "Keyname must start with a letter or _ and use only ASCII letters, digits, _ and -.",
    );
  }
  return v;
}

function checkDescription(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") throw new ValidationError("Description must be a string.");
  return sanitizeHtml(v);
}
