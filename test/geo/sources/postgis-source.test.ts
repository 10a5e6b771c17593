/**
 * @module PostgisSource against a throwaway PostgreSQL + PostGIS cluster: the shared FeatureSource
 * contract, GiST use for box queries, table inspection, transactions and driver errors.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createServer, type Server } from "node:net";
import { SQL } from "bun";
import {
  inspectTable,
  listGeometryTables,
  tableSpec,
} from "../../../src/geo/sources/postgis-inspect.ts";
import {
  PostgisConnectionError,
  PostgisSource,
  PostgisTableError,
} from "../../../src/geo/sources/postgis-source.ts";
import { quoteIdent } from "../../../src/geo/sources/postgis-sql.ts";
import { type PgCluster, pgAvailable, startPostgres } from "../../helpers/postgres.ts";
import { type Schema, sourceContract } from "./contract.ts";

let pg: PgCluster;
const pools: SQL[] = [];
beforeAll(async () => {
  if (pgAvailable) pg = await startPostgres();
}, 60_000);
afterAll(async () => {
  for (const p of pools) await p.close();
  await pg?.stop();
});

function pool(opts: Partial<ConstructorParameters<typeof SQL>[0] & object> = {}): SQL {
  const p = new SQL({
    hostname: pg.host,
    port: pg.port,
    database: pg.database,
    username: pg.user,
    password: pg.password,
    max: 2,
    ...opts,
  });
  pools.push(p);
  return p;
}

const PG_TYPES: Record<string, string> = {
  INTEGER: "integer",
  STRING: "text",
  REAL: "double precision",
  BOOLEAN: "boolean",
};
let seq = 0;

/** A fresh table per contract test, with odd column names to exercise identifier quoting. */
async function contractSource(schema: Schema, features: Parameters<PostgisSource["insert"]>[0]) {
  const sql = pool();
  const table = `Contract "${++seq}"`;
  const cols = schema.fields.map((f) => `${quoteIdent(`c ${f.keyname}`)} ${PG_TYPES[f.datatype]}`);
  await sql.unsafe(
    `CREATE TABLE ${quoteIdent(table)} (fid serial PRIMARY KEY, ${cols.join(", ")}, the_geom geometry(Point, 3857))`,
  );
  const info = await inspectTable(sql, "public", table);
  const spec = tableSpec(info!, { schema: "public", table });
  if (typeof spec === "string") throw new Error(spec);
  // Keynames are the columns' names in NGW; the contract uses its own keynames, so map them.
  spec.fields = spec.fields.map((f) => ({ ...f, keyname: f.column.slice(2) }));
  const src = new PostgisSource(sql, spec);
  await src.insert(features);
  return src;
}

if (pgAvailable) sourceContract("PostgisSource", contractSource, { editable: true });

