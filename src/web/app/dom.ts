/** @module A tiny DOM builder: h("button", { onclick }, "Save") — no framework, no innerHTML. */

type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;
export type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (typeof v === "function") el.addEventListener(k.replace(/^on/, ""), v);
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

/** Replaces the children of `el`. */
export function fill(el: Element, ...children: (Child | Child[])[]): void {
  el.replaceChildren(
    ...children
      .flat()
      .filter((c): c is Node | string | number => c !== null && c !== undefined && c !== false)
      .map((c) => (c instanceof Node ? c : String(c))),
  );
}

/** A modal <dialog>; resolves with the button value the user chose ("" when dismissed). */
export function dialog(
  title: string,
  body: Child | Child[],
  buttons: [string, string][],
): Promise<string> {
  const form = h(
    "form",
    { method: "dialog" },
    h("h2", {}, title),
    body,
    h(
      "div",
      { class: "buttons" },
      buttons.map(([value, label]) =>
        h("button", { value, class: value === "cancel" ? "" : "primary" }, label),
      ),
    ),
  );
  const d = h("dialog", { "aria-label": title }, form);
  document.body.append(d);
  d.showModal();
  return new Promise((resolve) => {
    d.addEventListener("close", () => {
      const v = d.returnValue === "cancel" ? "" : d.returnValue;
      d.remove();
      resolve(v);
    });
  });
}
