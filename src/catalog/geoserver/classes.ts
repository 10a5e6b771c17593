/**
 * @module The two resource classes the GeoServer mapping adds: `geoserver_style` (an SLD/SE
 * document kept byte-exact, with its icons) and `geoserver_layergroup` (GeoServer's layer group:
 * an ordered list of layers and styles). Their data is the resource's "geoserver" ext document,
 * written in the same transaction as the resource, so both appear whole or not at all.
 */

import type { ResourceClass } from "../classes/registry.ts";
import { ValidationError } from "../errors.ts";
import { writeExt } from "../resource-ext.ts";
import { NS } from "./model.ts";

function extOf(body: Record<string, unknown>): Record<string, unknown> | undefined {
  const v = body.geoserver;
  if (v === undefined) return undefined;
  if (v === null || typeof v !== "object" || Array.isArray(v))
    throw new ValidationError("'geoserver' must be an object.");
  return v as Record<string, unknown>;
}

export const geoserverStyle: ResourceClass = {
  identity: "geoserver_style",
  label: "GeoServer style (SLD)",
  order: 75,
  scopes: ["resource", "metadata"],
  interfaces: [],
  category: "layers_and_styles",
  parents: ["resource_group"],
  keys: [],
  async write(ctx, row, body) {
    const ext = extOf(body);
    if (ext) await writeExt(ctx.tx.raw, row.id, NS, ext);
  },
};

export const geoserverLayergroup: ResourceClass = {
  identity: "geoserver_layergroup",
  label: "GeoServer layer group",
  order: 20,
  scopes: ["resource", "metadata"],
  interfaces: [],
  category: "web_maps",
  parents: ["resource_group"],
  keys: [],
  async write(ctx, row, body) {
    const ext = extOf(body);
    if (ext) await writeExt(ctx.tx.raw, row.id, NS, ext);
  },
};