describe.skipIf(!pgAvailable)("PostgisSource specifics", () => {
  test("inspection: types, geometry type and SRID, primary key", async () => {
    const sql = pool();
    const info = await inspectTable(sql, "geo", "countries");
    const spec = tableSpec(info!, { schema: "geo", table: "countries" });
    expect(spec).toMatchObject({
      idColumn: "id",
      geomColumn: "geom",
      srs: 4326,
      geometryType: "MULTIPOLYGON",
      fields: [
        { keyname: "name", datatype: "STRING" },
        { keyname: "iso_n3", datatype: "STRING" },
      ],
    });
    const cities = tableSpec((await inspectTable(sql, "public", "cities"))!, {
      schema: "public",
      table: "cities",
    });
    expect(typeof cities === "object" && cities.fields.map((f) => [f.keyname, f.datatype])).toEqual(
      [
        ["name", "STRING"],
        ["name_ascii", "STRING"],
        ["country", "STRING"],
        ["population", "BIGINT"],
        ["capital", "BOOLEAN"],
        ["timezone", "STRING"],
        ["geonameid", "INTEGER"],
      ],
    );
    expect(await inspectTable(sql, "public", "nope")).toBeNull();
    expect(await inspectTable(sql, "public'; DROP TABLE cities; --", "cities")).toBeNull();
    expect(tableSpec(info!, { schema: "geo", table: "countries", idColumn: "name" })).toBe(
      "Column 'name' is not an integer column.",
    );
    expect(await listGeometryTables(sql, "geo")).toEqual(["countries"]);
  });

  test("box queries use the GiST index; reads match the fixture", async () => {
    const sql = pool();
    const spec = tableSpec((await inspectTable(sql, "geo", "countries"))!, {
      schema: "geo",
      table: "countries",
    });
    if (typeof spec === "string") throw new Error(spec);
    const src = new PostgisSource(sql, spec);
    expect(await src.count()).toBe(15);
    const africa = [];
    for await (const f of src.query({ bbox: [15, -35, 35, -20], fields: ["name"] }))
      africa.push(f.fields.name);
    expect(africa).toContain("South Africa");
    const za = (
      await Array.fromAsync(
        src.query({ filter: [{ field: "name", op: "eq", value: "South Africa" }] }),
      )
    )[0]!;
    expect(za.geom!.type).toBe("MultiPolygon");
    // Lesotho is the hole of South Africa: a point inside it meets Lesotho only.
    const inLesotho = { type: "Point" as const, coordinates: [28.2, -29.6] };
    const hit = await Array.fromAsync(src.query({ intersects: inLesotho, fields: ["name"] }));
    expect(hit.map((f) => f.fields.name)).toEqual(["Lesotho"]);
    await sql.unsafe("SET enable_seqscan = off");
    const plan = await sql.unsafe(
      "EXPLAIN SELECT 1 FROM geo.countries AS t WHERE t.geom && ST_MakeEnvelope($1, $2, $3, $4, $5)",
      [0, 0, 1, 1, 4326],
    );
    expect(plan.map((r: Record<string, string>) => Object.values(r)[0]).join("\n")).toContain(
      "countries_geom_idx",
    );
  });

  test("a failed batch leaves the table as it was; type errors are 422", async () => {
    const sql = pool();
    const spec = tableSpec((await inspectTable(sql, "public", "cities"))!, {
      schema: "public",
      table: "cities",
    });
    if (typeof spec === "string") throw new Error(spec);
    const src = new PostgisSource(sql, spec);
    const before = await src.count();
    const err = await src
      .batch([
        {
          op: "insert",
          feature: { fields: { name: "x" }, geom: { type: "Point", coordinates: [1, 1] } },
        },
        { op: "insert", feature: { fields: { country: "too long" } } },
      ])
      .catch((e) => e);
    expect(err.status).toBe(422);
    expect(await src.count()).toBe(before);
    // A line into a point column: PostGIS refuses, the source says why, with a 4xx hint.
    const geomErr = await src
      .insert([
        {
          fields: {},
          geom: {
            type: "LineString",
            coordinates: [
              [0, 0],
              [1, 1],
            ],
          },
        },
      ])
      .catch((e) => e);
    expect(geomErr.status).toBe(422);
    expect(geomErr.message).toMatch(/geometry type/i);
  });

  test("a table changed under the layer is a 422 naming the problem", async () => {
    const sql = pool();
    await sql.unsafe(
      "CREATE TABLE moving (id serial PRIMARY KEY, a text, g geometry(Point, 4326))",
    );
    const spec = tableSpec((await inspectTable(sql, "public", "moving"))!, {
      schema: "public",
      table: "moving",
    });
    if (typeof spec === "string") throw new Error(spec);
    const src = new PostgisSource(sql, spec);
    expect(await src.count()).toBe(0);
    await sql.unsafe("ALTER TABLE moving RENAME COLUMN a TO b");
    const e1 = await Array.fromAsync(src.query()).catch((e) => e);
    expect(e1).toBeInstanceOf(PostgisTableError);
    expect(e1.status).toBe(422);
    expect(e1.message).toMatch(/column .*a.* does not exist/);
    await sql.unsafe("DROP TABLE moving");
    const e2 = await src.count().catch((e) => e);
    expect(e2).toBeInstanceOf(PostgisTableError);
  });

  test("wrong password and a silent server fail fast with a connection error", async () => {
    const bad = pool({ password: "wrong" });
    const spec = tableSpec((await inspectTable(pool(), "public", "cities"))!, {
      schema: "public",
      table: "cities",
    });
    if (typeof spec === "string") throw new Error(spec);
    const e1 = await new PostgisSource(bad, spec).count().catch((e) => e);
    expect(e1).toBeInstanceOf(PostgisConnectionError);
    expect(e1.message).toMatch(/password authentication failed/);
    // A listener that accepts and never answers: the connect timeout ends the wait.
    const silent: Server = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", () => r()));
    const port = (silent.address() as { port: number }).port;
    const hung = pool({ port, connectionTimeout: 1 });
    const e2 = await new PostgisSource(hung, spec).count().catch((e) => e);
    expect(e2).toBeInstanceOf(PostgisConnectionError);
    silent.close();
  });
});
