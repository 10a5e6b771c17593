/** Sample data: present on a fresh start, readable by guests, loaded only once. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { loadSamples } from "../../src/catalog/samples.ts";
import { startServer, type TestServer } from "../helpers/server.ts";

let s: TestServer;
beforeAll(async () => {
  s = await startServer({ GISD_SAMPLES: "true" });
});
afterAll(() => s.stop());

test("a fresh catalog holds the Samples group, readable by guests", async () => {
  const root = await s.json("/api/resource/?parent=0");
  expect(root.status).toBe(200);
  const group = root.body.find((r: any) => r.resource.display_name === "Samples");
  expect(group).toBeDefined();
  const kids = await s.json(`/api/resource/?parent=${group.resource.id}`);
  const byName = Object.fromEntries(
    kids.body.map((k: any) => [k.resource.display_name, k.resource.id]),
  );
  const countries = byName["Countries (Natural Earth 1:110m)"];
  const cities = byName["Cities over one million (GeoNames)"];
  expect((await s.json(`/api/resource/${countries}/feature_count`)).body.total_count).toBe(177);
  expect((await s.json(`/api/resource/${cities}/feature_count`)).body.total_count).toBe(355);
  const f = await s.json(`/api/resource/${cities}/feature/?limit=1&srs=4326&geom_format=geojson`);
  expect(f.body[0].fields.name).toBe("Shanghai");
  expect(f.body[0].geom.coordinates[0]).toBeCloseTo(121.45806, 4);
  // Guests may read, not write.
  const w = await s.json(`/api/resource/${cities}/feature/`, {
    method: "POST",
    body: { geom: "POINT (0 0)", fields: {} },
  });
  expect(w.status).toBe(403);
});

test("samples are loaded once: deleting them does not bring them back", async () => {
  const root = await s.json("/api/resource/?parent=0", { auth: s.admin });
  const group = root.body.find((r: any) => r.resource.display_name === "Samples");
  expect(
    (await s.json(`/api/resource/${group.resource.id}`, { method: "DELETE", auth: s.admin }))
      .status,
  ).toBe(200);
  expect(await loadSamples(s.server.ctx.catalog)).toBeNull();
  const again = await s.json("/api/resource/?parent=0", { auth: s.admin });
  expect(again.body.some((r: any) => r.resource.display_name === "Samples")).toBe(false);
});
