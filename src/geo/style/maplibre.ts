/**
 * @module The style model to MapLibre style-spec layers over a vector tile (or GeoJSON) source:
 * fill, line, circle and symbol layers, rule filters as expressions, scale ranges as
 * minzoom/maxzoom. Raster styles become one raster layer. Plain JSON out; no maplibre import.
 */
import { roundTo, toCssRgba } from "./color.ts";
import type {
  Filter,
  LabelSymbolizer,
  MarkerSymbolizer,
  Rule,
  Style,
  Symbolizer,
  VectorStyle,
} from "./model.ts";
import { zoomForScaleDenominator } from "./model.ts";

/** A MapLibre layer object (the style-spec's LayerSpecification, kept structural here). */
export type MapLibreLayer = Record<string, unknown> & { id: string; type: string };
export type Expression = unknown[] | boolean;

export interface MapLibreOptions {
  /** Layer id prefix; default the source layer or source id. */
  idPrefix?: string;
  /** Receives what MapLibre cannot express (LIKE patterns with inner wildcards, …). */
  warn?: (message: string) => void;
}

/** The icon a symbol layer refers to: an SVG/PNG from the style or a shape to draw. */
export interface MarkerImage {
  id: string;
  marker: MarkerSymbolizer;
}

/**
 * Layers for a style, bottom to top. Vector markers other than circles and icons are symbol
 * layers whose `icon-image` ids are listed by `markerImages` (the client adds those images).
 */
export function toMapLibreLayers(
  style: Style,
  sourceId: string,
  sourceLayer?: string,
  opts: MapLibreOptions = {},
): MapLibreLayer[] {
  const prefix = opts.idPrefix ?? sourceLayer ?? sourceId;
  const warn = opts.warn ?? (() => {});
  if (style.kind === "raster") {
    return [
      {
        id: `${prefix}-raster`,
        type: "raster",
        source: sourceId,
        ...zoomRange(style, {}),
        paint: {
          "raster-opacity": roundTo(style.opacity, 4),
          "raster-resampling": style.resampling === "bilinear" ? "linear" : "nearest",
        },
      },
    ];
  }
  const out: MapLibreLayer[] = [];
  const plainFilters = style.rules.filter((r) => !r.else).map((r) => r.filter);
  style.rules.forEach((rule, ri) => {
    const ruleExpr = ruleFilter(rule, plainFilters, warn);
    rule.symbolizers.forEach((s, si) => {
      const layer = symbolizerLayer(s, style, `${prefix}-${ri}-${si}`, warn);
      if (!layer) return;
      layer.source = sourceId;
      if (sourceLayer !== undefined) layer["source-layer"] = sourceLayer;
      Object.assign(layer, zoomRange(rule, style));
      const filters = [geometryFilter(s), ruleExpr].filter((f) => f !== true);
      if (filters.length) layer.filter = filters.length === 1 ? filters[0] : ["all", ...filters];
      out.push(layer);
    });
  });
  return out;
}

/** The marker images `toMapLibreLayers` refers to, by `icon-image` id. */
export function markerImages(
  style: Style,
  sourceId: string,
  sourceLayer?: string,
  idPrefix?: string,
): MarkerImage[] {
  if (style.kind !== "vector") return [];
  const prefix = idPrefix ?? sourceLayer ?? sourceId;
  const out: MarkerImage[] = [];
  for (const [ri, r] of style.rules.entries()) {
    for (const [si, s] of r.symbolizers.entries()) {
      if (s.kind === "marker" && (s.icon || s.shape !== "circle")) {
        out.push({ id: `${prefix}-${ri}-${si}-icon`, marker: s });
      }
    }
  }
  return out;
}

/**
 * MapLibre zoom z shows the world in 512·2^z pixels, one level below the 256-pixel tile zoom
 * the OGC scale denominators are defined for; hence the "- 1".
 */
