/**
 * @module `gisd seed` and `gisd export --format pmtiles` against a running server's data folder:
 * seeded tiles land in the on-disk cache under the layer version and equal what the server
 * sends; the PMTiles archive reads back with the pmtiles package and holds the same tiles.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PMTiles } from "pmtiles";
import { main } from "../../src/main.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

let srv: TestServer;
let layer: number;
const Z = 12;
const X = 2475;
const Y = 1280;

beforeAll(async () => {
  srv = await startServer();
  const r = await srv.json("/api/resource/", {
    method: "POST",
    auth: srv.admin,
    body: {
      resource: { cls: "vector_layer", parent: { id: 0 }, display_name: "towns" },
      vector_layer: {
        srs: { id: 3857 },
        geometry_type: "POINT",
        fields: [{ keyname: "name", datatype: "STRING" }],
      },
    },
  });
  layer = r.body.id;
  const feats = [];
  for (let i = 0; i < 20; i++)
    feats.push({
      geom: `POINT (${4180000 + i * 500} ${7500000 + i * 300})`,
      fields: { name: `t${i}` },
    });
  const p = await srv.json(`/api/resource/${layer}/feature/`, {
    method: "PATCH",
    auth: srv.admin,
    body: feats,
  });
  expect(p.status).toBe(200);
});

afterAll(() => srv?.stop());

test("seed fills the disk cache with the tiles the server serves", async () => {
  const code = await main([
    "seed",
    "--resource",
    String(layer),
    "--zoom",
    "10-12",
    "--data",
    srv.dataDir,
  ]);
  expect(code).toBe(0);
  const dir = join(srv.dataDir, "cache", "mvt");
  const seeded = readFileSync(
    join(dir, `${layer}v${await versionOf(layer)}`, `${Z}`, `${X}`, `${Y}-e4096b205s8m512000.mvt`),
  );
  const res = await srv.fetch(`/api/resource/${layer}/${Z}/${X}/${Y}.mvt`, { auth: srv.admin });
  expect(res.status).toBe(200);
  expect(Buffer.from(await res.arrayBuffer()).equals(seeded)).toBe(true);
});

test("export --format pmtiles writes an archive with the server's tiles", async () => {
  const out = join(srv.dataDir, "towns.pmtiles");
  const code = await main([
    "export",
    "--resource",
    String(layer),
    "--format",
    "pmtiles",
    "--zoom",
    "0-12",
    "--out",
    out,
    "--data",
    srv.dataDir,
  ]);
  expect(code).toBe(0);
  expect(existsSync(out)).toBe(true);
  const bytes = readFileSync(out);
  const pm = new PMTiles({
    getKey: () => out,
    getBytes: async (o: number, l: number) => ({
      data: bytes.buffer.slice(bytes.byteOffset + o, bytes.byteOffset + o + l),
    }),
  });
  const h = await pm.getHeader();
  expect([h.minZoom, h.maxZoom]).toEqual([0, 12]);
  const meta = (await pm.getMetadata()) as { vector_layers: { id: string }[] };
  expect(meta.vector_layers[0]!.id).toBe(`ngw:${layer}`);
  const tile = await pm.getZxy(Z, X, Y);
  const res = await srv.fetch(`/api/resource/${layer}/${Z}/${X}/${Y}.mvt`, { auth: srv.admin });
  expect(Buffer.from(tile!.data).equals(Buffer.from(await res.arrayBuffer()))).toBe(true);
});

/** The layer's current version, as the tile cache keys it (one create + one feature batch). */
async function versionOf(id: number): Promise<number> {
  const { readdirSync } = await import("node:fs");
  const names = readdirSync(join(srv.dataDir, "cache", "mvt")).filter((n) =>
    n.startsWith(`${id}v`),
  );
  expect(names).toHaveLength(1);
  return Number(names[0]!.slice(`${id}v`.length));
}
