/**
 * @module GeoNode perm_spec (reference B.2.4) over NextGIS Web's ACL, both ways.
 *
 * Reading: each principal's level is computed from what the ACL really grants it (the same
 * effectivePermissions NGW enforces), so GET never claims a right NGW would refuse.
 * Writing (PUT/PATCH/DELETE): the resource's own ACL is replaced by explicit rules:
 *   - the owner (NGW's "owner" principal) keeps everything;
 *   - each user / organization (NGW group) / registered-members (NGW "authenticated") gets
 *     allow rules for the permissions of its level;
 *   - anonymous gets allow rules on "everyone" for its level, and deny rules on the guest user
 *     for everything above it, so a guest can never get more through an ancestor's grant.
 * NGW's deny always wins, so gisd cannot lower a registered user's rights below what an ancestor
 * grants without also locking out the owner; GET then reports the higher, real level
 * (docs/geonode.md).
 */
import { type Actor, SYSTEM } from "../acl.ts";
import type { Catalog } from "../index.ts";
import type { PrincipalRow } from "../principals.ts";
import type { AclRuleJson } from "../resource-acl.ts";
import { writeAcl } from "../resource-acl.ts";
import { permissionsOf } from "../scopes.ts";
import { withTx } from "../tx.ts";
import { GnInvalid } from "./errors.ts";

export const LEVELS = ["none", "view", "download", "edit", "manage", "owner"] as const;
export type Level = (typeof LEVELS)[number];

/** NGW permissions granted by each level (cumulative), limited later to the class's scopes. */
const GRANTS: Record<Level, string[]> = {
  none: [],
  view: ["resource.read", "metadata.read", "datastruct.read", "webmap.display"],
  download: ["data.read"],
  edit: ["resource.update", "metadata.write", "data.write"],
  manage: ["resource.delete", "resource.change_permissions", "datastruct.write"],
  owner: [],
};

/** The permissions that must all hold for a principal to be at a level (when in scope). */
const KEYS: Record<Exclude<Level, "none" | "owner">, string[]> = {
  view: ["resource.read"],
  download: ["data.read"],
  edit: ["resource.update", "data.write"],
  manage: ["resource.delete", "resource.change_permissions"],
};

/** GeoNode codenames of each level, for the extended format. */
const CODENAMES: Record<Exclude<Level, "none" | "owner">, string[]> = {
  view: ["view_resourcebase"],
  download: ["download_resourcebase"],
  edit: [
    "change_resourcebase",
    "change_resourcebase_metadata",
    "change_dataset_data",
    "change_dataset_style",
  ],
  manage: ["delete_resourcebase", "change_resourcebase_permissions", "publish_resourcebase"],
};

export function grantsOf(level: Level, scopes: readonly string[]): string[] {
  if (level === "owner") return permissionsOf(scopes);
  const all = new Set(permissionsOf(scopes));
  const out: string[] = [];
  for (const l of LEVELS.slice(1, LEVELS.indexOf(level) + 1)) out.push(...GRANTS[l]);
  return out.filter((p) => all.has(p));
}

function levelOf(perms: ReadonlySet<string>, scopes: readonly string[]): Level {
  const inScope = new Set(permissionsOf(scopes));
  let level: Level = "none";
  for (const l of ["view", "download", "edit", "manage"] as const) {
    if (KEYS[l].every((p) => !inScope.has(p) || perms.has(p))) level = l;
    else break;
  }
  return level;
}

/** Codenames held at a level (extended format). */
export function codenamesOf(level: Level): string[] {
  if (level === "none") return [];
  const top = level === "owner" ? "manage" : level;
  return (["view", "download", "edit", "manage"] as const)
    .slice(0, ["view", "download", "edit", "manage"].indexOf(top) + 1)
    .flatMap((l) => CODENAMES[l]);
}

function levelOfCodenames(codes: readonly string[]): Level {
  let level: Level = "none";
  for (const l of ["view", "download", "edit", "manage"] as const) {
    // change_dataset_* are dataset-only; their absence does not lower a document's level.
    const need = CODENAMES[l].filter((c) => !c.startsWith("change_dataset_"));
    if (need.every((c) => codes.includes(c))) level = l;
    else break;
  }
  return level;
}

export interface CompactEntry {
  id: number;
  permissions: Level;
}

/** What a client sends: ids and levels per list (the other keys of each entry are ignored). */
export interface CompactSpec {
  users: CompactEntry[];
  groups: CompactEntry[];
  organizations: CompactEntry[];
}

/** GeoNode's special groups and the NGW principals behind them. */
export const ANONYMOUS = { id: SYSTEM.everyone, name: "anonymous", title: "anonymous" };
export const REGISTERED = {
  id: SYSTEM.authenticated,
  name: "registered-members",
  title: "Registered Members",
};
/** GeoNode's AnonymousUser id in compact specs. */
const ANONYMOUS_USER = -1;

/** A made-up actor that is exactly a member of `groups` (never a real user id). */
function syntheticActor(groups: number[]): Actor {
  return {
    id: -1000,
    keyname: "",
    displayName: "",
    superuser: false,
    groups: new Set(groups),
    authMedium: "basic",
  };
}

