/**
 * @module The resource page /resource/{id}: breadcrumbs, actions the user's permissions allow,
 * children, properties, metadata and the permissions editor. Every change goes through the NGW
 * resource API (PUT/POST/DELETE /api/resource/…), then the page redraws.
 */
import { api } from "./api.ts";
import { dialog, fill, h } from "./dom.ts";
import { header } from "./header.ts";
import { metadataSection } from "./metadata.ts";
import { permissionsSection } from "./permissions.ts";
import {
  ancestors,
  clsLabel,
  getChildren,
  getPermissions,
  getResource,
  isFeatureLayer,
  isStyle,
  type Permissions,
  type ResourceJson,
} from "./resource.ts";
import { uploadSection } from "./upload.ts";

export async function browserPage(root: HTMLElement, id: number): Promise<void> {
  const top = await header();
  const main = h("main", { class: "browser", id: "main" });
  root.append(top.el, main);
  const status = h("p", { class: "status", role: "status", "aria-live": "polite" });
  const redraw = async () => {
    try {
      fill(main, await render(id, redraw, status));
    } catch (err) {
      const msg = (err as Error).message;
      fill(
        main,
        h("h1", {}, "Not available"),
        h("p", { class: "error" }, msg),
        top.user
          ? null
          : h(
              "p",
              {},
              h("a", { href: `/login?next=${encodeURIComponent(location.pathname)}` }, "Sign in"),
            ),
      );
    }
  };
  await redraw();
}

async function render(
  id: number,
  redraw: () => Promise<void>,
  status: HTMLElement,
): Promise<Node[]> {
  const [r, perms, children] = await Promise.all([
    getResource(id),
    getPermissions(id),
    getChildren(id).catch(() => []),
  ]);
  document.title = `${r.resource.display_name} · gisd`;
  const crumbs = await ancestors(id);
  const can = (scope: string, p: string) => perms[scope]?.[p] === true;
  const res = r.resource;
  const nav = h(
    "nav",
    { "aria-label": "Breadcrumbs", class: "crumbs" },
    h(
      "ol",
      {},
      crumbs.map((c, i) =>
        h(
          "li",
          {},
          i === crumbs.length - 1
            ? h("span", { "aria-current": "page" }, c.name)
            : h("a", { href: `/resource/${c.id}` }, c.name),
        ),
      ),
    ),
  );
  const sections: Node[] = [
    nav,
    h("h1", {}, res.display_name, " ", h("small", {}, clsLabel(res.cls))),
    actions(r, perms, redraw, status),
    status,
  ];
  if (res.children || children.length > 0) sections.push(childrenSection(children));
  if (res.cls === "resource_group" && can("resource", "manage_children"))
    sections.push(uploadSection(id, redraw, status));
  sections.push(propertiesSection(r));
  if (r.resmeta) sections.push(metadataSection(r, can("resource", "update"), redraw, status));
  if (can("resource", "change_permissions"))
    sections.push(await permissionsSection(r, redraw, status));
  return sections;
}

function links(r: ResourceJson): Node[] {
  const id = r.resource.id;
  const out: Node[] = [];
  if (r.resource.cls === "webmap") {
    out.push(h("a", { href: `/resource/${id}/display`, class: "button primary" }, "Open map"));
  }
  if (isFeatureLayer(r)) {
    out.push(h("a", { href: `/resource/${id}/feature/`, class: "button" }, "Feature table"));
    out.push(h("a", { href: `/api/resource/${id}/geojson`, class: "button" }, "GeoJSON"));
  }
  if (isFeatureLayer(r) || r.resource.cls === "raster_layer" || isStyle(r.resource.cls)) {
    out.push(h("a", { href: `/resource/${id}/preview`, class: "button" }, "Preview"));
  }
  return out;
}

