/**
 * @module Published resources: featuretypes (vector layers) and coverages (raster layers) with
 * their GeoServer layer properties. Lookup by `ws:name`, listing per store, workspace or catalog,
 * creation of empty vector layers from GeoServer attribute lists, imports of uploaded files, and
 * the data facts (fields, SRS, extent) the representations show.
 */
import type { Actor } from "../acl.ts";
import type { ResourceRow } from "../resource-row.ts";
import { GsBadRequest, GsBase, GsConflict, GsNotFound } from "./base.ts";
import { defaultStyleFor } from "./builtin-styles.ts";
import {
  type LayerExt,
  layerKind,
  type Published,
  publishedName,
  type Store,
  validName,
  type Workspace,
} from "./model.ts";
import type { Stores } from "./stores.ts";
import type { Workspaces } from "./workspaces.ts";

export interface LayerFacts {
  srs: number | null;
  geometryType: string | null;
  fields: { keyname: string; datatype: string }[];
  /** Extent in the layer's SRS. */
  extent: [number, number, number, number] | null;
}

export interface NewFeatureType {
  name: string;
  title?: string;
  srs: number;
  geometryType: string;
  fields: { keyname: string; datatype: string }[];
  ext: LayerExt;
}

export class Layers extends GsBase {
  constructor(
    catalog: ConstructorParameters<typeof GsBase>[0],
    private readonly workspaces: Workspaces,
    private readonly stores: Stores,
  ) {
    super(catalog);
  }

  async inStore(actor: Actor, store: Store): Promise<Published[]> {
    const rows = await this.stores.layerRows(actor, store.id, store.kind);
    return rows.map((c) => ({
      row: c.row,
      ws: store.ws,
      store,
      kind: layerKind(c.row.cls)!,
      name: publishedName(c.row, c.ext),
      ext: c.ext as LayerExt,
    }));
  }

  async inWorkspace(actor: Actor, ws: Workspace): Promise<Published[]> {
    const out: Published[] = [];
    const seen = new Set<number>();
    for (const kind of ["dataStore", "coverageStore"] as const) {
      const stores = await this.stores.list(actor, ws, kind);
      for (const s of stores)
        for (const p of await this.inStore(actor, s))
          if (!seen.has(p.row.id)) {
            seen.add(p.row.id);
            out.push(p);
          }
    }
    return out;
  }

  async all(actor: Actor): Promise<Published[]> {
    const out: Published[] = [];
    for (const ws of await this.workspaces.list(actor))
      out.push(...(await this.inWorkspace(actor, ws)));
    return out;
  }

  async find(actor: Actor, ws: Workspace, name: string): Promise<Published | undefined> {
    return (await this.inWorkspace(actor, ws)).find((p) => p.name === name);
  }

  /** `ws:name`, or a bare name that is unique across workspaces (GeoServer's lookup). */
  async resolve(actor: Actor, qualified: string): Promise<Published> {
    const colon = qualified.indexOf(":");
    if (colon > 0) {
      const ws = await this.workspaces.find(actor, qualified.slice(0, colon));
      const p = ws ? await this.find(actor, ws, qualified.slice(colon + 1)) : undefined;
      if (p) return p;
    } else {
      const hits = (await this.all(actor)).filter((p) => p.name === qualified);
      if (hits.length >= 1) return hits[0]!;
    }
    throw new GsNotFound(`No such layer: ${qualified}`);
  }

  async byId(actor: Actor, id: number): Promise<Published | undefined> {
    const row = await this.catalog.resources.row(id);
    if (!row || !layerKind(row.cls) || row.parentId === null) return undefined;
    for (const ws of await this.workspaces.list(actor)) {
      const hit = (await this.inWorkspace(actor, ws)).find((p) => p.row.id === id);
      if (hit) return hit;
    }
    return undefined;
  }

