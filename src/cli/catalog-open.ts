/** @module Opening the catalog of a data folder from the command line, acting as administrator. */
import { type Actor, SYSTEM } from "../catalog/acl.ts";
import { Catalog } from "../catalog/index.ts";
import { loadConfig, type ServeFlags } from "../config.ts";
import { modules } from "../modules.ts";

/** The catalog (with every module's classes) and the superuser that local commands act as. */
export async function openLocalCatalog(
  dataFlag: string | true | undefined,
): Promise<{ catalog: Catalog; admin: Actor }> {
  const config = loadConfig({ data: dataFlag as string | undefined } as ServeFlags, process.env);
  const { catalog, generatedPassword } = await Catalog.open({
    databaseUrl: config.databaseUrl,
    databaseAuthToken: config.databaseAuthToken,
    dataDir: config.dataDir,
    maxUpload: config.maxUpload,
    adminPassword: config.adminPassword,
    classes: modules.flatMap((m) => m.classes ?? []),
  });
  if (generatedPassword)
    process.stderr.write(`created user 'administrator' with password: ${generatedPassword}\n`);
  const row = await catalog.principals.get(SYSTEM.administrator);
  if (!row) throw new Error("the administrator user is missing from the catalog");
  return { catalog, admin: await catalog.principals.actorFor(row, null) };
}
