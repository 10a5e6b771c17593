/**
 * @module QGIS QML styles to and from the model: vector renderers (singleSymbol,
 * categorizedSymbol, graduatedSymbol, RuleRenderer) with labeling, opacity and scale-based
 * visibility, and raster renderers (see qml-raster.ts). Unsupported parts import with warnings.
 */

import {
  child,
  childrenNamed,
  escapeXml,
  parseXmlSafe,
  type XmlElement,
  XmlError,
} from "../xml.ts";
import { roundTo } from "./color.ts";
import type {
  Filter,
  FilterValue,
  RasterStyle,
  Rule,
  Style,
  Symbolizer,
  VectorStyle,
} from "./model.ts";
import { filterToQgis, parseQgisExpression } from "./qgis-expression.ts";
import { readLabeling, scaleAttr, writeLabeling } from "./qml-labels.ts";
import { readRasterQml, writeRasterPipe } from "./qml-raster.ts";
import { readSymbol, type SymbolType, writeSymbol } from "./qml-symbols.ts";

export interface ParsedStyle<S = Style> {
  style: S;
  warnings: string[];
}

/** Parses a QML document (string or bytes). Throws XmlError when it is not a QGIS style at all. */
export function parseQml(xml: string | Uint8Array): ParsedStyle {
  const root = parseXmlSafe(xml);
  if (root.name !== "qgis") throw new XmlError("Not a QGIS style: the root element is not <qgis>.");
  const warnings: string[] = [];
  const warn = (m: string) => {
    if (!warnings.includes(m) && warnings.length < 100) warnings.push(m);
  };
  const layerScale = readLayerScale(root);
  if (child(root, "pipe")) {
    const style: RasterStyle = { ...readRasterQml(root, warn), ...layerScale };
    return { style, warnings };
  }
  const renderer = child(root, "renderer-v2");
  if (!renderer)
    throw new XmlError("Not a QGIS style: it has neither a renderer nor a raster pipe.");
  const style = readRenderer(renderer, warn);
  Object.assign(style, layerScale);
  const opacity = numberText(child(root, "layerOpacity"));
  // QGIS 2 stored transparency in percent instead.
  const transparency = numberText(child(root, "layerTransparency"));
  if (opacity !== undefined) style.opacity = Math.max(0, Math.min(1, opacity));
  else if (transparency !== undefined)
    style.opacity = Math.max(0, Math.min(1, 1 - transparency / 100));
  const labeling = child(root, "labeling");
  if (labeling && root.attrs.labelsEnabled !== "0") {
    style.rules.push(...readLabeling(labeling, geometryOf(root, style), warn));
  } else if (/true/i.test(customProperty(root, "labeling/enabled") ?? "")) {
    warn("QGIS 2 labels (custom properties) are not supported; labels were skipped.");
  }
  return { style, warnings };
}

