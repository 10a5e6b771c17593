/** @module The effective-permission algorithm against NextGIS Web's rules (reference/ngw.md §5). */
import { describe, expect, test } from "bun:test";
import {
  type AclRule,
  type Actor,
  type ChainLink,
  effectivePermissions,
  SYSTEM,
} from "../../src/catalog/acl.ts";

const user = (id: number, groups: number[] = []): Actor => ({
  id,
  keyname: `u${id}`,
  displayName: `U${id}`,
  superuser: false,
  groups: new Set(groups),
  authMedium: "basic",
});
const guest: Actor = { ...user(SYSTEM.guest), authMedium: null };
const rule = (r: Partial<AclRule> & Pick<AclRule, "principalId">): AclRule => ({
  action: "allow",
  identity: "",
  scope: "",
  permission: "",
  propagate: true,
  ...r,
});
const link = (
  id: number,
  acl: AclRule[],
  cls = "resource_group",
  owner: number = SYSTEM.administrator,
): ChainLink => ({
  id,
  cls,
  ownerUserId: owner,
  acl,
});
const LAYER = ["resource", "datastruct", "data", "metadata"];

describe("effectivePermissions", () => {
  test("nothing is granted without a rule", () => {
    expect(effectivePermissions(user(10), [link(0, [])], ["resource"], true).size).toBe(0);
  });

  test("superuser bypasses the ACL", () => {
    const su = { ...user(10), superuser: true };
    expect(effectivePermissions(su, [link(0, [])], LAYER, true).has("data.write")).toBe(true);
  });

  test("propagated allow on a parent reaches the child; non-propagated does not", () => {
    const parent = link(1, [rule({ principalId: 10, scope: "resource", permission: "read" })]);
    const child = link(2, [], "vector_layer");
    expect(effectivePermissions(user(10), [parent, child], LAYER, true).has("resource.read")).toBe(
      true,
    );
    const parent2 = link(1, [
      rule({ principalId: 10, scope: "resource", permission: "read", propagate: false }),
    ]);
    expect(effectivePermissions(user(10), [parent2, child], LAYER, true).has("resource.read")).toBe(
      false,
    );
  });

  test("deny on the child beats an allow on the parent", () => {
    const parent = link(1, [rule({ principalId: 10 })]);
    const child = link(
      2,
      [rule({ principalId: 10, action: "deny", scope: "data", permission: "read" })],
      "vector_layer",
    );
    const p = effectivePermissions(user(10), [parent, child], LAYER, true);
    expect(p.has("resource.read")).toBe(true);
    expect(p.has("data.read")).toBe(false);
    // data.write requires data.read, so it is masked too
    expect(p.has("data.write")).toBe(false);
  });

  test("deny higher up beats allow lower down (no closest-rule-wins)", () => {
    const parent = link(1, [rule({ principalId: 10, action: "deny", scope: "data" })]);
    const child = link(2, [rule({ principalId: 10 })], "vector_layer");
    expect(effectivePermissions(user(10), [parent, child], LAYER, true).has("data.read")).toBe(
      false,
    );
  });

  test("requirements: without resource.read nothing else holds", () => {
    const only = link(1, [rule({ principalId: 10, scope: "data" })], "vector_layer");
    expect(effectivePermissions(user(10), [only], LAYER, true).size).toBe(0);
  });

  test("a resource whose parent is unreadable is unreadable", () => {
    const l = link(2, [rule({ principalId: 10 })], "vector_layer");
    expect(
      effectivePermissions(user(10), [link(1, []), l], LAYER, false).has("resource.read"),
    ).toBe(false);
  });

  test("identity narrows a rule to one class", () => {
    const parent = link(1, [rule({ principalId: 10, identity: "vector_layer" })]);
    expect(effectivePermissions(user(10), [parent], ["resource"], true).size).toBe(0);
    const l = link(2, [], "vector_layer");
    expect(effectivePermissions(user(10), [parent, l], LAYER, true).has("data.read")).toBe(true);
  });

  test("system principals: everyone, authenticated, owner and groups", () => {
    const r = (p: number) => [
      link(
        1,
        [rule({ principalId: p, scope: "resource", permission: "read" })],
        "resource_group",
        10,
      ),
    ];
    expect(
      effectivePermissions(guest, r(SYSTEM.everyone), ["resource"], true).has("resource.read"),
    ).toBe(true);
    expect(
      effectivePermissions(guest, r(SYSTEM.authenticated), ["resource"], true).has("resource.read"),
    ).toBe(false);
    expect(
      effectivePermissions(user(11), r(SYSTEM.authenticated), ["resource"], true).has(
        "resource.read",
      ),
    ).toBe(true);
    expect(
      effectivePermissions(user(10), r(SYSTEM.owner), ["resource"], true).has("resource.read"),
    ).toBe(true);
    expect(
      effectivePermissions(user(11), r(SYSTEM.owner), ["resource"], true).has("resource.read"),
    ).toBe(false);
    expect(
      effectivePermissions(user(11, [50]), r(50), ["resource"], true).has("resource.read"),
    ).toBe(true);
  });

  test("scope without permission grants every permission of that scope", () => {
    const p = effectivePermissions(
      user(10),
      [link(1, [rule({ principalId: 10, scope: "resource" })])],
      ["resource"],
      true,
    );
    expect([...p].sort()).toEqual([
      "resource.change_permissions",
      "resource.create",
      "resource.delete",
      "resource.manage_children",
      "resource.read",
      "resource.update",
    ]);
  });
});
