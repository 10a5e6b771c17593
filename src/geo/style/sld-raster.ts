/**
 * @module The RasterSymbolizer of SLD 1.0 / SE 1.1 to the model's RasterStyle: Opacity,
 * ChannelSelection (RGB or one gray channel) and the colour map, either SLD 1.0 ColorMapEntry
 * lists (ramp, intervals, values) or SE 1.1 Interpolate/Categorize functions.
 */

import { child, childrenNamed, type XmlElement } from "../xml.ts";
import { parseColor } from "./color.ts";
import type { BandChannel, ColorRamp, RampStop, RasterBands, RasterStyle } from "./model.ts";

type Warn = (m: string) => void;

function num(v: string | undefined, d: number): number {
  const n = v === undefined || v === "" ? Number.NaN : Number(v);
  return Number.isFinite(n) ? n : d;
}

export function readRaster(s: XmlElement, warn: Warn): RasterStyle {
  const opacity = Math.max(0, Math.min(1, num(child(s, "Opacity")?.text.trim(), 1)));
  const sel = child(s, "ChannelSelection");
  const chan = (name: string): BandChannel | undefined => {
    const el = child(sel, name);
    if (!el) return undefined;
    const band = Math.max(1, Math.trunc(num(child(el, "SourceChannelName")?.text.trim(), 1)));
    return { band };
  };
  const red = chan("RedChannel");
  const green = chan("GreenChannel");
  const blue = chan("BlueChannel");
  const gray = chan("GrayChannel");
  const colorMap = child(s, "ColorMap");
  let bands: RasterBands;
  const seRamp = colorMap ? readSeColorMap(colorMap) : null;
  if (colorMap && childrenNamed(colorMap, "ColorMapEntry").length) {
    bands = { type: "pseudocolor", band: gray?.band ?? 1, ramp: readColorMap(colorMap) };
  } else if (seRamp) {
    bands = { type: "pseudocolor", band: gray?.band ?? 1, ramp: seRamp };
  } else if (red && green && blue) {
    bands = { type: "rgb", red, green, blue };
  } else {
    if (colorMap) warn("The colour map could not be read; the band is drawn in gray.");
    bands = { type: "gray", gray: gray ?? { band: 1 } };
  }
  for (const n of ["ShadedRelief", "ImageOutline", "OverlapBehavior"]) {
    if (child(s, n)) warn(`RasterSymbolizer ${n} is not supported.`);
  }
  return { kind: "raster", bands, nodataTransparent: true, opacity, resampling: "nearest" };
}

function readColorMap(cm: XmlElement): ColorRamp {
  const t = (cm.attrs.type ?? "ramp").toLowerCase();
  const stops: RampStop[] = [];
  for (const e of childrenNamed(cm, "ColorMapEntry")) {
    const c = parseColor(e.attrs.color);
    const v = Number(e.attrs.quantity);
    if (!c || !Number.isFinite(v)) continue;
    const s: RampStop = {
      value: v,
      color: c.color,
      opacity: Math.max(0, Math.min(1, num(e.attrs.opacity, 1))),
    };
    if (e.attrs.label) s.label = e.attrs.label;
    stops.push(s);
  }
  stops.sort((a, b) => a.value - b.value);
  return {
    type: t === "intervals" ? "discrete" : t === "values" ? "exact" : "interpolated",
    stops,
  };
}

/**
 * SE 1.1 colour maps are functions: Interpolate (InterpolationPoint Data/Value pairs) maps to an
 * interpolated ramp; Categorize (Value, Threshold, Value, …) to a discrete ramp whose stops are
 * the thresholds, the last class open-ended. SE puts a value equal to a threshold in the upper
 * class, the model in the lower one: only exact threshold values differ.
 */
function readSeColorMap(cm: XmlElement): ColorRamp | null {
  const interp = child(cm, "Interpolate");
  if (interp) {
    const stops: RampStop[] = [];
    for (const p of childrenNamed(interp, "InterpolationPoint")) {
      const v = Number(child(p, "Data")?.text);
      const c = parseColor(child(p, "Value")?.text);
      if (Number.isFinite(v) && c) stops.push({ value: v, color: c.color, opacity: c.opacity });
    }
    stops.sort((a, b) => a.value - b.value);
    return stops.length ? { type: "interpolated", stops } : null;
  }
  const cat = child(cm, "Categorize");
  if (!cat) return null;
  const values = childrenNamed(cat, "Value").map((v) => parseColor(v.text));
  const thresholds = childrenNamed(cat, "Threshold").map((t) => Number(t.text));
  if (values.length !== thresholds.length + 1 || values.some((v) => !v)) return null;
  if (thresholds.some((t) => !Number.isFinite(t))) return null;
  const stops: RampStop[] = values.map((c, i) => ({
    value: i < thresholds.length ? thresholds[i]! : Infinity,
    color: c!.color,
    opacity: c!.opacity,
  }));
  return { type: "discrete", stops };
}
