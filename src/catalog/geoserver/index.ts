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
import type { Catalog } from "../index.ts";
import { Imports } from "./imports.ts";
import { LayerGroups } from "./layergroups.ts";
import { Layers } from "./layers.ts";
import { Stores } from "./stores.ts";
import { Styles } from "./styles.ts";
import { Workspaces } from "./workspaces.ts";

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
}

export { geoserverLayergroup, geoserverStyle } from "./classes.ts";
export * from "./model.ts";
