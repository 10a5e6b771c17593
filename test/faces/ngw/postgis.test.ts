/**
 * @module PostGIS resources over the NGW API against a throwaway PostGIS cluster: connection CRUD
 * with the password encrypted at rest and never returned, a postgis_layer over a fixture table
 * with detected type/SRID/fields, and the vector-layer features working on it over HTTP: the
 * feature API (edits land in PostgreSQL, a failed batch leaves nothing), exports, MVT, render,
 * identify and GDAL's NGW driver. Bad connections and tables are 4xx NGW errors.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { VectorTile } from "@mapbox/vector-tile";
import { PbfReader } from "pbf";
import { gdal, hasGdal } from "../../helpers/gdal.ts";
import { type PgCluster, pgAvailable, startPostgres } from "../../helpers/postgres.ts";
import { startServer, type TestServer } from "../../helpers/server.ts";

let pg: PgCluster;
let s: TestServer;
let conn: number;
let layer: number;

const cities = JSON.parse(
  readFileSync(join(import.meta.dir, "../../fixtures/formats/cities.geojson"), "utf8"),
).features as { properties: Record<string, unknown>; geometry: { coordinates: number[] } }[];

async function create(body: unknown, auth?: string) {
  return s.json("/api/resource/", { method: "POST", auth: auth ?? s.admin, body });
}

beforeAll(async () => {
  if (!pgAvailable) return;
  pg = await startPostgres();
  s = await startServer();
  const c = await create({
    resource: { cls: "postgis_connection", parent: { id: 0 }, display_name: "gis db" },
    postgis_connection: {
      hostname: pg.host,
      port: pg.port,
      database: pg.database,
      username: pg.user,
      password: pg.password,
    },
  });
  expect(c.status).toBe(201);
  conn = c.body.id;
  const l = await create({
    resource: { cls: "postgis_layer", parent: { id: 0 }, display_name: "cities" },
    postgis_layer: {
      connection: { id: conn },
      schema: "public",
      table: "cities",
      column_id: "gid",
      column_geom: "geom",
      fields: "update",
    },
  });
  expect(l.status).toBe(201);
  layer = l.body.id;
}, 60_000);

afterAll(async () => {
  await s?.stop();
  await pg?.stop();
});

describe.skipIf(!pgAvailable)("postgis over the NGW API", () => {
  test("the connection: settings readable, password never returned, encrypted at rest", async () => {
    const r = await s.json(`/api/resource/${conn}`, { auth: s.admin });
    expect(r.status).toBe(200);
    expect(r.body.postgis_connection).toEqual({
      hostname: pg.host,
      port: pg.port,
      database: pg.database,
      username: pg.user,
    });
    expect(JSON.stringify(r.body)).not.toContain(pg.password);
    // Nothing in the data directory holds the password in clear (catalog, WAL, key file).
    for (const f of readdirSync(s.dataDir, { recursive: true }) as string[]) {
      const p = join(s.dataDir, f);
      try {
        expect(readFileSync(p).includes(Buffer.from(pg.password))).toBe(false);
      } catch (err) {
        if ((err as { code?: string }).code !== "EISDIR") throw err;
      }
    }
    // Changing the password keeps the layer working only when it is right.
    const bad = await s.json(`/api/resource/${conn}`, {
      method: "PUT",
      auth: s.admin,
      body: { postgis_connection: { password: "wrong" } },
    });
    expect(bad.status).toBe(200);
    const f = await s.json(`/api/resource/${layer}/feature_count`, { auth: s.admin });
    expect(f.status).toBe(422);
    expect(f.body.message).toMatch(/password authentication failed/);
    await s.json(`/api/resource/${conn}`, {
      method: "PUT",
      auth: s.admin,
      body: { postgis_connection: { password: pg.password } },
    });
    expect((await s.json(`/api/resource/${layer}/feature_count`, { auth: s.admin })).body).toEqual({
      total_count: 40,
    });
    const guest = await s.json(`/api/resource/${conn}`);
    expect(guest.status).toBe(403);
  });

  test("the layer: NGW JSON with detected geometry type, SRID and fields", async () => {
    const r = await s.json(`/api/resource/${layer}`, { auth: s.admin });
    expect(r.body.resource.cls).toBe("postgis_layer");
    expect(r.body.postgis_layer).toEqual({
      connection: { id: conn },
      schema: "public",
      table: "cities",
      column_id: "gid",
      column_geom: "geom",
      geometry_type: "POINT",
      geometry_srid: 4326,
      srs: { id: 4326 },
    });
    expect(r.body.feature_layer.fields.map((f: any) => [f.keyname, f.datatype])).toEqual([
      ["name", "STRING"],
      ["name_ascii", "STRING"],
      ["country", "STRING"],
      ["population", "BIGINT"],
      ["capital", "BOOLEAN"],
      ["timezone", "STRING"],
      ["geonameid", "INTEGER"],
    ]);
  });

  test('fields: "keep" leaves the field list, "update" inspects the table again', async () => {
    await pg.sql.unsafe("ALTER TABLE cities ADD COLUMN founded date");
    const fields = async () =>
      (await s.json(`/api/resource/${layer}`, { auth: s.admin })).body.feature_layer.fields;
    const before = await fields();
    const put = (body: unknown) =>
      s.json(`/api/resource/${layer}`, { method: "PUT", auth: s.admin, body });
    expect((await put({ postgis_layer: { fields: "keep" } })).status).toBe(200);
    expect(await fields()).toEqual(before);
    const renamed = { feature_layer: { fields: [{ id: before[0].id, display_name: "Name" }] } };
    expect((await put(renamed)).status).toBe(200);
    expect((await put({ postgis_layer: { fields: "update" } })).status).toBe(200);
    const after = await fields();
    expect(after.at(-1)).toMatchObject({ keyname: "founded", datatype: "DATE" });
    // Fields that stay keep their ids and display names.
    expect(after[0]).toMatchObject({ id: before[0].id, display_name: "Name" });
    expect((await put({ postgis_layer: { fields: "sometimes" } })).status).toBe(422);
    await pg.sql.unsafe("ALTER TABLE cities DROP COLUMN founded");
    expect((await put({ postgis_layer: { fields: "update" } })).status).toBe(200);
    expect((await fields()).length).toBe(before.length);
  });

  test("bad tables, columns and connections are 422 NGW errors", async () => {
    const base = { cls: "postgis_layer", parent: { id: 0 } };
    const cases: [unknown, RegExp][] = [
      [{ connection: { id: conn }, table: "nope" }, /not found/],
      [
        { connection: { id: conn }, schema: 'public"; DROP TABLE cities; --', table: "cities" },
        /not found/,
      ],
      [{ connection: { id: conn }, table: "cities", column_id: "name" }, /not an integer/],
      [
        { connection: { id: conn }, table: "cities", column_geom: "name" },
        /not a PostGIS geometry/,
      ],
      [{ connection: { id: layer }, table: "cities" }, /not a PostGIS connection/],
      [{ table: "cities" }, /connection/],
    ];
    let i = 0;
    for (const [pl, msg] of cases) {
      const r = await create({
        resource: { ...base, display_name: `bad ${i++}` },
        postgis_layer: pl,
      });
      expect(r.status).toBe(422);
      expect(r.body).toMatchObject({ status_code: 422 });
      expect(r.body.message).toMatch(msg);
    }
    expect((await pg.sql`SELECT count(*)::int AS n FROM cities`)[0].n).toBe(40);
    // An unreachable port answers within the connect timeout, as a 422.
    const dead = await create({
      resource: { cls: "postgis_connection", parent: { id: 0 }, display_name: "dead" },
      postgis_connection: {
        hostname: "127.0.0.1",
        port: 1,
        database: "x",
        username: "x",
        password: "x",
      },
    });
    const r = await create({
      resource: { ...base, display_name: "dead layer" },
      postgis_layer: { connection: { id: dead.body.id }, table: "cities" },
    });
    expect(r.status).toBe(422);
    expect(r.body.message).toMatch(/connect/i);
    // A connection in use by a layer cannot be deleted.
    const del = await s.json(`/api/resource/${conn}`, { method: "DELETE", auth: s.admin });
    expect(del.status).toBe(422);
  });

  test("feature API: filters, paging, and edits that land in PostgreSQL atomically", async () => {
    const list = await s.json(
      `/api/resource/${layer}/feature/?fld_country__eq=IN&order_by=name&geom_format=geojson`,
      { auth: s.admin },
    );
    expect(list.status).toBe(200);
    const india = cities.filter((c) => c.properties.country === "IN");
    expect(list.body.map((f: any) => f.fields.name)).toEqual(
      india.map((c) => c.properties.name).sort(),
    );
    expect(list.body[0].fields.population).toBe(
      india.find((c) => c.properties.name === list.body[0].fields.name)!.properties.population,
    );
    const page = await s.json(`/api/resource/${layer}/feature/?limit=5&offset=10`, {
      auth: s.admin,
    });
    expect(page.body.length).toBe(5);
    expect(page.body[0].geom).toMatch(/^POINT/);

    const made = await s.json(`/api/resource/${layer}/feature/`, {
      method: "POST",
      auth: s.admin,
      body: { geom: "POINT (10 20)", fields: { name: "Newtown", country: "XX", population: 5 } },
    });
    expect(made.status).toBe(200);
    const row = (
      await pg.sql`SELECT name, ST_AsText(geom) AS g FROM cities WHERE gid = ${made.body.id}`
    )[0];
    expect(row).toEqual({ name: "Newtown", g: "POINT(10 20)" });

    // One bad item (too long for varchar(2)) rolls the whole PATCH back in PostgreSQL.
    const patch = await s.json(`/api/resource/${layer}/feature/`, {
      method: "PATCH",
      auth: s.admin,
      body: [
        { id: made.body.id, fields: { name: "Renamed" } },
        { fields: { name: "Other", country: "TOO LONG" } },
      ],
    });
    expect(patch.status).toBe(422);
    expect((await pg.sql`SELECT name FROM cities WHERE gid = ${made.body.id}`)[0].name).toBe(
      "Newtown",
    );
    expect((await pg.sql`SELECT count(*)::int AS n FROM cities`)[0].n).toBe(41);

    const del = await s.json(`/api/resource/${layer}/feature/${made.body.id}`, {
      method: "DELETE",
      auth: s.admin,
    });
    expect(del.status).toBe(200);
    expect((await pg.sql`SELECT count(*)::int AS n FROM cities`)[0].n).toBe(40);
  });

  test("export GeoJSON equals the table", async () => {
    const r = await s.fetch(`/api/resource/${layer}/export?format=GeoJSON&zipped=false`, {
      auth: s.admin,
    });
    expect(r.status).toBe(200);
    const fc = await r.json();
    expect(fc.features.length).toBe(40);
    const byName = new Map(fc.features.map((f: any) => [f.properties.name, f]));
    for (const c of cities) {
      const f = byName.get(c.properties.name) as any;
      expect(f.geometry.coordinates).toEqual(c.geometry.coordinates);
      expect(f.properties.population).toBe(c.properties.population);
    }
  });

  test("the same table is a GeoNode vector dataset and a WFS feature type", async () => {
    const ds = await s.json(`/api/v2/datasets/${layer}`, { auth: s.admin });
    expect(ds.status).toBe(200);
    expect(ds.body.dataset.subtype).toBe("vector");
    expect(ds.body.dataset.title).toBe("cities");
    const svc = await create({
      resource: { cls: "wfsserver_service", parent: { id: 0 }, display_name: "pg wfs" },
      wfsserver_service: {
        layers: [
          { keyname: "cities", display_name: "cities", resource_id: layer, maxfeatures: 1000 },
        ],
      },
    });
    expect(svc.status).toBe(201);
    const r = await s.fetch(
      `/api/resource/${svc.body.id}/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=cities&RESULTTYPE=hits`,
      { auth: s.admin },
    );
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('numberMatched="40"');
  });

  test("MVT, render and identify read the PostGIS table", async () => {
    const mvt = await s.fetch(`/api/component/feature_layer/mvt?resource=${layer}&z=0&x=0&y=0`, {
      auth: s.admin,
    });
    expect(mvt.status).toBe(200);
    const tile = new VectorTile(new PbfReader(new Uint8Array(await mvt.arrayBuffer())));
    const l = tile.layers[`ngw:${layer}`]!;
    expect(l.length).toBe(40);
    const names = Array.from({ length: l.length }, (_, i) => l.feature(i).properties.name);
    expect(names.sort()).toEqual(cities.map((c) => c.properties.name as string).sort());

    const png = await s.fetch(`/api/component/render/tile?z=0&x=0&y=0&resource=${layer}`, {
      auth: s.admin,
    });
    expect(png.status).toBe(200);
    expect(png.headers.get("content-type")).toBe("image/png");
    const bytes = new Uint8Array(await png.arrayBuffer());
    expect(bytes.length).toBeGreaterThan(200);

    const europe = "POLYGON((-10 35, 40 35, 40 60, -10 60, -10 35))";
    const id = await s.json("/api/feature_layer/identify", {
      method: "POST",
      auth: s.admin,
      body: { geom: europe, srs: 4326, layers: [layer] },
    });
    expect(id.status).toBe(200);
    const want = cities.filter((c) => {
      const [x, y] = c.geometry.coordinates as [number, number];
      return x >= -10 && x <= 40 && y >= 35 && y <= 60;
    });
    expect(id.body[String(layer)].featureCount).toBe(want.length);
  });

  test.skipIf(!hasGdal)(
    "ogr2ogr through GDAL's NGW driver reads the table back equal",
    async () => {
      const out = join(s.dataDir, "back.geojson");
      const r = await gdal("ogr2ogr", [
        "-f",
        "GeoJSON",
        out,
        `NGW:${s.url}/resource/${layer}`,
        "-oo",
        `USERPWD=administrator:admin-pass-123`,
        "-oo",
        "PAGE_SIZE=15",
      ]);
      expect(r.code).toBe(0);
      const got = JSON.parse(readFileSync(out, "utf8")).features;
      expect(got.length).toBe(40);
      const byId = new Map(got.map((f: any) => [f.properties.geonameid, f]));
      for (const c of cities) {
        const f = byId.get(c.properties.geonameid) as any;
        expect(f.properties.name).toBe(c.properties.name);
        expect(f.geometry.coordinates).toEqual(c.geometry.coordinates);
      }
    },
  );
});