function numberText(el: XmlElement | undefined): number | undefined {
  const t = el?.text.trim();
  if (!t) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

function customProperty(root: XmlElement, key: string): string | undefined {
  const props = child(root, "customproperties");
  return childrenNamed(props, "property").find((p) => p.attrs.key === key)?.attrs.value;
}

/**
 * QGIS 3 layer attributes: minScale is the zoomed-out limit (largest denominator). QGIS 2 wrote
 * scaleBasedVisibilityFlag with minimumScale/maximumScale in the ordinary sense.
 */
function readLayerScale(root: XmlElement): { minScale?: number; maxScale?: number } {
  const a = root.attrs;
  const v2 = a.hasScaleBasedVisibilityFlag === undefined && a.scaleBasedVisibilityFlag === "1";
  if (a.hasScaleBasedVisibilityFlag !== "1" && !v2) return {};
  const out: { minScale?: number; maxScale?: number } = {};
  const zoomedIn = scaleAttr(v2 ? a.minimumScale : a.maxScale);
  const zoomedOut = scaleAttr(v2 ? a.maximumScale : a.minScale);
  if (zoomedIn !== undefined) out.minScale = zoomedIn;
  if (zoomedOut !== undefined) out.maxScale = zoomedOut;
  return out;
}

function geometryOf(root: XmlElement, style: VectorStyle): string {
  const g = child(root, "layerGeometryType")?.text.trim();
  if (g === "0") return "point";
  if (g === "1") return "line";
  if (g === "2") return "polygon";
  const kinds = new Set(style.rules.flatMap((r) => r.symbolizers.map((s) => s.kind)));
  return kinds.has("fill") ? "polygon" : kinds.has("marker") ? "point" : "line";
}

function readRenderer(r: XmlElement, warn: (m: string) => void): VectorStyle {
  const symbols = new Map<string, XmlElement>();
  for (const s of childrenNamed(child(r, "symbols"), "symbol")) symbols.set(s.attrs.name ?? "", s);
  const sym = (name: string | undefined): Symbolizer[] => {
    const el = name === undefined ? undefined : symbols.get(name);
    return el ? readSymbol(el, { warn }) : [];
  };
  const style: VectorStyle = {
    kind: "vector",
    rules: [],
    opacity: 1,
    renderer: { type: "single" },
  };
  switch (r.attrs.type) {
    case "singleSymbol":
      style.rules.push({ symbolizers: sym("0") });
      break;
    case "categorizedSymbol": {
      const field = fieldOf(r.attrs.attr ?? "", warn);
      style.renderer = { type: "categorized", field };
      for (const c of childrenNamed(child(r, "categories"), "category")) {
        if (c.attrs.render === "false") continue;
        const values = childrenNamed(c, "val").map((v) =>
          typedValue(v.attrs.value ?? "", v.attrs.type),
        );
        const rule: Rule = { symbolizers: sym(c.attrs.symbol) };
        if (c.attrs.label) rule.title = c.attrs.label;
        if (values.length) rule.filter = { op: "in", field, values };
        else if ((c.attrs.value ?? "") === "") rule.else = true;
        else rule.filter = { op: "=", field, value: typedValue(c.attrs.value!, c.attrs.type) };
        style.rules.push(rule);
      }
      break;
    }
    case "graduatedSymbol": {
      const field = fieldOf(r.attrs.attr ?? "", warn);
      style.renderer = { type: "graduated", field };
      let prevUpper: number | undefined;
      for (const g of childrenNamed(child(r, "ranges"), "range")) {
        const lower = Number(g.attrs.lower);
        const upper = Number(g.attrs.upper);
        const render = g.attrs.render !== "false";
        // QGIS takes the first range containing the value, bounds inclusive; a shared bound
        // belongs to the earlier range, so later ranges start exclusively there.
        const lowOp = prevUpper !== undefined && prevUpper === lower ? ">" : ">=";
        prevUpper = upper;
        if (!render || !Number.isFinite(lower) || !Number.isFinite(upper)) continue;
        const filter: Filter = {
          op: "and",
          filters: [
            { op: lowOp, field, value: lower },
            { op: "<=", field, value: upper },
          ],
        };
        const rule: Rule = { filter, symbolizers: sym(g.attrs.symbol) };
        if (g.attrs.label) rule.title = g.attrs.label;
        style.rules.push(rule);
      }
      break;
    }
    case "RuleRenderer":
      style.renderer = { type: "rules" };
      readRules(child(r, "rules"), [], undefined, undefined, style.rules, sym, warn);
      break;
    case "nullSymbol":
      break;
    default:
      warn(
        `Renderer '${r.attrs.type}' is not supported; its first symbol is drawn for every feature.`,
      );
      style.rules.push({ symbolizers: sym(symbols.keys().next().value) });
  }
  return style;
}

function fieldOf(attr: string, warn: (m: string) => void): string {
  const m = /^"((?:[^"]|"")*)"$/.exec(attr.trim());
  if (m) return m[1]!.replace(/""/g, '"');
  if (!/^[A-Za-z_][\w]*$/.test(attr.trim()))
    warn(`Renderer expression '${attr}' is read as a field name.`);
  return attr.trim();
}

