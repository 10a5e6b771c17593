/**
 * @module The model to SLD 1.0 (what GeoServer, QGIS and MapServer all read): one NamedLayer with
 * one UserStyle and one FeatureTypeStyle; raster styles as a RasterSymbolizer with a ColorMap.
 */

import { escapeXml } from "../xml.ts";
import { roundTo } from "./color.ts";
import type {
  BandChannel,
  LabelSymbolizer,
  MarkerSymbolizer,
  RasterStyle,
  Rule,
  StrokeSymbolizer,
  Style,
  Symbolizer,
} from "./model.ts";
import { writeOgcPredicate } from "./ogc-filter.ts";

const css = (name: string, v: string | number) =>
  `<CssParameter name="${name}">${escapeXml(String(v))}</CssParameter>`;
const n = (v: number) => String(roundTo(v, 4));

/** Writes SLD 1.0; `layerName` is the NamedLayer's Name (GeoServer uses the style name). */
export function writeSld(style: Style, layerName = style.name ?? "style"): string {
  const name = style.name ? `<Name>${escapeXml(style.name)}</Name>` : "";
  const body =
    style.kind === "raster"
      ? `<Rule>${scaleXml(style)}${rasterXml(style)}</Rule>`
      : style.rules.map((r) => ruleXml(r, style)).join("");
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<StyledLayerDescriptor version="1.0.0" xmlns="http://www.opengis.net/sld" xmlns:ogc="http://www.opengis.net/ogc" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.opengis.net/sld http://schemas.opengis.net/sld/1.0.0/StyledLayerDescriptor.xsd">` +
    `<NamedLayer><Name>${escapeXml(layerName)}</Name><UserStyle>${name}` +
    `<FeatureTypeStyle>${body}</FeatureTypeStyle></UserStyle></NamedLayer></StyledLayerDescriptor>\n`
  );
}

/** Rule scale range intersected with the layer's (SLD has no layer-level range). */
function scaleXml(
  r: { minScale?: number; maxScale?: number },
  layer?: { minScale?: number; maxScale?: number },
): string {
  const min = Math.max(r.minScale ?? 0, layer?.minScale ?? 0);
  const max = Math.min(r.maxScale ?? Infinity, layer?.maxScale ?? Infinity);
  return (
    (min > 0 ? `<MinScaleDenominator>${min}</MinScaleDenominator>` : "") +
    (Number.isFinite(max) ? `<MaxScaleDenominator>${max}</MaxScaleDenominator>` : "")
  );
}

function ruleXml(
  r: Rule,
  layer: { minScale?: number; maxScale?: number; opacity?: number },
): string {
  const parts: string[] = [];
  if (r.name) parts.push(`<Name>${escapeXml(r.name)}</Name>`);
  if (r.title) parts.push(`<Title>${escapeXml(r.title)}</Title>`);
  if (r.filter) parts.push(`<ogc:Filter>${writeOgcPredicate(r.filter)}</ogc:Filter>`);
  if (r.else) parts.push("<ElseFilter/>");
  parts.push(scaleXml(r, layer));
  // SLD has no layer opacity: it is folded into every symbolizer's opacities.
  const k = layer.opacity ?? 1;
  for (const s of r.symbolizers) parts.push(symbolizerXml(s, k));
  return `<Rule>${parts.join("")}</Rule>`;
}

function symbolizerXml(s: Symbolizer, k: number): string {
  switch (s.kind) {
    case "fill":
      return `<PolygonSymbolizer><Fill>${css("fill", s.color)}${css("fill-opacity", n(s.opacity * k))}</Fill></PolygonSymbolizer>`;
    case "stroke": {
      const off = s.offset ? `<PerpendicularOffset>${n(s.offset)}</PerpendicularOffset>` : "";
      return `<LineSymbolizer>${strokeXml(s, k)}${off}</LineSymbolizer>`;
    }
    case "marker":
      return `<PointSymbolizer>${graphicXml(s, k)}</PointSymbolizer>`;
    case "label":
      return textXml(s, k);
  }
}

function strokeXml(s: StrokeSymbolizer, k: number): string {
  const dash = s.dash?.length ? css("stroke-dasharray", s.dash.map(n).join(" ")) : "";
  return `<Stroke>${css("stroke", s.color)}${css("stroke-width", n(s.width))}${css("stroke-opacity", n(s.opacity * k))}${css("stroke-linejoin", s.join === "miter" ? "mitre" : s.join)}${css("stroke-linecap", s.cap)}${dash}</Stroke>`;
}

