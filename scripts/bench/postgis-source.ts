#!/usr/bin/env bun
/**
 * @module PostgisSource benchmark: the same generated layer served by gisd's libSQL source (the
 * baseline, what imported data uses) and by PostgisSource over a throwaway local PostGIS cluster,
 * through the same FeatureSource calls and the same in-process MVT tiler; plus ST_AsMVT in the
 * database for the same tiles, to answer whether pushing tiling into PostGIS would pay off.
 *
 *   bun scripts/bench/postgis-source.ts [--features 100000] [--rounds 3]
 *
 * Data (seeded PRNG, same every run): rectangles 10–60 m clustered around 40 towns in a
 * 200 × 200 km region, EPSG:3857, with n/name/height fields. Workloads: bbox queries of z14-
 * and z11-tile size streamed to the end (geometry decoded), and cold MVT tiles at z14 and z11
 * (a fresh tile cache per round, the layer's one-off preparation outside the clock). Ratios are PostGIS time / libSQL time, both measured in this
 * run on this machine; PostgreSQL runs locally over TCP on loopback, so the ratios show driver
 * and protocol cost, not network latency (add the round-trip time for a remote database).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { SQL } from "bun";
import type { BBox, Geometry } from "../../src/geo/geometry/types.ts";
import { encodeWkb } from "../../src/geo/geometry/wkb.ts";
import type { FeatureInput, FeatureSource } from "../../src/geo/sources/feature-source.ts";
import {
  bulkInsert,
  createLayerTable,
  type LayerTableSpec,
  LibsqlSource,
} from "../../src/geo/sources/libsql-source.ts";
import { inspectTable, tableSpec } from "../../src/geo/sources/postgis-inspect.ts";
import { PostgisSource } from "../../src/geo/sources/postgis-source.ts";
import { type LayerRef, TileService } from "../../src/geo/tiling/service.ts";
import { type TileCoord, WORLD_HALF } from "../../src/geo/tiling/tile.ts";
import { pgAvailable, startPostgres } from "../../test/helpers/postgres.ts";

const argv = process.argv.slice(2);
const arg = (name: string, dflt: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const N = arg("features", 100_000);
const ROUNDS = arg("rounds", 3);

// ---- data ---------------------------------------------------------------------------------

let seed = 7;
function rnd(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const CENTER = [4_187_000, 7_508_000]; // Moscow, EPSG:3857
const HALF = 100_000;
const towns = Array.from({ length: 40 }, () => [
  CENTER[0]! + (rnd() * 2 - 1) * HALF * 0.9,
  CENTER[1]! + (rnd() * 2 - 1) * HALF * 0.9,
]);

function feature(n: number): FeatureInput {
  const t = towns[n % towns.length]!;
  const r = 4000 * Math.sqrt(-2 * Math.log(rnd() + 1e-12));
  const a = rnd() * 2 * Math.PI;
  const x = t[0]! + r * Math.cos(a);
  const y = t[1]! + r * Math.sin(a);
  const w = 10 + rnd() * 50;
  const h = 10 + rnd() * 50;
  const geom: Geometry = {
    type: "Polygon",
    coordinates: [
      [
        [x, y],
        [x + w, y],
        [x + w, y + h],
        [x, y + h],
        [x, y],
      ],
    ],
  };
  return { geom, fields: { n, name: `building ${n}`, height: Math.round(rnd() * 300) / 10 } };
}

const features = Array.from({ length: N }, (_, i) => feature(i + 1));

// ---- timing -------------------------------------------------------------------------------

/** Best of ROUNDS, milliseconds: the least disturbed run on a shared machine. */
async function best(fn: () => Promise<unknown>): Promise<number> {
  let b = Number.POSITIVE_INFINITY;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    await fn();
    b = Math.min(b, performance.now() - t0);
  }
  return b;
}

function tilesAround(z: number, count: number): TileCoord[] {
  const size = (2 * WORLD_HALF) / 2 ** z;
  const out: TileCoord[] = [];
  for (let i = 0; i < count; i++) {
    const t = towns[i % towns.length]!;
    const x = Math.floor((t[0]! + WORLD_HALF) / size);
    const y = Math.floor((WORLD_HALF - t[1]!) / size);
    if (!out.some((o) => o.x === x && o.y === y)) out.push({ z, x, y });
  }
  return out;
}

function boxOf(t: TileCoord): BBox {
  const size = (2 * WORLD_HALF) / 2 ** t.z;
  const minX = -WORLD_HALF + t.x * size;
  const maxY = WORLD_HALF - t.y * size;
  return [minX, maxY - size, minX + size, maxY];
}

async function drain(src: FeatureSource, boxes: BBox[]): Promise<number> {
  let n = 0;
  for (const bbox of boxes) for await (const _ of src.query({ bbox })) n++;
  return n;
}

let version = 0;
/**
 * Cold tiles of a prepared layer: a fresh service and version per round (so no tile is cached),
 * with the per-version preparation (count, extent, low-zoom overview) done before the clock
 * starts, as a served layer has it done once per edit.
 */
