/**
 * @module GeoServer datastores with `dbtype=postgis` (reference A.2.4) in the one catalog: the
 * store group holds a postgis_connection made from the connection parameters (host, port,
 * database, user, passwd), and publishing a featuretype creates a postgis_layer over
 * `schema.nativeName`. The password lives only in the encrypted connection; the store's
 * parameters as GeoServer lists them never carry `passwd`.
 */
import { listGeometryTables } from "../../../geo/sources/postgis-inspect.ts";
import { pgError } from "../../../geo/sources/postgis-source.ts";
import type { Actor } from "../../acl.ts";
import { CatalogError } from "../../errors.ts";
import type { Catalog } from "../../index.ts";
import { readConnection } from "./connection.ts";
import { poolFor } from "./pools.ts";

class BadStore extends CatalogError {
  override readonly status = 400;
}

export function isPostgisStore(params: Record<string, string | undefined>): boolean {
  return (params.dbtype ?? "").toLowerCase() === "postgis";
}

/** The parameters kept in the store's description: everything but the password. */
export function publicParams(params: Record<string, string>): Record<string, string> {
  const { passwd: _secret, ...rest } = params;
  return rest;
}

function connectionBody(params: Record<string, string>, creating: boolean) {
  const body: Record<string, unknown> = {};
  const map = { host: "hostname", database: "database", user: "username", passwd: "password" };
  for (const [gs, ngw] of Object.entries(map)) {
    const v = params[gs];
    if (v !== undefined) body[ngw] = v;
    else if (creating) throw new BadStore(`Missing connection parameter: ${gs}`);
  }
  if (params.port !== undefined) body.port = params.port;
  return body;
}

/** The store's connection: the postgis_connection child of its group. */
export async function storeConnection(catalog: Catalog, actor: Actor, storeId: number) {
  const kids = await catalog.resources.children(actor, storeId);
  return kids.find((k) => k.row.cls === "postgis_connection")?.row;
}

/** Creates the connection of a new PostGIS store inside its group. */
export async function createStoreConnection(
  catalog: Catalog,
  actor: Actor,
  storeId: number,
  storeName: string,
  params: Record<string, string>,
): Promise<void> {
  const { id } = await catalog.resources.create(actor, {
    resource: {
      cls: "postgis_connection",
      parent: { id: storeId },
      display_name: `${storeName} (PostGIS connection)`,
    },
    postgis_connection: connectionBody(params, true),
  });
  await probe(catalog, id);
}

/**
 * Connects once, so a store whose database is unreachable or refuses the credentials is a 400
 * with the reason now rather than a broken store later (the connect timeout bounds the wait).
 */
async function probe(catalog: Catalog, connectionId: number): Promise<void> {
  const c = await readConnection(catalog.deps.client, connectionId);
  if (!c) throw new BadStore("The PostGIS store has no connection");
  try {
    await poolFor(catalog.deps, c).unsafe("SELECT 1");
  } catch (err) {
    const e = pgError(err);
    throw e instanceof Error && "status" in e ? new BadStore(e.message) : e;
  }
}

/** Applies changed connection parameters of a PUT to the store's connection. */
export async function updateStoreConnection(
  catalog: Catalog,
  actor: Actor,
  storeId: number,
  params: Record<string, string>,
): Promise<void> {
  const conn = await storeConnection(catalog, actor, storeId);
  if (!conn) throw new BadStore("The PostGIS store has no connection");
  const body = connectionBody(params, false);
  if (Object.keys(body).length) {
    await catalog.resources.update(actor, conn.id, { postgis_connection: body });
    await probe(catalog, conn.id);
  }
}

/** Geometry tables in the store's schema (`list=available` before removing published ones). */
export async function storeTables(
  catalog: Catalog,
  actor: Actor,
  store: { id: number; params: Record<string, string> },
): Promise<string[]> {
  const conn = await storeConnection(catalog, actor, store.id);
  const c = conn && (await readConnection(catalog.deps.client, conn.id));
  if (!c) throw new BadStore("The PostGIS store has no connection");
  try {
    return await listGeometryTables(poolFor(catalog.deps, c), store.params.schema || "public");
  } catch (err) {
    throw err instanceof Error && "status" in err ? new BadStore(err.message) : err;
  }
}

/** The NGW create body of a postgis_layer publishing `table` from the store. */
export async function postgisLayerBody(
  catalog: Catalog,
  actor: Actor,
  store: { id: number; params: Record<string, string> },
  table: string,
): Promise<Record<string, unknown>> {
  const conn = await storeConnection(catalog, actor, store.id);
  if (!conn) throw new BadStore("The PostGIS store has no connection");
  return {
    resource: { cls: "postgis_layer" },
    postgis_layer: {
      connection: { id: conn.id },
      schema: store.params.schema || "public",
      table,
      fields: "update",
    },
  };
}
