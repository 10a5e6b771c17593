/**
 * @module QGIS labeling (`<labeling type="simple|rule-based">` with text-style, text-buffer and
 * placement) to and from model label symbolizers.
 */

import { child, childrenNamed, escapeXml, type XmlElement } from "../xml.ts";
import { parseColor, roundTo, toQgisColor } from "./color.ts";
import type { Filter, LabelPlacement, LabelSymbolizer, Rule } from "./model.ts";
import {
  expressionField,
  filterToQgis,
  parseQgisExpression,
  quoteField,
} from "./qgis-expression.ts";
import { toPx } from "./qml-symbols.ts";

type Warn = (m: string) => void;

/** Label rules of a `<labeling>` element; `geometry` is the layer's ("point" | "line" | "polygon"). */
export function readLabeling(labeling: XmlElement, geometry: string, warn: Warn): Rule[] {
  const type = labeling.attrs.type;
  if (type === "simple") {
    const label = readSettings(child(labeling, "settings"), geometry, warn);
    return label ? [{ name: "labels", symbolizers: [label] }] : [];
  }
  if (type === "rule-based") {
    const out: Rule[] = [];
    const walk = (el: XmlElement, parent: Filter[], min?: number, max?: number) => {
      for (const r of childrenNamed(el, "rule")) {
        if (r.attrs.active === "0") continue;
        const filters = [...parent];
        const expr = r.attrs.filter?.trim();
        if (expr && expr !== "ELSE") {
          try {
            filters.push(parseQgisExpression(expr));
          } catch (err) {
            warn(`Label rule filter '${expr}' is not supported (${(err as Error).message}).`);
          }
        }
        const rMin = maxOf(min, scaleAttr(r.attrs.scalemindenom));
        const rMax = minOf(max, scaleAttr(r.attrs.scalemaxdenom));
        const label = readSettings(child(r, "settings"), geometry, warn);
        if (label) {
          const rule: Rule = { name: r.attrs.description || "labels", symbolizers: [label] };
          if (filters.length)
            rule.filter = filters.length === 1 ? filters[0]! : { op: "and", filters };
          if (rMin !== undefined) rule.minScale = rMin;
          if (rMax !== undefined) rule.maxScale = rMax;
          out.push(rule);
        }
        walk(r, filters, rMin, rMax);
      }
    };
    walk(child(labeling, "rules") ?? labeling, []);
    return out;
  }
  warn(`Labeling type '${type}' is not supported; labels were skipped.`);
  return [];
}

export function scaleAttr(v: string | undefined): number | undefined {
  const n = v === undefined ? Number.NaN : Number(v);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}
const maxOf = (a?: number, b?: number) =>
  a === undefined ? b : b === undefined ? a : Math.max(a, b);
const minOf = (a?: number, b?: number) =>
  a === undefined ? b : b === undefined ? a : Math.min(a, b);

function readSettings(
  settings: XmlElement | undefined,
  geometry: string,
  warn: Warn,
): LabelSymbolizer | null {
  const ts = child(settings, "text-style");
  if (!ts) return null;
  const a = ts.attrs;
  const name = a.fieldName ?? "";
  const field = a.isExpression === "1" ? expressionField(name) : name;
  if (!field) {
    warn(`Label expression '${name}' is not a plain field; labels were skipped.`);
    return null;
  }
  const c = parseColor(a.textColor) ?? { color: "#000000", opacity: 1 };
  const label: LabelSymbolizer = {
    kind: "label",
    field,
    size: toPx(a.fontSize, a.fontSizeUnit ?? "Point", (10 / (96 / 25.4)) * (96 / 72), warn),
    color: c.color,
    opacity: roundTo(c.opacity * num(a.textOpacity, 1), 4),
    font: {
      family: a.fontFamily || "sans-serif",
      weight: num(a.fontWeight, 50) >= 63 || a.fontBold === "1" ? "bold" : "normal",
      style: a.fontItalic === "1" ? "italic" : "normal",
    },
    placement: placementOf(child(settings, "placement"), geometry),
  };
  const buf = child(ts, "text-buffer");
  if (buf && buf.attrs.bufferDraw === "1") {
    const bc = parseColor(buf.attrs.bufferColor) ?? { color: "#ffffff", opacity: 1 };
    label.halo = {
      color: bc.color,
      width: toPx(buf.attrs.bufferSize, buf.attrs.bufferSizeUnits, 1, warn),
      opacity: roundTo(bc.opacity * num(buf.attrs.bufferOpacity, 1), 4),
    };
  }
  return label;
}

