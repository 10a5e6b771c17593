/**
 * @module NextGIS Web's "sld" style format: the JSON its web UI sends for a simple style
 * (`{"rules": [{"symbolizers": [{"type": "polygon", "fill": {...}, "stroke": {...}}]}]}`, the
 * msgspec structs of nextgisweb's sld component) to and from the style model. The JSON is checked
 * as strictly as NGW checks it; anything else is an NgwSldError (a 422).
 */
import { parseColor } from "./color.ts";
import type {
  BandChannel,
  FillSymbolizer,
  LabelSymbolizer,
  MarkerShape,
  MarkerSymbolizer,
  RasterStyle,
  Rule,
  StrokeSymbolizer,
  Style,
  Symbolizer,
  VectorStyle,
} from "./model.ts";

export class NgwSldError extends Error {
  readonly status = 422;
}

type Obj = Record<string, unknown>;

function obj(v: unknown, where: string): Obj {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new NgwSldError(`${where} must be an object.`);
  return v as Obj;
}
function opt(v: unknown, where: string): Obj | undefined {
  return v === undefined ? undefined : obj(v, where);
}
function num(v: unknown, where: string, d: number, min = 0, max = Infinity): number {
  if (v === undefined) return d;
  if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max)
    throw new NgwSldError(`${where} must be a number from ${min} to ${max}.`);
  return v;
}
function color(v: unknown, where: string, d: string): string {
  if (v === undefined) return d;
  if (typeof v !== "string" || !/^#[0-9A-Fa-f]{6}$/.test(v))
    throw new NgwSldError(`${where} must be a colour #RRGGBB.`);
  return parseColor(v)!.color;
}

function stroke(v: unknown, where: string): StrokeSymbolizer {
  const s = obj(v, where);
  const out: StrokeSymbolizer = {
    kind: "stroke",
    color: color(s.color, `${where}.color`, "#000000"),
    width: num(s.width, `${where}.width`, 1),
    opacity: num(s.opacity, `${where}.opacity`, 1, 0, 1),
    join: "miter",
    cap: "butt",
  };
  if (s.dash_pattern !== undefined) {
    const d = s.dash_pattern;
    if (!Array.isArray(d) || d.length < 2 || d.length > 64)
      throw new NgwSldError(`${where}.dash_pattern must be a list of at least two numbers.`);
    out.dash = d.map((x, i) => num(x, `${where}.dash_pattern[${i}]`, 0));
  }
  return out;
}

function fill(v: unknown, where: string, d = "#808080"): FillSymbolizer {
  const f = obj(v, where);
  return {
    kind: "fill",
    color: color(f.color, `${where}.color`, d),
    opacity: num(f.opacity, `${where}.opacity`, 1, 0, 1),
  };
}

const SHAPES = new Set<MarkerShape>(["square", "circle", "triangle", "star", "cross"]);

function point(s: Obj): MarkerSymbolizer {
  const g = obj(s.graphic, "graphic");
  const opacity = num(g.opacity, "graphic.opacity", 1, 0, 1);
  const mark = opt(g.mark, "graphic.mark") ?? {};
  const wkn = mark.well_known_name ?? "square";
  if (typeof wkn !== "string" || !SHAPES.has(wkn as MarkerShape))
    throw new NgwSldError("graphic.mark.well_known_name is not a known shape.");
  const f = mark.fill === undefined ? undefined : fill(mark.fill, "graphic.mark.fill");
  const st = mark.stroke === undefined ? undefined : stroke(mark.stroke, "graphic.mark.stroke");
  // SLD's default mark is a grey square with a black outline; a mark with a stroke only is hollow.
  const hasAny = f !== undefined || st !== undefined;
  return {
    kind: "marker",
    shape: wkn as MarkerShape,
    size: num(g.size, "graphic.size", 6),
    fill: f ? f.color : hasAny ? null : "#808080",
    fillOpacity: (f?.opacity ?? 1) * opacity,
    stroke: st ? st.color : hasAny ? null : "#000000",
    strokeOpacity: (st?.opacity ?? 1) * opacity,
    strokeWidth: st ? st.width : hasAny ? 0 : 1,
    rotation: 0,
  };
}

function text(s: Obj): LabelSymbolizer {
  if (typeof s.field !== "string" || s.field === "")
    throw new NgwSldError("text.field must be a field name.");
  const f = s.fill === undefined ? undefined : fill(s.fill, "text.fill", "#000000");
  const label: LabelSymbolizer = {
    kind: "label",
    field: s.field,
    size: num(s.font_size, "text.font_size", 10),
    color: f?.color ?? "#000000",
    opacity: f?.opacity ?? 1,
    font: { family: "sans-serif", weight: "normal", style: "normal" },
    placement: "point",
  };
  const placement = opt(s.placement, "text.placement");
  if (placement?.offset !== undefined) {
    const o = placement.offset;
    if (!Array.isArray(o) || o.length !== 2) throw new NgwSldError("placement.offset: [dx, dy].");
    // SLD displacement is y-up, the model's offset y-down.
    label.offset = [num(o[0], "offset", 0, -1e6), -num(o[1], "offset", 0, -1e6)];
  }
  const halo = opt(s.halo, "text.halo");
  if (halo) {
    const hf = halo.fill === undefined ? undefined : fill(halo.fill, "halo.fill", "#ffffff");
    label.halo = {
      color: hf?.color ?? "#ffffff",
      width: num(halo.radius, "halo.radius", 1),
      opacity: hf?.opacity ?? 1,
    };
  }
  return label;
}

function raster(s: Obj): RasterStyle {
  const ch = obj(s.channels, "raster.channels");
  const channel = (name: string, band: number): BandChannel => {
    const c = opt(ch[name], `channels.${name}`);
    if (!c) return { band };
    const out: BandChannel = {
      band: Math.trunc(num(c.source_channel, `channels.${name}.source_channel`, band, 1, 65535)),
    };
    const ce = opt(c.contrast_enhancement, "contrast_enhancement");
    const n = ce ? obj(ce.normalize, "contrast_enhancement.normalize") : undefined;
    if (n) {
      out.min = num(n.min_value, "normalize.min_value", 0, -Infinity);
      out.max = num(n.max_value, "normalize.max_value", 255, -Infinity);
    }
    return out;
  };
  return {
    kind: "raster",
    bands: {
      type: "rgb",
      red: channel("red", 1),
      green: channel("green", 2),
      blue: channel("blue", 3),
    },
    nodataTransparent: true,
    opacity: num(s.opacity, "raster.opacity", 1, 0, 1),
    resampling: "nearest",
  };
}

/** NGW "sld" JSON → model. One or two rules of exactly one symbolizer each, as NGW allows. */
export function fromNgwSld(value: unknown): Style {
  const root = obj(value, "sld");
  const rules = root.rules;
  if (!Array.isArray(rules) || rules.length < 1 || rules.length > 2)
    throw new NgwSldError("sld.rules must hold one or two rules.");
  const out: Rule[] = [];
  for (const [i, r] of rules.entries()) {
    const syms = obj(r, `rules[${i}]`).symbolizers;
    if (!Array.isArray(syms) || syms.length !== 1)
      throw new NgwSldError(`rules[${i}].symbolizers must hold exactly one symbolizer.`);
    const s = obj(syms[0], `rules[${i}].symbolizers[0]`);
    const symbolizers: Symbolizer[] = [];
    switch (s.type) {
      case "point":
        symbolizers.push(point(s));
        break;
      case "line":
        symbolizers.push(stroke(s.stroke, "line.stroke"));
        break;
      case "polygon":
        if (s.fill !== undefined) symbolizers.push(fill(s.fill, "polygon.fill"));
        if (s.stroke !== undefined) symbolizers.push(stroke(s.stroke, "polygon.stroke"));
        break;
      case "text":
        symbolizers.push(text(s));
        break;
      case "raster":
        if (rules.length !== 1) throw new NgwSldError("A raster style has a single rule.");
        return raster(s);
      default:
        throw new NgwSldError(`Unknown symbolizer type '${String(s.type)}'.`);
    }
    out.push({ symbolizers });
  }
  const style: VectorStyle = {
    kind: "vector",
    rules: out,
    opacity: 1,
    renderer: { type: "single" },
  };
  return style;
}
