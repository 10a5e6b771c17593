/** @module The metadata section: resmeta items (key → text/number/bool), editable with resource.update. */
import { api } from "./api.ts";
import { h } from "./dom.ts";
import type { ResourceJson } from "./resource.ts";

type Value = string | number | boolean;

/** Text typed into a value box keeps NGW's types: numbers and true/false stay typed. */
function typed(text: string): Value {
  if (/^-?\d+(\.\d+)?$/.test(text.trim())) return Number(text);
  if (text === "true" || text === "false") return text === "true";
  return text;
}

export function metadataSection(
  r: ResourceJson,
  editable: boolean,
  redraw: () => Promise<void>,
  status: HTMLElement,
): HTMLElement {
  const items = Object.entries(r.resmeta?.items ?? {});
  const body = h("tbody");
  const addRow = (k = "", v: Value = "") => {
    const key = h("input", { "aria-label": "Key", value: k, disabled: !editable });
    const value = h("input", { "aria-label": "Value", value: String(v), disabled: !editable });
    const tr = h(
      "tr",
      {},
      h("td", {}, key),
      h("td", {}, value),
      h(
        "td",
        {},
        editable
          ? h(
              "button",
              { type: "button", "aria-label": `Remove ${k || "item"}`, onclick: () => tr.remove() },
              "×",
            )
          : null,
      ),
    );
    body.append(tr);
  };
  for (const [k, v] of items) addRow(k, v);
  const save = async () => {
    const out: Record<string, Value> = {};
    for (const tr of Array.from(body.rows)) {
      const [k, v] = Array.from(tr.querySelectorAll("input")).map((i) => i.value);
      if (k) out[k] = typed(v ?? "");
    }
    try {
      await api(`/api/resource/${r.resource.id}`, {
        method: "PUT",
        json: { resmeta: { items: out } },
      });
      await redraw();
      status.textContent = "Metadata saved.";
    } catch (err) {
      status.textContent = (err as Error).message;
      status.className = "status error";
    }
  };
  return h(
    "section",
    { "aria-labelledby": "meta-title" },
    h("h2", { id: "meta-title" }, "Metadata"),
    items.length === 0 && !editable
      ? h("p", {}, "No metadata.")
      : h(
          "table",
          { class: "edit" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              h("th", { scope: "col" }, "Key"),
              h("th", { scope: "col" }, "Value"),
              h("th", {}),
            ),
          ),
          body,
        ),
    editable
      ? h(
          "div",
          { class: "buttons" },
          h("button", { type: "button", onclick: () => addRow() }, "Add item"),
          h("button", { type: "button", class: "primary", onclick: save }, "Save metadata"),
        )
      : null,
  );
}
