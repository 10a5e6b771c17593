/**
 * @module A QGIS project as a set of OGC layers, in plain values any OWS face can publish: the
 * project's title and CRS, and per valid layer its name, title, abstract, kind, native SRS,
 * WGS 84 box, style, a FeatureSource (vector layers; read-only) and drawing through the pool.
 * This is what the project provider hands the shared OWS layer-set abstraction.
 */
import { bboxUnion } from "../../geo/geometry/bbox.ts";
import type { BBox } from "../../geo/geometry/types.ts";
import type { Rendered } from "../../geo/render/index.ts";
import type { View } from "../../geo/render/view.ts";
import type { FeatureSource } from "../../geo/sources/feature-source.ts";
import { reprojectBBox } from "../../geo/srs/index.ts";
import type { Style } from "../../geo/style/model.ts";
import { ValidationError } from "../errors.ts";
import type { LoadedProject, ProjectLayer } from "./registry.ts";
import type { ProjectService } from "./service.ts";

export interface ProjectOwsLayer {
  name: string;
  title: string;
  abstract: string;
  kind: "vector" | "raster";
  /** Native EPSG code of the data. */
  srs: number;
  /** [west, south, east, north] in EPSG:4326; null when the layer has no data. */
  wgs84: BBox | null;
  style: Style | null;
  /** Checked in the project's layer tree. */
  visible: boolean;
  /** The layer's features (vector layers only); read-only. */
  source(): Promise<FeatureSource>;
}

export interface ProjectOwsSet {
  key: string;
  title: string;
  abstract: string;
  /** The project CRS (EPSG code) when gisd knows it. */
  epsg: number | null;
  /** The project's extent in EPSG:4326, or the union of its layers'. */
  wgs84: BBox | null;
  layers: ProjectOwsLayer[];
  /** Draws the named layers (bottom first; empty: the checked ones) in a render worker. */
  render(names: string[], view: View, styles?: (Style | null)[]): Promise<Rendered>;
}

export async function projectOwsSet(svc: ProjectService, key: string): Promise<ProjectOwsSet> {
  const p = await svc.projects(key).get(key);
  const layers: ProjectOwsLayer[] = [];
  for (const l of p.layers.filter((x) => x.valid)) layers.push(await owsLayer(p, l));
  const own =
    p.project.extent && p.project.crs.epsg ? toWgs84(p.project.extent, p.project.crs.epsg) : null;
  return {
    key,
    title: p.project.title || key,
    abstract: p.project.abstract,
    epsg: p.project.crs.epsg,
    wgs84: own ?? layers.reduce<BBox | null>((acc, l) => bboxUnion(acc, l.wgs84), null),
    layers,
    render: (names, view, styles) => svc.render(key, names, view, styles),
  };
}

async function owsLayer(p: LoadedProject, l: ProjectLayer): Promise<ProjectOwsLayer> {
  const data = await p.data(l);
  const base = {
    name: l.name,
    title: l.title,
    abstract: l.abstract,
    style: l.style,
    visible: l.visible,
  };
  if (data.kind === "raster") {
    const [x0, dx, , y0, , dy] = data.info.geoTransform;
    const x1 = x0 + dx * data.info.width;
    const y1 = y0 + dy * data.info.height;
    const box: BBox = [Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1), Math.max(y0, y1)];
    return {
      ...base,
      kind: "raster",
      srs: data.info.epsg,
      wgs84: toWgs84(box, data.info.epsg),
      source: () => Promise.reject(new ValidationError(`Layer '${l.name}' is a raster.`)),
    };
  }
  const info = await data.source.info();
  const ext = await data.source.extent();
  return {
    ...base,
    kind: "vector",
    srs: info.srs,
    wgs84: ext ? toWgs84(ext, info.srs) : null,
    source: async () => data.source,
  };
}

function toWgs84(b: BBox, srs: number): BBox | null {
  try {
    return srs === 4326 ? b : reprojectBBox(b, srs, 4326);
  } catch {
    return null;
  }
}
