/** @module Reads and replaces the ACL rules stored on one resource (NGW's resource.permissions). */
import { asc, eq } from "drizzle-orm";
import type { Db } from "./db.ts";
import { ValidationError } from "./errors.ts";
import { principal, resourceAcl } from "./schema.ts";
import { SCOPES } from "./scopes.ts";
import type { Tx } from "./tx.ts";

export interface AclRuleJson {
  action: "allow" | "deny";
  principal: { id: number };
  identity: string;
  scope: string;
  permission: string;
  propagate: boolean;
}

export async function readAcl(db: Db, id: number): Promise<AclRuleJson[]> {
  const rows = await db
    .select()
    .from(resourceAcl)
    .where(eq(resourceAcl.resourceId, id))
    .orderBy(asc(resourceAcl.position));
  return rows.map((r) => ({
    action: r.action === "deny" ? "deny" : "allow",
    principal: { id: r.principalId },
    identity: r.identity,
    scope: r.scope,
    permission: r.permission,
    propagate: r.propagate,
  }));
}

/** Validates a list of rules (NGW's ACLRule shape) and replaces the resource's ACL with it. */
export async function writeAcl(tx: Tx, id: number, value: unknown): Promise<void> {
  if (!Array.isArray(value))
    throw new ValidationError("'permissions' must be a list of ACL rules.");
  if (value.length > 1000) throw new ValidationError("Too many ACL rules.");
  const rules = value.map((v, i) => parseRule(v, i));
  for (const r of rules) {
    const p = await tx.db
      .select({ id: principal.id })
      .from(principal)
      .where(eq(principal.id, r.principalId));
    if (p.length === 0)
      throw new ValidationError(`ACL rule refers to unknown principal ${r.principalId}.`);
  }
  await tx.db.delete(resourceAcl).where(eq(resourceAcl.resourceId, id));
  if (rules.length > 0) {
    await tx.db
      .insert(resourceAcl)
      .values(rules.map((r, position) => ({ ...r, resourceId: id, position })));
  }
}

function parseRule(v: unknown, i: number) {
  if (typeof v !== "object" || v === null)
    throw new ValidationError(`ACL rule ${i} must be an object.`);
  const r = v as Record<string, unknown>;
  const action = r.action;
  if (action !== "allow" && action !== "deny")
    throw new ValidationError(`ACL rule ${i}: action must be allow or deny.`);
  const pid =
    typeof r.principal === "object" && r.principal !== null
      ? (r.principal as { id?: unknown }).id
      : undefined;
  if (typeof pid !== "number" || !Number.isSafeInteger(pid)) {
    throw new ValidationError(`ACL rule ${i}: principal must be {"id": <integer>}.`);
  }
  const identity = str(r.identity, i, "identity");
  const scope = str(r.scope, i, "scope");
  const permission = str(r.permission, i, "permission");
  if (scope !== "" && !SCOPES[scope])
    throw new ValidationError(`ACL rule ${i}: unknown scope '${scope}'.`);
  if (permission !== "") {
    if (scope === "") throw new ValidationError(`ACL rule ${i}: a permission needs a scope.`);
    if (!(permission in SCOPES[scope]!.permissions)) {
      throw new ValidationError(`ACL rule ${i}: unknown permission '${scope}.${permission}'.`);
    }
  }
  const propagate = r.propagate === undefined ? true : r.propagate;
  if (typeof propagate !== "boolean")
    throw new ValidationError(`ACL rule ${i}: propagate must be a boolean.`);
  return { action, principalId: pid, identity, scope, permission, propagate };
}

function str(v: unknown, i: number, what: string): string {
  if (v === undefined || v === null) return "";
  if (typeof v !== "string" || v.length > 100)
    throw new ValidationError(`ACL rule ${i}: ${what} must be a string.`);
  return v;
}
