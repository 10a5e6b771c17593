/**
 * @module Sample data for a first start: on an empty catalog, the bundled datasets of
 * data/samples/ (Natural Earth countries, GeoNames cities) are imported into a "Samples" group
 * that everyone may read, so a newcomer sees real layers at once. The files are imported as
 * text, which makes `bun build --compile` embed them in the executable. A catalog setting
 * records that this happened, so deleting the samples later does not bring them back.
 */
import cities from "../../data/samples/cities.geojson" with { type: "text" };
import countries from "../../data/samples/countries.geojson" with { type: "text" };
import { type Actor, SYSTEM } from "./acl.ts";
import type { Catalog } from "./index.ts";

export const SAMPLES_SETTING = "samples.loaded";

interface Sample {
  file: string;
  text: string;
  displayName: string;
  description: string;
}

const SAMPLES: Sample[] = [
  {
    file: "countries.geojson",
    text: countries,
    displayName: "Countries (Natural Earth 1:110m)",
    description:
      '<p>Admin-0 countries at 1:110m from <a href="https://www.naturalearthdata.com/">Natural Earth</a> 4.1.0. Public domain.</p>',
  },
  {
    file: "cities.geojson",
    text: cities,
    displayName: "Cities over one million (GeoNames)",
    description:
      '<p>Populated places of at least 1,000,000 people. Data © <a href="https://www.geonames.org/">GeoNames</a>, CC BY.</p>',
  },
];

/**
 * Loads the samples once. Returns the id of the new group, or null when the catalog already
 * had content, the samples were loaded before, or no vector_layer class is registered.
 */
export async function loadSamples(catalog: Catalog): Promise<number | null> {
  if (!catalog.classes.get("vector_layer")) return null;
  // Claimed with one atomic insert, so two nodes starting together on one catalog load once.
  const { client } = catalog.database;
  const claim = await client.execute({
    sql: `INSERT INTO setting (key, value) VALUES (?, 'loading')
          ON CONFLICT (key) DO NOTHING RETURNING key`,
    args: [SAMPLES_SETTING],
  });
  if (claim.rows.length === 0) return null;
  if (await catalog.resources.hasChildren(0)) {
    await catalog.setSetting(SAMPLES_SETTING, "skipped: catalog not empty");
    return null;
  }
  const adminRow = await catalog.principals.get(SYSTEM.administrator);
  const admin = await catalog.principals.actorFor(adminRow!, null);
  let groupId: number | null = null;
  try {
    groupId = await load(catalog, admin);
    await catalog.setSetting(SAMPLES_SETTING, new Date().toISOString());
    return groupId;
  } catch (err) {
    // Leave nothing half-loaded, and let the next start try again.
    if (groupId === null) groupId = await findGroup(catalog);
    if (groupId !== null) await catalog.resources.delete(admin, groupId).catch(() => {});
    await client.execute({ sql: "DELETE FROM setting WHERE key = ?", args: [SAMPLES_SETTING] });
    throw err;
  }
}

async function findGroup(catalog: Catalog): Promise<number | null> {
  const r = await catalog.database.client.execute(
    "SELECT id FROM resource WHERE parent_id = 0 AND display_name = 'Samples'",
  );
  return r.rows[0] ? Number(r.rows[0].id) : null;
}

async function load(catalog: Catalog, admin: Actor): Promise<number> {
  const everyone = { principal: { id: SYSTEM.everyone }, identity: "", propagate: true };
  const { id: groupId } = await catalog.resources.create(admin, {
    resource: {
      cls: "resource_group",
      parent: { id: 0 },
      display_name: "Samples",
      description: "<p>Sample datasets bundled with gisd; readable by everyone.</p>",
      permissions: [
        { ...everyone, action: "allow", scope: "resource", permission: "read" },
        { ...everyone, action: "allow", scope: "data", permission: "read" },
      ],
    },
  });
  // A resource is readable only when its parent is: guests need resource.read on the root
  // itself (not propagated, so nothing else under it becomes visible).
  const rootAcl = await catalog.resources.aclOf(0);
  const hasRootRead = rootAcl.some(
    (r) =>
      r.action === "allow" &&
      r.principal.id === SYSTEM.everyone &&
      (r.scope === "" ||
        (r.scope === "resource" && (r.permission === "" || r.permission === "read"))),
  );
  if (!hasRootRead) {
    await catalog.resources.update(admin, 0, {
      resource: {
        permissions: [
          ...rootAcl,
          { ...everyone, action: "allow", scope: "resource", permission: "read", propagate: false },
        ],
      },
    });
  }
  for (const s of SAMPLES) {
    const up = await catalog.uploads.store(
      new Blob([s.text], { type: "application/geo+json" }),
      s.file,
      "application/geo+json",
      SYSTEM.administrator,
    );
    try {
      await catalog.resources.create(admin, {
        resource: {
          cls: "vector_layer",
          parent: { id: groupId },
          display_name: s.displayName,
          description: s.description,
        },
        vector_layer: { source: { id: up.id }, srs: { id: 3857 } },
      });
    } finally {
      await catalog.uploads.remove(up.id);
    }
  }
  return groupId;
}
