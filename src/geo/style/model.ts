/**
 * @module The style model every reader (QML, SLD), writer and renderer shares: vector styles as
 * ordered rules of symbolizers with attribute filters and scale ranges, raster styles as band
 * mappings with colour ramps. Pure data plus a few pure helpers (filter evaluation, scale checks,
 * defaults); no I/O.
 *
 * Units: sizes and widths are screen pixels at 96 dpi (QGIS millimetres and points are converted
 * by the readers); colours are "#rrggbb" with a separate opacity 0..1; rotations are degrees
 * clockwise; scales are scale denominators (1:25000 → 25000).
 */
import { evaluateFilter } from "./filter.ts";

export { anyOf, compareValues, evaluateFilter, filterFields, likeToRegExp } from "./filter.ts";

// ---------------------------------------------------------------- filters

/** A literal value of a filter comparison. */
export type FilterValue = string | number | boolean | null;

export type ComparisonOp = "=" | "!=" | "<" | "<=" | ">" | ">=";

/**
 * An attribute filter: a small AST, evaluated by `evaluateFilter`, never compiled to code.
 * `like` uses SQL wildcards (`%` any run, `_` one character, `\` escapes the next character).
 */
export type Filter =
  | { op: ComparisonOp; field: string; value: FilterValue }
  | { op: "in"; field: string; values: FilterValue[] }
  | { op: "like"; field: string; pattern: string; caseInsensitive?: boolean }
  | { op: "isnull"; field: string }
  | { op: "and" | "or"; filters: Filter[] }
  | { op: "not"; filter: Filter };

// ---------------------------------------------------------------- symbolizers

export type LineJoin = "miter" | "round" | "bevel";
export type LineCap = "butt" | "round" | "square";
export type MarkerShape = "circle" | "square" | "triangle" | "star" | "cross" | "x" | "diamond";
export const MARKER_SHAPES: readonly MarkerShape[] = [
  "circle",
  "square",
  "triangle",
  "star",
  "cross",
  "x",
  "diamond",
];

export interface FillSymbolizer {
  kind: "fill";
  color: string;
  opacity: number;
}

export interface StrokeSymbolizer {
  kind: "stroke";
  color: string;
  /** Pixels. */
  width: number;
  opacity: number;
  /** Dash pattern in pixels (on, off, ...); empty or absent = solid. */
  dash?: number[];
  join: LineJoin;
  cap: LineCap;
  /** Pixels perpendicular to the line, positive = left (QGIS offset); absent = 0. */
  offset?: number;
}

/** An icon image for a marker. `data` holds the embedded bytes; remote hrefs are never fetched. */
export interface MarkerIcon {
  /** Where the icon came from: a URL, a QGIS SVG library name, or "data:" for embedded bytes. */
  href: string;
  data?: Uint8Array;
  /** "image/svg+xml" or "image/png" when known. */
  mimeType?: string;
}

export interface MarkerSymbolizer {
  kind: "marker";
  shape: MarkerShape;
  /** Pixels: the diameter / side of the shape or the icon's height. */
  size: number;
  /** Fill colour, null = no fill. */
  fill: string | null;
  fillOpacity: number;
  /** Outline colour, null = no outline. */
  stroke: string | null;
  strokeOpacity: number;
  strokeWidth: number;
  /** Degrees clockwise. */
  rotation: number;
  /** When set, the icon is drawn instead of the shape. */
  icon?: MarkerIcon;
  /** Pixel offset [dx, dy] with y down; absent = centred. */
  offset?: [number, number];
}

export type LabelPlacement = "point" | "centroid" | "line";

export interface LabelSymbolizer {
  kind: "label";
  /** The attribute whose value is drawn; expressions are reduced to a field name by readers. */
  field: string;
  /** Pixels. */
  size: number;
  color: string;
  opacity: number;
  font: { family: string; weight: "normal" | "bold"; style: "normal" | "italic" };
  halo?: { color: string; width: number; opacity: number };
  /** "point" for points, "centroid" inside polygons, "line" along lines. */
  placement: LabelPlacement;
  /** Pixel offset [dx, dy] with y down. */
  offset?: [number, number];
}

export type Symbolizer = FillSymbolizer | StrokeSymbolizer | MarkerSymbolizer | LabelSymbolizer;

// ---------------------------------------------------------------- vector styles

/**
 * One rule: where `filter` (absent = every feature) and the scale range hold, every symbolizer
 * draws, in order. An `else` rule applies to the features no plain rule of the style matched
 * (SLD ElseFilter, QGIS ELSE rule).
 */
export interface Rule {
  name?: string;
  /** Human label for legends (QML category label, SLD Title). */
  title?: string;
  filter?: Filter;
  else?: boolean;
  /** Scale denominators: the rule applies when minScale <= denominator < maxScale (SLD sense). */
  minScale?: number;
  maxScale?: number;
  symbolizers: Symbolizer[];
}

/** How the rules were made; kept so writers can emit the matching QGIS renderer. */
export type RendererInfo =
  | { type: "single" }
  | { type: "categorized"; field: string }
  | { type: "graduated"; field: string }
  | { type: "rules" };

export interface VectorStyle {
  kind: "vector";
  name?: string;
  /** Rules in drawing order (first drawn first, i.e. at the bottom). */
  rules: Rule[];
  /** Whole-layer opacity 0..1, applied after the rules are drawn. */
  opacity: number;
  /** Layer-level scale range (same sense as on a rule). */
  minScale?: number;
  maxScale?: number;
  renderer: RendererInfo;
}

