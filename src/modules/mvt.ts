/** @module The "mvt" module: vector tiles (MVT) of every feature layer, in process. */
import { mvtRoutes } from "../faces/ngw/mvt.ts";
import type { Module } from "../modules.ts";

export const mvtModule: Module = {
  name: "mvt",
  description: "Mapbox Vector Tiles of feature layers, cached by layer version; TileJSON",
  ngw: mvtRoutes,
};
