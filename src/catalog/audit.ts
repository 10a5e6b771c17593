/**
 * @module The audit log: logins (recorded here by the authenticator) and permission changes
 * (ACL rules, group membership, superuser/disabled/password flags), which triggers of
 * migration 0900 record in the same transaction as the change, whichever face made it.
 */
import type { Client } from "@libsql/client";

export interface AuditEntry {
  id: number;
  ts: string;
  event: string;
  actor_id: number | null;
  principal_id: number | null;
  resource_id: number | null;
  address: string | null;
  detail: Record<string, unknown>;
}

export interface AuditQuery {
  /** Newest first; entries with id below this one (paging). */
  beforeId?: number;
  limit?: number;
  /** Exact event name, or a prefix ending in "." ("acl." gives grants and revokes). */
  event?: string;
  principalId?: number;
  resourceId?: number;
}

export const AUDIT_MAX_LIMIT = 1000;

export class Audit {
  constructor(private readonly client: Client) {}

  async record(
    event: string,
    e: { actorId?: number; principalId?: number; address?: string; detail?: object } = {},
  ): Promise<void> {
    await this.client.execute({
      sql: "INSERT INTO audit_log (event, actor_id, principal_id, address, detail) VALUES (?, ?, ?, ?, ?)",
      args: [
        event,
        e.actorId ?? null,
        e.principalId ?? null,
        e.address ?? null,
        JSON.stringify(e.detail ?? {}),
      ],
    });
  }

  async list(q: AuditQuery = {}): Promise<AuditEntry[]> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.beforeId !== undefined) {
      where.push("id < ?");
      args.push(q.beforeId);
    }
    if (q.event !== undefined) {
      if (q.event.endsWith(".")) {
        where.push("substr(event, 1, ?) = ?");
        args.push(q.event.length, q.event);
      } else {
        where.push("event = ?");
        args.push(q.event);
      }
    }
    if (q.principalId !== undefined) {
      where.push("principal_id = ?");
      args.push(q.principalId);
    }
    if (q.resourceId !== undefined) {
      where.push("resource_id = ?");
      args.push(q.resourceId);
    }
    const limit = Math.min(Math.max(q.limit ?? 100, 1), AUDIT_MAX_LIMIT);
    const rs = await this.client.execute({
      sql: `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ${limit}`,
      args,
    });
    return rs.rows.map((r) => ({
      id: Number(r.id),
      ts: String(r.ts),
      event: String(r.event),
      actor_id: r.actor_id === null ? null : Number(r.actor_id),
      principal_id: r.principal_id === null ? null : Number(r.principal_id),
      resource_id: r.resource_id === null ? null : Number(r.resource_id),
      address: r.address === null ? null : String(r.address),
      detail: JSON.parse(String(r.detail)) as Record<string, unknown>,
    }));
  }
}
