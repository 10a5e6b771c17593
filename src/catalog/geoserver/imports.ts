/**
 * @module File uploads into stores (GeoServer's DataStoreFileController flow, reference A.2.5):
 * the body lands as a catalog upload, the store is created if missing, and each source layer
 * (shapefile in the zip, GeoPackage table, the one layer of GeoJSON/CSV/FlatGeobuf) becomes a
 * vector layer through the vector_layer class's own importer. Anything that fails removes what
 * this call created, so a bad upload leaves nothing behind.
 */
import { basename } from "node:path";
import { createClient } from "@libsql/client";
import { unzipSync } from "fflate";
import type { Actor } from "../acl.ts";
import { isPostgisStore, postgisLayerBody, storeTables } from "../classes/postgis/geoserver.ts";
import type { Catalog } from "../index.ts";
import { appendFile } from "./append.ts";
import { GsBadRequest, GsBase, GsConflict, GsForbidden } from "./base.ts";
import type { Layers } from "./layers.ts";
import type { LayerExt, Published, Store, Workspace } from "./model.ts";
import type { Stores } from "./stores.ts";

/** Upload extensions gisd reads, with the file extension its importer expects. */
export const VECTOR_FORMATS: Record<string, { type: string; ext: string }> = {
  shp: { type: "Shapefile", ext: "zip" },
  gpkg: { type: "GeoPackage", ext: "gpkg" },
  geopkg: { type: "GeoPackage", ext: "gpkg" },
  geojson: { type: "GeoJSON", ext: "geojson" },
  csv: { type: "CSV", ext: "csv" },
  fgb: { type: "FlatGeobuf", ext: "fgb" },
  kml: { type: "KML", ext: "kml" },
};

const MAX_ENTRIES = 10_000;
const MAX_UNZIPPED = 4 * 1024 * 1024 * 1024;
const MAX_RATIO = 1000;

export interface UploadInput {
  /** The body on disk: a streamed temporary file, or the server file of an external upload. */
  file: Blob;
  /** For external uploads: the server path (inside the import root) the file was read from. */
  external?: string;
  format: string;
  zip: boolean;
  /** `filename` parameter: the name of the stored file (default {store}.{format}). */
  filename?: string;
  configure: "first" | "none" | "all";
  update: "append" | "overwrite";
  charset?: string;
}

/** Entry names of a zip without inflating anything; refuses slips, links and bombs. */
export function zipEntries(bytes: Uint8Array): string[] {
  const names: string[] = [];
  let total = 0;
  let compressed = 0;
  try {
    unzipSync(bytes, {
      filter(f) {
        names.push(f.name);
        total += f.originalSize;
        compressed += f.size;
        return false;
      },
    });
  } catch (err) {
    throw new GsBadRequest(`Invalid zip archive: ${(err as Error).message}`);
  }
  for (const n of names) {
    if (
      n.includes("\\") ||
      n.startsWith("/") ||
      /^[A-Za-z]:/.test(n) ||
      n.split("/").includes("..")
    )
      throw new GsBadRequest(`Unsafe path in archive: ${n}`);
  }
  if (names.length > MAX_ENTRIES) throw new GsBadRequest("Too many entries in archive");
  if (total > MAX_UNZIPPED || (total > 64 * 1024 * 1024 && total > compressed * MAX_RATIO))
    throw new GsBadRequest("Archive expands too much (zip bomb?)");
  return names;
}

/** Feature tables of a GeoPackage, read from gpkg_contents. */
async function gpkgTables(path: string): Promise<string[]> {
  const db = createClient({ url: `file:${path}` });
  try {
    const res = await db.execute(
      "SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY table_name",
    );
    return res.rows.map((r) => String(r.table_name));
  } catch {
    throw new GsBadRequest("Not a GeoPackage file");
  } finally {
    db.close();
  }
}

export class Imports extends GsBase {
  constructor(
    catalog: Catalog,
    private readonly stores: Stores,
    private readonly layers: Layers,
  ) {
    super(catalog);
  }

  /** Source layer names of a stored file, by format. */
  async sourceNames(
    path: string,
    format: string,
    zipNames: string[] | null,
    fileName = basename(path),
  ): Promise<string[]> {
    if (zipNames) {
      const want = format === "shp" ? /\.shp$/i : new RegExp(`\\.${format}$`, "i");
      const hits = zipNames.filter((n) => want.test(n) && !n.startsWith("__MACOSX"));
      if (hits.length === 0)
        throw new GsBadRequest(`Could not find appropriate ${format} file in archive`);
      return hits.map((n) => basename(n).replace(/\.[^.]+$/, ""));
    }
    if (format === "gpkg" || format === "geopkg") return gpkgTables(path);
    return [fileName.replace(/\.[^.]+$/, "")];
  }

