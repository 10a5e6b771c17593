/**
 * @module The `basemap_layer` resource class (reference/ngw.md §3.8, NGW basemap/model.py): an
 * XYZ tile URL template (`https://…/{z}/{x}/{y}.png`) or a QuickMapServices id that web maps
 * offer as background. gisd never fetches the URL; the browser does.
 * JSON `{"url", "qms", "copyright_text", "copyright_url", "z_min", "z_max"}`, read with data.read
 * and written with data.write as in NGW.
 */
import { InsufficientPermissions } from "../../errors.ts";
import type { ResourceClass } from "../registry.ts";
import { parseBasemapLayer } from "./parse.ts";
import { readBasemapLayer, writeBasemapLayer } from "./store.ts";

export const basemapLayerClass: ResourceClass = {
  identity: "basemap_layer",
  label: "Basemap",
  order: 80,
  scopes: ["resource", "data", "metadata"],
  interfaces: [],
  category: "web_maps",
  parents: ["resource_group"],
  keys: ["basemap_layer"],

  async serialize(ctx, row) {
    // NGW leaves out attributes the reader may not read: without data.read the key is empty.
    if (!ctx.perms.has("data.read")) return { basemap_layer: {} };
    const d = await readBasemapLayer(ctx.client, row.id);
    return {
      basemap_layer: {
        url: d?.url ?? "",
        qms: d?.qms ?? null,
        copyright_text: d?.copyrightText ?? null,
        copyright_url: d?.copyrightUrl ?? null,
        z_min: d?.zMin ?? null,
        z_max: d?.zMax ?? null,
      },
    };
  },

  async write(ctx, row, body) {
    const v = body.basemap_layer;
    if (!ctx.creating && (v === undefined || v === null)) return;
    if (!ctx.creating && !ctx.perms.has("data.write"))
      throw new InsufficientPermissions(row.id, "data", "write");
    const current = ctx.creating ? undefined : await readBasemapLayer(ctx.tx.raw, row.id);
    await writeBasemapLayer(ctx.tx.raw, row.id, parseBasemapLayer(v, current));
  },

  async remove(ctx, row) {
    await ctx.tx.raw.execute({
      sql: "DELETE FROM basemap_layer WHERE resource_id = ?",
      args: [row.id],
    });
  },
};
