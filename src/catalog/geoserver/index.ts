/**
 * @module The GeoServer view of the one catalog (what the GeoServer REST face, GeoNode's
 * `alternate` and the OGC services' `workspace:name` use). Every call takes the acting principal
 * and goes through the catalog's resources, so the ACL applies.
 *
 * Mapping, in short: workspace = resource group directly under the root (namespace URI and
 * `isolated` in resource_ext ns "geoserver"); data/coverage store = group under a workspace
 * (type and connection parameters in ext); layers directly in a workspace group form its default
 * store, named after the workspace; featuretype+layer = vector_layer, coverage+layer =
 * raster_layer, published as ext.name ?? keyname ?? display_name with the title being the
 * display name; styles = geoserver_style and layer groups = geoserver_layergroup resources in a
 * hidden helper group per workspace (one more at the root for global ones); five built-in styles.
 */
import type { Actor } from "../acl.ts";
import type { Catalog } from "../index.ts";
import { readExtMany } from "../resource-ext.ts";
import { Imports } from "./imports.ts";
import { LayerGroups } from "./layergroups.ts";
import { Layers } from "./layers.ts";
import { NS, type Published } from "./model.ts";
import { Stores } from "./stores.ts";
import { Styles } from "./styles.ts";
import { Workspaces } from "./workspaces.ts";

/** The NGW style made from a layer's GeoServer default style (so NGW rendering draws it too). */
const SYNCED = "GeoServer default style";

export class GeoServerCatalog {
  readonly workspaces: Workspaces;
  readonly stores: Stores;
  readonly layers: Layers;
  readonly styles: Styles;
  readonly layergroups: LayerGroups;
  readonly imports: Imports;

  constructor(readonly catalog: Catalog) {
    this.workspaces = new Workspaces(catalog);
    this.stores = new Stores(catalog);
    this.layers = new Layers(catalog, this.workspaces, this.stores);
    this.styles = new Styles(catalog, this.workspaces);
    this.layergroups = new LayerGroups(catalog, this.workspaces);
    this.imports = new Imports(catalog, this.stores, this.layers);
  }

  /**
   * Mirrors a vector layer's GeoServer default style into the NGW tree: a qgis_vector_style child
   * made from the stored SLD, replaced when the default changes and removed when it becomes a
   * built-in. Best effort: an SLD the style engine cannot read leaves the NGW side unchanged, the
   * GeoServer side keeps the SLD byte-exact either way.
   */
  async syncDefaultStyle(actor: Actor, p: Published): Promise<void> {
    const cat = this.catalog;
    if (p.kind !== "featureType" || !cat.classes.get("qgis_vector_style")) return;
    const kids = await cat.resources.children(actor, p.row.id);
    const exts = await readExtMany(
      cat.database.client,
      kids.map((k) => k.row.id),
      NS,
    );
    const old = kids.find((k) => exts.get(k.row.id)?.kind === "synced-style");
    if (old) await cat.resources.delete(actor, old.row.id);
    const ref = p.ext.defaultStyle;
    if (!ref || "builtin" in ref) return;
    const style = await this.styles.byRef(actor, ref);
    if (!style) return;
    const body = await this.styles.body(style);
    const up = await cat.uploads.store(
      new Blob([body.bytes as Uint8Array<ArrayBuffer>]),
      `${style.name}.sld`,
      null,
      actor.id,
    );
    try {
      const { id } = await cat.resources.create(actor, {
        resource: { cls: "qgis_vector_style", parent: { id: p.row.id }, display_name: SYNCED },
        qgis_vector_style: { file_upload: { id: up.id } },
      });
      await this.layers.setExt(id, { kind: "synced-style", style: style.id });
    } catch {
      // The SLD uses something the style model cannot read: GeoServer still serves it as is.
    } finally {
      await cat.uploads.remove(up.id).catch(() => {});
    }
  }
}

export { geoserverLayergroup, geoserverStyle } from "./classes.ts";
export * from "./model.ts";