function typedValue(v: string, type: string | undefined): FilterValue {
  if (type && /int|double|real|long/i.test(type)) {
    const n = Number(v);
    if (Number.isFinite(n)) return n;
  }
  return v;
}

/** Flattens nested QGIS rules: children inherit the parent filter (AND) and scale range. */
function readRules(
  el: XmlElement | undefined,
  parent: Filter[],
  min: number | undefined,
  max: number | undefined,
  out: Rule[],
  sym: (name: string | undefined) => Symbolizer[],
  warn: (m: string) => void,
): void {
  for (const r of childrenNamed(el, "rule")) {
    if (r.attrs.checkstate === "0") continue;
    const filters = [...parent];
    const expr = r.attrs.filter?.trim() ?? "";
    const isElse = expr.toUpperCase() === "ELSE";
    if (expr && !isElse) {
      try {
        filters.push(parseQgisExpression(expr));
      } catch (err) {
        warn(
          `Rule filter '${expr}' is not supported (${(err as Error).message}); the rule is drawn for every feature.`,
        );
      }
    }
    const rMin = pick(min, scaleAttr(r.attrs.scalemindenom), Math.max);
    const rMax = pick(max, scaleAttr(r.attrs.scalemaxdenom), Math.min);
    if (r.attrs.symbol !== undefined) {
      const rule: Rule = { symbolizers: sym(r.attrs.symbol) };
      if (r.attrs.label) rule.name = r.attrs.label;
      if (r.attrs.label) rule.title = r.attrs.label;
      if (filters.length) rule.filter = filters.length === 1 ? filters[0]! : { op: "and", filters };
      if (isElse) rule.else = true;
      if (rMin !== undefined) rule.minScale = rMin;
      if (rMax !== undefined) rule.maxScale = rMax;
      out.push(rule);
    }
    readRules(r, filters, rMin, rMax, out, sym, warn);
  }
}

function pick(a: number | undefined, b: number | undefined, f: (x: number, y: number) => number) {
  return a === undefined ? b : b === undefined ? a : f(a, b);
}

// ---------------------------------------------------------------- writing

const HEADER = `<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n`;

/** Writes a style as a QML document QGIS 3 opens. `geometryType` picks symbol types (NGW names). */
export function writeQml(style: Style, opts: { geometryType?: string } = {}): string {
  const scale = scaleAttrs(style);
  if (style.kind === "raster") {
    return `${HEADER}<qgis version="3.28.0-Firenze" styleCategories="AllStyleCategories"${scale}>${writeRasterPipe(style)}<blendMode>0</blendMode></qgis>\n`;
  }
  const type = symbolType(style, opts.geometryType);
  const drawRules = style.rules
    .map((r) => ({ ...r, symbolizers: r.symbolizers.filter((s) => s.kind !== "label") }))
    .filter((r) => r.symbolizers.length);
  const labeling = writeLabeling(style.rules);
  const geom = type === "marker" ? 0 : type === "line" ? 1 : 2;
  return (
    `${HEADER}<qgis version="3.28.0-Firenze" styleCategories="AllStyleCategories" labelsEnabled="${labeling ? 1 : 0}"${scale}>` +
    writeRenderer(style, drawRules, type) +
    labeling +
    `<layerOpacity>${roundTo(style.opacity, 4)}</layerOpacity><layerGeometryType>${geom}</layerGeometryType></qgis>\n`
  );
}

function scaleAttrs(style: Style): string {
  if (style.minScale === undefined && style.maxScale === undefined)
    return ` hasScaleBasedVisibilityFlag="0"`;
  return ` hasScaleBasedVisibilityFlag="1" maxScale="${style.minScale ?? 0}" minScale="${style.maxScale ?? 0}"`;
}

