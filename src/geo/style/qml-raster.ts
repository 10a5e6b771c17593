/**
 * @module QGIS raster renderers (`<pipe><rasterrenderer type=…>`: singlebandgray,
 * singlebandpseudocolor, multibandcolor, paletted) to and from the model's RasterStyle.
 */

import { child, childrenNamed, descendants, escapeXml, path, type XmlElement } from "../xml.ts";
import { parseColor, roundTo } from "./color.ts";
import type { BandChannel, ColorRamp, RampStop, RasterBands, RasterStyle } from "./model.ts";

type Warn = (m: string) => void;

function num(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === "") return undefined;
  // QGIS writes the open upper class of a discrete ramp as "inf".
  const t = v.trim().toLowerCase();
  if (t === "inf" || t === "-inf") return t === "inf" ? Infinity : -Infinity;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function channel(band: string | undefined, ce: XmlElement | undefined): BandChannel {
  const ch: BandChannel = { band: Math.max(1, Math.trunc(num(band) ?? 1)) };
  const algorithm = child(ce, "algorithm")?.text.trim();
  if (ce && algorithm !== "NoEnhancement") {
    const min = num(child(ce, "minValue")?.text);
    const max = num(child(ce, "maxValue")?.text);
    if (min !== undefined && max !== undefined && max > min) {
      ch.min = min;
      ch.max = max;
    }
  }
  return ch;
}

function stop(
  value: string | undefined,
  color: string | undefined,
  alpha: string | undefined,
  label: string | undefined,
): RampStop | null {
  const v = num(value);
  const c = parseColor(color);
  if (v === undefined || !c) return null;
  const a = num(alpha);
  const s: RampStop = {
    value: v,
    color: c.color,
    opacity: a === undefined ? c.opacity : roundTo(a / 255, 4),
  };
  if (label) s.label = label;
  return s;
}

/** Reads the raster part of a QML `<qgis>` element. */
export function readRasterQml(root: XmlElement, warn: Warn): RasterStyle {
  const r = path(root, "pipe", "rasterrenderer") ?? descendants(root, "rasterrenderer")[0];
  if (!r) throw new Error("no rasterrenderer");
  const a = r.attrs;
  let bands: RasterBands;
  switch (a.type) {
    case "multibandcolor":
      bands = {
        type: "rgb",
        red: channel(a.redBand, child(r, "redContrastEnhancement")),
        green: channel(a.greenBand, child(r, "greenContrastEnhancement")),
        blue: channel(a.blueBand, child(r, "blueContrastEnhancement")),
      };
      if ((num(a.alphaBand) ?? -1) > 0) bands.alpha = num(a.alphaBand)!;
      break;
    case "singlebandgray": {
      const gray = channel(a.grayBand, child(r, "contrastEnhancement"));
      if (a.gradient === "WhiteToBlack" && gray.min !== undefined && gray.max !== undefined) {
        [gray.min, gray.max] = [gray.max, gray.min];
      }
      bands = { type: "gray", gray };
      break;
    }
    case "singlebandpseudocolor": {
      const shader = path(r, "rastershader", "colorrampshader");
      const type = (shader?.attrs.colorRampType ?? "INTERPOLATED").toLowerCase();
      const stops = childrenNamed(shader, "item")
        .map((i) => stop(i.attrs.value, i.attrs.color, i.attrs.alpha, i.attrs.label))
        .filter((s): s is RampStop => s !== null);
      const ramp: ColorRamp = {
        type: type === "discrete" ? "discrete" : type === "exact" ? "exact" : "interpolated",
        stops: stops.sort((x, y) => x.value - y.value),
      };
      bands = { type: "pseudocolor", band: Math.max(1, num(a.band) ?? 1), ramp };
      break;
    }
    case "paletted": {
      const stops = childrenNamed(child(r, "colorPalette"), "paletteEntry")
        .map((e) => stop(e.attrs.value, e.attrs.color, e.attrs.alpha, e.attrs.label))
        .filter((s): s is RampStop => s !== null);
      bands = {
        type: "pseudocolor",
        band: Math.max(1, num(a.band) ?? 1),
        ramp: { type: "exact", stops },
      };
      break;
    }
    default:
      warn(`Raster renderer '${a.type}' is not supported; the first band is drawn in gray.`);
      bands = { type: "gray", gray: { band: 1 } };
  }
  if (
    childrenNamed(child(r, "rasterTransparency"), "singleValuePixelList").some(
      (e) => e.children.length,
    )
  ) {
    warn("Raster transparency pixel lists are not supported; only nodata is transparent.");
  }
  const resampler = path(root, "pipe", "rasterresampler");
  const zoomedIn = resampler?.attrs.zoomedInResampler;
  const style: RasterStyle = {
    kind: "raster",
    bands,
    nodataTransparent: true,
    opacity: Math.max(0, Math.min(1, num(a.opacity) ?? 1)),
    resampling: zoomedIn === "bilinear" || zoomedIn === "cubic" ? "bilinear" : "nearest",
  };
  if (zoomedIn === "cubic") warn("Cubic resampling is drawn as bilinear.");
  return style;
}