// ---------------------------------------------------------------- raster styles

/** One band mapped to a channel; min/max set = linear stretch to 0..255 (clamped). */
export interface BandChannel {
  /** 1-based band number. */
  band: number;
  min?: number;
  max?: number;
}

export interface RampStop {
  value: number;
  color: string;
  opacity: number;
  label?: string;
}

/**
 * interpolated: linear between stops, clamped at the ends; discrete: a value takes the colour of
 * the first stop whose value is >= it (QGIS "discrete"), above the last nothing; exact: only
 * values equal to a stop are drawn (paletted / unique values).
 */
export interface ColorRamp {
  type: "interpolated" | "discrete" | "exact";
  stops: RampStop[];
}

export type RasterBands =
  | { type: "rgb"; red: BandChannel; green: BandChannel; blue: BandChannel; alpha?: number }
  | { type: "gray"; gray: BandChannel }
  | { type: "pseudocolor"; band: number; ramp: ColorRamp };

export interface RasterStyle {
  kind: "raster";
  name?: string;
  bands: RasterBands;
  /** Pixels equal to the layer's nodata value are drawn transparent. */
  nodataTransparent: boolean;
  opacity: number;
  resampling: "nearest" | "bilinear";
  minScale?: number;
  maxScale?: number;
}

export type Style = VectorStyle | RasterStyle;

// ---------------------------------------------------------------- defaults

const DEFAULT_COLOR = "#3a78b4";
const DEFAULT_FILL = "#9ec3e6";

/** A sensible style for a layer with no style of its own, by NGW geometry type ("MULTIPOLYGON"…). */
export function defaultVectorStyle(geometryType: string): VectorStyle {
  const t = geometryType.toUpperCase();
  const stroke = (width: number): StrokeSymbolizer => ({
    kind: "stroke",
    color: DEFAULT_COLOR,
    width,
    opacity: 1,
    join: "round",
    cap: "round",
  });
  let symbolizers: Symbolizer[];
  if (t.includes("POLYGON")) {
    symbolizers = [{ kind: "fill", color: DEFAULT_FILL, opacity: 0.8 }, stroke(1)];
  } else if (t.includes("LINE")) {
    symbolizers = [stroke(2)];
  } else if (t.includes("POINT")) {
    symbolizers = [defaultMarker()];
  } else {
    // Unknown or mixed geometry: draw everything so nothing silently disappears.
    symbolizers = [{ kind: "fill", color: DEFAULT_FILL, opacity: 0.8 }, stroke(1), defaultMarker()];
  }
  return { kind: "vector", rules: [{ symbolizers }], opacity: 1, renderer: { type: "single" } };
}

export function defaultMarker(): MarkerSymbolizer {
  return {
    kind: "marker",
    shape: "circle",
    size: 8,
    fill: DEFAULT_COLOR,
    fillOpacity: 1,
    stroke: "#ffffff",
    strokeOpacity: 1,
    strokeWidth: 1,
    rotation: 0,
  };
}

/**
 * A default raster style: RGB(A) for 3–4 Byte bands as they are, one band as gray stretched over
 * the dtype's range (Byte 0..255; wider types leave min/max to the renderer's statistics).
 */
export function defaultRasterStyle(bandCount: number, dtype: string): RasterStyle {
  const byte = dtype.toLowerCase() === "byte" || dtype.toLowerCase() === "uint8";
  const ch = (band: number): BandChannel => (byte ? { band, min: 0, max: 255 } : { band });
  const bands: RasterBands =
    bandCount >= 3
      ? {
          type: "rgb",
          red: ch(1),
          green: ch(2),
          blue: ch(3),
          ...(bandCount >= 4 ? { alpha: 4 } : {}),
        }
      : { type: "gray", gray: ch(1) };
  return { kind: "raster", bands, nodataTransparent: true, opacity: 1, resampling: "nearest" };
}

// ---------------------------------------------------------------- evaluation

/** Whether the rule (or style) is visible at a scale denominator (absent bounds = unbounded). */
export function ruleApplies(
  rule: { minScale?: number; maxScale?: number },
  scaleDenominator: number,
): boolean {
  if (rule.minScale !== undefined && scaleDenominator < rule.minScale) return false;
  if (rule.maxScale !== undefined && scaleDenominator >= rule.maxScale) return false;
  return true;
}

/**
 * The rules that draw a feature at a scale, in drawing order: every matching plain rule, and the
 * else rules only when no plain rule in scale matched.
 */
export function matchingRules(
  style: VectorStyle,
  fields: Record<string, unknown>,
  scaleDenominator: number,
): Rule[] {
  const inScale = style.rules.filter((r) => ruleApplies(r, scaleDenominator));
  const plain = inScale.filter((r) => !r.else && (!r.filter || evaluateFilter(r.filter, fields)));
  if (plain.length) return plain;
  return inScale.filter((r) => r.else && (!r.filter || evaluateFilter(r.filter, fields)));
}

/** Web Mercator scale denominator of zoom level z for 256-pixel tiles and 0.28 mm pixels (OGC). */
export function scaleDenominatorForZoom(z: number): number {
  return 559082264.0287178 / 2 ** z;
}

/** The (fractional) zoom whose scale denominator is the given one; inverse of the above. */
export function zoomForScaleDenominator(denominator: number): number {
  return Math.log2(559082264.0287178 / denominator);
}
