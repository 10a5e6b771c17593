/**
 * @module The renderer inside the single executable: dist/gisd copied alone into an empty folder
 * and run under `env -i` must import a GeoTIFF and draw tiles and legends with the embedded
 * @napi-rs/canvas addon (no node_modules anywhere near).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type RunningBinary, startBinary } from "../helpers/binary.ts";

const root = resolve(import.meta.dir, "../..");
let bin: RunningBinary;
let base = "";
const auth = { Authorization: `Basic ${btoa("administrator:render-bin-pw")}` };

beforeAll(async () => {
  bin = await startBinary({ GISD_ADMIN_PASSWORD: "render-bin-pw", GISD_SAMPLES: "false" });
  base = bin.base;
}, 180_000);
afterAll(() => bin.stop());

function isPng(b: Uint8Array): boolean {
  return b[0] === 0x89 && String.fromCharCode(b[1]!, b[2]!, b[3]!) === "PNG";
}

test("the binary alone imports a GeoTIFF and renders tiles and legends", async () => {
  const fd = new FormData();
  const tif = readFileSync(join(root, "test/fixtures/raster/relief-utm.tif"));
  fd.append("file", new Blob([tif]), "relief.tif");
  const up = await fetch(`${base}/api/component/file_upload/upload`, {
    method: "POST",
    headers: auth,
    body: fd,
  });
  expect(up.status).toBe(200);
  const meta = ((await up.json()) as { upload_meta: unknown[] }).upload_meta[0];
  const created = await fetch(`${base}/api/resource/`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({
      resource: { cls: "raster_layer", parent: { id: 0 }, display_name: "relief" },
      raster_layer: { source: meta, srs: { id: 3857 } },
    }),
  });
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: number };
  // Two layers take the canvas compositing path; the legend draws with canvas too.
  for (const path of [
    `/api/component/render/tile?z=9&x=264&y=173&resource=${id},${id}`,
    `/api/resource/${id}/legend`,
  ]) {
    const r = await fetch(base + path, { headers: auth });
    expect([path, r.status, r.headers.get("content-type")]).toEqual([path, 200, "image/png"]);
    const bytes = new Uint8Array(await r.arrayBuffer());
    expect(isPng(bytes)).toBe(true);
    expect(bytes.length).toBeGreaterThan(100);
  }
}, 60_000);
