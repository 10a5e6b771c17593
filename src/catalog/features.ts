/**
 * @module Feature access with the ACL applied: opens any resource that is a feature layer
 * (IFeatureLayer with a FeatureSource) for reading or writing, as NGW's feature API does
 * (reference/ngw.md §2.3, §5). Writes run in one transaction together with the version bump
 * that keeps tile caches fresh. Faces call this; they never touch layer tables.
 */
import type { FeatureSource, FieldType } from "../geo/sources/feature-source.ts";
import { type EditableSource, isEditable } from "../geo/sources/feature-source.ts";
import type { Actor } from "./acl.ts";
import type { ResourceClass } from "./classes/registry.ts";
import {
  CatalogError,
  FeatureNotFound,
  Forbidden,
  ResourceNotFound,
  ValidationError,
} from "./errors.ts";
import {
  dropFeatureExtensions,
  readFeatureExtensions,
  writeFeatureExtensions,
} from "./feature-extensions.ts";
import type { Catalog } from "./index.ts";
import type { ResourceRow } from "./resource-row.ts";
import { demand } from "./resources.ts";
import { type Tx, withTx } from "./tx.ts";

/** What the feature API needs to know about a field (feature_layer.fields). */
export interface LayerField {
  id: number | null;
  keyname: string;
  displayName: string;
  datatype: FieldType;
  labelField: boolean;
  textSearch: boolean;
}

export interface OpenLayer {
  row: ResourceRow;
  perms: Set<string>;
  cls: ResourceClass;
  source: FeatureSource;
  /** EPSG code of stored geometries; 0 when the layer has none. */
  srs: number;
  geometryType: string;
  fields: LayerField[];
}

export interface EditContext {
  layer: OpenLayer;
  source: EditableSource;
  tx: Tx;
}

/**
 * Engine errors (bad geometry, bad value, unknown field, missing feature) carry a status hint
 * but are not catalog errors; this turns them into the catalog's, so no face answers 500.
 */
export function domainError(err: unknown, resourceId: number): unknown {
  if (err instanceof CatalogError || !(err instanceof Error)) return err;
  const status = (err as { status?: unknown }).status;
  if (status === 404) {
    const id = (err as { id?: unknown }).id;
    return new FeatureNotFound(resourceId, typeof id === "number" ? id : "?");
  }
  if (typeof status === "number" && status >= 400 && status < 500)
    return new ValidationError(err.message);
  return err;
}

export type FeatureExtensionValues = Map<number, Record<string, unknown>>;

export class FeatureLayers {
  constructor(private readonly catalog: Catalog) {}

  /** 404 unless the resource is a feature layer; then 403 unless the actor has `perm`. */
  private async resolve(actor: Actor, id: number, perm: string) {
    const { row, perms } = await this.catalog.resources.open(actor, id);
    const cls = this.catalog.classes.get(row.cls);
    if (!cls?.featureSource || !cls.interfaces.includes("IFeatureLayer"))
      throw new ResourceNotFound(id);
    demand(perms, id, perm);
    return { row, perms, cls };
  }

  private async describe(actor: Actor, row: ResourceRow, perms: Set<string>, cls: ResourceClass) {
    const doc = cls.serialize
      ? await cls.serialize({ ...this.catalog.deps, actor, perms }, row)
      : {};
    const fl = (doc.feature_layer ?? {}) as {
      fields?: Record<string, unknown>[];
      geometry_type?: string;
    };
    const fields: LayerField[] = (fl.fields ?? []).map((f) => ({
      id: typeof f.id === "number" ? f.id : null,
      keyname: String(f.keyname),
      displayName: String(f.display_name ?? f.keyname),
      datatype: f.datatype as FieldType,
      labelField: f.label_field === true,
      textSearch: f.text_search !== false,
    }));
    return { fields, geometryType: fl.geometry_type ?? "NONE" };
  }

  async open(actor: Actor, id: number, perm = "data.read"): Promise<OpenLayer> {
    const { row, perms, cls } = await this.resolve(actor, id, perm);
    const source = await cls.featureSource!(this.catalog.deps, row);
    return this.assemble(actor, row, perms, cls, source);
  }

  private async assemble(
    actor: Actor,
    row: ResourceRow,
    perms: Set<string>,
    cls: ResourceClass,
    source: FeatureSource,
  ): Promise<OpenLayer> {
    const d = await this.describe(actor, row, perms, cls);
    const info = await source.info();
    const fields =
      d.fields.length > 0 || info.fields.length === 0
        ? d.fields
        : info.fields.map((f) => ({
            id: null,
            keyname: f.keyname,
            displayName: f.keyname,
            datatype: f.datatype,
            labelField: false,
            textSearch: true,
          }));
    return { row, perms, cls, source, srs: info.srs, geometryType: info.geometryType, fields };
  }

  /**
   * Runs `fn` on an editable source inside one transaction, bumping the layer's version in the
   * same transaction so a tile cached from the old data can never be served after the commit.
   */
  async edit<T>(actor: Actor, id: number, fn: (ctx: EditContext) => Promise<T>): Promise<T> {
    const { row, perms, cls } = await this.resolve(actor, id, "data.write");
    const run = withTx(this.catalog.database.client, async (tx) => {
      const source = await cls.featureSource!(this.catalog.deps, row, tx);
      if (!isEditable(source)) throw new Forbidden(`Resource ${id} is read-only.`);
      const layer = await this.assemble(actor, row, perms, cls, source);
      const out = await fn({ layer, source, tx });
      await this.catalog.resources.touchData(tx, id);
      return out;
    });
    return run.catch((err) => {
      throw domainError(err, id);
    });
  }

  /**
   * The data extent of any layer (IBboxLayer: feature layers and classes with `bbox`, e.g.
   * rasters) in its own SRS, for /extent; null when it has no data. Needs data.read.
   */
  async layerBBox(
    actor: Actor,
    id: number,
  ): Promise<{ bbox: [number, number, number, number]; srs: number } | null> {
    const { row, perms } = await this.catalog.resources.open(actor, id);
    const cls = this.catalog.classes.get(row.cls);
    if (cls?.bbox) {
      demand(perms, id, "data.read");
      return cls.bbox(this.catalog.deps, row);
    }
    if (!cls?.featureSource || !cls.interfaces.includes("IFeatureLayer"))
      throw new ResourceNotFound(id);
    demand(perms, id, "data.read");
    const source = await cls.featureSource(this.catalog.deps, row);
    const bbox = await source.extent();
    return bbox ? { bbox, srs: (await source.info()).srs } : null;
  }

  readExtensions(layer: OpenLayer, fids: number[], names: readonly string[]) {
    return readFeatureExtensions(this.catalog.deps, layer.row, fids, names);
  }

  writeExtensions(actor: Actor, ctx: EditContext, fid: number, value: Record<string, unknown>) {
    return writeFeatureExtensions(
      { ...this.catalog.deps, actor },
      ctx.tx,
      ctx.layer.row,
      fid,
      value,
    );
  }

  dropExtensions(ctx: EditContext, fids: number[] | "all") {
    return dropFeatureExtensions(this.catalog.deps, ctx.tx, ctx.layer.row, fids);
  }
}
