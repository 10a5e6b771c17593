/**
 * @module QGIS symbols (`<symbol type="fill|line|marker">` with symbol layers SimpleFill,
 * SimpleLine, SimpleMarker, SvgMarker) to and from model symbolizers. Reads both property forms,
 * the old `<prop k= v=>` and the newer `<Option type="Map">`; writes `<prop>`, which every QGIS 3
 * reads. QGIS units (MM, Point, Pixel) become pixels at 96 dpi as QGIS renders for NGW.
 */

import { childrenNamed, escapeXml, type XmlElement } from "../xml.ts";
import { parseColor, roundTo, toQgisColor } from "./color.ts";
import type {
  FillSymbolizer,
  LineCap,
  LineJoin,
  MarkerShape,
  MarkerSymbolizer,
  StrokeSymbolizer,
  Symbolizer,
} from "./model.ts";

const PX_PER_MM = 96 / 25.4;
const PX_PER_PT = 96 / 72;

/** The properties of a symbol layer in either storage form. */
export function layerProps(layer: XmlElement): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of childrenNamed(layer, "prop")) out[p.attrs.k ?? ""] = p.attrs.v ?? "";
  for (const map of childrenNamed(layer, "Option")) {
    for (const o of childrenNamed(map, "Option")) {
      if (o.attrs.name && o.attrs.value !== undefined) out[o.attrs.name] = o.attrs.value;
    }
  }
  return out;
}

/** A QGIS length in its unit → pixels. Map units cannot be known here: warned, read as pixels. */
export function toPx(
  value: string | undefined,
  unit: string | undefined,
  fallbackMm: number,
  warn: (m: string) => void,
): number {
  const n = value === undefined || value === "" ? Number.NaN : Number(value);
  if (!Number.isFinite(n)) return roundTo(fallbackMm * PX_PER_MM, 3);
  switch ((unit ?? "MM").toLowerCase()) {
    case "mm":
    case "":
      return roundTo(n * PX_PER_MM, 3);
    case "point":
    case "points":
      return roundTo(n * PX_PER_PT, 3);
    case "pixel":
    case "pixels":
      return n;
    case "inch":
      return n * 96;
    default:
      warn(`Size unit '${unit}' is not supported; the value is read as pixels.`);
      return n;
  }
}

function color(v: string | undefined, fallback: string): { color: string; opacity: number } {
  return parseColor(v) ?? parseColor(fallback)!;
}

const JOINS: Record<string, LineJoin> = { miter: "miter", round: "round", bevel: "bevel" };
const CAPS: Record<string, LineCap> = { flat: "butt", round: "round", square: "square" };

/** Qt pen styles as dash patterns in multiples of the line width. */
const PEN_DASHES: Record<string, number[]> = {
  dash: [4, 2],
  dot: [1, 2],
  "dash dot": [4, 2, 1, 2],
  "dash dot dot": [4, 2, 1, 2, 1, 2],
};

const SHAPES: Record<string, MarkerShape> = {
  circle: "circle",
  square: "square",
  rectangle: "square",
  triangle: "triangle",
  equilateral_triangle: "triangle",
  star: "star",
  cross: "cross",
  cross_fill: "cross",
  cross2: "x",
  x: "x",
  diamond: "diamond",
};

export interface SymbolReadContext {
  warn(message: string): void;
}

/** Reads one `<symbol>` into symbolizers; unsupported symbol layers are skipped with a warning. */
export function readSymbol(symbol: XmlElement, ctx: SymbolReadContext): Symbolizer[] {
  const alpha = numberOr(symbol.attrs.alpha, 1);
  const out: Symbolizer[] = [];
  for (const layer of childrenNamed(symbol, "layer")) {
    if (layer.attrs.enabled === "0") continue;
    const cls = layer.attrs.class ?? "";
    const p = layerProps(layer);
    switch (cls) {
      case "SimpleFill":
        out.push(...readSimpleFill(p, alpha, ctx));
        break;
      case "SimpleLine":
        out.push(...readSimpleLine(p, alpha, ctx));
        break;
      case "SimpleMarker":
      case "SvgMarker":
      case "FontMarker":
        out.push(readMarker(cls, p, alpha, ctx));
        break;
      default:
        ctx.warn(`Symbol layer '${cls}' is not supported and was skipped.`);
    }
  }
  return out;
}

