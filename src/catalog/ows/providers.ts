/**
 * @module Pluggable layer-set providers (QGIS projects register "project"), kept per catalog so
 * two servers in one process (tests) do not see each other's providers.
 */
import type { Catalog } from "../index.ts";
import type { LayerSetProvider } from "./layer-set.ts";

const registries = new WeakMap<object, Map<string, LayerSetProvider>>();

/** Registers (or replaces) the provider answering `{ kind: "provider", provider: name }`. */
export function registerLayerSetProvider(
  catalog: Catalog,
  name: string,
  provider: LayerSetProvider,
): void {
  let m = registries.get(catalog);
  if (!m) registries.set(catalog, (m = new Map()));
  m.set(name, provider);
}

export function layerSetProvider(catalog: Catalog, name: string): LayerSetProvider | undefined {
  return registries.get(catalog)?.get(name);
}
