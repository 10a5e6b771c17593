/**
 * @module The parameters GetMap and GetFeatureInfo share: VERSION, LAYERS/STYLES (or SLD_BODY),
 * CRS/SRS, BBOX, WIDTH/HEIGHT, FORMAT, TRANSPARENT, BGCOLOR. Each bad value is an OwsError
 * naming the parameter (LayerNotDefined, StyleNotDefined, InvalidCRS, InvalidFormat, …).
 */

import {
  type DrawPart,
  findLayer,
  type OwsLayer,
  type OwsLayerSet,
  type OwsStyle,
} from "../../../catalog/ows/index.ts";
import type { BBox } from "../../../geo/geometry/types.ts";
import { MAX_IMAGE_SIDE } from "../../../geo/render/view.ts";
import type { Style } from "../../../geo/style/model.ts";
import { parseSld } from "../../../geo/style/sld.ts";
import { parseXmlSafe, type XmlElement } from "../../../geo/xml.ts";
import { missingParam, OwsError } from "../errors.ts";
import { type Crs, parseBBox, parseCrs } from "./crs.ts";

export type WmsVersion = "1.1.1" | "1.3.0";

export const MAP_FORMATS = ["image/png", "image/jpeg"] as const;
export type MapFormat = (typeof MAP_FORMATS)[number];

export interface MapRequest {
  version: WmsVersion;
  parts: DrawPart[];
  crs: Crs;
  /** In the CRS's x/y order. */
  bbox: BBox;
  width: number;
  height: number;
  format: MapFormat;
  transparent: boolean;
  bgcolor: [number, number, number];
}

export function wmsVersion(p: Map<string, string>): WmsVersion {
  const v = p.get("VERSION") ?? p.get("WMTVER");
  return v?.startsWith("1.1") || v?.startsWith("1.0") ? "1.1.1" : "1.3.0";
}

const MAX_SLD_BYTES = 1_000_000;

export function parseMapRequest(
  set: OwsLayerSet,
  p: Map<string, string>,
  needFormat: boolean,
): MapRequest {
  const version = wmsVersion(p);
  const crsKey = version === "1.3.0" ? "CRS" : "SRS";
  const crsValue = p.get(crsKey) ?? p.get(version === "1.3.0" ? "SRS" : "CRS");
  if (crsValue === undefined) throw missingParam(crsKey);
  const crs = parseCrs(crsValue, crsKey);
  const bbox = parseBBox(p.get("BBOX"), crs, version);
  const width = side(p, "WIDTH");
  const height = side(p, "HEIGHT");
  const format = (p.get("FORMAT") ?? "image/png").toLowerCase().split(";")[0]!.trim();
  const fmt =
    format === "png" || format === "image/png8"
      ? "image/png"
      : format === "jpeg" || format === "image/jpg"
        ? "image/jpeg"
        : format;
  if (needFormat && !MAP_FORMATS.includes(fmt as MapFormat))
    throw new OwsError(
      "InvalidFormat",
      `FORMAT '${format.slice(0, 60)}' is not offered.`,
      400,
      "FORMAT",
    );
  const transparent = (p.get("TRANSPARENT") ?? "FALSE").toUpperCase() === "TRUE";
  return {
    version,
    parts: drawParts(set, p),
    crs,
    bbox,
    width,
    height,
    format: (MAP_FORMATS.includes(fmt as MapFormat) ? fmt : "image/png") as MapFormat,
    transparent,
    bgcolor: parseColor(p.get("BGCOLOR")),
  };
}

function side(p: Map<string, string>, key: string): number {
  const raw = p.get(key);
  if (raw === undefined) throw missingParam(key);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_IMAGE_SIDE)
    throw new OwsError(
      "InvalidParameterValue",
      `${key} must be an integer 1..${MAX_IMAGE_SIDE}.`,
      400,
      key,
    );
  return n;
}

function parseColor(v: string | undefined): [number, number, number] {
  if (v === undefined) return [255, 255, 255];
  const m = /^(?:0x|#)?([0-9a-f]{6})$/i.exec(v.trim());
  if (!m) throw new OwsError("InvalidParameterValue", "BGCOLOR must be 0xRRGGBB.", 400, "BGCOLOR");
  const n = Number.parseInt(m[1]!, 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** LAYERS with STYLES (empty = default), or the layers and styles an SLD_BODY names. */
function drawParts(set: OwsLayerSet, p: Map<string, string>): DrawPart[] {
  const sld = p.get("SLD_BODY");
  const adhoc = sld === undefined ? null : readSldBody(sld);
  const layersParam = p.get("LAYERS");
  const names = layersParam
    ? layersParam.split(",").map((s) => s.trim())
    : adhoc
      ? adhoc.layers
      : [];
  if (names.length === 0 || names.some((n) => n === "")) throw missingParam("LAYERS");
  if (names.length > 100)
    throw new OwsError("InvalidParameterValue", "At most 100 LAYERS.", 400, "LAYERS");
  const styles = (p.get("STYLES") ?? "").split(",").map((s) => s.trim());
  if (
    p.get("STYLES") &&
    styles.length !== names.length &&
    !(styles.length === 1 && styles[0] === "")
  )
    throw new OwsError(
      "InvalidParameterValue",
      "STYLES must name one style per layer.",
      400,
      "STYLES",
    );
  return names.map((name, i) => {
    const layer = findLayer(set, name);
    if (!layer)
      throw new OwsError(
        "LayerNotDefined",
        `Layer '${name.slice(0, 100)}' is not served here.`,
        400,
        "LAYERS",
      );
    if (adhoc && adhoc.style.kind === layer.kind) return { layer, style: { adhoc: adhoc.style } };
    const style = styleOf(layer, styles[i] ?? "", "STYLES");
    return { layer, style };
  });
}

/** A layer's style by STYLES/STYLE name: empty or "default" is its first, `ws:name` matches too. */
export function styleOf(layer: OwsLayer, name: string, locator: string): OwsStyle {
  const style =
    name === "" || name.toLowerCase() === "default"
      ? layer.styles[0]
      : layer.styles.find((s) => s.name === name || s.name.endsWith(`:${name}`));
  if (!style)
    throw new OwsError(
      "StyleNotDefined",
      `Style '${name.slice(0, 100)}' is not offered for '${layer.name}'.`,
      400,
      locator,
    );
  return style;
}

/** SLD_BODY through the safe XML reader (no DTDs, no entities): its style and NamedLayer names. */
function readSldBody(text: string): { style: Style; layers: string[] } {
  if (text.length > MAX_SLD_BYTES)
    throw new OwsError("InvalidParameterValue", "SLD_BODY is too large.", 400, "SLD_BODY");
  try {
    const root = parseXmlSafe(text);
    const layers: string[] = [];
    const walk = (e: XmlElement) => {
      if (e.name === "NamedLayer") {
        const n = e.children.find((c) => c.name === "Name")?.text.trim();
        if (n) layers.push(n);
      }
      for (const c of e.children) walk(c);
    };
    walk(root);
    return { style: parseSld(text).style, layers };
  } catch (e) {
    throw new OwsError(
      "InvalidParameterValue",
      `SLD_BODY: ${(e as Error).message}`,
      400,
      "SLD_BODY",
    );
  }
}
