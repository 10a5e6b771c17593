/**
 * @module The sample web map: once the sample layers are loaded (catalog/samples.ts), a default
 * style under each and a "Sample map" web map drawing cities over countries, so a fresh server
 * has a map to open. No basemap: a basemap is an outside tile server, and gisd must work
 * air-gapped. Claimed once per catalog with its own setting, like the samples themselves.
 */
import { SYSTEM } from "../../acl.ts";
import type { Catalog } from "../../index.ts";
import { SAMPLES_SETTING } from "../../samples.ts";

export const SAMPLE_WEBMAP_SETTING = "samples.webmap";

/** Bottom first: countries are drawn under cities. */
const LAYERS = ["Countries (Natural Earth 1:110m)", "Cities over one million (GeoNames)"];

/** Creates the sample map; returns its id, or null when there is nothing (more) to do. */
export async function loadSampleWebmap(catalog: Catalog): Promise<number | null> {
  const loaded = await catalog.getSetting(SAMPLES_SETTING);
  // Only right after a real load (an ISO timestamp), never over a catalog that skipped them.
  if (!loaded || !/^\d{4}-/.test(loaded)) return null;
  const { client } = catalog.database;
  const claim = await client.execute({
    sql: `INSERT INTO setting (key, value) VALUES (?, 'loading')
          ON CONFLICT (key) DO NOTHING RETURNING key`,
    args: [SAMPLE_WEBMAP_SETTING],
  });
  if (claim.rows.length === 0) return null;
  const group = await client.execute(
    "SELECT id FROM resource WHERE parent_id = 0 AND display_name = 'Samples'",
  );
  const groupId = group.rows[0] ? Number(group.rows[0].id) : null;
  if (groupId === null || !catalog.classes.get("qgis_vector_style")) {
    await catalog.setSetting(SAMPLE_WEBMAP_SETTING, "skipped: no samples");
    return null;
  }
  try {
    return await create(catalog, groupId);
  } catch (err) {
    // Let the next start try again.
    await client.execute({
      sql: "DELETE FROM setting WHERE key = ?",
      args: [SAMPLE_WEBMAP_SETTING],
    });
    throw err;
  }
}

async function create(catalog: Catalog, groupId: number): Promise<number> {
  const { client } = catalog.database;
  const admin = await catalog.principals.actorFor(
    (await catalog.principals.get(SYSTEM.administrator))!,
    null,
  );
  const children: Record<string, unknown>[] = [];
  for (const name of LAYERS) {
    const layer = await client.execute({
      sql: "SELECT id FROM resource WHERE parent_id = ? AND display_name = ?",
      args: [groupId, name],
    });
    if (!layer.rows[0]) continue;
    const { id: styleId } = await catalog.resources.create(admin, {
      resource: {
        cls: "qgis_vector_style",
        parent: { id: Number(layer.rows[0].id) },
        display_name: "Default style",
      },
    });
    // The tree lists the top layer first.
    children.unshift({
      item_type: "layer",
      display_name: name,
      layer_style_id: styleId,
      layer_adapter: "image",
      layer_enabled: true,
    });
  }
  const { id } = await catalog.resources.create(admin, {
    resource: { cls: "webmap", parent: { id: groupId }, display_name: "Sample map" },
    webmap: { initial_extent: [-180, -60, 180, 75], root_item: { children } },
  });
  await catalog.setSetting(SAMPLE_WEBMAP_SETTING, new Date().toISOString());
  return id;
}