function readSimpleFill(
  p: Record<string, string>,
  alpha: number,
  ctx: SymbolReadContext,
): Symbolizer[] {
  const out: Symbolizer[] = [];
  const style = p.style ?? "solid";
  if (style !== "no") {
    if (style !== "solid") ctx.warn(`Fill pattern '${style}' is drawn as a solid fill.`);
    const c = color(p.color, "0,0,255,255");
    out.push({ kind: "fill", color: c.color, opacity: roundTo(c.opacity * alpha, 4) });
  }
  const outlineStyle = p.outline_style ?? "solid";
  if (outlineStyle !== "no") {
    const c = color(p.outline_color, "35,35,35,255");
    const width = toPx(p.outline_width, p.outline_width_unit, 0.26, ctx.warn);
    out.push(
      stroke(c, alpha, width === 0 ? 1 : width, outlineStyle, p.joinstyle, "square", undefined),
    );
  }
  return out;
}

function readSimpleLine(
  p: Record<string, string>,
  alpha: number,
  ctx: SymbolReadContext,
): Symbolizer[] {
  const lineStyle = p.line_style ?? "solid";
  if (lineStyle === "no") return [];
  const c = color(p.line_color ?? p.color, "35,35,35,255");
  const width = toPx(p.line_width, p.line_width_unit, 0.26, ctx.warn);
  // QGIS draws width 0 as a hairline of one pixel.
  const s = stroke(
    c,
    alpha,
    width === 0 ? 1 : width,
    lineStyle,
    p.joinstyle,
    p.capstyle,
    undefined,
  );
  if (p.use_custom_dash === "1" && p.customdash) {
    const parts = p.customdash.split(";").map((x) => toPx(x, p.customdash_unit, 0, ctx.warn));
    if (parts.length && parts.every((x) => x >= 0)) s.dash = parts;
  }
  const offset = toPx(p.offset, p.offset_unit, 0, ctx.warn);
  if (offset) s.offset = offset;
  return [s];
}

function stroke(
  c: { color: string; opacity: number },
  alpha: number,
  width: number,
  penStyle: string,
  join: string | undefined,
  cap: string | undefined,
  dash: number[] | undefined,
): StrokeSymbolizer {
  const s: StrokeSymbolizer = {
    kind: "stroke",
    color: c.color,
    width,
    opacity: roundTo(c.opacity * alpha, 4),
    join: JOINS[join ?? "bevel"] ?? "bevel",
    cap: CAPS[cap ?? "square"] ?? "square",
  };
  const pattern = dash ?? PEN_DASHES[penStyle]?.map((x) => roundTo(x * width, 3));
  if (pattern) s.dash = pattern;
  return s;
}

function readMarker(
  cls: string,
  p: Record<string, string>,
  alpha: number,
  ctx: SymbolReadContext,
): MarkerSymbolizer {
  const fill = color(p.color, "255,0,0,255");
  const outlineStyle = p.outline_style ?? "solid";
  const outline = color(p.outline_color, "35,35,35,255");
  const m: MarkerSymbolizer = {
    kind: "marker",
    shape: "circle",
    size: toPx(p.size, p.size_unit, 2, ctx.warn),
    fill: fill.color,
    fillOpacity: roundTo(fill.opacity * alpha, 4),
    stroke: outlineStyle === "no" ? null : outline.color,
    strokeOpacity: roundTo(outline.opacity * alpha, 4),
    strokeWidth:
      outlineStyle === "no" ? 0 : toPx(p.outline_width, p.outline_width_unit, 0, ctx.warn),
    rotation: numberOr(p.angle, 0),
  };
  const [dx, dy] = (p.offset ?? "0,0").split(",").map((x) => toPx(x, p.offset_unit, 0, ctx.warn));
  if (dx || dy) m.offset = [dx ?? 0, dy ?? 0];
  if (cls === "SimpleMarker") {
    const shape = SHAPES[p.name ?? "circle"];
    if (!shape) ctx.warn(`Marker shape '${p.name}' is drawn as a circle.`);
    m.shape = shape ?? "circle";
  } else if (cls === "SvgMarker") {
    m.icon = svgIcon(p.name ?? "", ctx);
  } else {
    ctx.warn("Font markers are drawn as circles.");
  }
  return m;
}

/** QGIS embeds SVGs as "base64:<data>"; other names are library paths or URLs, never fetched. */
function svgIcon(name: string, ctx: SymbolReadContext): MarkerSymbolizer["icon"] {
  if (name.startsWith("base64:")) {
    try {
      const data = new Uint8Array(Buffer.from(name.slice(7), "base64"));
      return { href: "data:", data, mimeType: sniffMime(data) };
    } catch {
      ctx.warn("An embedded SVG marker could not be decoded.");
      return { href: "data:" };
    }
  }
  if (/^https?:/i.test(name)) ctx.warn(`Remote marker '${name}' is not fetched.`);
  return { href: name, mimeType: "image/svg+xml" };
}

