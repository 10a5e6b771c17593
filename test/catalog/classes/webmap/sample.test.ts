/** @module The sample web map on a fresh start: guests open it, cities over countries, made once. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { loadSampleWebmap } from "../../../../src/catalog/classes/webmap/sample.ts";
import { listMaps, openMap } from "../../../../src/catalog/maps.ts";
import { startServer, type TestServer } from "../../../helpers/server.ts";

let s: TestServer;
beforeAll(async () => {
  s = await startServer({ GISD_SAMPLES: "true" });
});
afterAll(() => s.stop());

test("a fresh catalog has a sample web map that guests can open and draw", async () => {
  const cat = s.server.ctx.catalog;
  const guest = cat.principals.guest();
  const maps = await listMaps(cat, guest);
  expect(maps.map((m) => m.title)).toEqual(["Sample map"]);
  const m = await openMap(cat, guest, maps[0]!.id);
  expect(m.layers.map((l) => l.title)).toEqual([
    "Countries (Natural Earth 1:110m)",
    "Cities over one million (GeoNames)",
  ]);
  expect(m.layers.every((l) => l.visible && l.styleId !== null)).toBe(true);
  expect(m.basemaps).toEqual([]);
  const tile = await s.fetch(
    `/api/component/render/tile?resource=${m.layers[0]!.styleId}&z=0&x=0&y=0`,
  );
  expect(tile.status).toBe(200);
  const doc = await s.json(`/api/resource/${m.id}`);
  expect(doc.status).toBe(200);
  expect(doc.body.webmap.root_item.children[0].display_name).toBe(
    "Cities over one million (GeoNames)",
  );
  expect(await loadSampleWebmap(cat)).toBeNull();
});