function actions(
  r: ResourceJson,
  perms: Permissions,
  redraw: () => Promise<void>,
  status: HTMLElement,
): HTMLElement {
  const res = r.resource;
  const can = (p: string) => perms.resource?.[p] === true;
  const say = (msg: string, error = false) => {
    status.textContent = msg;
    status.className = error ? "status error" : "status";
  };
  const run = async (what: () => Promise<unknown>, done: string) => {
    try {
      await what();
      await redraw();
      say(done);
    } catch (err) {
      say((err as Error).message, true);
    }
  };
  const createGroup = async () => {
    const name = h("input", { id: "group-name", required: true, autofocus: true });
    const ok = await dialog(
      "Create resource group",
      [h("label", { for: "group-name" }, "Name"), name],
      [
        ["cancel", "Cancel"],
        ["create", "Create"],
      ],
    );
    if (ok !== "create" || name.value.trim() === "") return;
    await run(
      () =>
        api("/api/resource/", {
          method: "POST",
          json: {
            resource: {
              cls: "resource_group",
              parent: { id: res.id },
              display_name: name.value.trim(),
            },
          },
        }),
      `Created “${name.value.trim()}”.`,
    );
  };
  const rename = async () => {
    const name = h("input", { id: "new-name", value: res.display_name, required: true });
    const ok = await dialog(
      "Rename",
      [h("label", { for: "new-name" }, "New name"), name],
      [
        ["cancel", "Cancel"],
        ["save", "Rename"],
      ],
    );
    if (ok !== "save") return;
    await run(
      () =>
        api(`/api/resource/${res.id}`, {
          method: "PUT",
          json: { resource: { display_name: name.value.trim() } },
        }),
      "Renamed.",
    );
  };
  const move = async () => {
    const groups = await api<ResourceJson[]>("/api/resource/search/?cls=resource_group");
    const select = h(
      "select",
      { id: "move-to" },
      groups
        .filter((g) => g.resource.id !== res.id)
        .map((g) =>
          h(
            "option",
            { value: g.resource.id, selected: g.resource.id === res.parent?.id },
            `${g.resource.display_name} (#${g.resource.id})`,
          ),
        ),
    );
    const ok = await dialog(
      "Move to",
      [h("label", { for: "move-to" }, "Parent group"), select],
      [
        ["cancel", "Cancel"],
        ["move", "Move"],
      ],
    );
    if (ok !== "move") return;
    await run(
      () =>
        api(`/api/resource/${res.id}`, {
          method: "PUT",
          json: { resource: { parent: { id: Number(select.value) } } },
        }),
      "Moved.",
    );
  };
  const remove = async () => {
    const ok = await dialog(
      "Delete resource",
      h("p", {}, `Delete “${res.display_name}” and everything inside it? This cannot be undone.`),
      [
        ["cancel", "Cancel"],
        ["delete", "Delete"],
      ],
    );
    if (ok !== "delete") return;
    try {
      await api(`/api/resource/${res.id}`, { method: "DELETE" });
      location.href = `/resource/${res.parent?.id ?? 0}`;
    } catch (err) {
      say((err as Error).message, true);
    }
  };
  const button = (label: string, onclick: () => void, cls = "") =>
    h("button", { type: "button", onclick, class: cls }, label);
  return h(
    "div",
    { class: "toolbar", role: "toolbar", "aria-label": "Actions" },
    links(r),
    res.cls === "resource_group" && can("manage_children")
      ? button("Create group", createGroup)
      : null,
    res.parent && can("update") ? button("Rename", rename) : null,
    res.parent && can("update") ? button("Move", move) : null,
    res.parent && can("delete") ? button("Delete", remove, "danger") : null,
  );
}

function childrenSection(children: ResourceJson[]): HTMLElement {
  return h(
    "section",
    { "aria-labelledby": "children-title" },
    h("h2", { id: "children-title" }, "Children"),
    children.length === 0
      ? h("p", {}, "Nothing you may see.")
      : h(
          "table",
          { class: "children" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              h("th", { scope: "col" }, "Name"),
              h("th", { scope: "col" }, "Type"),
              h("th", { scope: "col" }, ""),
            ),
          ),
          h(
            "tbody",
            {},
            children.map((c) =>
              h(
                "tr",
                {},
                h(
                  "td",
                  {},
                  h("a", { href: `/resource/${c.resource.id}` }, c.resource.display_name),
                ),
                h("td", {}, clsLabel(c.resource.cls)),
                h(
                  "td",
                  {},
                  c.resource.cls === "webmap"
                    ? h("a", { href: `/resource/${c.resource.id}/display` }, "Open map")
                    : null,
                ),
              ),
            ),
          ),
        ),
  );
}

function propertiesSection(r: ResourceJson): HTMLElement {
  const res = r.resource;
  const rows: [string, Node | string][] = [
    ["Id", String(res.id)],
    ["Type", `${clsLabel(res.cls)} (${res.cls})`],
    ["Keyname", res.keyname ?? "—"],
    ["Owner", `user #${res.owner_user.id}`],
  ];
  if (res.creation_date) rows.push(["Created", res.creation_date.replace("T", " ")]);
  const fl = r.feature_layer as
    | { geometry_type?: string; fields?: { keyname: string; datatype: string }[] }
    | undefined;
  if (fl?.geometry_type) rows.push(["Geometry", fl.geometry_type]);
  if (fl?.fields)
    rows.push(["Fields", fl.fields.map((f) => `${f.keyname} (${f.datatype})`).join(", ") || "—"]);
  const description = h("div", { class: "description" });
  // The server stores descriptions through an allow-list sanitizer (tags without attributes).
  if (res.description) description.innerHTML = res.description;
  return h(
    "section",
    { "aria-labelledby": "props-title" },
    h("h2", { id: "props-title" }, "Properties"),
    h(
      "dl",
      { class: "props" },
      rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]),
    ),
    res.description ? description : null,
  );
}