function zoomRange(
  r: { minScale?: number; maxScale?: number },
  layer: { minScale?: number; maxScale?: number },
) {
  const out: { minzoom?: number; maxzoom?: number } = {};
  const max = Math.min(r.maxScale ?? Infinity, layer.maxScale ?? Infinity);
  const min = Math.max(r.minScale ?? 0, layer.minScale ?? 0);
  if (Number.isFinite(max)) out.minzoom = clampZoom(zoomForScaleDenominator(max) - 1);
  if (min > 0) out.maxzoom = clampZoom(zoomForScaleDenominator(min) - 1);
  return out;
}
const clampZoom = (z: number) => Math.max(0, Math.min(24, roundTo(z, 3)));

function ruleFilter(
  rule: Rule,
  plain: (Filter | undefined)[],
  warn: (m: string) => void,
): Expression {
  const own = rule.filter ? filterToExpression(rule.filter, warn) : true;
  if (!rule.else) return own;
  // An else rule draws what no plain rule matches (scale ranges of the others are ignored here).
  if (plain.some((f) => f === undefined)) return false;
  const others = plain.map((f) => filterToExpression(f!, warn));
  const none: Expression = others.length ? ["!", ["any", ...others]] : true;
  return own === true ? none : none === true ? own : ["all", own, none];
}

const GEOMETRY: Record<string, string[]> = {
  fill: ["Polygon", "MultiPolygon"],
  marker: ["Point", "MultiPoint"],
};

function geometryFilter(s: Symbolizer): Expression {
  const types = GEOMETRY[s.kind];
  if (types) return ["match", ["geometry-type"], types, true, false];
  if (s.kind === "stroke")
    return ["!", ["match", ["geometry-type"], ["Point", "MultiPoint"], true, false]];
  return true;
}

function symbolizerLayer(
  s: Symbolizer,
  style: VectorStyle,
  id: string,
  warn: (m: string) => void,
): MapLibreLayer | null {
  const k = style.opacity;
  switch (s.kind) {
    case "fill":
      return {
        id,
        type: "fill",
        paint: { "fill-color": s.color, "fill-opacity": roundTo(s.opacity * k, 4) },
      };
    case "stroke": {
      const paint: Record<string, unknown> = {
        "line-color": s.color,
        "line-width": s.width,
        "line-opacity": roundTo(s.opacity * k, 4),
      };
      // MapLibre dashes are in line widths; the model's are pixels.
      if (s.dash?.length)
        paint["line-dasharray"] = s.dash.map((d) => roundTo(d / Math.max(s.width, 1e-6), 4));
      // Model offsets are positive to the left; MapLibre's to the right.
      if (s.offset) paint["line-offset"] = -s.offset;
      return { id, type: "line", layout: { "line-join": s.join, "line-cap": s.cap }, paint };
    }
    case "marker":
      return markerLayer(s, k, id);
    case "label":
      return labelLayer(s, k, id, warn);
  }
}

function markerLayer(m: MarkerSymbolizer, k: number, id: string): MapLibreLayer {
  if (!m.icon && m.shape === "circle") {
    const paint: Record<string, unknown> = {
      "circle-radius": roundTo(m.size / 2, 4),
      "circle-color": m.fill ?? "#000000",
      "circle-opacity": m.fill ? roundTo(m.fillOpacity * k, 4) : 0,
    };
    if (m.stroke && m.strokeWidth > 0) {
      paint["circle-stroke-color"] = m.stroke;
      paint["circle-stroke-width"] = m.strokeWidth;
      paint["circle-stroke-opacity"] = roundTo(m.strokeOpacity * k, 4);
    }
    if (m.offset) paint["circle-translate"] = m.offset;
    return { id, type: "circle", paint };
  }
  const layout: Record<string, unknown> = {
    "icon-image": `${id}-icon`,
    "icon-rotate": m.rotation,
    "icon-allow-overlap": true,
    "icon-ignore-placement": true,
  };
  if (m.offset) layout["icon-offset"] = m.offset;
  return { id, type: "symbol", layout, paint: { "icon-opacity": roundTo(k, 4) } };
}