function symbolType(style: VectorStyle, geometryType?: string): SymbolType {
  const g = (geometryType ?? "").toUpperCase();
  if (g.includes("POLYGON")) return "fill";
  if (g.includes("LINE")) return "line";
  if (g.includes("POINT")) return "marker";
  const kinds = new Set(style.rules.flatMap((r) => r.symbolizers.map((s) => s.kind)));
  return kinds.has("fill")
    ? "fill"
    : kinds.has("marker") && !kinds.has("stroke")
      ? "marker"
      : "line";
}

function writeRenderer(style: VectorStyle, rules: Rule[], type: SymbolType): string {
  const symbols = `<symbols>${rules.map((r, i) => writeSymbol(String(i), type, r.symbolizers)).join("")}</symbols>`;
  const info = style.renderer;
  const plain = rules.every((r) => r.minScale === undefined && r.maxScale === undefined);
  if (rules.length === 1 && !rules[0]!.filter && !rules[0]!.else && plain) {
    return `<renderer-v2 type="singleSymbol" symbollevels="0" forceraster="0" enableorderby="0">${symbols}</renderer-v2>`;
  }
  if (info.type === "categorized" && plain) {
    const cats = rules.map((r, i) => categoryXml(r, i, info.field));
    if (cats.every((c) => c !== null)) {
      return `<renderer-v2 type="categorizedSymbol" attr="${escapeXml(info.field)}" symbollevels="0" forceraster="0" enableorderby="0"><categories>${cats.join("")}</categories>${symbols}</renderer-v2>`;
    }
  }
  if (info.type === "graduated" && plain) {
    const ranges = rules.map((r, i) => rangeXml(r, i, info.field));
    if (ranges.every((c) => c !== null)) {
      return `<renderer-v2 type="graduatedSymbol" attr="${escapeXml(info.field)}" graduatedMethod="GraduatedColor" symbollevels="0" forceraster="0" enableorderby="0"><ranges>${ranges.join("")}</ranges>${symbols}</renderer-v2>`;
    }
  }
  const ruleXml = rules.map((r, i) => {
    const a = [`key="{rule-${i}}"`, `symbol="${i}"`];
    if (r.else) a.push(`filter="ELSE"`);
    else if (r.filter) a.push(`filter="${escapeXml(filterToQgis(r.filter))}"`);
    const label = r.title ?? r.name;
    if (label) a.push(`label="${escapeXml(label)}"`);
    if (r.minScale !== undefined) a.push(`scalemindenom="${r.minScale}"`);
    if (r.maxScale !== undefined) a.push(`scalemaxdenom="${r.maxScale}"`);
    return `<rule ${a.join(" ")}/>`;
  });
  return `<renderer-v2 type="RuleRenderer" symbollevels="0" forceraster="0" enableorderby="0"><rules key="{rules}">${ruleXml.join("")}</rules>${symbols}</renderer-v2>`;
}

function categoryXml(r: Rule, i: number, field: string): string | null {
  const label = escapeXml(r.title ?? r.name ?? "");
  if (r.else && !r.filter)
    return `<category render="true" value="" label="${label}" symbol="${i}"/>`;
  const f = r.filter;
  if (f?.op !== "=" || f.field !== field || f.value === null) return null;
  const t = typeof f.value === "number" ? "double" : "string";
  return `<category render="true" type="${t}" value="${escapeXml(String(f.value))}" label="${label}" symbol="${i}"/>`;
}

function rangeXml(r: Rule, i: number, field: string): string | null {
  const f = r.filter;
  if (f?.op !== "and" || f.filters.length !== 2) return null;
  const [lo, hi] = f.filters;
  if (!lo || !hi || !("value" in lo) || !("value" in hi)) return null;
  if (lo.field !== field || hi.field !== field || !lo.op.startsWith(">") || hi.op !== "<=")
    return null;
  if (typeof lo.value !== "number" || typeof hi.value !== "number") return null;
  const label = escapeXml(r.title ?? r.name ?? `${lo.value} - ${hi.value}`);
  return `<range render="true" lower="${lo.value}" upper="${hi.value}" label="${label}" symbol="${i}"/>`;
}
