/**
 * @module One catalog through the GeoNode face: a layer uploaded through GeoServer REST is a
 * GeoNode dataset with a rendered thumbnail, and permissions set through GeoNode are what the
 * other faces enforce (NGW JSON, GeoJSON export, MVT tiles, OGC API Features).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startServer, type TestServer } from "../../helpers/server.ts";
import { everyoneReads, waitFor } from "./helpers.ts";

let s: TestServer;
let id: number;
const FIX = `${import.meta.dir}/../../fixtures/geoserver`;

const gs = (method: string, path: string, body?: BodyInit, type = "application/json") =>
  s.fetch(`/geoserver/rest${path}`, {
    method,
    auth: s.admin,
    body,
    headers: body === undefined ? {} : { "Content-Type": type },
  });

beforeAll(async () => {
  s = await startServer();
  await everyoneReads(s, true);
  expect(
    (await gs("POST", "/workspaces", JSON.stringify({ workspace: { name: "demo" } }))).status,
  ).toBe(201);
  const zip = await Bun.file(`${FIX}/places-shp.zip`).arrayBuffer();
  const r = await gs(
    "PUT",
    "/workspaces/demo/datastores/towns/file.shp?configure=all",
    zip,
    "application/zip",
  );
  expect(r.status).toBe(201);
});
afterAll(() => s.stop());

test("a GeoServer-uploaded layer is a GeoNode dataset with a thumbnail", async () => {
  const r = await s.json("/api/v2/datasets?filter{alternate}=demo:places");
  expect(r.body.total).toBe(1);
  const d = r.body.datasets[0];
  id = Number(d.pk);
  expect(d).toMatchObject({ name: "places", workspace: "demo", subtype: "vector" });
  const png = await s.fetch(d.thumbnail_url.slice(s.url.length));
  expect(png.status).toBe(200);
  expect(png.headers.get("content-type")).toContain("image/png");
  const bytes = new Uint8Array(await png.arrayBuffer());
  expect([...bytes.slice(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
});

test("anonymous none set here: guests are refused by NGW, MVT and OGC API Features", async () => {
  const mvt = `/api/component/feature_layer/mvt?resource=${id}&z=0&x=0&y=0`;
  const items = `/ogcapi/collections/${id}/items`;
  expect((await s.fetch(`/api/resource/${id}/geojson`)).status).toBe(200);
  expect((await s.fetch(mvt)).status).toBeLessThan(300);
  const r = await s.json(`/api/v2/resources/${id}/permissions`, {
    method: "PUT",
    auth: s.admin,
    body: { users: [], groups: [{ id: 1, permissions: "none" }], organizations: [] },
  });
  expect((await waitFor(s, r.body.execution_id)).status).toBe("finished");
  expect((await s.fetch(`/api/resource/${id}`)).status).toBeGreaterThanOrEqual(400);
  expect((await s.fetch(`/api/resource/${id}/geojson`)).status).toBeGreaterThanOrEqual(400);
  expect((await s.fetch(mvt)).status).toBeGreaterThanOrEqual(400);
  expect((await s.fetch(items)).status).toBeGreaterThanOrEqual(400);
  expect((await s.json("/api/v2/datasets")).body.total).toBe(0);
  // The administrator still reads it everywhere.
  expect((await s.fetch(mvt, { auth: s.admin })).status).toBeLessThan(300);
  expect((await s.fetch(`/api/resource/${id}/geojson`, { auth: s.admin })).status).toBe(200);
});