  /** The named store, created (and recorded in `created` for undo) when missing. */
  private async storeFor(
    actor: Actor,
    ws: Workspace,
    kind: "dataStore" | "coverageStore",
    input: { name: string; type: string; params?: Record<string, string> },
    created: number[],
  ): Promise<Store> {
    const found = await this.stores.find(actor, ws, input.name, kind);
    if (found) return found;
    const store = await this.stores.create(actor, ws, kind, input);
    created.push(store.id);
    return store;
  }

  /** Removes what a failed upload created, newest first, so nothing is left behind. */
  private async undo(actor: Actor, created: number[]): Promise<void> {
    for (const id of created.reverse())
      await this.catalog.resources.delete(actor, id).catch(() => {});
  }

  async upload(actor: Actor, ws: Workspace, storeName: string, u: UploadInput) {
    const fmt = VECTOR_FORMATS[u.format];
    if (!fmt) throw new GsBadRequest(`Unsupported format: ${u.format}`);
    if (u.format === "shp" && !u.zip)
      throw new GsBadRequest("Shapefiles must be uploaded as a zip archive");
    if (u.external && u.format === "fgb" && !u.zip)
      return this.externalFgb(actor, ws, storeName, u.external, u.configure);
    // The zip's entry list is read from the compressed bytes (never inflated) to refuse slips.
    const zipNames = u.zip ? zipEntries(new Uint8Array(await u.file.arrayBuffer())) : null;
    const fileExt = u.zip ? "zip" : fmt.ext;
    const base = (u.filename ?? storeName).replace(/\.[A-Za-z0-9]{1,10}$/, "");
    const fileName = `${base}.${fileExt}`;
    const up = await this.catalog.uploads.store(u.file, fileName, null, actor.id);
    const createdIds: number[] = [];
    try {
      const store = await this.storeFor(
        actor,
        ws,
        "dataStore",
        { name: storeName, type: fmt.type },
        createdIds,
      );
      const { path } = await this.catalog.uploads.path(up.id);
      const names = await this.sourceNames(path, u.format, zipNames, fileName);
      if (u.configure === "none") {
        await this.catalog.resources.require(actor, store.id, "resource.update");
        await this.mergeExt(store.id, {
          params: { ...store.params, upload: up.id, format: u.format },
        });
        return { status: 201, store };
      }
      const chosen = u.configure === "all" ? names : names.slice(0, 1);
      const existing = await this.layers.inStore(actor, store);
      for (const native of chosen) {
        const source = {
          source: { id: up.id },
          source_layer: names.length > 1 || u.format === "gpkg" ? native : undefined,
          encoding: u.charset,
        };
        const same = existing.find((p) => p.name === native);
        if (same && u.update === "append") {
          // GeoServer appends the file's features to the existing feature type.
          await appendFile(this.catalog, actor, same.row.id, path, {
            sourceLayer: source.source_layer,
            encoding: u.charset,
          });
          continue;
        }
        if (same) {
          if (same.row.cls !== "vector_layer")
            throw new GsForbidden(`Layer ${same.name} is not stored by gisd: cannot overwrite it`);
          // overwrite replaces the data: gisd re-imports the layer whole, in one transaction.
          await this.catalog.resources.update(actor, same.row.id, {
            vector_layer: { ...source, srs: undefined },
          });
          continue;
        }
        const name = await this.layers.freeName(actor, ws, native);
        const row = await this.layers.createPublished(
          actor,
          store,
          name,
          undefined,
          { resource: { cls: "vector_layer" }, vector_layer: { ...source, srs: { id: 3857 } } },
          {},
        );
        createdIds.push(row.id);
      }
      await this.catalog.uploads.remove(up.id).catch(() => {});
      return { status: 201, store };
    } catch (err) {
      await this.undo(actor, createdIds);
      await this.catalog.uploads.remove(up.id).catch(() => {});
      throw err;
    }
  }

  /**
   * `external.fgb`: the store points at the server file and its one layer is an fgb_layer over
   * it, so nothing is copied and later changes to the file are served as they are.
   */
  private async externalFgb(
    actor: Actor,
    ws: Workspace,
    storeName: string,
    path: string,
    configure: UploadInput["configure"],
  ) {
    const createdIds: number[] = [];
    try {
      const store = await this.storeFor(
        actor,
        ws,
        "dataStore",
        { name: storeName, type: "FlatGeobuf", params: { url: `file:${path}` } },
        createdIds,
      );
      if (configure === "none") return { status: 201, store };
      const native = basename(path).replace(/\.[^.]+$/, "");
      const same = (await this.layers.inStore(actor, store)).find((p) => p.name === native);
      const body = { resource: { cls: "fgb_layer" }, fgb_layer: { path } };
      if (same?.row.cls === "fgb_layer") {
        await this.catalog.resources.update(actor, same.row.id, { fgb_layer: { path } });
      } else if (same) {
        throw new GsConflict(`Layer ${native} already exists in store ${storeName}`);
      } else {
        const name = await this.layers.freeName(actor, ws, native);
        const row = await this.layers.createPublished(actor, store, name, undefined, body, {});
        createdIds.push(row.id);
      }
      return { status: 201, store };
    } catch (err) {
      await this.undo(actor, createdIds);
      throw err;
    }
  }

