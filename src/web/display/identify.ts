/**
 * @module Identify on click: NGW's POST /api/feature_layer/identify with a small box around the
 * clicked pixel (in EPSG:4326) over the visible identifiable layers, then each feature's
 * attributes and attachments (GET /api/resource/{layer}/feature/{id}) in a popup.
 */
import { type MapMouseEvent, type Map as MlMap, Popup } from "maplibre-gl";
import { api } from "../app/api.ts";
import { h } from "../app/dom.ts";
import type { DisplayLayer } from "./config.ts";

const TOLERANCE_PX = 6;

interface Hit {
  id: number;
  layerId: number;
  label: string;
  fields: Record<string, unknown>;
}

interface Attachment {
  id: number;
  name: string | null;
  size: number;
  is_image: boolean;
}

function value(v: unknown): string {
  if (v === null || v === undefined) return "—";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

async function featureCard(hit: Hit, title: string): Promise<HTMLElement> {
  let attachments: Attachment[] = [];
  try {
    const f = await api<{ extensions?: { attachment?: Attachment[] | null } }>(
      `/api/resource/${hit.layerId}/feature/${hit.id}?geom=no`,
    );
    attachments = f.extensions?.attachment ?? [];
  } catch {
    attachments = [];
  }
  const base = `/api/resource/${hit.layerId}/feature/${hit.id}/attachment`;
  return h(
    "article",
    { class: "feature" },
    h("h3", {}, `${title}: ${hit.label || `#${hit.id}`}`),
    h(
      "table",
      {},
      h(
        "tbody",
        {},
        Object.entries(hit.fields).map(([k, v]) =>
          h("tr", {}, h("th", { scope: "row" }, k), h("td", {}, value(v))),
        ),
      ),
    ),
    attachments.length > 0
      ? h(
          "ul",
          { class: "attachments" },
          attachments.map((a) =>
            h(
              "li",
              {},
              h(
                "a",
                { href: `${base}/${a.id}/download`, target: "_blank", rel: "noopener" },
                a.name ?? `attachment ${a.id}`,
              ),
            ),
          ),
        )
      : null,
  );
}

/**
 * Identify on click, and from the keyboard: with the map focused, Enter identifies what is under
 * the centre (arrow keys pan the map there first, as MapLibre's keyboard handler does).
 */
export function enableIdentify(
  map: MlMap,
  layers: () => DisplayLayer[],
  active: () => boolean,
): void {
  const popup = new Popup({ maxWidth: "360px", focusAfterOpen: true });
  const identifyAt = async (x: number, y: number) => {
    const targets = layers().filter((l) => l.identifiable);
    if (targets.length === 0) return;
    const a = map.unproject([x - TOLERANCE_PX, y + TOLERANCE_PX]);
    const b = map.unproject([x + TOLERANCE_PX, y - TOLERANCE_PX]);
    const wkt = `POLYGON((${a.lng} ${a.lat},${b.lng} ${a.lat},${b.lng} ${b.lat},${a.lng} ${b.lat},${a.lng} ${a.lat}))`;
    const ids = [...new Set(targets.map((l) => l.layerId))];
    let answer: Record<string, { features?: Hit[] } | number>;
    try {
      answer = await api("/api/feature_layer/identify", {
        method: "POST",
        json: { geom: wkt, srs: 4326, layers: ids },
      });
    } catch {
      return;
    }
    const titles = new Map(targets.map((l) => [l.layerId, l.title]));
    const hits = ids.flatMap((id) => {
      const r = answer[String(id)];
      return typeof r === "object" && r.features ? r.features : [];
    });
    if (hits.length === 0) {
      popup.remove();
      return;
    }
    const cards = await Promise.all(
      hits.slice(0, 10).map((hit) => featureCard(hit, titles.get(hit.layerId) ?? "")),
    );
    popup
      .setLngLat(map.unproject([x, y]))
      .setDOMContent(
        h("div", { class: "identify", role: "dialog", "aria-label": "Features here" }, cards),
      )
      .addTo(map);
  };
  map.on("click", (e: MapMouseEvent) => {
    if (active()) identifyAt(e.point.x, e.point.y);
  });
  const canvas = map.getCanvas();
  canvas.setAttribute(
    "aria-label",
    "Map. Arrow keys pan, + and - zoom, Enter identifies the centre.",
  );
  canvas.addEventListener("keydown", (e) => {
    if (e.key !== "Enter" || !active()) return;
    const { clientWidth: w, clientHeight: hgt } = canvas;
    identifyAt(w / 2, hgt / 2);
  });
}