export class GeonodePerms {
  constructor(private readonly catalog: Catalog) {}

  private scopesOf(cls: string): readonly string[] {
    return this.catalog.classes.get(cls)?.scopes ?? ["resource"];
  }

  /** The compact perm_spec of a resource as NGW enforces it now. */
  async compact(id: number, base: string) {
    const row = (await this.catalog.resources.row(id))!;
    const scopes = this.scopesOf(row.cls);
    const level = async (a: Actor) => levelOf(await this.catalog.access.permissions(a, id), scopes);
    const chain = await this.catalog.access.chain(id);
    const mentioned = new Set(chain.flatMap((l) => l.acl.map((r) => r.principalId)));
    const users = await this.catalog.principals.list("U");
    const groups = await this.catalog.principals.list("G");
    const userDoc = (u: PrincipalRow, permissions: Level) => ({
      id: u.id,
      username: u.keyname,
      first_name: u.displayName.split(" ")[0] ?? "",
      last_name: u.displayName.split(" ").slice(1).join(" "),
      avatar: "",
      permissions,
      is_superuser: u.superuser,
      is_staff: u.superuser,
      link: `${base}/api/v2/users/${u.id}`,
    });
    const outUsers = [];
    for (const u of users) {
      if (u.id === SYSTEM.guest || (u.system && u.id !== SYSTEM.administrator)) continue;
      const actor = await this.catalog.principals.actorFor(u, "basic");
      if (u.id === row.ownerUserId) outUsers.push(userDoc(u, "owner"));
      else if (actor.superuser) outUsers.push(userDoc(u, "manage"));
      else if (mentioned.has(u.id)) outUsers.push(userDoc(u, await level(actor)));
    }
    const organizations = [];
    for (const g of groups) {
      if (g.system || !mentioned.has(g.id)) continue;
      organizations.push({
        id: g.id,
        title: g.displayName,
        name: g.keyname,
        logo: "",
        permissions: await level(syntheticActor([g.id])),
      });
    }
    return {
      users: outUsers,
      organizations,
      groups: [
        { ...ANONYMOUS, permissions: await level(this.catalog.principals.guest()) },
        { ...REGISTERED, permissions: await level(syntheticActor([])) },
      ],
    };
  }

  /** The extended format: names to codenames. */
  async extended(id: number, base: string) {
    const c = await this.compact(id, base);
    const users: Record<string, string[]> = {};
    for (const u of c.users)
      if (u.permissions !== "none") users[u.username] = codenamesOf(u.permissions);
    const anon = c.groups[0]!.permissions;
    if (anon !== "none") users.AnonymousUser = codenamesOf(anon);
    const groups: Record<string, string[]> = {};
    for (const g of [...c.groups, ...c.organizations])
      if (g.permissions !== "none") groups[g.name] = codenamesOf(g.permissions);
    return { users, groups };
  }

  /**
   * Parses a body in either format into a compact spec; malformed input is 400.
   * `base` (for PATCH) is the current spec that the body's entries are merged into by id.
   */
  async parse(body: unknown, base?: CompactSpec): Promise<CompactSpec> {
    if (typeof body !== "object" || body === null || Array.isArray(body))
      throw new GnInvalid("perm_spec", "Expected an object with users, groups, organizations.");
    const b = body as Record<string, unknown>;
    if (Object.keys(b).length === 0)
      throw new GnInvalid("perm_spec", "Expected users, groups or organizations.");
    for (const k of Object.keys(b))
      if (!["users", "groups", "organizations"].includes(k))
        throw new GnInvalid("perm_spec", `Unknown key ${k.slice(0, 50)}.`);
    const extended = Object.values(b).some(
      (v) => v !== null && typeof v === "object" && !Array.isArray(v),
    );
    const spec = extended ? await this.fromExtended(b) : this.fromCompact(b);
    if (!base) return spec;
    const merge = (cur: CompactEntry[], add: CompactEntry[]) => {
      const m = new Map(cur.map((e) => [e.id, e]));
      for (const e of add) m.set(e.id, e);
      return [...m.values()];
    };
    return {
      users: merge(base.users, spec.users),
      groups: merge(base.groups, spec.groups),
      organizations: merge(base.organizations, spec.organizations),
    };
  }

  private fromCompact(b: Record<string, unknown>): CompactSpec {
    const list = (k: string): CompactEntry[] => {
      const v = b[k] ?? [];
      if (!Array.isArray(v) || v.length > 10_000) throw new GnInvalid(k, "Expected a list.");
      return v.map((e) => {
        const o = (e ?? {}) as Record<string, unknown>;
        const id = typeof o.id === "string" && /^-?\d{1,15}$/.test(o.id) ? Number(o.id) : o.id;
        if (typeof id !== "number" || !Number.isSafeInteger(id))
          throw new GnInvalid(k, "Each entry needs an integer id.");
        if (
          typeof o.permissions !== "string" ||
          !(LEVELS as readonly string[]).includes(o.permissions)
        )
          throw new GnInvalid(k, `permissions must be one of ${LEVELS.join(", ")}.`);
        return { id, permissions: o.permissions as Level };
      });
    };
    return { users: list("users"), groups: list("groups"), organizations: list("organizations") };
  }