  /** Source layers of a store's file (external path or an upload kept with configure=none). */
  async available(actor: Actor, store: Store): Promise<string[]> {
    if (isPostgisStore(store.params))
      return this.unpublished(actor, store, await storeTables(this.catalog, actor, store));
    let path = (store.params.url ?? store.params.database ?? "").replace(/^file:/, "");
    let format = store.params.format ?? path.split(".").pop()?.toLowerCase() ?? "";
    if (store.params.upload) {
      path = (await this.catalog.uploads.path(store.params.upload)).path;
      format = store.params.format ?? format;
    }
    if (!path) return [];
    const zip = format === "shp" || format === "zip";
    const names = zip
      ? await this.sourceNames(
          path,
          "shp",
          zipEntries(new Uint8Array(await Bun.file(path).arrayBuffer())),
        )
      : await this.sourceNames(path, format, null);
    return this.unpublished(actor, store, names);
  }

  private async unpublished(actor: Actor, store: Store, names: string[]): Promise<string[]> {
    const taken = new Set((await this.layers.inStore(actor, store)).map((p) => p.name));
    return names.filter((n) => !taken.has(n));
  }

  /** POST featuretype on a store with a file: imports the named source layer. */
  async publishFromStore(
    actor: Actor,
    store: Store,
    o: { name: string; nativeName: string; ext: LayerExt & { title?: string } },
  ): Promise<Published | undefined> {
    if (isPostgisStore(store.params)) {
      const { title, ...ext } = o.ext;
      const body = await postgisLayerBody(this.catalog, actor, store, o.nativeName);
      const row = await this.layers.createPublished(actor, store, o.name, title, body, ext);
      return this.layers.byId(actor, row.id);
    }
    let uploadId = store.params.upload;
    let temp = false;
    const file = (store.params.url ?? store.params.database ?? "").replace(/^file:/, "");
    if (!uploadId && /\.fgb$/i.test(file)) {
      // FlatGeobuf is served in place: the layer reads the store's file, nothing is copied.
      const { title, ...ext } = o.ext;
      const body = { resource: { cls: "fgb_layer" }, fgb_layer: { path: file } };
      const row = await this.layers.createPublished(actor, store, o.name, title, body, ext);
      return this.layers.byId(actor, row.id);
    }
    if (!uploadId && file) {
      const up = await this.catalog.uploads.store(Bun.file(file), basename(file), null, actor.id);
      uploadId = up.id;
      temp = true;
    }
    if (!uploadId) throw new GsBadRequest(`Store ${store.name} has no file to publish from`);
    try {
      const { title, ...ext } = o.ext;
      const row = await this.layers.createPublished(
        actor,
        store,
        o.name,
        title,
        {
          resource: { cls: "vector_layer" },
          vector_layer: {
            source: { id: uploadId },
            source_layer: /gpkg/i.test(store.params.format ?? file) ? o.nativeName : undefined,
            srs: { id: 3857 },
          },
        },
        ext,
      );
      return this.layers.byId(actor, row.id);
    } finally {
      if (temp) await this.catalog.uploads.remove(uploadId).catch(() => {});
    }
  }

  /** GeoTIFF into a coverage store: the store (created if missing) and one raster layer. */
  async uploadRaster(
    actor: Actor,
    ws: Workspace,
    storeName: string,
    u: { file: Blob; filename?: string; coverageName?: string; configure: string },
  ): Promise<Store> {
    const base = (u.filename ?? storeName).replace(/\.[A-Za-z0-9]{1,10}$/, "");
    const up = await this.catalog.uploads.store(u.file, `${base}.tif`, "image/tiff", actor.id);
    const createdIds: number[] = [];
    try {
      const store = await this.storeFor(
        actor,
        ws,
        "coverageStore",
        {
          name: storeName,
          type: "GeoTIFF",
          params: { url: `file:data/${ws.name}/${storeName}/${base}.tif` },
        },
        createdIds,
      );
      if (u.configure === "none") return store;
      const native = u.coverageName ?? storeName;
      const same = (await this.layers.inStore(actor, store)).find((p) => p.name === native);
      const body = { raster_layer: { source: { id: up.id }, srs: { id: 3857 } } };
      if (same) await this.catalog.resources.update(actor, same.row.id, body);
      else {
        const name = await this.layers.freeName(actor, ws, native);
        const row = await this.layers.createPublished(
          actor,
          store,
          name,
          u.filename && u.filename !== name ? u.filename : undefined,
          { resource: { cls: "raster_layer" }, ...body },
          {},
        );
        createdIds.push(row.id);
      }
      return (await this.stores.get(actor, ws, storeName, "coverageStore")) ?? store;
    } catch (err) {
      await this.undo(actor, createdIds);
      throw err;
    } finally {
      await this.catalog.uploads.remove(up.id).catch(() => {});
    }
  }
}
