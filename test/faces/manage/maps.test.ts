/**
 * @module Catalog maps are projects too: a GeoServer layer group made through the REST API is
 * listed by /cache/ and summarised with py-qgis-server's fields, keyed by its name.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { type Managed, startManaged } from "./helpers.ts";

let m: Managed;
const FIX = join(import.meta.dir, "../../fixtures/geoserver");

async function gs(method: string, path: string, body?: BodyInit, type = "application/json") {
  const res = await m.s.fetch(`/geoserver/rest${path}`, {
    method,
    body,
    auth: m.s.admin,
    headers: body === undefined ? {} : { "Content-Type": type },
  });
  return res.status;
}

beforeAll(async () => {
  m = await startManaged();
  expect(await gs("POST", "/workspaces", JSON.stringify({ workspace: { name: "demo" } }))).toBe(
    201,
  );
  const zip = await Bun.file(`${FIX}/places-shp.zip`).arrayBuffer();
  expect(
    await gs(
      "PUT",
      "/workspaces/demo/datastores/towns/file.shp?configure=all",
      zip,
      "application/zip",
    ),
  ).toBe(201);
  const group = {
    layerGroup: {
      name: "towns_group",
      title: "Towns",
      publishables: { published: [{ "@type": "layer", name: "demo:places" }] },
    },
  };
  expect(await gs("POST", "/workspaces/demo/layergroups", JSON.stringify(group))).toBe(201);
});
afterAll(() => m.stop());

test("a layer group is listed beside the project files and summarised", async () => {
  const list = await m.get("/cache/");
  const names = list.body.cached.map((c: { name: string }) => c.name);
  expect(names).toContain("world");
  const entry = list.body.cached.find((c: { name: string }) => c.name !== "world");
  const sum = await m.get(`/cache/content/${entry.name}`);
  expect(sum.status).toBe(200);
  expect(Object.keys(sum.body)).toEqual([
    "bad_layers_count",
    "cache_key",
    "crs",
    "filename",
    "last_modified",
    "layers",
  ]);
  expect(sum.body.filename).toMatch(/^resource:\d+$/);
  expect(sum.body.layers).toHaveLength(1);
  expect(sum.body.layers[0]).toMatchObject({ name: "places", spatial: true, valid: true });
  expect(sum.body.last_modified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
});
