/**
 * @module The permissions editor: this resource's ACL rules (NGW's resource.permissions, the
 * ACLRule list of reference/ngw.md §3.1), edited as rows and saved with one PUT. Scopes and
 * permissions come from /api/component/resource/blueprint; principals from the auth API.
 */
import { api } from "./api.ts";
import { h } from "./dom.ts";
import type { AclRule, ResourceJson } from "./resource.ts";

interface Principal {
  id: number;
  label: string;
}

async function principals(): Promise<Principal[]> {
  const [users, groups] = await Promise.all([
    api<{ id: number; keyname: string; display_name: string }[]>("/api/component/auth/user/").catch(
      () => [],
    ),
    api<{ id: number; keyname: string; display_name: string }[]>(
      "/api/component/auth/group/",
    ).catch(() => []),
  ]);
  return [
    ...users.map((u) => ({ id: u.id, label: `${u.display_name} (user)` })),
    ...groups.map((g) => ({ id: g.id, label: `${g.display_name} (group)` })),
  ];
}

async function scopes(): Promise<Record<string, string[]>> {
  const bp = await api<{ scopes?: Record<string, { permissions: Record<string, unknown> }> }>(
    "/api/component/resource/blueprint",
  ).catch(() => ({ scopes: undefined }));
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(bp.scopes ?? {})) out[k] = Object.keys(v.permissions ?? {});
  return out;
}

export async function permissionsSection(
  r: ResourceJson,
  redraw: () => Promise<void>,
  status: HTMLElement,
): Promise<HTMLElement> {
  const [people, scopeMap] = await Promise.all([principals(), scopes()]);
  const body = h("tbody");
  const addRow = (rule: AclRule) => {
    const action = h(
      "select",
      { "aria-label": "Action" },
      ["allow", "deny"].map((a) => h("option", { value: a, selected: a === rule.action }, a)),
    );
    const known = people.some((p) => p.id === rule.principal.id);
    const principal = h(
      "select",
      { "aria-label": "Principal" },
      known
        ? null
        : h("option", { value: rule.principal.id, selected: true }, `#${rule.principal.id}`),
      people.map((p) =>
        h("option", { value: p.id, selected: p.id === rule.principal.id }, p.label),
      ),
    );
    const perms = [
      "",
      ...Object.entries(scopeMap).flatMap(([s, ps]) => [
        "" + s + ":",
        ...ps.map((p) => `${s}:${p}`),
      ]),
    ];
    const current = rule.scope === "" ? "" : `${rule.scope}:${rule.permission}`;
    if (!perms.includes(current)) perms.push(current);
    const permission = h(
      "select",
      { "aria-label": "Permission" },
      perms.map((p) =>
        h(
          "option",
          { value: p, selected: p === current },
          p === "" ? "all permissions" : p.endsWith(":") ? `${p.slice(0, -1)}: all` : p,
        ),
      ),
    );
    const identity = h("input", {
      "aria-label": "Resource class (empty: any)",
      value: rule.identity,
      size: 12,
    });
    const propagate = h("input", {
      type: "checkbox",
      "aria-label": "Propagate to children",
      checked: rule.propagate,
    });
    const tr = h(
      "tr",
      {},
      h("td", {}, action),
      h("td", {}, principal),
      h("td", {}, permission),
      h("td", {}, identity),
      h("td", {}, propagate),
      h(
        "td",
        {},
        h(
          "button",
          { type: "button", "aria-label": "Remove rule", onclick: () => tr.remove() },
          "×",
        ),
      ),
    );
    body.append(tr);
  };
  for (const rule of r.resource.permissions) addRow(rule);
  const save = async () => {
    const rules: AclRule[] = Array.from(body.rows).map((tr) => {
      const [action, principal, permission] = Array.from(tr.querySelectorAll("select")).map(
        (s) => s.value,
      );
      const [identity, propagate] = Array.from(tr.querySelectorAll("input"));
      const [scope = "", perm = ""] = (permission ?? "").split(":");
      return {
        action: action as "allow" | "deny",
        principal: { id: Number(principal) },
        identity: identity!.value.trim(),
        scope,
        permission: perm,
        propagate: propagate!.checked,
      };
    });
    try {
      await api(`/api/resource/${r.resource.id}`, {
        method: "PUT",
        json: { resource: { permissions: rules } },
      });
      await redraw();
      status.textContent = "Permissions saved.";
    } catch (err) {
      status.textContent = (err as Error).message;
      status.className = "status error";
    }
  };
  const blank: AclRule = {
    action: "allow",
    principal: { id: people[0]?.id ?? 0 },
    identity: "",
    scope: "resource",
    permission: "read",
    propagate: true,
  };
  return h(
    "section",
    { "aria-labelledby": "perm-title" },
    h("h2", { id: "perm-title" }, "Permissions"),
    h(
      "p",
      { class: "hint" },
      "Rules of this resource; rules of the parents apply too. A deny always wins.",
    ),
    h(
      "div",
      { class: "scroll" },
      h(
        "table",
        { class: "edit" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ["Action", "Principal", "Permission", "Class", "Propagate", ""].map((t) =>
              h("th", { scope: "col" }, t),
            ),
          ),
        ),
        body,
      ),
    ),
    h(
      "div",
      { class: "buttons" },
      h("button", { type: "button", onclick: () => addRow(blank) }, "Add rule"),
      h("button", { type: "button", class: "primary", onclick: save }, "Save permissions"),
    ),
  );
}