function graphicXml(m: MarkerSymbolizer, k: number): string {
  let inner: string;
  if (m.icon) {
    const mime = m.icon.mimeType ?? "image/svg+xml";
    const href = m.icon.data
      ? `data:${mime};base64,${Buffer.from(m.icon.data).toString("base64")}`
      : m.icon.href;
    inner = `<ExternalGraphic><OnlineResource xlink:type="simple" xlink:href="${escapeXml(href)}"/><Format>${escapeXml(mime)}</Format></ExternalGraphic>`;
  } else {
    const fill = m.fill
      ? `<Fill>${css("fill", m.fill)}${css("fill-opacity", n(m.fillOpacity * k))}</Fill>`
      : "";
    const stroke =
      m.stroke && m.strokeWidth > 0
        ? `<Stroke>${css("stroke", m.stroke)}${css("stroke-width", n(m.strokeWidth))}${css("stroke-opacity", n(m.strokeOpacity * k))}</Stroke>`
        : "";
    inner = `<Mark><WellKnownName>${m.shape === "diamond" ? "square" : m.shape}</WellKnownName>${fill}${stroke}</Mark>`;
  }
  // SLD has no diamond mark: a square turned by 45 degrees is one.
  const rotation = m.rotation + (!m.icon && m.shape === "diamond" ? 45 : 0);
  const disp = m.offset
    ? `<Displacement><DisplacementX>${n(m.offset[0])}</DisplacementX><DisplacementY>${n(-m.offset[1])}</DisplacementY></Displacement>`
    : "";
  const opacity = m.icon && k !== 1 ? `<Opacity>${n(k)}</Opacity>` : "";
  return `<Graphic>${inner}${opacity}<Size>${n(m.size)}</Size><Rotation>${n(rotation)}</Rotation>${disp}</Graphic>`;
}

function textXml(l: LabelSymbolizer, k: number): string {
  const placement =
    l.placement === "line"
      ? "<LabelPlacement><LinePlacement/></LabelPlacement>"
      : `<LabelPlacement><PointPlacement><AnchorPoint><AnchorPointX>0.5</AnchorPointX><AnchorPointY>0.5</AnchorPointY></AnchorPoint></PointPlacement></LabelPlacement>`;
  const halo = l.halo
    ? `<Halo><Radius>${n(l.halo.width)}</Radius><Fill>${css("fill", l.halo.color)}${css("fill-opacity", n(l.halo.opacity * k))}</Fill></Halo>`
    : "";
  return (
    `<TextSymbolizer><Label><ogc:PropertyName>${escapeXml(l.field)}</ogc:PropertyName></Label>` +
    `<Font>${css("font-family", l.font.family)}${css("font-size", n(l.size))}${css("font-style", l.font.style)}${css("font-weight", l.font.weight)}</Font>` +
    `${placement}${halo}<Fill>${css("fill", l.color)}${css("fill-opacity", n(l.opacity * k))}</Fill></TextSymbolizer>`
  );
}

function rasterXml(s: RasterStyle): string {
  const b = s.bands;
  const ch = (tag: string, c: BandChannel) => {
    const ce =
      c.min !== undefined && c.max !== undefined
        ? `<ContrastEnhancement><Normalize/></ContrastEnhancement>`
        : "";
    return `<${tag}><SourceChannelName>${c.band}</SourceChannelName>${ce}</${tag}>`;
  };
  let inner: string;
  if (b.type === "rgb") {
    inner = `<ChannelSelection>${ch("RedChannel", b.red)}${ch("GreenChannel", b.green)}${ch("BlueChannel", b.blue)}</ChannelSelection>`;
  } else if (b.type === "gray") {
    inner = `<ChannelSelection>${ch("GrayChannel", b.gray)}</ChannelSelection>`;
  } else {
    const type =
      b.ramp.type === "discrete" ? "intervals" : b.ramp.type === "exact" ? "values" : "ramp";
    const entries = b.ramp.stops
      .filter((st) => Number.isFinite(st.value) || st.value === Infinity)
      .map((st) => {
        const q = st.value === Infinity ? "1e38" : String(st.value);
        const label = st.label ? ` label="${escapeXml(st.label)}"` : "";
        return `<ColorMapEntry color="${st.color}" quantity="${q}" opacity="${n(st.opacity)}"${label}/>`;
      });
    inner = `<ChannelSelection><GrayChannel><SourceChannelName>${b.band}</SourceChannelName></GrayChannel></ChannelSelection><ColorMap type="${type}">${entries.join("")}</ColorMap>`;
  }
  return `<RasterSymbolizer><Opacity>${n(s.opacity)}</Opacity>${inner}</RasterSymbolizer>`;
}
