/**
 * @module Measure distance: while active, each click adds a vertex; the line and its geodesic
 * length (haversine on the WGS84 mean radius, the way NGW's display measures in EPSG:4326) show
 * on the map. Escape or the button ends it.
 */
import type { GeoJSONSource, Map as MlMap } from "maplibre-gl";
import { h } from "../app/dom.ts";

const R = 6371008.8;

export function haversine(a: [number, number], b: [number, number]): number {
  const rad = Math.PI / 180;
  const dLat = (b[1] - a[1]) * rad;
  const dLon = (b[0] - a[0]) * rad;
  const s =
    Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(s)));
}

export function formatDistance(m: number): string {
  return m >= 1000 ? `${(m / 1000).toFixed(m >= 100000 ? 0 : 2)} km` : `${m.toFixed(1)} m`;
}

export function measureTool(map: MlMap): { button: HTMLButtonElement; active: () => boolean } {
  let on = false;
  let points: [number, number][] = [];
  const readout = h("div", {
    class: "measure-readout",
    role: "status",
    "aria-live": "polite",
    hidden: true,
  });
  map.getContainer().append(readout);
  const data = () => ({
    type: "FeatureCollection" as const,
    features: [
      {
        type: "Feature" as const,
        properties: {},
        geometry: { type: "LineString" as const, coordinates: points },
      },
      ...points.map((p) => ({
        type: "Feature" as const,
        properties: {},
        geometry: { type: "Point" as const, coordinates: p },
      })),
    ],
  });
  const update = () => {
    (map.getSource("measure") as GeoJSONSource | undefined)?.setData(data());
    let total = 0;
    for (let i = 1; i < points.length; i++) total += haversine(points[i - 1]!, points[i]!);
    readout.textContent =
      points.length < 2 ? "Click on the map to add points" : `Distance: ${formatDistance(total)}`;
  };
  const ensureLayers = () => {
    if (map.getSource("measure")) return;
    map.addSource("measure", { type: "geojson", data: data() });
    map.addLayer({
      id: "measure-line",
      type: "line",
      source: "measure",
      paint: { "line-color": "#d9480f", "line-width": 2, "line-dasharray": [2, 1] },
    });
    map.addLayer({
      id: "measure-point",
      type: "circle",
      source: "measure",
      filter: ["==", ["geometry-type"], "Point"],
      paint: { "circle-radius": 4, "circle-color": "#d9480f" },
    });
  };
  const button = h(
    "button",
    { type: "button", class: "tool", "aria-pressed": "false", title: "Measure distance" },
    "Measure",
  );
  const set = (v: boolean) => {
    on = v;
    points = [];
    button.setAttribute("aria-pressed", String(v));
    readout.hidden = !v;
    map.getCanvas().style.cursor = v ? "crosshair" : "";
    if (v) ensureLayers();
    update();
  };
  button.addEventListener("click", () => set(!on));
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && on) set(false);
  });
  map.on("click", (e) => {
    if (!on) return;
    points.push([e.lngLat.lng, e.lngLat.lat]);
    update();
  });
  return { button, active: () => on };
}