function labelLayer(
  l: LabelSymbolizer,
  k: number,
  id: string,
  _warn: (m: string) => void,
): MapLibreLayer {
  const font = [
    l.font.family,
    l.font.weight === "bold" ? "Bold" : l.font.style === "italic" ? "Italic" : "Regular",
  ].join(" ");
  const layout: Record<string, unknown> = {
    "text-field": ["to-string", ["get", l.field]],
    "text-size": l.size,
    "text-font": [font],
    "symbol-placement": l.placement === "line" ? "line" : "point",
  };
  if (l.offset) layout["text-offset"] = l.offset.map((v) => roundTo(v / l.size, 4));
  const paint: Record<string, unknown> = {
    "text-color": toCssRgba(l.color, l.opacity * k),
  };
  if (l.halo) {
    paint["text-halo-color"] = toCssRgba(l.halo.color, l.halo.opacity * k);
    paint["text-halo-width"] = l.halo.width;
  }
  return { id, type: "symbol", layout, paint };
}

/** The model's filter as a MapLibre expression; NULL never equals or differs (model semantics). */
export function filterToExpression(f: Filter, warn: (m: string) => void = () => {}): Expression {
  switch (f.op) {
    case "and":
      return ["all", ...f.filters.map((x) => filterToExpression(x, warn))];
    case "or":
      return ["any", ...f.filters.map((x) => filterToExpression(x, warn))];
    case "not":
      return ["!", filterToExpression(f.filter, warn)];
    case "isnull":
      return ["any", ["!", ["has", f.field]], ["==", ["get", f.field], null]];
    case "in":
      return ["in", ["get", f.field], ["literal", f.values]];
    case "like":
      return likeExpression(f.field, f.pattern, !!f.caseInsensitive, warn);
    default: {
      if (f.value === null) return false;
      const get: unknown[] = ["get", f.field];
      if (f.op === "=") return ["==", get, f.value];
      if (f.op === "!=") return ["all", ["has", f.field], ["!=", get, f.value]];
      // Ordered comparisons need one type on both sides: coerce the attribute to the literal's.
      const coerced = typeof f.value === "number" ? ["to-number", get, 0] : ["to-string", get];
      return ["all", ["has", f.field], [f.op, coerced, f.value]];
    }
  }
}

/** LIKE without inner wildcards: exact, prefix, suffix or substring; others match nothing. */
function likeExpression(
  field: string,
  pattern: string,
  ci: boolean,
  warn: (m: string) => void,
): Expression {
  const parts = splitLike(pattern);
  let subject: unknown[] = ["to-string", ["get", field]];
  const norm = (s: string) => (ci ? s.toLowerCase() : s);
  if (ci) subject = ["downcase", subject];
  const literals = parts.filter((p) => p !== "%" && p !== "_");
  const shape = parts.map((p) => (p === "%" || p === "_" ? p : "L")).join("");
  const lit = norm(literals[0] ?? "");
  const has: unknown[] = ["has", field];
  switch (shape) {
    case "L":
      return ["all", has, ["==", subject, lit]];
    case "L%":
      return ["all", has, ["==", ["slice", subject, 0, lit.length], lit]];
    case "%L":
      return ["all", has, ["==", ["slice", subject, ["-", ["length", subject], lit.length]], lit]];
    case "%L%":
      return ["all", has, ["in", lit, subject]];
    case "%":
      return has;
    default:
      warn(`LIKE pattern '${pattern}' cannot be expressed in MapLibre; the rule matches nothing.`);
      return false;
  }
}

/** Splits a LIKE pattern into literal runs and wildcard tokens, resolving \ escapes. */
function splitLike(pattern: string): string[] {
  const out: string[] = [];
  let cur = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "\\" && i + 1 < pattern.length) cur += pattern[++i];
    else if (ch === "%" || ch === "_") {
      if (cur) out.push(cur);
      cur = "";
      if (!(ch === "%" && out[out.length - 1] === "%")) out.push(ch);
    } else cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}
