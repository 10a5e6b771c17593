/**
 * @module Entry of the map bundle: the web map display (/resource/{id}/display), its embeddable
 * tiny form (/display/tiny: the map alone) and the layer preview. The view is kept in the URL
 * hash (#zoom/lat/lng), so a link reopens the same view.
 */
import {
  Map as MapLibreMap,
  type Map as MlMap,
  NavigationControl,
  ScaleControl,
  setWorkerUrl,
} from "maplibre-gl";
import { api } from "./app/api.ts";
import { h } from "./app/dom.ts";
import { header } from "./app/header.ts";
import type { DisplayConfig } from "./display/config.ts";
import { enableIdentify } from "./display/identify.ts";
import { measureTool } from "./display/measure.ts";
import { previewConfig } from "./display/preview.ts";
import { buildStyle } from "./display/style.ts";
import { layerPanel, type TreeState, visibleLayers } from "./display/tree.ts";

const body = document.body;
const page = body.dataset.page ?? "display";
const id = Number(body.dataset.id);
if (body.dataset.worker) setWorkerUrl(new URL(body.dataset.worker, location.href).href);

function initialChecks(cfg: DisplayConfig): Set<string> {
  const checked = new Set(cfg.layers.filter((l) => l.visible).map((l) => l.key));
  const walk = (nodes: DisplayConfig["tree"]) => {
    for (const n of nodes)
      if (n.type === "group") {
        if (n.visible) checked.add(n.key);
        walk(n.children);
      }
  };
  walk(cfg.tree);
  return checked;
}

/** NGW's layer extent answer; minLon is null for an empty layer. */
interface ExtentJson {
  extent?: { minLon: number | null; minLat: number; maxLon: number; maxLat: number };
}

/** The map's extent, or the union of its layers' extents when the map has none. */
async function startBounds(cfg: DisplayConfig): Promise<[number, number, number, number] | null> {
  if (cfg.extent) return cfg.extent;
  let box: [number, number, number, number] | null = null;
  for (const l of cfg.layers) {
    const e = (await api<ExtentJson>(`/api/resource/${l.layerId}/extent`).catch(() => null))
      ?.extent;
    if (!e || e.minLon === null) continue;
    box = box
      ? [
          Math.min(box[0], e.minLon),
          Math.min(box[1], e.minLat),
          Math.max(box[2], e.maxLon),
          Math.max(box[3], e.maxLat),
        ]
      : [e.minLon, e.minLat, e.maxLon, e.maxLat];
  }
  return box;
}

async function main(): Promise<void> {
  const tiny = page === "tiny";
  const mapEl = h("div", { id: "map", role: "region", "aria-label": "Map" });
  const panel = h("aside", { id: "panel", "aria-label": "Layers" });
  const shell = h("div", { class: tiny ? "display tiny" : "display" });
  if (!tiny) {
    const top = await header();
    body.append(top.el);
  }
  shell.append(mapEl);
  body.append(shell);
  let cfg: DisplayConfig;
  try {
    cfg =
      page === "preview"
        ? await previewConfig(id)
        : await api<DisplayConfig>(`/ui/api/display/${id}`);
  } catch (err) {
    mapEl.append(h("p", { class: "error map-error", role: "alert" }, (err as Error).message));
    return;
  }
  document.title = `${cfg.title} · gisd`;
  const bounds = location.hash ? null : await startBounds(cfg);
  const map: MlMap = new MapLibreMap({
    container: mapEl,
    style: buildStyle(cfg, cfg.basemaps[0]?.resourceId ?? null),
    hash: true,
    attributionControl: { compact: true },
    ...(bounds
      ? { bounds, fitBoundsOptions: { padding: 40, maxZoom: 16 } }
      : { center: [0, 0], zoom: 1 }),
    ...(cfg.maxBounds ? { maxBounds: cfg.maxBounds } : {}),
  });
  map.addControl(new NavigationControl({ showCompass: false }), "top-right");
  map.addControl(new ScaleControl({}), "bottom-left");
  (window as unknown as { gisdMap: MlMap }).gisdMap = map;
  const state: TreeState = { checked: initialChecks(cfg) };
  await new Promise<void>((resolve) => map.once("load", () => resolve()));
  const measure = measureTool(map);
  enableIdentify(
    map,
    () => visibleLayers(cfg, state),
    () => !measure.active(),
  );
  if (tiny) {
    mapEl.append(
      h(
        "a",
        {
          class: "open-full",
          href: `/resource/${id}/display${location.hash}`,
          target: "_blank",
          rel: "noopener",
        },
        "Open full map",
      ),
    );
    return;
  }
  const toggle = h(
    "button",
    {
      type: "button",
      class: "tool panel-toggle",
      "aria-controls": "panel",
      "aria-expanded": "true",
    },
    "Layers",
  );
  toggle.addEventListener("click", () => {
    const open = shell.classList.toggle("panel-closed");
    toggle.setAttribute("aria-expanded", String(!open));
    map.resize();
  });
  panel.append(
    h("h1", {}, cfg.title),
    layerPanel(map, cfg, state, () => {}),
    h("p", { class: "hint" }, "Click a feature to see its attributes."),
    page === "display"
      ? h("a", { href: `/resource/${id}` }, "Map resource")
      : h("a", { href: `/resource/${id}` }, "Back to the resource"),
  );
  shell.prepend(panel);
  mapEl.append(
    h(
      "div",
      { class: "tools", role: "toolbar", "aria-label": "Map tools" },
      toggle,
      measure.button,
    ),
  );
  if (matchMedia("(max-width: 640px)").matches) toggle.click();
  map.resize();
}

main();
