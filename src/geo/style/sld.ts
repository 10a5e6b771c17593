/**
 * @module OGC SLD 1.0 and Symbology Encoding 1.1 documents to the model: NamedLayer/UserLayer →
 * UserStyle → FeatureTypeStyle → Rule with ogc:Filter, ElseFilter, scale denominators and the
 * Polygon/Line/Point/Text/Raster symbolizers. Remote graphics are recorded, never fetched.
 * Writing lives in sld-write.ts.
 */

import {
  child,
  childrenNamed,
  descendants,
  parseXmlSafe,
  type XmlElement,
  XmlError,
} from "../xml.ts";
import { parseColor, roundTo } from "./color.ts";
import type {
  LabelSymbolizer,
  LineCap,
  LineJoin,
  MarkerShape,
  MarkerSymbolizer,
  Rule,
  StrokeSymbolizer,
  Symbolizer,
  VectorStyle,
} from "./model.ts";
import { readOgcFilter } from "./ogc-filter.ts";
import type { ParsedStyle } from "./qml.ts";
import { sniffMime } from "./qml-symbols.ts";
import { readRaster } from "./sld-raster.ts";

export { writeSld } from "./sld-write.ts";

type Warn = (m: string) => void;

/** Parses an SLD/SE document. Throws XmlError when it holds no style at all. */
export function parseSld(xml: string | Uint8Array): ParsedStyle {
  const root = parseXmlSafe(xml);
  const warnings: string[] = [];
  const warn: Warn = (m) => {
    if (!warnings.includes(m) && warnings.length < 100) warnings.push(m);
  };
  const userStyle = pickUserStyle(root, warn);
  const ftss = userStyle
    ? userStyle.children.filter((c) => c.name === "FeatureTypeStyle" || c.name === "CoverageStyle")
    : root.name === "FeatureTypeStyle" || root.name === "CoverageStyle"
      ? [root]
      : [];
  if (!ftss.length) throw new XmlError("Not an SLD style: no UserStyle with a FeatureTypeStyle.");
  const name = child(userStyle, "Name")?.text.trim();
  const rasterSym = ftss.flatMap((f) => descendants(f, "RasterSymbolizer"))[0];
  if (rasterSym) {
    const style = readRaster(rasterSym, warn);
    if (name) style.name = name;
    return { style, warnings };
  }
  const style: VectorStyle = { kind: "vector", rules: [], opacity: 1, renderer: { type: "rules" } };
  if (name) style.name = name;
  for (const fts of ftss) {
    for (const r of childrenNamed(fts, "Rule")) {
      const rule = readRule(r, warn);
      if (rule) style.rules.push(rule);
    }
  }
  if (style.rules.length === 1 && !style.rules[0]!.filter && !style.rules[0]!.else) {
    style.renderer = { type: "single" };
  }
  return { style, warnings };
}

function pickUserStyle(root: XmlElement, warn: Warn): XmlElement | undefined {
  if (root.name === "UserStyle") return root;
  if (root.name !== "StyledLayerDescriptor") return undefined;
  const layers = root.children.filter((c) => c.name === "NamedLayer" || c.name === "UserLayer");
  if (layers.length > 1) warn("Only the first layer of a multi-layer SLD is used.");
  const styles = childrenNamed(layers[0], "UserStyle");
  if (styles.length > 1) warn("Only the default UserStyle of the SLD is used.");
  return (
    styles.find(
      (s) =>
        child(s, "IsDefault")?.text.trim() === "1" || child(s, "IsDefault")?.text.trim() === "true",
    ) ?? styles[0]
  );
}