async function tiles(src: FeatureSource, list: TileCoord[]): Promise<number> {
  let b = Number.POSITIVE_INFINITY;
  for (let r = 0; r < ROUNDS; r++) {
    const svc = new TileService({ memoryBytes: 64 * 1024 * 1024 });
    const ref: LayerRef = {
      id: 1,
      version: ++version,
      open: async () => ({ source: src, info: await src.info() }),
    };
    await svc.prepare(ref);
    const t0 = performance.now();
    for (const t of list) await svc.tile([ref], t);
    b = Math.min(b, performance.now() - t0);
  }
  return b;
}

const PG_TILE = `SELECT ST_AsMVT(q, 'ngw:1', 4096, 'geom', 'id') AS mvt FROM (
  SELECT id, n, name, height,
         ST_AsMVTGeom(geom, ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom
  FROM bench.f WHERE geom && ST_TileEnvelope($1, $2, $3, margin => (64.0 / 4096))) q`;

// ---- main ---------------------------------------------------------------------------------

if (!pgAvailable) {
  console.error("PostgreSQL 15 + PostGIS are needed (scripts/setup-test-deps.sh installs them)");
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), "gisd-bench-pg-"));
const pg = await startPostgres();
try {
  console.log(`${N} polygons, best of ${ROUNDS} rounds; PostgreSQL 15 + PostGIS on loopback`);
  // libSQL baseline, laid out as vector_layer stores it.
  const client = createClient({ url: `file:${join(dir, "layer.db")}` });
  const spec: LayerTableSpec = {
    table: "layer_1",
    srs: 3857,
    geometryType: "POLYGON",
    fields: [
      { keyname: "n", datatype: "INTEGER", column: "fld_1" },
      { keyname: "name", datatype: "STRING", column: "fld_2" },
      { keyname: "height", datatype: "REAL", column: "fld_3" },
    ],
  };
  await createLayerTable(client, spec);
  await bulkInsert(client, spec, features);
  const libsql = new LibsqlSource(client, spec);

  // The same rows in PostGIS, loaded in batches of bound arrays (WKB as hex text).
  const sql = pg.sql;
  await sql.unsafe(`CREATE SCHEMA bench; CREATE TABLE bench.f (id serial PRIMARY KEY, n integer,
    name text, height double precision, geom geometry(Polygon, 3857))`);
  for (let i = 0; i < N; i += 5000) {
    const part = features.slice(i, i + 5000);
    await sql.unsafe(
      `INSERT INTO bench.f (n, name, height, geom) SELECT n, name, height,
         ST_GeomFromWKB(decode(w, 'hex'), 3857)
       FROM unnest($1::int[], $2::text[], $3::float8[], $4::text[]) AS u(n, name, height, w)`,
      [
        part.map((f) => f.fields.n),
        part.map((f) => f.fields.name),
        part.map((f) => f.fields.height),
        part.map((f) => Buffer.from(encodeWkb(f.geom!)).toString("hex")),
      ],
    );
  }
  await sql.unsafe("CREATE INDEX f_geom ON bench.f USING gist (geom); ANALYZE bench.f");
  const pool = new SQL({
    hostname: pg.host,
    port: pg.port,
    database: pg.database,
    username: pg.user,
    password: pg.password,
    max: 4,
  });
  const pgSpec = tableSpec((await inspectTable(pool, "bench", "f"))!, {
    schema: "bench",
    table: "f",
  });
  if (typeof pgSpec === "string") throw new Error(pgSpec);
  const postgis = new PostgisSource(pool, pgSpec);

  const z14 = tilesAround(14, 40);
  const z11 = tilesAround(11, 40);
  const rows: [string, number, number, number | null][] = [];
  for (const [name, list] of [
    ["z14", z14],
    ["z11", z11],
  ] as const) {
    const boxes = list.map(boxOf);
    const nA = await drain(libsql, boxes);
    const nB = await drain(postgis, boxes);
    if (nA !== nB) throw new Error(`bbox results differ: ${nA} vs ${nB}`);
    rows.push([
      `bbox ${name} × ${boxes.length} (${nA} features)`,
      await best(() => drain(libsql, boxes)),
      await best(() => drain(postgis, boxes)),
      null,
    ]);
    rows.push([
      `MVT ${name} × ${list.length} cold`,
      await tiles(libsql, list),
      await tiles(postgis, list),
      await best(async () => {
        for (const t of list) await pool.unsafe(PG_TILE, [t.z, t.x, t.y]);
      }),
    ]);
  }
  await pool.close();
  client.close();

  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(
    `${pad("workload", 40)}${pad("libSQL ms", 12)}${pad("PostGIS ms", 12)}${pad("ratio", 8)}ST_AsMVT ms (vs gisd on PostGIS)`,
  );
  for (const [name, a, b, c] of rows)
    console.log(
      `${pad(name, 40)}${pad(a.toFixed(1), 12)}${pad(b.toFixed(1), 12)}${pad((b / a).toFixed(2), 8)}${c === null ? "" : `${c.toFixed(1)} (${(c / b).toFixed(2)}×)`}`,
    );
} finally {
  await pg.stop();
  rmSync(dir, { recursive: true, force: true });
}
