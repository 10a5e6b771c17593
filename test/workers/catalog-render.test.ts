/**
 * @module Big catalog images go through the worker pool when a server has one: the same NGW
 * render/image request gives the same PNG bytes from a server drawing in process and from one
 * whose pool drew it (and the pool's workers count the job); tiles stay in process.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { projectService } from "../../src/catalog/projects/service.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

const countries = readFileSync(join(import.meta.dir, "../fixtures/vector-layer/countries.geojson"));
let plain: TestServer;
let pooled: TestServer;

async function importLayer(s: TestServer): Promise<number> {
  const fd = new FormData();
  fd.append("file", new Blob([countries]), "countries.geojson");
  const up = await s.json("/api/component/file_upload/upload", {
    method: "POST",
    body: fd,
    auth: s.admin,
  });
  const r = await s.json("/api/resource/", {
    method: "POST",
    auth: s.admin,
    body: {
      resource: { cls: "vector_layer", parent: { id: 0 }, display_name: "countries" },
      vector_layer: { source: up.body.upload_meta[0], srs: { id: 3857 } },
    },
  });
  expect(r.status).toBe(201);
  return r.body.id;
}

beforeAll(async () => {
  plain = await startServer();
  pooled = await startServer();
  projectService(pooled.server.ctx.catalog, pooled.server.ctx.config);
});
afterAll(async () => {
  await projectService(pooled.server.ctx.catalog, pooled.server.ctx.config).close();
  await plain.stop();
  await pooled.stop();
});

const image = (id: number, size: string) =>
  `/api/component/render/image?resource=${id}&extent=-20037508,-20037508,20037508,20037508&size=${size}`;

test("a 1024×1024 image drawn by a worker is byte-identical to one drawn in process", async () => {
  const a = await plain.fetch(image(await importLayer(plain), "1024,1024"), { auth: plain.admin });
  const id = await importLayer(pooled);
  const b = await pooled.fetch(image(id, "1024,1024"), { auth: pooled.admin });
  expect([a.status, b.status]).toEqual([200, 200]);
  const [pa, pb] = [new Uint8Array(await a.arrayBuffer()), new Uint8Array(await b.arrayBuffer())];
  expect(pa.length).toBeGreaterThan(1000);
  expect(Buffer.from(pb).equals(Buffer.from(pa))).toBe(true);
  const svc = projectService(pooled.server.ctx.catalog, pooled.server.ctx.config);
  const jobs = (await svc.pool.status()).reduce((n, w) => n + w.jobs, 0);
  expect(jobs).toBe(1);
  // A small image stays in process: no further job in the pool.
  expect((await pooled.fetch(image(id, "256,256"), { auth: pooled.admin })).status).toBe(200);
  expect((await svc.pool.status()).reduce((n, w) => n + w.jobs, 0)).toBe(1);
});
