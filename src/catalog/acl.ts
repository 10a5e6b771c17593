/**
 * @module The effective-permission algorithm of NextGIS Web (reference/ngw.md §5.3), pure:
 * rules from the root down to the resource, deny always wins, requirements mask what they
 * depend on, and a resource is readable only if its parent is.
 */
import { permissionsOf, REQUIREMENTS } from "./scopes.ts";

export interface AclRule {
  action: "allow" | "deny";
  principalId: number;
  identity: string;
  scope: string;
  permission: string;
  propagate: boolean;
}

/** System principals with fixed ids, created on first start. */
export const SYSTEM = {
  everyone: 1,
  authenticated: 2,
  guest: 3,
  administrator: 4,
  administrators: 5,
  owner: 6,
} as const;

/** Who is asking: the user, the groups they belong to, and whether they bypass the ACL. */
export interface Actor {
  id: number;
  keyname: string;
  displayName: string;
  superuser: boolean;
  groups: ReadonlySet<number>;
  /** How the request authenticated: session, basic, or null for guest. */
  authMedium: "session" | "basic" | null;
}

/** One level of the chain from the root to the resource being checked. */
export interface ChainLink {
  id: number;
  cls: string;
  ownerUserId: number;
  acl: readonly AclRule[];
}

function matchesPrincipal(rule: AclRule, actor: Actor, ownerUserId: number): boolean {
  const p = rule.principalId;
  if (p === SYSTEM.everyone) return true;
  if (p === SYSTEM.authenticated) return actor.id !== SYSTEM.guest;
  if (p === SYSTEM.owner) return actor.id !== SYSTEM.guest && actor.id === ownerUserId;
  return p === actor.id || actor.groups.has(p);
}

function ruleCovers(rule: AclRule, perm: string): boolean {
  if (rule.scope === "") return true;
  const [scope, name] = perm.split(".");
  if (rule.scope !== scope) return false;
  return rule.permission === "" || rule.permission === name;
}

/**
 * Effective permissions ("scope.permission") of the actor on the last link of `chain`, whose
 * class has `scopes`. `parentReadable` says whether the parent's resource.read holds (the
 * cross-resource requirement); callers evaluate the chain top-down and pass it along.
 */
export function effectivePermissions(
  actor: Actor,
  chain: readonly ChainLink[],
  scopes: readonly string[],
  parentReadable: boolean,
): Set<string> {
  const all = permissionsOf(scopes);
  if (actor.superuser) return new Set(all);
  const self = chain[chain.length - 1];
  if (!self) return new Set();
  const allow = new Set<string>();
  const deny = new Set<string>();
  for (const link of chain) {
    const isSelf = link === self;
    for (const rule of link.acl) {
      if (!rule.propagate && !isSelf) continue;
      if (rule.identity !== "" && rule.identity !== self.cls) continue;
      if (!matchesPrincipal(rule, actor, self.ownerUserId)) continue;
      const target = rule.action === "allow" ? allow : deny;
      for (const perm of all) if (ruleCovers(rule, perm)) target.add(perm);
    }
  }
  const mask = new Set<string>();
  if (!parentReadable) mask.add("resource.read");
  // Requirements form chains at most three long; resolving in a fixed-point loop keeps the
  // order of REQUIREMENTS irrelevant.
  let changed = true;
  while (changed) {
    changed = false;
    for (const perm of all) {
      if (mask.has(perm)) continue;
      const req = REQUIREMENTS[perm];
      if (req && (!allow.has(req) || deny.has(req) || mask.has(req))) {
        mask.add(perm);
        changed = true;
      }
    }
  }
  const out = new Set<string>();
  for (const perm of allow) if (!deny.has(perm) && !mask.has(perm)) out.add(perm);
  return out;
}
