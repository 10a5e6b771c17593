/**
 * @module GeoServer REST datastores with dbtype=postgis against a throwaway PostGIS cluster:
 * create (the password kept only in the encrypted connection, never listed), `list=available`,
 * publishing featuretypes from tables in two schemas, reading them through OGC API Features and
 * NGW MVT, credential changes by PUT, unreachable databases refused with a 400, recursive delete.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type PgCluster, pgAvailable, startPostgres } from "../../helpers/postgres.ts";
import { startServer, type TestServer } from "../../helpers/server.ts";

let pg: PgCluster;
let s: TestServer;
const R = "/geoserver/rest";

async function call(method: string, path: string, body?: unknown) {
  const res = await s.fetch(R + path, {
    method,
    auth: s.admin,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
  });
  return { status: res.status, text: await res.text() };
}

function store(name: string, params: Record<string, string | number>) {
  return {
    dataStore: {
      name,
      connectionParameters: {
        entry: Object.entries({ dbtype: "postgis", ...params }).map(([k, v]) => ({
          "@key": k,
          $: String(v),
        })),
      },
    },
  };
}

beforeAll(async () => {
  if (!pgAvailable) return;
  pg = await startPostgres();
  s = await startServer();
  expect((await call("POST", "/workspaces", { workspace: { name: "pgws" } })).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await s?.stop();
  await pg?.stop();
});

describe.skipIf(!pgAvailable)("GeoServer PostGIS datastores", () => {
  const params = () => ({
    host: pg.host,
    port: pg.port,
    database: pg.database,
    user: pg.user,
    passwd: pg.password,
  });

  test("create, describe without the password, list and publish tables", async () => {
    const c = await call(
      "POST",
      "/workspaces/pgws/datastores",
      store("gis", { ...params(), schema: "public" }),
    );
    expect(c.status).toBe(201);
    const got = await call("GET", "/workspaces/pgws/datastores/gis.json");
    const ds = JSON.parse(got.text).dataStore;
    expect(ds.type).toBe("PostGIS");
    const entries = Object.fromEntries(
      ds.connectionParameters.entry.map((e: { "@key": string; $: string }) => [e["@key"], e.$]),
    );
    expect(entries).toMatchObject({ dbtype: "postgis", host: pg.host, database: pg.database });
    expect(entries.passwd).toBeUndefined();
    expect(got.text).not.toContain(pg.password);

    const avail = await call(
      "GET",
      "/workspaces/pgws/datastores/gis/featuretypes.json?list=available",
    );
    expect(JSON.parse(avail.text)).toEqual({ list: { string: ["cities"] } });
    const p = await call("POST", "/workspaces/pgws/datastores/gis/featuretypes", {
      featureType: { name: "cities" },
    });
    expect(p.status).toBe(201);
    const ft = JSON.parse(
      (await call("GET", "/workspaces/pgws/datastores/gis/featuretypes/cities.json")).text,
    ).featureType;
    const attrs = Object.fromEntries(
      ft.attributes.attribute.map((a: { name: string; binding: string }) => [a.name, a.binding]),
    );
    expect(attrs).toMatchObject({
      geom: "org.locationtech.jts.geom.Point",
      name: "java.lang.String",
      population: "java.lang.Long",
      capital: "java.lang.Boolean",
    });
    const after = await call(
      "GET",
      "/workspaces/pgws/datastores/gis/featuretypes.json?list=available",
    );
    expect(JSON.parse(after.text).list).toBe("");
    const layer = JSON.parse((await call("GET", "/layers/pgws:cities.json")).text).layer;
    expect(layer.name).toBe("cities");
  });

  test("a second schema, features through OGC API and NGW MVT", async () => {
    expect(
      (
        await call(
          "POST",
          "/workspaces/pgws/datastores",
          store("geo", { ...params(), schema: "geo" }),
        )
      ).status,
    ).toBe(201);
    const p = await call("POST", "/workspaces/pgws/datastores/geo/featuretypes", {
      featureType: { name: "countries_pg", nativeName: "countries" },
    });
    expect(p.status).toBe(201);
    const ft = JSON.parse(
      (await call("GET", "/workspaces/pgws/datastores/geo/featuretypes/countries_pg.json")).text,
    ).featureType;
    expect(ft.nativeName ?? ft.name).toBeDefined();
    // Find the catalog id of the published layer through the NGW search and read it.
    const found = await s.json("/api/resource/search/?cls=postgis_layer", { auth: s.admin });
    const ids = found.body.map((r: any) => r.resource.id);
    expect(ids.length).toBe(2);
    const counts = [];
    for (const id of ids) {
      const items = await s.json(`/ogcapi/collections/${id}/items?limit=100`, { auth: s.admin });
      expect(items.status).toBe(200);
      counts.push(items.body.features.length);
    }
    expect(counts.sort()).toEqual([15, 40]);
    const tile = await s.fetch(
      `/api/component/feature_layer/mvt?resource=${ids.join(",")}&z=0&x=0&y=0`,
      {
        auth: s.admin,
      },
    );
    expect(tile.status).toBe(200);
  });

  test("bad stores are 400 with a clear message and leave nothing behind", async () => {
    const wrong = await call(
      "POST",
      "/workspaces/pgws/datastores",
      store("bad", { ...params(), passwd: "nope" }),
    );
    expect(wrong.status).toBe(400);
    expect(wrong.text).toMatch(/password authentication failed/);
    const closed = await call(
      "POST",
      "/workspaces/pgws/datastores",
      store("closed", { ...params(), port: 1 }),
    );
    expect(closed.status).toBe(400);
    expect(closed.text).toMatch(/connect/i);
    const missing = await call(
      "POST",
      "/workspaces/pgws/datastores",
      store("nohost", { database: "x" }),
    );
    expect(missing.status).toBe(400);
    expect(missing.text).toBe("Missing connection parameter: host");
    const list = JSON.parse((await call("GET", "/workspaces/pgws/datastores.json")).text);
    expect(list.dataStores.dataStore.map((d: { name: string }) => d.name).sort()).toEqual([
      "geo",
      "gis",
    ]);
  });

  test("PUT changes credentials (checked), DELETE recurse removes layers and connection", async () => {
    const bad = await call(
      "PUT",
      "/workspaces/pgws/datastores/geo",
      store("geo", { passwd: "nope" }),
    );
    expect(bad.status).toBe(400);
    const good = await call(
      "PUT",
      "/workspaces/pgws/datastores/geo",
      store("geo", { passwd: pg.password }),
    );
    expect(good.status).toBe(200);
    expect((await call("DELETE", "/workspaces/pgws/datastores/geo")).status).toBe(403);
    expect((await call("DELETE", "/workspaces/pgws/datastores/geo?recurse=true")).status).toBe(200);
    const conns = await s.json("/api/resource/search/?cls=postgis_connection", { auth: s.admin });
    expect(conns.body.length).toBe(1);
    // The table itself is untouched: gisd never drops a table it serves in place.
    expect((await pg.sql`SELECT count(*)::int AS n FROM geo.countries`)[0].n).toBe(15);
  });
});
