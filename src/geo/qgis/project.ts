/**
 * @module Reads a QGIS 3 project document (`.qgs` XML; `.qgz` is unpacked by qgz.ts first) into a
 * plain value: title, project CRS, extent, and the layers in layer-tree order (top first) with
 * their datasource, provider, CRS and embedded style. Pure: no file is opened here; the catalog
 * resolves datasources against the project folder (catalog/projects/).
 */
import type { BBox } from "../geometry/types.ts";
import type { Style } from "../style/model.ts";
import { child, childrenNamed, parseXmlSafe, type XmlElement, XmlError } from "../xml.ts";
import { type ProjectCrs, readCrs } from "./crs.ts";
import { layerStyle } from "./layer-style.ts";

export interface QgisLayer {
  /** QGIS layer id (`countries_0c1d…`), unique in the project. */
  id: string;
  /** `<layername>`: what WMS/WFS call the layer. */
  name: string;
  title: string;
  abstract: string;
  /** "vector" or "raster" (`<maplayer type>`); other types (mesh, plugin) are kept as given. */
  type: string;
  provider: string;
  datasource: string;
  crs: ProjectCrs;
  /** Checked in the layer tree (drawn when a request names no layer). */
  visible: boolean;
  style: Style | null;
  styleWarnings: string[];
}

export interface QgisProject {
  title: string;
  /** `WMSServiceAbstract`, else the project metadata's abstract. */
  abstract: string;
  crs: ProjectCrs;
  /** Project extent in the project CRS: the WMS extent if set, else the saved map canvas. */
  extent: BBox | null;
  /** QGIS version that wrote the file (`<qgis version>`). */
  version: string;
  layers: QgisLayer[];
}

/** Largest project document accepted (QGIS projects with hundreds of layers stay well below). */
export const MAX_PROJECT_BYTES = 32 * 1024 * 1024;

/** Parses a `.qgs` document; throws XmlError when it is not one. */
export function parseProject(xml: string | Uint8Array): QgisProject {
  const root = parseXmlSafe(xml, { maxBytes: MAX_PROJECT_BYTES });
  if (root.name !== "qgis")
    throw new XmlError("Not a QGIS project: the root element is not <qgis>.");
  const projectLayers = child(root, "projectlayers");
  if (!projectLayers) throw new XmlError("Not a QGIS project: it has no <projectlayers>.");
  const crs = readCrs(child(root, "projectCrs"));
  const tree = treeLayers(child(root, "layer-tree-group"));
  const layers = childrenNamed(projectLayers, "maplayer").map((m) => readLayer(m, tree));
  const rank = (l: QgisLayer) => {
    const i = [...tree.keys()].indexOf(l.id);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  layers.sort((a, b) => rank(a) - rank(b));
  const props = child(root, "properties");
  const title =
    child(root, "title")?.text.trim() ||
    child(props, "WMSServiceTitle")?.text.trim() ||
    root.attrs.projectname ||
    "";
  const abstract =
    child(props, "WMSServiceAbstract")?.text.trim() ||
    child(child(root, "projectMetadata"), "abstract")?.text.trim() ||
    "";
  return {
    title,
    abstract,
    crs,
    extent: wmsExtent(props) ?? canvasExtent(root),
    version: root.attrs.version ?? "",
    layers,
  };
}

/** Layer ids in layer-tree order with their checked state (groups unchecked hide their layers). */
function treeLayers(group: XmlElement | undefined): Map<string, boolean> {
  const out = new Map<string, boolean>();
  const walk = (g: XmlElement, shown: boolean) => {
    for (const c of g.children) {
      const checked = c.attrs.checked !== "Qt::Unchecked";
      if (c.name === "layer-tree-layer" && c.attrs.id) out.set(c.attrs.id, shown && checked);
      if (c.name === "layer-tree-group") walk(c, shown && checked);
    }
  };
  if (group) walk(group, true);
  return out;
}

function readLayer(m: XmlElement, tree: Map<string, boolean>): QgisLayer {
  const text = (n: string) => child(m, n)?.text.trim() ?? "";
  const id = text("id");
  const { style, warnings } = layerStyle(m);
  const meta = child(m, "resourceMetadata");
  return {
    id,
    name: text("layername") || text("shortname") || id,
    title: text("title") || child(meta, "title")?.text.trim() || text("layername") || id,
    abstract: text("abstract") || child(meta, "abstract")?.text.trim() || "",
    type: m.attrs.type ?? "",
    provider: text("provider"),
    datasource: text("datasource"),
    crs: readCrs(child(m, "srs")),
    visible: tree.get(id) ?? true,
    style,
    styleWarnings: warnings,
  };
}

/** `<properties><WMSExtent type="QStringList"><value>xmin</value>…` (four values). */
function wmsExtent(props: XmlElement | undefined): BBox | null {
  const values = childrenNamed(child(props, "WMSExtent"), "value").map((v) => Number(v.text));
  return values.length === 4 && values.every(Number.isFinite) && values[0]! < values[2]!
    ? (values as BBox)
    : null;
}

function canvasExtent(root: XmlElement): BBox | null {
  const canvas =
    childrenNamed(root, "mapcanvas").find((c) => c.attrs.name === "theMapCanvas") ??
    child(root, "mapcanvas");
  const ext = child(canvas, "extent");
  if (!ext) return null;
  const v = ["xmin", "ymin", "xmax", "ymax"].map((k) => Number(child(ext, k)?.text));
  return v.every(Number.isFinite) && v[0]! < v[2]! && v[1]! < v[3]! ? (v as BBox) : null;
}
