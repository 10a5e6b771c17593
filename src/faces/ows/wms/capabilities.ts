/**
 * @module WMS GetCapabilities 1.1.1 (WMT_MS_Capabilities) and 1.3.0 (WMS_Capabilities): one root
 * layer holding the set's layers, each with title, abstract, keywords, its CRSs (EPSG:4326,
 * 3857, 3395 and the native one), a bounding box in each of them (1.3.0: latitude first for
 * geographic EPSG codes), styles with a LegendURL to GetLegendGraphic, and scale limits
 * (1.3.0 Min/MaxScaleDenominator, 1.1.1 ScaleHint as the pixel diagonal in metres).
 */
import type { OwsLayer, OwsLayerSet } from "../../../catalog/ows/index.ts";
import { bboxUnion } from "../../../geo/geometry/bbox.ts";
import type { BBox } from "../../../geo/geometry/types.ts";
import { MAX_IMAGE_SIDE } from "../../../geo/render/view.ts";
import { hasSrs } from "../../../geo/srs/index.ts";
import { escapeXml as x } from "../../../geo/xml.ts";
import { boxIn, COMMON_EPSG, latFirst } from "./crs.ts";
import { MAP_FORMATS, type WmsVersion } from "./map-request.ts";

export const INFO_FORMATS = [
  "text/html",
  "application/json",
  "text/xml",
  "text/plain",
  "application/vnd.ogc.gml",
];
const PIXEL_DIAGONAL = 0.00028 * Math.SQRT2;

function crsList(l: OwsLayer): number[] {
  const out: number[] = [...COMMON_EPSG].filter((c) => c === 4326 || c === 3857 || hasSrs(c));
  if (l.srs && hasSrs(l.srs) && !out.includes(l.srs)) out.push(l.srs);
  return out;
}

function bboxes(wgs84: BBox | null, codes: number[], v: WmsVersion): string {
  if (!wgs84) return "";
  const key = v === "1.3.0" ? "CRS" : "SRS";
  let out = "";
  for (const code of codes) {
    const b = boxIn(wgs84, code);
    if (!b) continue;
    const o = latFirst({ id: `EPSG:${code}`, epsg: code }, v) ? [b[1], b[0], b[3], b[2]] : b;
    out += `<BoundingBox ${key}="EPSG:${code}" minx="${o[0]}" miny="${o[1]}" maxx="${o[2]}" maxy="${o[3]}"/>`;
  }
  return out;
}

function geographic(b: BBox | null, v: WmsVersion): string {
  if (!b) return "";
  return v === "1.3.0"
    ? `<EX_GeographicBoundingBox><westBoundLongitude>${b[0]}</westBoundLongitude><eastBoundLongitude>${b[2]}</eastBoundLongitude>` +
        `<southBoundLatitude>${b[1]}</southBoundLatitude><northBoundLatitude>${b[3]}</northBoundLatitude></EX_GeographicBoundingBox>`
    : `<LatLonBoundingBox minx="${b[0]}" miny="${b[1]}" maxx="${b[2]}" maxy="${b[3]}"/>`;
}

const keywords = (k: string[]) =>
  k.length
    ? `<KeywordList>${k.map((w) => `<Keyword>${x(w)}</Keyword>`).join("")}</KeywordList>`
    : "";

function layerXml(l: OwsLayer, v: WmsVersion, url: string): string {
  const codes = crsList(l);
  const key = v === "1.3.0" ? "CRS" : "SRS";
  const styles = l.styles
    .map((s) => {
      const href = `${url}SERVICE=WMS&VERSION=${v}&REQUEST=GetLegendGraphic&FORMAT=image/png&LAYER=${encodeURIComponent(l.name)}&STYLE=${encodeURIComponent(s.name)}`;
      return (
        `<Style><Name>${x(s.name)}</Name><Title>${x(s.title)}</Title>` +
        `<LegendURL width="20" height="20"><Format>image/png</Format>` +
        `<OnlineResource xmlns:xlink="http://www.w3.org/1999/xlink" xlink:type="simple" xlink:href="${x(href)}"/></LegendURL></Style>`
      );
    })
    .join("");
  let scale = "";
  if (v === "1.3.0") {
    if (l.minScale !== null) scale += `<MinScaleDenominator>${l.minScale}</MinScaleDenominator>`;
    if (l.maxScale !== null) scale += `<MaxScaleDenominator>${l.maxScale}</MaxScaleDenominator>`;
  } else if (l.minScale !== null || l.maxScale !== null) {
    const min = (l.minScale ?? 0) * PIXEL_DIAGONAL;
    const max = l.maxScale === null ? 1e20 : l.maxScale * PIXEL_DIAGONAL;
    scale = `<ScaleHint min="${min}" max="${max}"/>`;
  }
  return (
    `<Layer queryable="${l.queryable ? 1 : 0}" opaque="0"><Name>${x(l.name)}</Name><Title>${x(l.title)}</Title>` +
    (l.abstract ? `<Abstract>${x(l.abstract)}</Abstract>` : "") +
    keywords(l.keywords) +
    codes.map((c) => `<${key}>EPSG:${c}</${key}>`).join("") +
    geographic(l.wgs84, v) +
    bboxes(l.wgs84, codes, v) +
    styles +
    scale +
    "</Layer>"
  );
}