function placementOf(p: XmlElement | undefined, geometry: string): LabelPlacement {
  const layerType = p?.attrs.layerType;
  const g =
    layerType === "LineGeometry"
      ? "line"
      : layerType === "PolygonGeometry"
        ? "polygon"
        : layerType === "PointGeometry"
          ? "point"
          : geometry;
  if (g === "line") return "line";
  if (g === "polygon") return "centroid";
  return "point";
}

function num(v: string | undefined, d: number): number {
  const n = v === undefined ? Number.NaN : Number(v);
  return Number.isFinite(n) ? n : d;
}

// ---------------------------------------------------------------- writing

const LAYER_TYPE: Record<LabelPlacement, string> = {
  point: "PointGeometry",
  centroid: "PolygonGeometry",
  line: "LineGeometry",
};
// QGIS placement codes: 0 around point, 1 over point (centroid), 2 parallel to a line.
const PLACEMENT_CODE: Record<LabelPlacement, number> = { point: 0, centroid: 1, line: 2 };

function settingsXml(l: LabelSymbolizer): string {
  const halo = l.halo
    ? `<text-buffer bufferDraw="1" bufferSize="${roundTo(l.halo.width, 4)}" bufferSizeUnits="Pixel" bufferColor="${toQgisColor(l.halo.color)}" bufferOpacity="${roundTo(l.halo.opacity, 4)}" bufferJoinStyle="128" bufferNoFill="1"/>`
    : `<text-buffer bufferDraw="0"/>`;
  return (
    `<settings><text-style fieldName="${escapeXml(quoteFieldIfNeeded(l.field))}" isExpression="${needsQuote(l.field) ? 1 : 0}" fontFamily="${escapeXml(l.font.family)}" fontSize="${roundTo(l.size, 4)}" fontSizeUnit="Pixel" textColor="${toQgisColor(l.color)}" textOpacity="${roundTo(l.opacity, 4)}" fontWeight="${l.font.weight === "bold" ? 75 : 50}" fontItalic="${l.font.style === "italic" ? 1 : 0}">${halo}</text-style>` +
    `<placement layerType="${LAYER_TYPE[l.placement]}" placement="${PLACEMENT_CODE[l.placement]}" dist="0"/><rendering/></settings>`
  );
}

const needsQuote = (f: string) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(f);
const quoteFieldIfNeeded = (f: string) => (needsQuote(f) ? quoteField(f) : f);

/** `<labeling>` for the label symbolizers of the rules, or "" when there are none. */
export function writeLabeling(rules: Rule[]): string {
  const entries: { rule: Rule; label: LabelSymbolizer }[] = [];
  for (const rule of rules) {
    for (const s of rule.symbolizers) if (s.kind === "label") entries.push({ rule, label: s });
  }
  if (!entries.length) return "";
  const only = entries[0]!;
  if (
    entries.length === 1 &&
    !only.rule.filter &&
    only.rule.minScale === undefined &&
    only.rule.maxScale === undefined
  ) {
    return `<labeling type="simple">${settingsXml(only.label)}</labeling>`;
  }
  const ruleXml = entries.map(({ rule, label }, i) => {
    const attrs = [`key="{label-${i}}"`];
    if (rule.filter) attrs.push(`filter="${escapeXml(filterToQgis(rule.filter))}"`);
    if (rule.minScale !== undefined) attrs.push(`scalemindenom="${rule.minScale}"`);
    if (rule.maxScale !== undefined) attrs.push(`scalemaxdenom="${rule.maxScale}"`);
    if (rule.name) attrs.push(`description="${escapeXml(rule.name)}"`);
    return `<rule ${attrs.join(" ")}>${settingsXml(label)}</rule>`;
  });
  return `<labeling type="rule-based"><rules key="{labels}">${ruleXml.join("")}</rules></labeling>`;
}
