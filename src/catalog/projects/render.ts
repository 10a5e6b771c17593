/**
 * @module A project's layers as render layers: the named layers (or the checked ones) bottom to
 * top, each with its embedded QGIS style (or the default for its kind), vector features queried
 * per view in the layer's SRS and brought to EPSG:3857 as the catalog's renderer expects.
 */
import type { RenderLayer } from "../../geo/render/index.ts";
import {
  defaultRasterStyle,
  defaultVectorStyle,
  type RasterStyle,
  type Style,
  type VectorStyle,
} from "../../geo/style/model.ts";
import { ValidationError } from "../errors.ts";
import { mercatorInput } from "../render/layers.ts";
import { fromMercator } from "../render/srs.ts";
import type { LoadedProject, ProjectLayer } from "./registry.ts";

/** The layers a request names (by layer name), or the checked valid ones, bottom to top. */
export function pickLayers(project: LoadedProject, names: string[]): ProjectLayer[] {
  if (names.length === 0) return project.layers.filter((l) => l.visible && l.valid).reverse();
  return names.map((n) => {
    const l = project.layers.find((x) => x.name === n);
    if (!l) throw new ValidationError(`Layer '${n}' is not in project '${project.key}'.`);
    if (!l.valid) throw new ValidationError(`Layer '${n}' is not valid: ${l.error ?? ""}`);
    return l;
  });
}

/** Render layers for the named layers, bottom to top (WMS LAYERS order). */
export async function projectRenderLayers(
  project: LoadedProject,
  names: string[],
  styles: (Style | null)[] = [],
): Promise<RenderLayer[]> {
  const out: RenderLayer[] = [];
  const picked = pickLayers(project, names);
  for (const [i, layer] of picked.entries())
    out.push(await renderLayer(project, layer, styles[i] ?? layer.style));
  return out;
}

/** One layer drawn with `styleOverride` (default: the project's style for it). */
export async function renderLayer(
  project: LoadedProject,
  layer: ProjectLayer,
  styleOverride: Style | null = layer.style,
): Promise<RenderLayer> {
  const data = await project.data(layer);
  if (data.kind === "raster") {
    const style =
      styleOverride?.kind === "raster"
        ? styleOverride
        : defaultRasterStyle(data.info.bandCount, data.info.dtype);
    return {
      kind: "raster",
      style: {
        ...style,
        opacity: Number.isFinite(style.opacity) ? style.opacity : 1,
      } as RasterStyle,
      input: { info: data.info, inverse: fromMercator(data.info.epsg), block: data.block },
    };
  }
  const source = data.source;
  const meta = await source.info();
  const style: VectorStyle =
    styleOverride?.kind === "vector"
      ? styleOverride
      : (defaultVectorStyle(meta.geometryType) as VectorStyle);
  return { kind: "vector", style, input: mercatorInput(source, meta.srs || 4326) };
}
