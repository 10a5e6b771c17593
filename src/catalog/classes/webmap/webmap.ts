/**
 * @module The `webmap` resource class (reference/ngw.md §3.7, NGW webmap/model.py) with its
 * `webmap` and `basemap_webmap` keys. Reads answer NGW's JSON shape; writes are validated in
 * parse.ts and checked here against the catalog: every style and basemap a write ADDS must exist,
 * be of the right kind and be readable by the writer (references already in the map are kept
 * as they are, so an editor can reorder a map holding layers they cannot see).
 */
import { InsufficientPermissions, ValidationError } from "../../errors.ts";
import type { Executor } from "../../tx.ts";
import type { ClassDeps, ResourceClass, SerializeContext, WriteContext } from "../registry.ts";
import { parseBasemapWebmap, parseRoot, parseSettings } from "./parse.ts";
import {
  DEFAULT_SETTINGS,
  readBasemaps,
  readSettings,
  readTree,
  styleIdsOf,
  type TreeItem,
  writeBasemaps,
  writeSettings,
  writeTree,
} from "./store.ts";

export const webmapClass: ResourceClass = {
  identity: "webmap",
  label: "Web map",
  order: 20,
  scopes: ["resource", "webmap", "metadata"],
  interfaces: [],
  category: "web_maps",
  parents: ["resource_group"],
  keys: ["webmap", "basemap_webmap"],

  async serialize(ctx: SerializeContext, row) {
    const s = (await readSettings(ctx.client, row.id)) ?? DEFAULT_SETTINGS;
    const tree = await readTree(ctx.client, row.id);
    const parents = await parentsOf(ctx.client, [
      ...styleIdsOf(tree),
      ...(s.bookmarkResourceId === null ? [] : [s.bookmarkResourceId]),
    ]);
    const box = (p: (number | null)[]) => (p.some((x) => x === null) ? null : p);
    const [l, b, r, t] = s.initialExtent;
    const [cl, cb, cr, ct] = s.constrainingExtent;
    const bookmark = s.bookmarkResourceId;
    return {
      webmap: {
        initial_extent: box(s.initialExtent),
        constraining_extent: box(s.constrainingExtent),
        title: s.title,
        draw_order_enabled: s.drawOrderEnabled,
        editable: s.editable,
        annotation_enabled: s.annotationEnabled,
        annotation_default: s.annotationDefault,
        legend_symbols: s.legendSymbols,
        measure_srs: s.measureSrsId === null ? null : { id: s.measureSrsId },
        bookmark_resource:
          bookmark === null
            ? null
            : { id: bookmark, parent: { id: parents.get(bookmark) ?? null } },
        root_item: { item_type: "root", children: tree.map((i) => itemJson(i, parents)) },
        extent_left: l,
        extent_right: r,
        extent_bottom: b,
        extent_top: t,
        extent_const_left: cl,
        extent_const_right: cr,
        extent_const_bottom: cb,
        extent_const_top: ct,
        options: s.options,
      },
      basemap_webmap: {
        basemaps: (await readBasemaps(ctx.client, row.id)).map((m, position) => ({
          resource_id: m.resourceId,
          display_name: m.displayName,
          enabled: m.enabled,
          opacity: m.opacity,
          // Seed 002's key; NGW dropped it for the array order, clients ignore either way.
          position,
        })),
        background_color: s.backgroundColor,
        disable: s.basemapDisable,
      },
    };
  },

  async write(ctx: WriteContext, row, body) {
    const wm = body.webmap;
    const bw = body.basemap_webmap;
    if (!ctx.creating && wm === undefined && bw === undefined) return;
    if (!ctx.creating && !ctx.perms.has("resource.update"))
      throw new InsufficientPermissions(row.id, "resource", "update");
    const db = ctx.tx.raw;
    const old = ctx.creating ? undefined : await readSettings(db, row.id);
    let settings = old ?? DEFAULT_SETTINGS;
    let tree: TreeItem[] | undefined;
    if (wm !== undefined && wm !== null) {
      if (typeof wm !== "object" || Array.isArray(wm))
        throw new ValidationError("'webmap' must be an object.");
      const w = wm as Record<string, unknown>;
      settings = parseSettings(w, settings);
      if (w.root_item !== undefined) tree = parseRoot(w.root_item);
      if (settings.bookmarkResourceId !== (old?.bookmarkResourceId ?? null))
        await checkBookmark(ctx, settings.bookmarkResourceId);
    }
    if (bw !== undefined && bw !== null) {
      const patch = parseBasemapWebmap(bw);
      if (patch.backgroundColor !== undefined)
        settings = { ...settings, backgroundColor: patch.backgroundColor };
      if (patch.disable !== undefined) settings = { ...settings, basemapDisable: patch.disable };
      if (patch.basemaps) {
        const had = new Set((await readBasemaps(db, row.id)).map((m) => m.resourceId));
        for (const m of patch.basemaps)
          if (!had.has(m.resourceId)) await checkRef(ctx, m.resourceId, "basemap");
        await writeBasemaps(db, row.id, patch.basemaps);
      }
    }
    if (tree) {
      const had = new Set(ctx.creating ? [] : styleIdsOf(await readTree(db, row.id)));
      for (const id of new Set(styleIdsOf(tree)))
        if (!had.has(id)) await checkRef(ctx, id, "style");
      await writeTree(db, row.id, tree);
    }
    await writeSettings(db, row.id, settings);
  },

  async remove(ctx, row) {
    // The resource-delete trigger removes the rows too; this keeps the class self-contained.
    await ctx.tx.raw.batch([
      { sql: "DELETE FROM webmap_item WHERE webmap_id = ?", args: [row.id] },
      { sql: "DELETE FROM basemap_webmap WHERE webmap_id = ?", args: [row.id] },
      { sql: "DELETE FROM webmap WHERE resource_id = ?", args: [row.id] },
    ]);
  },
};

