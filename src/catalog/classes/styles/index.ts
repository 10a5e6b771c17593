/**
 * @module The style resource classes and what the renderer, the NGW face and the GeoServer face
 * read from them: `loadStyle` (the model, cached per id and version), `styleQml`, `styleSld`.
 */
import type { ResourceClass } from "../registry.ts";
import { mapserverStyle, rasterStyle, vectorStyle } from "./legacy.ts";
import { qgisStyleClass } from "./qgis-style.ts";

export {
  type LoadedStyle,
  loadStyle,
  type OriginalMode,
  parseStyleBytes,
  styleQml,
  styleSld,
} from "./load.ts";

export function styleClasses(): ResourceClass[] {
  return [
    qgisStyleClass("vector"),
    qgisStyleClass("raster"),
    rasterStyle,
    vectorStyle,
    mapserverStyle,
  ];
}
