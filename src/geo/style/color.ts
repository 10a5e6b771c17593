/**
 * @module Colour parsing and formatting for the style model: QGIS "r,g,b,a" strings, CSS hex
 * (#rgb, #rrggbb, #rrggbbaa), rgb()/rgba() and a few named colours, to the model's "#rrggbb" +
 * opacity pair and back.
 */

export interface ParsedColor {
  /** "#rrggbb", lower case. */
  color: string;
  /** 0..1 */
  opacity: number;
}

const NAMED: Record<string, string> = {
  black: "#000000",
  white: "#ffffff",
  red: "#ff0000",
  green: "#008000",
  blue: "#0000ff",
  yellow: "#ffff00",
  gray: "#808080",
  grey: "#808080",
  orange: "#ffa500",
  transparent: "#000000",
};

const clamp255 = (n: number) => Math.max(0, Math.min(255, Math.round(n)));
const clamp01 = (n: number) => (Number.isFinite(n) ? Math.max(0, Math.min(1, n)) : 1);
const hex2 = (n: number) => clamp255(n).toString(16).padStart(2, "0");

/** "#rrggbb" from 0..255 components. */
export function rgbHex(r: number, g: number, b: number): string {
  return `#${hex2(r)}${hex2(g)}${hex2(b)}`;
}

/** Components 0..255 of a "#rrggbb" (or #rgb) colour; black for anything unreadable. */
export function hexRgb(color: string): [number, number, number] {
  const p = parseColor(color);
  const h = p ? p.color : "#000000";
  return [
    Number.parseInt(h.slice(1, 3), 16),
    Number.parseInt(h.slice(3, 5), 16),
    Number.parseInt(h.slice(5, 7), 16),
  ];
}

/** Parses any colour notation met in QML, SLD or CSS; null when it is not a colour. */
export function parseColor(input: string | null | undefined): ParsedColor | null {
  if (input === null || input === undefined) return null;
  const s = input.trim().toLowerCase();
  if (!s) return null;
  if (s in NAMED) return { color: NAMED[s]!, opacity: s === "transparent" ? 0 : 1 };
  let m = /^#([0-9a-f]{3})$/.exec(s);
  if (m) {
    const [r, g, b] = m[1]!.split("").map((c) => Number.parseInt(c + c, 16));
    return { color: rgbHex(r!, g!, b!), opacity: 1 };
  }
  m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/.exec(s);
  if (m) {
    return {
      color: `#${m[1]}`,
      opacity: m[2] ? Number.parseInt(m[2], 16) / 255 : 1,
    };
  }
  m = /^rgba?\(([^)]*)\)$/.exec(s);
  if (m) return fromParts(m[1]!.split(","), s.startsWith("rgba") ? "fraction" : "none");
  // QGIS: "r,g,b,a" with 0..255 alpha; QGIS 3.28+ may append ",rgb:r,g,b,a" floats.
  if (/^\d/.test(s) && s.includes(",")) return fromParts(s.split(",rgb:")[0]!.split(","), "byte");
  return null;
}

function fromParts(parts: string[], alpha: "fraction" | "byte" | "none"): ParsedColor | null {
  const nums = parts.map((p) => Number(p.trim()));
  if (nums.length < 3 || nums.slice(0, 3).some((n) => !Number.isFinite(n))) return null;
  let opacity = 1;
  if (nums.length >= 4 && Number.isFinite(nums[3])) {
    opacity = alpha === "byte" ? nums[3]! / 255 : nums[3]!;
  }
  return { color: rgbHex(nums[0]!, nums[1]!, nums[2]!), opacity: clamp01(opacity) };
}

/** QGIS "r,g,b,a" (alpha 0..255). */
export function toQgisColor(color: string, opacity = 1): string {
  const [r, g, b] = hexRgb(color);
  return `${r},${g},${b},${clamp255(clamp01(opacity) * 255)}`;
}

/** CSS rgba() — what canvas and MapLibre accept. */
export function toCssRgba(color: string, opacity = 1): string {
  const [r, g, b] = hexRgb(color);
  return `rgba(${r},${g},${b},${roundTo(clamp01(opacity), 4)})`;
}

export function roundTo(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
