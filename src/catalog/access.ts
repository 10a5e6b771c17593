/**
 * @module Loads the chain of ancestors and their ACL rules for a resource and evaluates the
 * actor's effective permissions on it (and on its children, reusing the parent's chain).
 */
import type { Client } from "@libsql/client";
import { type AclRule, type Actor, type ChainLink, effectivePermissions } from "./acl.ts";
import type { ClassRegistry } from "./classes/registry.ts";

export interface ChainRow extends ChainLink {
  parentId: number | null;
}

function toRule(r: Record<string, unknown>): AclRule {
  return {
    action: r.action === "deny" ? "deny" : "allow",
    principalId: Number(r.principal_id),
    identity: String(r.identity ?? ""),
    scope: String(r.scope ?? ""),
    permission: String(r.permission ?? ""),
    propagate: Boolean(r.propagate),
  };
}

export class Access {
  constructor(
    private readonly client: Pick<Client, "execute">,
    private readonly classes: ClassRegistry,
  ) {}

  /** Root first, the resource last; empty if the resource does not exist. */
  async chain(id: number): Promise<ChainRow[]> {
    const rows = await this.client.execute({
      sql: `WITH RECURSIVE up(id, cls, parent_id, owner_user_id, depth) AS (
              SELECT id, cls, parent_id, owner_user_id, 0 FROM resource WHERE id = ?
              UNION ALL
              SELECT r.id, r.cls, r.parent_id, r.owner_user_id, up.depth + 1
                FROM resource r JOIN up ON r.id = up.parent_id WHERE up.depth < 1000)
            SELECT id, cls, parent_id, owner_user_id FROM up ORDER BY depth DESC`,
      args: [id],
    });
    if (rows.rows.length === 0) return [];
    const ids = rows.rows.map((r) => Number(r.id));
    const acl = await this.rulesOf(ids);
    return rows.rows.map((r) => ({
      id: Number(r.id),
      cls: String(r.cls),
      parentId: r.parent_id === null ? null : Number(r.parent_id),
      ownerUserId: Number(r.owner_user_id),
      acl: acl.get(Number(r.id)) ?? [],
    }));
  }

  async rulesOf(ids: number[]): Promise<Map<number, AclRule[]>> {
    const out = new Map<number, AclRule[]>();
    if (ids.length === 0) return out;
    const res = await this.client.execute({
      sql: `SELECT * FROM resource_acl WHERE resource_id IN (${ids.map(() => "?").join(",")})
            ORDER BY resource_id, position`,
      args: ids,
    });
    for (const r of res.rows) {
      const id = Number(r.resource_id);
      let list = out.get(id);
      if (!list) out.set(id, (list = []));
      list.push(toRule(r as Record<string, unknown>));
    }
    return out;
  }

  scopesOf(cls: string): readonly string[] {
    return this.classes.get(cls)?.scopes ?? ["resource"];
  }

  /** Permissions on every link of the chain, top-down, honouring "readable only if the parent is". */
  evaluate(actor: Actor, chain: readonly ChainLink[]): Set<string>[] {
    const out: Set<string>[] = [];
    let parentReadable = true;
    for (let i = 0; i < chain.length; i++) {
      const perms = effectivePermissions(
        actor,
        chain.slice(0, i + 1),
        this.scopesOf(chain[i]!.cls),
        parentReadable,
      );
      out.push(perms);
      parentReadable = perms.has("resource.read");
    }
    return out;
  }

  /** Effective permissions on one resource; empty set when it does not exist. */
  async permissions(actor: Actor, id: number): Promise<Set<string>> {
    const chain = await this.chain(id);
    if (chain.length === 0) return new Set();
    return this.evaluate(actor, chain).at(-1)!;
  }

  /**
   * Permissions on each child given the parent's chain and already-computed parent permissions:
   * one ACL query for all children instead of one chain walk each.
   */
  async childPermissions(
    actor: Actor,
    parentChain: readonly ChainLink[],
    parentPerms: ReadonlySet<string>,
    children: readonly { id: number; cls: string; ownerUserId: number }[],
  ): Promise<Map<number, Set<string>>> {
    const acl = await this.rulesOf(children.map((c) => c.id));
    const out = new Map<number, Set<string>>();
    for (const c of children) {
      const link: ChainLink = {
        id: c.id,
        cls: c.cls,
        ownerUserId: c.ownerUserId,
        acl: acl.get(c.id) ?? [],
      };
      out.set(
        c.id,
        effectivePermissions(
          actor,
          [...parentChain, link],
          this.scopesOf(c.cls),
          parentPerms.has("resource.read"),
        ),
      );
    }
    return out;
  }
}
