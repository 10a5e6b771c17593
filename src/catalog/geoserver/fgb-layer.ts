/**
 * @module `fgb_layer`: a read-only feature layer over a FlatGeobuf file on the server, served in
 * place through FgbSource (no copy). It is what a GeoServer external store (`url=file:…` or an
 * `external.fgb` upload) becomes. The file must lie inside the import root the server was
 * started with (GISD_IMPORT_ROOT); the class refuses any other path, whichever face asks, so the
 * NGW API cannot be used to read arbitrary server files either. The path is kept in the
 * resource's ext document (namespace "fgb_layer"), written in the create transaction.
 */
import { FgbSource } from "../../geo/sources/fgb-source.ts";
import type { ClassRegistry, ResourceClass } from "../classes/registry.ts";
import { ResourceNotFound, ValidationError } from "../errors.ts";
import { readExt, writeExt } from "../resource-ext.ts";
import type { ResourceRow } from "../resource-row.ts";
import type { Executor } from "../tx.ts";
import { resolveImportPath } from "./paths.ts";

const KEY = "fgb_layer";

/**
 * The import root of the server each class registry belongs to. Set by the GeoServer module's
 * start hook; keyed by registry so two servers in one process keep their own roots.
 */
const roots = new WeakMap<ClassRegistry, string | undefined>();

export function setImportRoot(classes: ClassRegistry, root: string | undefined): void {
  roots.set(classes, root);
}

async function pathOf(db: Executor, id: number): Promise<string> {
  const ext = await readExt(db, id, KEY);
  if (typeof ext?.path !== "string") throw new ResourceNotFound(id);
  return ext.path;
}

export const fgbLayer: ResourceClass = {
  identity: KEY,
  label: "FlatGeobuf file layer (served in place)",
  order: 62,
  scopes: ["resource", "datastruct", "data", "metadata"],
  interfaces: ["IFeatureLayer", "IBboxLayer"],
  category: "layers_and_styles",
  parents: ["*"],
  keys: ["feature_layer", KEY],

  async serialize(ctx, row) {
    const path = await pathOf(ctx.client, row.id).catch(() => undefined);
    if (!path) return {};
    const info = await new FgbSource(path).info().catch(() => undefined);
    return {
      feature_layer: {
        srs: { id: info?.srs ?? 0 },
        geometry_type: info?.geometryType ?? "NONE",
        fields: (info?.fields ?? []).map((f, i) => ({
          id: i + 1,
          keyname: f.keyname,
          display_name: f.keyname,
          datatype: f.datatype,
          typemod: null,
          label_field: false,
          grid_visibility: true,
          text_search: true,
          required: false,
          lookup_table: null,
        })),
        versioning: null,
      },
      [KEY]: { path },
    };
  },

  async write(ctx, row, body) {
    const v = body[KEY] as { path?: unknown } | undefined;
    if (v === undefined) {
      if (ctx.creating) throw new ValidationError(`'${KEY}.path' is required.`);
      return;
    }
    if (typeof v !== "object" || v === null || typeof v.path !== "string")
      throw new ValidationError(`'${KEY}.path' must be a server file path.`);
    let path: string;
    try {
      path = resolveImportPath(roots.get(ctx.classes), v.path);
    } catch (err) {
      throw new ValidationError((err as Error).message);
    }
    // Reading the header proves it is a FlatGeobuf file before anything is stored.
    await new FgbSource(path).info().catch((err: Error) => {
      throw new ValidationError(`Not a FlatGeobuf file: ${err.message}`);
    });
    await writeExt(ctx.tx.raw, row.id, KEY, { path });
  },

  async featureSource(deps, row: ResourceRow) {
    return new FgbSource(await pathOf(deps.client, row.id));
  },
};
