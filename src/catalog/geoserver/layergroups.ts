/**
 * @module GeoServer layer groups: `geoserver_layergroup` resources in the workspace's hidden
 * group (or the global one). The ext document keeps mode, title, abstract, bounds and the ordered
 * publishables as resource ids, so renames elsewhere never break a group.
 *
 * NGW web maps are maps too (DESIGN.md's mapping table), so they show up here as read-only layer
 * groups: a web map anywhere under a workspace group belongs to that workspace, one directly
 * under the root is global. Its publishables are the layers the actor may see, in drawing order
 * (the catalog's map model), named by keyname or display name; a real layer group of the same
 * name wins. Such a group can be renamed in title or deleted through GeoServer REST; its
 * members are edited through NGW, where a web map holds styles that GeoServer cannot name.
 */
import type { Actor } from "../acl.ts";
import { InsufficientPermissions } from "../errors.ts";
import { openMap } from "../maps.ts";
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
  /** True for an NGW web map shown as a layer group (members are edited through NGW). */
  webmap?: boolean;
}

export class LayerGroups extends GsBase {
  constructor(
    catalog: ConstructorParameters<typeof GsBase>[0],
    private readonly workspaces: Workspaces,
  ) {
    super(catalog);
  }

  async list(actor: Actor, ws: Workspace | null): Promise<LayerGroup[]> {
    const own = await this.stored(actor, ws);
    const names = new Set(own.map((g) => g.name));
    const maps = (await this.webmaps(actor, ws)).filter((g) => !names.has(g.name));
    return [...own, ...maps];
  }

  /** The geoserver_layergroup resources of a workspace (or the global ones). */
  private async stored(actor: Actor, ws: Workspace | null): Promise<LayerGroup[]> {
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

  /** Web maps of the workspace (anywhere under its group) or global ones (under the root). */
  private async webmaps(actor: Actor, ws: Workspace | null): Promise<LayerGroup[]> {
    if (!this.catalog.classes.get("webmap")) return [];
    const found = await this.catalog.search(actor, {
      where: [
        { column: "cls", op: "eq", value: "webmap" },
        ...(ws ? [] : [{ column: "parent_id" as const, op: "eq" as const, value: 0 }]),
      ],
      root: ws ? ws.id : undefined,
      resmeta: [],
    });
    const out: LayerGroup[] = [];
    for (const { row } of found) {
      const name = row.keyname ?? row.displayName;
      if (!validName(name)) continue;
      // A web map whose webmap.display is denied to the actor is not theirs to see here either.
      const map = await openMap(this.catalog, actor, row.id).catch((err) => {
        if (err instanceof InsufficientPermissions) return null;
        throw err;
      });
      if (!map) continue;
      const box = map.extent?.wgs84;
      out.push({
        id: row.id,
        name,
        ws,
        created: row.creationDate,
        webmap: true,
        mode: "SINGLE",
        title: map.title,
        abstractTxt: row.description ?? undefined,
        publishables: map.layers.map((l) => ({ type: "layer" as const, id: l.layerId })),
        styleRefs: map.layers.map(() => null),
        bounds: box && { minx: box[0], miny: box[1], maxx: box[2], maxy: box[3], crs: "EPSG:4326" },
      });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
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
    if (g.webmap) return this.updateWebmap(actor, g, data);
    await this.mergeExt(g.id, { kind: "layergroup", ...data });
    // An empty update bumps the resource version, which map caches key on.
    await this.catalog.resources.update(actor, g.id, {});
  }

  /** A web map takes its title and abstract from GeoServer; members stay NGW's to edit. */
  private async updateWebmap(actor: Actor, g: LayerGroup, data: Partial<LayerGroupData>) {
    // A client that sends back what it read (members unchanged) may still change the title.
    const same =
      (data.publishables === undefined ||
        JSON.stringify(data.publishables) === JSON.stringify(g.publishables)) &&
      (data.styleRefs === undefined || data.styleRefs.every((r) => r === null));
    if (!same)
      throw new GsForbidden(
        `Layer group '${g.name}' is a web map: edit its layers through /api/resource/${g.id}`,
      );
    const body: Record<string, unknown> = {};
    if (data.title !== undefined) body.webmap = { title: data.title };
    if (data.abstractTxt !== undefined) body.resource = { description: data.abstractTxt };
    await this.catalog.resources.update(actor, g.id, body);
  }

  async remove(actor: Actor, g: LayerGroup): Promise<void> {
    await this.catalog.resources.delete(actor, g.id);
  }
}
