/**
 * @module The MapLibre style of a display: background, basemaps (raster XYZ) and the map's
 * layers in drawing order. A styled layer is a raster source of gisd-rendered PNG tiles; a layer
 * without a style is an MVT source (layer name `ngw:{id}`, as NGW's tiles name it) drawn with a
 * plain paint. No glyphs or sprites are needed, so nothing is fetched from elsewhere.
 */
import type {
  FilterSpecification,
  LayerSpecification,
  SourceSpecification,
  StyleSpecification,
} from "maplibre-gl";
import type { DisplayConfig, DisplayLayer } from "./config.ts";

export const BASEMAP_PREFIX = "basemap-";
const PAINT = "#1f6feb";

/** MapLibre needs absolute tile URLs (its worker fetches them). */
const absolute = (url: string) => new URL(url, location.href).href;

export function styleLayerIds(l: DisplayLayer): string[] {
  return l.source.kind === "raster"
    ? [`layer-${l.key}`]
    : ["fill", "line", "point"].map((k) => `layer-${l.key}-${k}`);
}

function zoomRange(l: DisplayLayer): { minzoom?: number; maxzoom?: number } {
  const out: { minzoom?: number; maxzoom?: number } = {};
  if (l.minZoom !== null) out.minzoom = l.minZoom;
  if (l.maxZoom !== null) out.maxzoom = l.maxZoom;
  return out;
}

function layerStyle(l: DisplayLayer): {
  source: SourceSpecification;
  layers: LayerSpecification[];
} {
  const source = `src-${l.key}`;
  const visibility = l.visible ? "visible" : "none";
  const range = zoomRange(l);
  if (l.source.kind === "raster") {
    return {
      source: { type: "raster", tiles: [absolute(l.source.tiles)], tileSize: 256 },
      layers: [
        {
          id: `layer-${l.key}`,
          type: "raster",
          source,
          layout: { visibility },
          paint: { "raster-opacity": l.opacity, "raster-fade-duration": 0 },
          ...range,
        },
      ],
    };
  }
  const sourceLayer = `ngw:${l.layerId}`;
  const geom = (...types: string[]): FilterSpecification => [
    "in",
    ["geometry-type"],
    ["literal", types],
  ];
  return {
    source: { type: "vector", tiles: [absolute(l.source.tiles)], maxzoom: 22 },
    layers: [
      {
        id: `layer-${l.key}-fill`,
        type: "fill",
        source,
        "source-layer": sourceLayer,
        filter: geom("Polygon", "MultiPolygon"),
        layout: { visibility },
        paint: { "fill-color": PAINT, "fill-opacity": 0.35 * l.opacity },
        ...range,
      },
      {
        id: `layer-${l.key}-line`,
        type: "line",
        source,
        "source-layer": sourceLayer,
        filter: geom("LineString", "MultiLineString", "Polygon", "MultiPolygon"),
        layout: { visibility },
        paint: { "line-color": PAINT, "line-width": 1.5, "line-opacity": l.opacity },
        ...range,
      },
      {
        id: `layer-${l.key}-point`,
        type: "circle",
        source,
        "source-layer": sourceLayer,
        filter: geom("Point", "MultiPoint"),
        layout: { visibility },
        paint: {
          "circle-color": PAINT,
          "circle-radius": 5,
          "circle-stroke-color": "#fff",
          "circle-stroke-width": 1,
          "circle-opacity": l.opacity,
        },
        ...range,
      },
    ],
  };
}

export function buildStyle(cfg: DisplayConfig, basemap: number | null): StyleSpecification {
  const sources: Record<string, SourceSpecification> = {};
  const layers: LayerSpecification[] = [
    {
      id: "background",
      type: "background",
      paint: { "background-color": cfg.backgroundColor ? `#${cfg.backgroundColor}` : "#f4f6f8" },
    },
  ];
  for (const b of cfg.basemaps) {
    const id = `${BASEMAP_PREFIX}${b.resourceId}`;
    sources[id] = {
      type: "raster",
      tiles: [b.url],
      tileSize: 256,
      ...(b.attribution ? { attribution: b.attribution } : {}),
      ...(b.maxZoom !== null ? { maxzoom: b.maxZoom } : {}),
    };
    layers.push({
      id,
      type: "raster",
      source: id,
      layout: { visibility: b.resourceId === basemap ? "visible" : "none" },
      paint: { "raster-opacity": b.opacity ?? 1 },
    });
  }
  for (const l of cfg.layers) {
    const s = layerStyle(l);
    sources[`src-${l.key}`] = s.source;
    layers.push(...s.layers);
  }
  return { version: 8, sources, layers };
}
