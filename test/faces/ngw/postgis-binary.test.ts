/**
 * @module The built single executable (copied alone, run under env -i) serves a PostGIS table:
 * Bun's built-in PostgreSQL client needs nothing beside the binary. Creates a connection and a
 * layer over the fixture table and reads it back through the feature API and an export.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type RunningBinary, startBinary } from "../../helpers/binary.ts";
import { type PgCluster, pgAvailable, startPostgres } from "../../helpers/postgres.ts";

let pg: PgCluster;
let bin: RunningBinary;
const auth = `Basic ${Buffer.from("administrator:binary-pass-123").toString("base64")}`;

async function call(path: string, body?: unknown) {
  const res = await fetch(bin.base + path, {
    method: body === undefined ? "GET" : "POST",
    headers: { Authorization: auth, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  if (!pgAvailable) return;
  pg = await startPostgres();
  bin = await startBinary({ GISD_ADMIN_PASSWORD: "binary-pass-123", GISD_SAMPLES: "false" });
}, 240_000);

afterAll(async () => {
  await bin?.stop();
  await pg?.stop();
});

test.skipIf(!pgAvailable)(
  "dist/gisd alone serves a postgis_layer",
  async () => {
    const c = await call("/api/resource/", {
      resource: { cls: "postgis_connection", parent: { id: 0 }, display_name: "db" },
      postgis_connection: {
        hostname: pg.host,
        port: pg.port,
        database: pg.database,
        username: pg.user,
        password: pg.password,
      },
    });
    expect(c.status).toBe(201);
    const l = await call("/api/resource/", {
      resource: { cls: "postgis_layer", parent: { id: 0 }, display_name: "countries" },
      postgis_layer: { connection: { id: c.body.id }, schema: "geo", table: "countries" },
    });
    expect(l.status).toBe(201);
    expect((await call(`/api/resource/${l.body.id}/feature_count`)).body).toEqual({
      total_count: 15,
    });
    const fc = await call(`/api/resource/${l.body.id}/export?format=GeoJSON&zipped=false`);
    expect(fc.body.features.map((f: any) => f.properties.name)).toContain("Lesotho");
    // The key that encrypts the stored password was made in the binary's own data folder.
    expect(existsSync(join(bin.dir, "data", "secret.key"))).toBe(true);
  },
  60_000,
);
