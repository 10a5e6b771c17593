/**
 * @module A throwaway PostgreSQL + PostGIS cluster for tests: initdb in a temp folder, started
 * on a free loopback port (unix sockets in the same folder), PostGIS enabled, fixture tables
 * loaded; stop() shuts it down and deletes the folder. Start one per test file (it takes a few
 * seconds). When the binaries are absent, `pgAvailable` is false and suites skip with a message.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SQL } from "bun";

const BIN = "/usr/lib/postgresql/15/bin";
const FIXTURES = join(import.meta.dir, "..", "fixtures", "formats");

/** True when PostgreSQL 15 and PostGIS are installed (scripts/setup-test-deps.sh). */
export const pgAvailable =
  existsSync(join(BIN, "initdb")) &&
  existsSync("/usr/share/postgresql/15/extension/postgis.control");

if (!pgAvailable)
  console.warn(
    "PostgreSQL 15 + PostGIS not found (run scripts/setup-test-deps.sh): PostGIS tests skipped",
  );

export interface PgCluster {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  /** A client as the cluster's superuser, for test setup and checks. */
  sql: SQL;
  stop(): Promise<void>;
}

const asRoot = process.getuid?.() === 0;
/** Runs a server binary as the `postgres` OS user when we are root (PostgreSQL refuses root). */
function run(cmd: string[]): void {
  const argv = asRoot ? ["runuser", "-u", "postgres", "--", ...cmd] : cmd;
  const p = Bun.spawnSync(argv, { stdout: "pipe", stderr: "pipe" });
  if (p.exitCode !== 0)
    throw new Error(`${cmd[0]} failed: ${p.stderr.toString()}${p.stdout.toString()}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startPostgres(): Promise<PgCluster> {
  const dir = mkdtempSync(join(tmpdir(), "gisd-pg-"));
  chmodSync(dir, 0o777); // the postgres OS user writes here
  const data = join(dir, "data");
  const pwfile = join(dir, "pw");
  const user = "gisd_test";
  const password = "pg-test-pass";
  await Bun.write(pwfile, password);
  chmodSync(pwfile, 0o644);
  const port = await freePort();
  run([
    join(BIN, "initdb"),
    "-D",
    data,
    "-U",
    user,
    `--pwfile=${pwfile}`,
    "-A",
    "scram-sha-256",
    "-E",
    "UTF8",
    "--locale=C.UTF-8",
    "--no-sync",
  ]);
  const opts = `-p ${port} -k ${dir} -h 127.0.0.1 -c fsync=off -c full_page_writes=off`;
  run([join(BIN, "pg_ctl"), "-D", data, "-l", join(dir, "log"), "-w", "-o", opts, "start"]);
  const stop = async () => {
    try {
      run([join(BIN, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    const admin = new SQL({
      hostname: "127.0.0.1",
      port,
      database: "postgres",
      username: user,
      password,
    });
    await admin.unsafe("CREATE DATABASE gis");
    await admin.close();
    const sql = new SQL({
      hostname: "127.0.0.1",
      port,
      database: "gis",
      username: user,
      password,
      max: 2,
    });
    await sql.unsafe("CREATE EXTENSION postgis");
    await loadFixtures(sql);
    return {
      host: "127.0.0.1",
      port,
      database: "gis",
      user,
      password,
      sql,
      async stop() {
        await sql.close().catch(() => {});
        await stop();
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Fixture tables from test/fixtures/formats: `public.cities` (40 points, EPSG:4326, serial id,
 * GiST index) and `geo.countries` (15 multipolygons, in a second schema to test schema quoting).
 */
async function loadFixtures(sql: SQL): Promise<void> {
  await sql.unsafe(`
    CREATE TABLE public.cities (
      gid serial PRIMARY KEY, name text, name_ascii text, country varchar(2),
      population bigint, capital boolean, timezone text, geonameid integer,
      geom geometry(Point, 4326));
    CREATE INDEX cities_geom_idx ON public.cities USING gist (geom);
    CREATE SCHEMA geo;
    CREATE TABLE geo.countries (
      id integer PRIMARY KEY, name text, iso_n3 text, geom geometry(MultiPolygon, 4326));
    CREATE INDEX countries_geom_idx ON geo.countries USING gist (geom);`);
  const cities = JSON.parse(readFileSync(join(FIXTURES, "cities.geojson"), "utf8"));
  for (const f of cities.features) {
    const p = f.properties;
    await sql`INSERT INTO public.cities (name, name_ascii, country, population, capital, timezone,
      geonameid, geom) VALUES (${p.name}, ${p.name_ascii}, ${p.country}, ${p.population},
      ${p.capital}, ${p.timezone}, ${p.geonameid},
      ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(f.geometry)}), 4326))`;
  }
  const countries = JSON.parse(readFileSync(join(FIXTURES, "countries.geojson"), "utf8"));
  let id = 1;
  for (const f of countries.features) {
    await sql`INSERT INTO geo.countries VALUES (${id++}, ${f.properties.name},
      ${f.properties.iso_n3},
      ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(f.geometry)}), 4326)))`;
  }
}
