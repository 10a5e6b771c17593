/**
 * @module The feature table /resource/{id}/feature/: a page of features from the NGW feature API
 * (limit/offset, order_by) with one attribute filter (fld_{keyname}__{op}=value). One extra row is
 * asked for to know whether a next page exists, so paging works under any filter.
 */
import { api } from "./api.ts";
import { fill, h } from "./dom.ts";
import { header } from "./header.ts";
import { getResource } from "./resource.ts";

const PAGE = 50;
const OPS: [string, string][] = [
  ["eq", "="],
  ["ne", "≠"],
  ["lt", "<"],
  ["le", "≤"],
  ["gt", ">"],
  ["ge", "≥"],
  ["ilike", "contains"],
  ["isnull", "is empty (yes/no)"],
];

interface Feature {
  id: number;
  fields: Record<string, unknown>;
}

function show(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "object") {
    const o = v as Record<string, number>;
    if ("year" in o)
      return `${o.year}-${String(o.month).padStart(2, "0")}-${String(o.day).padStart(2, "0")}${"hour" in o ? ` ${String(o.hour).padStart(2, "0")}:${String(o.minute).padStart(2, "0")}` : ""}`;
    return JSON.stringify(v);
  }
  return String(v);
}

export async function tablePage(root: HTMLElement, id: number): Promise<void> {
  const top = await header();
  const main = h("main", { class: "table-page", id: "main" });
  root.append(top.el, main);
  let r: Awaited<ReturnType<typeof getResource>>;
  try {
    r = await getResource(id);
  } catch (err) {
    fill(main, h("h1", {}, "Not available"), h("p", { class: "error" }, (err as Error).message));
    return;
  }
  const fields =
    (r.feature_layer as { fields: { keyname: string; display_name: string }[] } | undefined)
      ?.fields ?? [];
  document.title = `${r.resource.display_name} — features · gisd`;
  let offset = 0;
  const field = h(
    "select",
    { id: "filter-field", "aria-label": "Field" },
    fields.map((f) => h("option", { value: f.keyname }, f.display_name)),
  );
  const op = h(
    "select",
    { id: "filter-op", "aria-label": "Operator" },
    OPS.map(([v, l]) => h("option", { value: v }, l)),
  );
  const value = h("input", { id: "filter-value", "aria-label": "Value", placeholder: "value" });
  const table = h("table", { class: "features" });
  const pager = h("div", { class: "pager" });
  const status = h("p", { class: "status", role: "status", "aria-live": "polite" });

  const load = async () => {
    const q = new URLSearchParams({
      limit: String(PAGE + 1),
      offset: String(offset),
      geom: "no",
      extensions: "",
    });
    if (value.value !== "" && field.value) {
      const v = op.value === "ilike" ? `%${value.value}%` : value.value;
      q.set(`fld_${field.value}__${op.value}`, v);
    }
    try {
      const rows = await api<Feature[]>(`/api/resource/${id}/feature/?${q}`);
      status.className = "status";
      status.textContent =
        rows.length === 0
          ? "No features."
          : `Features ${offset + 1}–${offset + Math.min(rows.length, PAGE)}`;
      fill(
        table,
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col" }, "#"),
            fields.map((f) => h("th", { scope: "col" }, f.display_name)),
          ),
        ),
        h(
          "tbody",
          {},
          rows.slice(0, PAGE).map((f) =>
            h(
              "tr",
              {},
              h("td", {}, f.id),
              fields.map((fd) => h("td", {}, show(f.fields[fd.keyname]))),
            ),
          ),
        ),
      );
      fill(
        pager,
        h(
          "button",
          {
            type: "button",
            disabled: offset === 0,
            onclick: () => turn(-PAGE),
          },
          "‹ Previous",
        ),
        h(
          "button",
          {
            type: "button",
            disabled: rows.length <= PAGE,
            onclick: () => turn(PAGE),
          },
          "Next ›",
        ),
      );
    } catch (err) {
      status.className = "status error";
      status.textContent = (err as Error).message;
    }
  };
  const turn = (by: number) => {
    offset = Math.max(0, offset + by);
    load();
  };
  const apply = (e: Event) => {
    e.preventDefault();
    offset = 0;
    load();
  };
  fill(
    main,
    h(
      "nav",
      { class: "crumbs", "aria-label": "Breadcrumbs" },
      h("a", { href: `/resource/${id}` }, `← ${r.resource.display_name}`),
    ),
    h("h1", {}, r.resource.display_name, " ", h("small", {}, "features")),
    h(
      "form",
      { class: "filter", onsubmit: apply, role: "search" },
      field,
      op,
      value,
      h("button", { type: "submit", class: "primary" }, "Filter"),
    ),
    status,
    h("div", { class: "scroll" }, table),
    pager,
  );
  await load();
}