  /** Fields, SRS and extent from the layer's own class (the FeatureSource seam for vectors). */
  async facts(actor: Actor, p: Published): Promise<LayerFacts> {
    const doc = (await this.catalog.describe(actor, p.row.id)) as Record<string, unknown>;
    const fl = (doc.feature_layer ?? doc.raster_layer ?? {}) as Record<string, unknown>;
    const srs = (fl.srs as { id?: number } | null)?.id ?? null;
    const out: LayerFacts = {
      srs,
      geometryType: typeof fl.geometry_type === "string" ? fl.geometry_type : null,
      fields: Array.isArray(fl.fields)
        ? (fl.fields as { keyname: string; datatype: string }[]).map((f) => ({
            keyname: f.keyname,
            datatype: f.datatype,
          }))
        : [],
      extent: null,
    };
    const cls = this.catalog.classes.get(p.row.cls);
    if (cls?.featureSource) {
      const src = await cls.featureSource(this.catalog.deps, p.row).catch(() => undefined);
      const e = src ? await src.extent().catch(() => null) : null;
      if (e) out.extent = [e[0], e[1], e[2], e[3]];
    } else if (cls?.bbox) {
      const b = await cls.bbox(this.catalog.deps, p.row).catch(() => null);
      if (b) {
        out.extent = [b.bbox[0], b.bbox[1], b.bbox[2], b.bbox[3]];
        out.srs = b.srs;
      }
    }
    return out;
  }

  /** Applies layer/featuretype property changes; the published name never changes (403 upstream). */
  async update(actor: Actor, p: Published, patch: LayerExt & { title?: string }): Promise<void> {
    await this.catalog.resources.require(actor, p.row.id, "resource.update");
    const { title, ...rest } = patch;
    if (title !== undefined && title !== "" && title !== p.row.displayName) {
      await this.catalog.resources.update(actor, p.row.id, {
        resource: { display_name: await this.freeTitle(actor, p.row.parentId!, title, p.row.id) },
      });
    }
    const next = { ...p.ext, ...rest, name: p.name };
    for (const [k, v] of Object.entries(next))
      if (v === undefined) delete (next as Record<string, unknown>)[k];
    await this.setExt(p.row.id, next);
  }

  /** A display name free among the siblings: the title, else "title (n)". */
  async freeTitle(actor: Actor, parentId: number, title: string, self = -1): Promise<string> {
    const taken = new Set(
      (await this.children(actor, parentId))
        .filter((c) => c.row.id !== self)
        .map((c) => c.row.displayName),
    );
    if (!taken.has(title)) return title;
    for (let i = 2; i < 1000; i++) if (!taken.has(`${title} (${i})`)) return `${title} (${i})`;
    throw new GsConflict(`Too many layers titled '${title}'`);
  }

  /** GeoServer renames on a clash by appending 1..9 (A.2.5 step 5); gisd goes a bit further. */
  async freeName(actor: Actor, ws: Workspace, name: string): Promise<string> {
    const taken = new Set((await this.inWorkspace(actor, ws)).map((p) => p.name));
    if (!taken.has(name)) return name;
    for (let i = 1; i < 100; i++) if (!taken.has(`${name}${i}`)) return `${name}${i}`;
    throw new GsConflict(`Layer name '${name}' is taken`);
  }

  async checkNewName(actor: Actor, ws: Workspace, name: string): Promise<void> {
    if (!validName(name)) throw new GsBadRequest(`Invalid name: '${name}'`);
    if (await this.find(actor, ws, name))
      throw new GsConflict(`Resource named '${name}' already exists in namespace: '${ws.name}'`);
  }

  /** Creates a resource through the NGW class, then its ext; removes it again if that fails. */
  async createPublished(
    actor: Actor,
    store: Store,
    name: string,
    title: string | undefined,
    body: Record<string, unknown>,
    ext: LayerExt,
  ): Promise<ResourceRow> {
    const display = await this.freeTitle(actor, store.id, title || name);
    const res = (body.resource ?? {}) as Record<string, unknown>;
    const { id } = await this.catalog.resources.create(actor, {
      ...body,
      resource: { ...res, parent: { id: store.id }, display_name: display },
    });
    try {
      const row = (await this.catalog.resources.row(id))!;
      const facts = await this.facts(actor, {
        row,
        ws: store.ws,
        store,
        kind: layerKind(row.cls)!,
        name,
        ext: {},
      });
      await this.setExt(id, {
        enabled: true,
        defaultStyle: {
          builtin: defaultStyleFor(row.cls === "raster_layer" ? null : facts.geometryType),
        },
        ...ext,
        name,
      });
      return row;
    } catch (err) {
      await this.catalog.resources.delete(actor, id).catch(() => {});
      throw err;
    }
  }

  async remove(actor: Actor, p: Published): Promise<void> {
    await this.catalog.resources.delete(actor, p.row.id);
  }
}