function readRule(r: XmlElement, warn: Warn): Rule | null {
  const rule: Rule = { symbolizers: [] };
  const name = child(r, "Name")?.text.trim();
  const title = (child(r, "Title") ?? child(child(r, "Description"), "Title"))?.text.trim();
  if (name) rule.name = name;
  if (title) rule.title = title;
  const filter = child(r, "Filter");
  if (filter) {
    try {
      rule.filter = readOgcFilter(filter);
    } catch (err) {
      warn(`Rule '${name ?? title ?? "?"}': ${(err as Error).message}; the rule was skipped.`);
      return null;
    }
  }
  if (child(r, "ElseFilter")) rule.else = true;
  const min = Number(child(r, "MinScaleDenominator")?.text);
  const max = Number(child(r, "MaxScaleDenominator")?.text);
  if (Number.isFinite(min) && min > 0) rule.minScale = min;
  if (Number.isFinite(max) && max > 0) rule.maxScale = max;
  for (const s of r.children) {
    if (s.attrs.uom && !/pixel/i.test(s.attrs.uom))
      warn(`Unit '${s.attrs.uom}' is read as pixels.`);
    switch (s.name) {
      case "PolygonSymbolizer":
        rule.symbolizers.push(...readPolygon(s, warn));
        break;
      case "LineSymbolizer": {
        const st = readStroke(child(s, "Stroke"), warn);
        const off = Number(child(s, "PerpendicularOffset")?.text);
        if (st && Number.isFinite(off) && off) st.offset = off;
        if (st) rule.symbolizers.push(st);
        break;
      }
      case "PointSymbolizer": {
        const m = readGraphic(child(s, "Graphic"), warn);
        if (m) rule.symbolizers.push(m);
        break;
      }
      case "TextSymbolizer": {
        const l = readText(s, warn);
        if (l) rule.symbolizers.push(l);
        break;
      }
      case "RasterSymbolizer":
        warn("A RasterSymbolizer beside vector rules was skipped.");
        break;
      default:
        if (s.name.endsWith("Symbolizer")) warn(`${s.name} is not supported and was skipped.`);
    }
  }
  return rule;
}

/** CssParameter (SLD 1.0) and SvgParameter (SE 1.1) by name; values may sit in ogc:Literal. */
function params(el: XmlElement | undefined, warn: Warn): Record<string, string> {
  const out: Record<string, string> = {};
  if (!el) return out;
  for (const p of el.children) {
    if (p.name !== "CssParameter" && p.name !== "SvgParameter") continue;
    const key = p.attrs.name ?? "";
    if (p.children.some((c) => c.name !== "Literal")) {
      warn(`Parameter '${key}' computed from attributes is not supported; the default is used.`);
      continue;
    }
    out[key] = (p.children[0]?.text ?? p.text).trim();
  }
  return out;
}

function num(v: string | undefined, d: number): number {
  const n = v === undefined || v === "" ? Number.NaN : Number(v);
  return Number.isFinite(n) ? n : d;
}

function colorOf(v: string | undefined, fallback: string, opacity: string | undefined) {
  const c = parseColor(v) ?? parseColor(fallback)!;
  return {
    color: c.color,
    opacity: roundTo(c.opacity * Math.max(0, Math.min(1, num(opacity, 1))), 4),
  };
}

function readPolygon(s: XmlElement, warn: Warn): Symbolizer[] {
  const out: Symbolizer[] = [];
  const fill = child(s, "Fill");
  if (fill) {
    if (child(fill, "GraphicFill")) warn("Graphic fills are drawn as a solid fill.");
    const p = params(fill, warn);
    const c = colorOf(p.fill, "#808080", p["fill-opacity"]);
    out.push({ kind: "fill", color: c.color, opacity: c.opacity });
  }
  const st = readStroke(child(s, "Stroke"), warn);
  if (st) out.push(st);
  return out;
}

const JOIN: Record<string, LineJoin> = {
  mitre: "miter",
  miter: "miter",
  round: "round",
  bevel: "bevel",
};
const CAP: Record<string, LineCap> = { butt: "butt", round: "round", square: "square" };

function readStroke(el: XmlElement | undefined, warn: Warn): StrokeSymbolizer | null {
  if (!el) return null;
  if (child(el, "GraphicStroke") || child(el, "GraphicFill"))
    warn("Graphic strokes are drawn as plain lines.");
  const p = params(el, warn);
  const c = colorOf(p.stroke, "#000000", p["stroke-opacity"]);
  const s: StrokeSymbolizer = {
    kind: "stroke",
    color: c.color,
    width: Math.max(0, num(p["stroke-width"], 1)),
    opacity: c.opacity,
    join: JOIN[p["stroke-linejoin"] ?? ""] ?? "miter",
    cap: CAP[p["stroke-linecap"] ?? ""] ?? "butt",
  };
  const dash = (p["stroke-dasharray"] ?? "")
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(Number);
  if (dash.length && dash.every((d) => Number.isFinite(d) && d >= 0)) s.dash = dash;
  return s;
}

const SHAPES: Record<string, MarkerShape> = {
  circle: "circle",
  square: "square",
  triangle: "triangle",
  star: "star",
  cross: "cross",
  x: "x",
  "shape://plus": "cross",
  "shape://times": "x",
};