function dcp(url: string, post: boolean): string {
  const r = `<OnlineResource xmlns:xlink="http://www.w3.org/1999/xlink" xlink:type="simple" xlink:href="${x(url)}"/>`;
  return `<DCPType><HTTP><Get>${r}</Get>${post ? `<Post>${r}</Post>` : ""}</HTTP></DCPType>`;
}

/** `url` is the endpoint with "?" (and MAP=…&) so parameters can be appended. */
export function capabilities(set: OwsLayerSet, v: WmsVersion, url: string): Response {
  const all = set.layers.reduce<BBox | null>((acc, l) => bboxUnion(acc, l.wgs84), null);
  const codes = [...new Set(set.layers.flatMap(crsList))];
  if (codes.length === 0) codes.push(4326, 3857);
  const key = v === "1.3.0" ? "CRS" : "SRS";
  const capsFormat = v === "1.3.0" ? "text/xml" : "application/vnd.ogc.wms_xml";
  const maps = MAP_FORMATS.map((f) => `<Format>${f}</Format>`).join("");
  const infos = INFO_FORMATS.map((f) => `<Format>${f}</Format>`).join("");
  const legend = `<Format>image/png</Format>${dcp(url, false)}`;
  const request =
    `<GetCapabilities><Format>${capsFormat}</Format>${dcp(url, true)}</GetCapabilities>` +
    `<GetMap>${maps}${dcp(url, true)}</GetMap>` +
    `<GetFeatureInfo>${infos}${dcp(url, true)}</GetFeatureInfo>` +
    (v === "1.3.0"
      ? `<sld:GetLegendGraphic>${legend}</sld:GetLegendGraphic>`
      : `<GetLegendGraphic>${legend}</GetLegendGraphic>`);
  const service =
    `<Service><Name>${v === "1.3.0" ? "WMS" : "OGC:WMS"}</Name><Title>${x(set.title)}</Title>` +
    (set.abstract ? `<Abstract>${x(set.abstract)}</Abstract>` : "") +
    keywords(set.keywords) +
    `<OnlineResource xmlns:xlink="http://www.w3.org/1999/xlink" xlink:type="simple" xlink:href="${x(url)}"/>` +
    "<Fees>none</Fees><AccessConstraints>none</AccessConstraints>" +
    (v === "1.3.0"
      ? `<MaxWidth>${MAX_IMAGE_SIDE}</MaxWidth><MaxHeight>${MAX_IMAGE_SIDE}</MaxHeight>`
      : "") +
    "</Service>";
  const root =
    `<Layer><Title>${x(set.title)}</Title>` +
    codes.map((c) => `<${key}>EPSG:${c}</${key}>`).join("") +
    (v === "1.3.0" ? "<CRS>CRS:84</CRS>" : "") +
    geographic(all, v) +
    bboxes(all, codes, v) +
    set.layers.map((l) => layerXml(l, v, url)).join("") +
    "</Layer>";
  const exceptions =
    v === "1.3.0"
      ? "<Exception><Format>XML</Format></Exception>"
      : "<Exception><Format>application/vnd.ogc.se_xml</Format></Exception>";
  const head =
    v === "1.3.0"
      ? '<WMS_Capabilities version="1.3.0" xmlns="http://www.opengis.net/wms" xmlns:sld="http://www.opengis.net/sld" ' +
        'xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
        'xsi:schemaLocation="http://www.opengis.net/wms http://schemas.opengis.net/wms/1.3.0/capabilities_1_3_0.xsd">'
      : '<WMT_MS_Capabilities version="1.1.1">';
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?>\n${head}${service}<Capability><Request>${request}</Request>` +
    `${exceptions}${root}</Capability>${v === "1.3.0" ? "</WMS_Capabilities>" : "</WMT_MS_Capabilities>"}`;
  return new Response(xml, {
    headers: {
      "Content-Type":
        v === "1.3.0" ? "text/xml; charset=utf-8" : "application/vnd.ogc.wms_xml; charset=utf-8",
    },
  });
}
