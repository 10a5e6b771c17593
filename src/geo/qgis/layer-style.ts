/**
 * @module The style embedded in a project's `<maplayer>`: QGIS writes the same elements there as
 * in a QML file (`<renderer-v2>`, `<labeling>`, `<layerOpacity>`, the raster `<pipe>`, the
 * scale-visibility attributes), so the element is re-serialised as a `<qgis>` document and read by
 * the one QML reader (geo/style/qml.ts) instead of a second copy of it.
 */
import type { Style } from "../style/model.ts";
import { parseQml } from "../style/qml.ts";
import { escapeXml, type XmlElement } from "../xml.ts";

/** The parts of a `<maplayer>` the QML reader looks at; the rest (fields, forms…) is skipped. */
const STYLE_PARTS = new Set([
  "renderer-v2",
  "labeling",
  "layerOpacity",
  "layerTransparency",
  "pipe",
  "layerGeometryType",
  "blendMode",
]);

export interface LayerStyle {
  style: Style | null;
  warnings: string[];
}

/** The layer's style, or null (with the reason as a warning) when it has none gisd can read. */
export function layerStyle(maplayer: XmlElement): LayerStyle {
  const parts = maplayer.children.filter((c) => STYLE_PARTS.has(c.name));
  if (!parts.some((c) => c.name === "renderer-v2" || c.name === "pipe"))
    return { style: null, warnings: ["the layer has no renderer"] };
  const doc = serialise({ name: "qgis", attrs: maplayer.attrs, children: parts, text: "" });
  try {
    return parseQml(doc);
  } catch (e) {
    return { style: null, warnings: [e instanceof Error ? e.message : String(e)] };
  }
}

function serialise(el: XmlElement): string {
  const attrs = Object.entries(el.attrs)
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join("");
  const inner = escapeXml(el.text) + el.children.map(serialise).join("");
  return `<${el.name}${attrs}>${inner}</${el.name}>`;
}