export function sniffMime(data: Uint8Array): string {
  if (data[0] === 0x89 && data[1] === 0x50 && data[2] === 0x4e && data[3] === 0x47)
    return "image/png";
  return "image/svg+xml";
}

function numberOr(v: string | undefined, d: number): number {
  const n = v === undefined ? Number.NaN : Number(v);
  return Number.isFinite(n) ? n : d;
}

// ---------------------------------------------------------------- writing

export type SymbolType = "fill" | "line" | "marker";

const prop = (k: string, v: string | number) =>
  `<prop k="${escapeXml(k)}" v="${escapeXml(String(v))}"/>`;

const px = (n: number) => String(roundTo(n, 4));

/** A `<symbol>` of the given type holding the symbolizers that type can draw. */
export function writeSymbol(name: string, type: SymbolType, symbolizers: Symbolizer[]): string {
  const layers: string[] = [];
  const fills = symbolizers.filter((s): s is FillSymbolizer => s.kind === "fill");
  const strokes = symbolizers.filter((s): s is StrokeSymbolizer => s.kind === "stroke");
  const markers = symbolizers.filter((s): s is MarkerSymbolizer => s.kind === "marker");
  if (type === "fill") {
    for (const f of fills) layers.push(simpleFill(f));
    for (const s of strokes) layers.push(simpleLine(s));
  } else if (type === "line") {
    for (const s of strokes) layers.push(simpleLine(s));
  } else {
    for (const m of markers) layers.push(marker(m));
  }
  return `<symbol type="${type}" name="${escapeXml(name)}" alpha="1" clip_to_extent="1" force_rhr="0">${layers.join("")}</symbol>`;
}

function simpleFill(f: FillSymbolizer): string {
  return `<layer class="SimpleFill" enabled="1" locked="0" pass="0">${[
    prop("color", toQgisColor(f.color, f.opacity)),
    prop("style", "solid"),
    prop("outline_style", "no"),
    prop("outline_color", "35,35,35,255"),
    prop("outline_width", "0"),
    prop("outline_width_unit", "Pixel"),
  ].join("")}</layer>`;
}

const QGIS_CAP: Record<LineCap, string> = { butt: "flat", round: "round", square: "square" };

function simpleLine(s: StrokeSymbolizer): string {
  const props = [
    prop("line_color", toQgisColor(s.color, s.opacity)),
    prop("line_width", px(s.width)),
    prop("line_width_unit", "Pixel"),
    prop("line_style", "solid"),
    prop("joinstyle", s.join),
    prop("capstyle", QGIS_CAP[s.cap]),
  ];
  if (s.dash?.length) {
    props.push(prop("use_custom_dash", "1"), prop("customdash", s.dash.map(px).join(";")));
    props.push(prop("customdash_unit", "Pixel"));
  }
  if (s.offset) props.push(prop("offset", px(s.offset)), prop("offset_unit", "Pixel"));
  return `<layer class="SimpleLine" enabled="1" locked="0" pass="0">${props.join("")}</layer>`;
}

const QGIS_SHAPE: Record<MarkerShape, string> = {
  circle: "circle",
  square: "square",
  triangle: "triangle",
  star: "star",
  cross: "cross",
  x: "cross2",
  diamond: "diamond",
};

function marker(m: MarkerSymbolizer): string {
  const props = [
    prop("color", m.fill ? toQgisColor(m.fill, m.fillOpacity) : "0,0,0,0"),
    prop("outline_color", toQgisColor(m.stroke ?? "#232323", m.strokeOpacity)),
    prop("outline_style", m.stroke ? "solid" : "no"),
    prop("outline_width", px(m.strokeWidth)),
    prop("outline_width_unit", "Pixel"),
    prop("size", px(m.size)),
    prop("size_unit", "Pixel"),
    prop("angle", m.rotation),
    prop("offset", m.offset ? m.offset.map(px).join(",") : "0,0"),
    prop("offset_unit", "Pixel"),
  ];
  if (m.icon) {
    const name = m.icon.data
      ? `base64:${Buffer.from(m.icon.data).toString("base64")}`
      : m.icon.href;
    props.push(prop("name", name));
    return `<layer class="SvgMarker" enabled="1" locked="0" pass="0">${props.join("")}</layer>`;
  }
  props.push(prop("name", QGIS_SHAPE[m.shape]));
  return `<layer class="SimpleMarker" enabled="1" locked="0" pass="0">${props.join("")}</layer>`;
}