function ceXml(tag: string, ch: BandChannel): string {
  if (ch.min === undefined || ch.max === undefined) return "";
  return `<${tag}><minValue>${ch.min}</minValue><maxValue>${ch.max}</maxValue><algorithm>StretchToMinimumMaximum</algorithm></${tag}>`;
}

function stopXml(tag: string, s: RampStop, valueAttr = "value"): string {
  const label = escapeXml(s.label ?? String(s.value));
  const v = s.value === Infinity ? "inf" : s.value === -Infinity ? "-inf" : String(s.value);
  return `<${tag} ${valueAttr}="${v}" color="${s.color}" alpha="${Math.round(s.opacity * 255)}" label="${label}"/>`;
}

/** The `<pipe>` of a raster QML. */
export function writeRasterPipe(style: RasterStyle): string {
  const b = style.bands;
  const op = roundTo(style.opacity, 4);
  let renderer: string;
  if (b.type === "rgb") {
    renderer = `<rasterrenderer type="multibandcolor" opacity="${op}" alphaBand="${b.alpha ?? -1}" redBand="${b.red.band}" greenBand="${b.green.band}" blueBand="${b.blue.band}"><rasterTransparency/>${ceXml("redContrastEnhancement", b.red)}${ceXml("greenContrastEnhancement", b.green)}${ceXml("blueContrastEnhancement", b.blue)}</rasterrenderer>`;
  } else if (b.type === "gray") {
    const g = { ...b.gray };
    let gradient = "BlackToWhite";
    if (g.min !== undefined && g.max !== undefined && g.min > g.max) {
      [g.min, g.max] = [g.max, g.min];
      gradient = "WhiteToBlack";
    }
    renderer = `<rasterrenderer type="singlebandgray" opacity="${op}" alphaBand="-1" grayBand="${g.band}" gradient="${gradient}"><rasterTransparency/>${ceXml("contrastEnhancement", g)}</rasterrenderer>`;
  } else if (b.ramp.type === "exact" && b.ramp.stops.every((s) => Number.isInteger(s.value))) {
    renderer = `<rasterrenderer type="paletted" opacity="${op}" alphaBand="-1" band="${b.band}"><rasterTransparency/><colorPalette>${b.ramp.stops.map((s) => stopXml("paletteEntry", s)).join("")}</colorPalette></rasterrenderer>`;
  } else {
    const stops = b.ramp.stops;
    const finite = stops.filter((s) => Number.isFinite(s.value));
    const min = finite[0]?.value ?? 0;
    const max = finite[finite.length - 1]?.value ?? 0;
    renderer = `<rasterrenderer type="singlebandpseudocolor" opacity="${op}" alphaBand="-1" band="${b.band}" classificationMin="${min}" classificationMax="${max}"><rasterTransparency/><rastershader><colorrampshader colorRampType="${b.ramp.type.toUpperCase()}" classificationMode="1" clip="0">${stops.map((s) => stopXml("item", s)).join("")}</colorrampshader></rastershader></rasterrenderer>`;
  }
  const resampler =
    style.resampling === "bilinear"
      ? `<rasterresampler zoomedInResampler="bilinear" zoomedOutResampler="bilinear" maxOversampling="2"/>`
      : `<rasterresampler maxOversampling="2"/>`;
  return `<pipe>${renderer}<brightnesscontrast brightness="0" contrast="0"/>${resampler}</pipe>`;
}
