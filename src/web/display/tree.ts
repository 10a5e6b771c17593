/**
 * @module The layer panel: the map's tree (first item on top) with a checkbox per group and
 * layer (radio buttons in exclusive groups), an opacity slider and "zoom to layer" per layer,
 * and the basemap chooser. A layer is drawn when it and all its groups are checked.
 */
import type { Map as MlMap } from "maplibre-gl";
import { h } from "../app/dom.ts";
import type { DisplayConfig, DisplayLayer, DisplayTreeNode } from "./config.ts";
import { BASEMAP_PREFIX, styleLayerIds } from "./style.ts";

export interface TreeState {
  /** Checked keys (layers and groups). */
  checked: Set<string>;
}

export function visibleLayers(cfg: DisplayConfig, state: TreeState): DisplayLayer[] {
  return cfg.layers.filter(
    (l) => state.checked.has(l.key) && groupKeysOf(l.key).every((g) => state.checked.has(g)),
  );
}

/** "1.0.2" -> ["1", "1.0"]: the keys of the enclosing groups. */
function groupKeysOf(key: string): string[] {
  const parts = key.split(".");
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join("."));
}

export function applyVisibility(map: MlMap, cfg: DisplayConfig, state: TreeState): void {
  const on = new Set(visibleLayers(cfg, state).map((l) => l.key));
  for (const l of cfg.layers)
    for (const id of styleLayerIds(l))
      if (map.getLayer(id))
        map.setLayoutProperty(id, "visibility", on.has(l.key) ? "visible" : "none");
}

function setOpacity(map: MlMap, l: DisplayLayer, v: number): void {
  if (l.source.kind === "raster") map.setPaintProperty(`layer-${l.key}`, "raster-opacity", v);
  else {
    map.setPaintProperty(`layer-${l.key}-fill`, "fill-opacity", 0.35 * v);
    map.setPaintProperty(`layer-${l.key}-line`, "line-opacity", v);
    map.setPaintProperty(`layer-${l.key}-point`, "circle-opacity", v);
  }
}

export async function zoomToLayer(map: MlMap, layerId: number): Promise<void> {
  const res = await fetch(`/api/resource/${layerId}/extent`, { credentials: "same-origin" });
  if (!res.ok) return;
  const e = (await res.json())?.extent;
  if (!e || e.minLon === null || e.minLon === undefined) return;
  map.fitBounds(
    [
      [e.minLon, e.minLat],
      [e.maxLon, e.maxLat],
    ],
    { padding: 40, maxZoom: 16, duration: 0 },
  );
}

export function layerPanel(
  map: MlMap,
  cfg: DisplayConfig,
  state: TreeState,
  onChange: () => void,
): HTMLElement {
  const byKey = new Map(cfg.layers.map((l) => [l.key, l]));
  const redraw = () => {
    applyVisibility(map, cfg, state);
    onChange();
  };
  const toggle = (key: string, on: boolean, siblings: string[] = []) => {
    if (on) for (const s of siblings) state.checked.delete(s);
    if (on) state.checked.add(key);
    else state.checked.delete(key);
    redraw();
  };
  const node = (
    n: DisplayTreeNode,
    exclusiveSiblings: string[] | null,
    radioName: string,
  ): HTMLElement | null => {
    const id = `t-${n.key.replace(/\./g, "-")}`;
    const type = exclusiveSiblings ? "radio" : "checkbox";
    const box = h("input", {
      type,
      id,
      name: exclusiveSiblings ? radioName : null,
      checked: state.checked.has(n.key),
    });
    box.addEventListener("change", () => {
      if (exclusiveSiblings) {
        for (const s of exclusiveSiblings) state.checked.delete(s);
      }
      toggle(n.key, box.checked);
    });
    if (n.type === "group") {
      const keys = n.children.map((c) => c.key);
      const children = n.children.map((c) => node(c, n.exclusive ? keys : null, `g-${id}`));
      return h(
        "li",
        { class: "group" },
        h(
          "details",
          { open: n.expanded },
          h("summary", {}, box, h("label", { for: id }, n.title)),
          h("ul", {}, children),
        ),
      );
    }
    const l = byKey.get(n.key);
    if (!l) return null;
    const opacity = h("input", {
      type: "range",
      min: 0,
      max: 1,
      step: 0.05,
      value: l.opacity,
      "aria-label": `Opacity of ${l.title}`,
    });
    opacity.addEventListener("input", () => setOpacity(map, l, Number(opacity.value)));
    const zoom = h(
      "button",
      {
        type: "button",
        class: "icon",
        title: "Zoom to layer",
        "aria-label": `Zoom to ${l.title}`,
        onclick: () => zoomToLayer(map, l.layerId),
      },
      "⤢",
    );
    return h(
      "li",
      { class: "layer" },
      h("div", { class: "row" }, box, h("label", { for: id }, l.title), zoom),
      opacity,
    );
  };
  const basemap = h(
    "select",
    { id: "basemap", "aria-label": "Basemap" },
    h("option", { value: "" }, "No basemap"),
    cfg.basemaps.map((b, i) => h("option", { value: b.resourceId, selected: i === 0 }, b.title)),
  );
  basemap.addEventListener("change", () => {
    for (const b of cfg.basemaps)
      map.setLayoutProperty(
        `${BASEMAP_PREFIX}${b.resourceId}`,
        "visibility",
        String(b.resourceId) === basemap.value ? "visible" : "none",
      );
  });
  return h(
    "div",
    { class: "tree" },
    h("h2", {}, "Layers"),
    h(
      "ul",
      { class: "layers" },
      cfg.tree.map((n) => node(n, null, "root")),
    ),
    cfg.basemaps.length > 0
      ? [h("h2", {}, h("label", { for: "basemap" }, "Basemap")), basemap]
      : null,
  );
}
