/** @module resource_group: the folder of the tree; holds groups, layers, maps and services. */
import type { ResourceClass } from "./registry.ts";

export const resourceGroup: ResourceClass = {
  identity: "resource_group",
  label: "Resource group",
  order: 0,
  scopes: ["resource", "metadata"],
  interfaces: [],
  category: "resource_groups",
  container: true,
  parents: ["resource_group"],
  keys: [],
};