function readGraphic(g: XmlElement | undefined, warn: Warn): MarkerSymbolizer | null {
  if (!g) return null;
  const opacity = Math.max(0, Math.min(1, num(child(g, "Opacity")?.text.trim(), 1)));
  const m: MarkerSymbolizer = {
    kind: "marker",
    shape: "square",
    size: Math.max(0, num(child(g, "Size")?.text.trim(), 6)),
    fill: "#808080",
    fillOpacity: opacity,
    stroke: "#000000",
    strokeOpacity: opacity,
    strokeWidth: 1,
    rotation: num(child(g, "Rotation")?.text.trim(), 0),
  };
  const disp = child(g, "Displacement");
  if (disp) {
    const dx = num(child(disp, "DisplacementX")?.text.trim(), 0);
    const dy = num(child(disp, "DisplacementY")?.text.trim(), 0);
    // SLD displacement is y-up; the model's offset is y-down.
    if (dx || dy) m.offset = [dx, -dy];
  }
  const mark = child(g, "Mark");
  const ext = child(g, "ExternalGraphic");
  if (mark) {
    const wkn = (child(mark, "WellKnownName")?.text.trim() ?? "square").toLowerCase();
    const shape = SHAPES[wkn];
    if (!shape) warn(`Mark '${wkn}' is drawn as a square.`);
    m.shape = shape ?? "square";
    const fillEl = child(mark, "Fill");
    if (fillEl) {
      const p = params(fillEl, warn);
      const c = colorOf(p.fill, "#808080", p["fill-opacity"]);
      m.fill = c.color;
      m.fillOpacity = roundTo(c.opacity * opacity, 4);
    } else if (!fillEl && child(mark, "Stroke")) {
      m.fill = null;
    }
    const st = readStroke(child(mark, "Stroke"), warn);
    if (st) {
      m.stroke = st.color;
      m.strokeOpacity = roundTo(st.opacity * opacity, 4);
      m.strokeWidth = st.width;
    } else if (fillEl) {
      m.stroke = null;
      m.strokeWidth = 0;
    }
  } else if (ext) {
    m.icon = readExternalGraphic(ext, warn);
  } else {
    // SLD: a Graphic with neither draws the default square (grey fill, black outline).
  }
  return m;
}

function readExternalGraphic(ext: XmlElement, warn: Warn): MarkerSymbolizer["icon"] {
  const format = child(ext, "Format")?.text.trim();
  const inline = child(ext, "InlineContent");
  if (inline) {
    const text = inline.text.trim();
    const data =
      inline.attrs.encoding === "base64"
        ? new Uint8Array(Buffer.from(text, "base64"))
        : new TextEncoder().encode(text);
    return { href: "data:", data, mimeType: format || sniffMime(data) };
  }
  const href = child(ext, "OnlineResource")?.attrs.href ?? "";
  const m = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(href);
  if (m) {
    const data = m[2]
      ? new Uint8Array(Buffer.from(m[3]!, "base64"))
      : new TextEncoder().encode(decodeURIComponent(m[3]!));
    return { href: "data:", data, mimeType: m[1] || format || sniffMime(data) };
  }
  warn(`External graphic '${href}' is not fetched; its marker is drawn as a placeholder.`);
  return { href, ...(format ? { mimeType: format } : {}) };
}

function readText(s: XmlElement, warn: Warn): LabelSymbolizer | null {
  const labelEl = child(s, "Label");
  const propEl = labelEl?.children.find((c) => c.name === "PropertyName");
  if (!propEl || labelEl!.children.length !== 1 || labelEl!.text.trim()) {
    warn("Only labels made of one attribute are supported; the TextSymbolizer was skipped.");
    return null;
  }
  const font = params(child(s, "Font"), warn);
  const fill = params(child(s, "Fill"), warn);
  const c = colorOf(fill.fill, "#000000", fill["fill-opacity"]);
  const label: LabelSymbolizer = {
    kind: "label",
    field: propEl.text.trim(),
    size: Math.max(1, num(font["font-size"], 10)),
    color: c.color,
    opacity: c.opacity,
    font: {
      family: font["font-family"] || "sans-serif",
      weight: /bold/i.test(font["font-weight"] ?? "") ? "bold" : "normal",
      style: /italic|oblique/i.test(font["font-style"] ?? "") ? "italic" : "normal",
    },
    placement: child(child(s, "LabelPlacement"), "LinePlacement") ? "line" : "point",
  };
  const halo = child(s, "Halo");
  if (halo) {
    const hp = params(child(halo, "Fill"), warn);
    const hc = colorOf(hp.fill, "#ffffff", hp["fill-opacity"]);
    label.halo = {
      color: hc.color,
      width: Math.max(0, num(child(halo, "Radius")?.text.trim(), 1)),
      opacity: hc.opacity,
    };
  }
  return label;
}