function itemJson(it: TreeItem, parents: Map<number, number | null>): Record<string, unknown> {
  if (it.type === "group") {
    return {
      item_type: "group",
      display_name: it.displayName,
      group_expanded: it.expanded,
      group_enabled: it.enabled,
      group_exclusive: it.exclusive,
      children: it.children.map((c) => itemJson(c, parents)),
    };
  }
  return {
    item_type: "layer",
    display_name: it.displayName,
    layer_style_id: it.styleId,
    style_parent_id: parents.get(it.styleId) ?? null,
    layer_adapter: it.adapter,
    layer_enabled: it.enabled,
    layer_identifiable: it.identifiable,
    layer_min_scale_denom: it.minScaleDenom,
    layer_max_scale_denom: it.maxScaleDenom,
    legend_symbols: it.legendSymbols,
    layer_opacity: it.transparency === null ? null : (100 - it.transparency) / 100,
    draw_order_position: it.drawOrderPosition,
    layer_transparency: it.transparency,
  };
}

async function parentsOf(db: Executor, ids: number[]): Promise<Map<number, number | null>> {
  const out = new Map<number, number | null>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 500) {
    const chunk = unique.slice(i, i + 500);
    const res = await db.execute({
      sql: `SELECT id, parent_id FROM resource WHERE id IN (${chunk.map(() => "?").join(",")})`,
      args: chunk,
    });
    for (const r of res.rows)
      out.set(Number(r.id), r.parent_id === null ? null : Number(r.parent_id));
  }
  return out;
}

const KINDS = {
  style: {
    ok: (deps: ClassDeps, cls: string) =>
      deps.classes.get(cls)?.interfaces.includes("IRenderableStyle") === true,
    what: "a style",
  },
  basemap: { ok: (_: ClassDeps, cls: string) => cls === "basemap_layer", what: "a basemap layer" },
  bookmark: {
    ok: (deps: ClassDeps, cls: string) =>
      deps.classes.get(cls)?.interfaces.includes("IFeatureLayer") === true,
    what: "a feature layer",
  },
} as const;

/**
 * A resource the map is about to refer to: it must exist (422, as the NGW foreign key would
 * refuse it), be of the right kind (422) and be readable by the writer (403, so nobody can put
 * a layer they cannot see into a map others may open).
 */
async function checkRef(ctx: WriteContext, id: number, kind: keyof typeof KINDS): Promise<void> {
  const k = KINDS[kind];
  const row = await ctx.getRow(id);
  if (!row)
    throw new ValidationError(`Resource with id = ${id} was not found, ${k.what} was expected.`);
  if (!k.ok(ctx, row.cls))
    throw new ValidationError(`Resource with id = ${id} (${row.cls}) is not ${k.what}.`);
  const perms = await ctx.permissions(ctx.actor, id);
  if (!perms.has("resource.read")) throw new InsufficientPermissions(id, "resource", "read");
}

async function checkBookmark(ctx: WriteContext, id: number | null): Promise<void> {
  if (id !== null) await checkRef(ctx, id, "bookmark");
}