  private async fromExtended(b: Record<string, unknown>): Promise<CompactSpec> {
    const spec: CompactSpec = { users: [], groups: [], organizations: [] };
    const map = (k: string) => {
      const v = b[k] ?? {};
      if (typeof v !== "object" || v === null || Array.isArray(v))
        throw new GnInvalid(k, "Expected an object of name: [codenames].");
      const entries = Object.entries(v as Record<string, unknown>);
      for (const [name, codes] of entries)
        if (!Array.isArray(codes) || codes.some((c) => typeof c !== "string"))
          throw new GnInvalid(k, `${name.slice(0, 50)}: expected a list of codenames.`);
      return entries as [string, string[]][];
    };
    for (const [name, codes] of map("users")) {
      const level = levelOfCodenames(codes);
      if (name === "AnonymousUser") {
        spec.users.push({ id: ANONYMOUS_USER, permissions: level });
        continue;
      }
      const u = await this.catalog.principals.byKeyname(name, "U");
      if (!u) throw new GnInvalid("users", `Unknown user ${name.slice(0, 50)}.`);
      spec.users.push({ id: u.id, permissions: level });
    }
    for (const [name, codes] of map("groups")) {
      const level = levelOfCodenames(codes);
      if (name === ANONYMOUS.name) spec.groups.push({ id: ANONYMOUS.id, permissions: level });
      else if (name === REGISTERED.name)
        spec.groups.push({ id: REGISTERED.id, permissions: level });
      else {
        const g = await this.catalog.principals.byKeyname(name, "G");
        if (!g) throw new GnInvalid("groups", `Unknown group ${name.slice(0, 50)}.`);
        spec.organizations.push({ id: g.id, permissions: level });
      }
    }
    return spec;
  }

  /** NGW ACL rules that realise a compact spec on a resource of class `cls`. */
  async rules(cls: string, spec: CompactSpec | null): Promise<AclRuleJson[]> {
    const scopes = this.scopesOf(cls);
    const rule = (action: "allow" | "deny", principal: number, perm: string): AclRuleJson => {
      const [scope, permission] = perm.split(".") as [string, string];
      return {
        action,
        principal: { id: principal },
        identity: "",
        scope,
        permission,
        propagate: true,
      };
    };
    const out: AclRuleJson[] = [
      {
        action: "allow",
        principal: { id: SYSTEM.owner },
        identity: "",
        scope: "",
        permission: "",
        propagate: true,
      },
    ];
    let anonymous: Level = "none";
    if (spec) {
      const grant = (principal: number, level: Level) => {
        for (const p of grantsOf(level === "owner" ? "manage" : level, scopes))
          out.push(rule("allow", principal, p));
      };
      for (const u of spec.users) {
        if (u.id === ANONYMOUS_USER || u.id === SYSTEM.guest) {
          anonymous = maxLevel(anonymous, u.permissions);
          continue;
        }
        const p = await this.catalog.principals.get(u.id);
        if (p?.cls !== "U") throw new GnInvalid("users", `Unknown user ${u.id}.`);
        if (p.system && p.id !== SYSTEM.administrator)
          throw new GnInvalid("users", `User ${u.id} cannot be granted.`);
        grant(u.id, u.permissions);
      }
      for (const g of spec.groups) {
        if (g.id === ANONYMOUS.id) anonymous = maxLevel(anonymous, g.permissions);
        else if (g.id === REGISTERED.id) grant(SYSTEM.authenticated, g.permissions);
        else throw new GnInvalid("groups", `Unknown group ${g.id}; teams go under organizations.`);
      }
      for (const o of spec.organizations) {
        const p = await this.catalog.principals.get(o.id);
        if (p?.cls !== "G" || p.system)
          throw new GnInvalid("organizations", `Unknown organization ${o.id}.`);
        grant(o.id, o.permissions);
      }
    }
    // Guests: what the anonymous level grants (to everyone), nothing more (denied to the guest).
    grantsOf(anonymous === "owner" ? "manage" : anonymous, scopes).forEach((p) => {
      out.push(rule("allow", SYSTEM.everyone, p));
    });
    const allowed = new Set(grantsOf(anonymous === "owner" ? "manage" : anonymous, scopes));
    for (const p of permissionsOf(scopes))
      if (!allowed.has(p)) out.push(rule("deny", SYSTEM.guest, p));
    return out;
  }

  /** Replaces the resource's own ACL; the caller has checked change_permissions. */
  async write(id: number, rules: AclRuleJson[]): Promise<void> {
    await withTx(this.catalog.database.client, async (tx) => {
      await writeAcl(tx, id, rules);
      await tx.raw.execute({
        sql: "UPDATE resource SET version = version + 1 WHERE id = ?",
        args: [id],
      });
    });
    this.catalog.resources.emit(id, "update");
  }
}

function maxLevel(a: Level, b: Level): Level {
  return LEVELS.indexOf(a) >= LEVELS.indexOf(b) ? a : b;
}
