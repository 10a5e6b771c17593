/**
 * @module GeoServer layer groups: `geoserver_layergroup` resources in the workspace's hidden
 * group (or the global one). The ext document keeps mode, title, abstract, bounds and the ordered
 * publishables as resource ids, so renames elsewhere never break a group.
 */
import type { Actor } from "../acl.ts";
import { GsBadRequest, GsBase, GsForbidden, GsNotFound } from "./base.ts";
import { type StyleRef, validName, type Workspace } from "./model.ts";
import type { Workspaces } from "./workspaces.ts";

export interface LayerGroupData {
  mode: string;
  title?: string;
  abstractTxt?: string;
  /** Ordered members: a layer (vector/raster resource) or another layer group. */
  publishables: { type: "layer" | "layerGroup"; id: number }[];
  /** One entry per publishable: null means the member's default style. */
  styleRefs: (StyleRef | null)[];
  bounds?: { minx: number; miny: number; maxx: number; maxy: number; crs: string };
}

export interface LayerGroup extends LayerGroupData {
  id: number;
  name: string;
  ws: Workspace | null;
  created: string;
}

export class LayerGroups extends GsBase {
  constructor(
    catalog: ConstructorParameters<typeof GsBase>[0],
    private readonly workspaces: Workspaces,
  ) {
    super(catalog);
  }

  async list(actor: Actor, ws: Workspace | null): Promise<LayerGroup[]> {
    const hidden = await this.workspaces.hiddenGroup(actor, ws, false);
    if (hidden === null) return [];
    return (await this.children(actor, hidden))
      .filter((c) => c.row.cls === "geoserver_layergroup")
      .map((c) => ({
        id: c.row.id,
        name: c.row.displayName,
        ws,
        created: c.row.creationDate,
        mode: String(c.ext.mode ?? "SINGLE"),
        title: c.ext.title as string | undefined,
        abstractTxt: c.ext.abstractTxt as string | undefined,
        publishables: (c.ext.publishables ?? []) as LayerGroupData["publishables"],
        styleRefs: (c.ext.styleRefs ?? []) as LayerGroupData["styleRefs"],
        bounds: c.ext.bounds as LayerGroupData["bounds"],
      }));
  }

  async get(actor: Actor, ws: Workspace | null, name: string): Promise<LayerGroup> {
    const g = (await this.list(actor, ws)).find((x) => x.name === name);
    if (!g)
      throw new GsNotFound(
        ws ? `No such layer group ${name} in workspace ${ws.name}` : `No such layer group ${name}`,
      );
    return g;
  }

  async create(actor: Actor, ws: Workspace | null, name: string, data: LayerGroupData) {
    if (!validName(name)) throw new GsBadRequest(`Invalid layer group name: '${name}'`);
    if (data.publishables.length === 0 && data.mode !== "CONTAINER")
      throw new GsBadRequest("layer group must not be empty");
    if ((await this.list(actor, ws)).some((g) => g.name === name))
      throw new GsForbidden(`Layer group named '${name}' already exists`);
    const parent = (await this.workspaces.hiddenGroup(actor, ws, true))!;
    await this.catalog.resources.create(actor, {
      resource: { cls: "geoserver_layergroup", parent: { id: parent }, display_name: name },
      geoserver: { kind: "layergroup", ...data },
    });
    return this.get(actor, ws, name);
  }

  async update(actor: Actor, g: LayerGroup, data: Partial<LayerGroupData>): Promise<void> {
    await this.catalog.resources.require(actor, g.id, "resource.update");
    await this.mergeExt(g.id, { kind: "layergroup", ...data });
  }

  async remove(actor: Actor, g: LayerGroup): Promise<void> {
    await this.catalog.resources.delete(actor, g.id);
  }
}
