/**
 * @module The render worker pool inside the compiled single binary: `dist/gisd` alone under
 * env -i starts its Bun Worker threads (the worker is an extra entry point of the build) and
 * draws a QGIS project in them through the management listener's /qgis/.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCanvas, loadImage } from "@napi-rs/canvas";
import { type RunningBinary, startBinary } from "../helpers/binary.ts";

let bin: RunningBinary;
let manage: string;
const projects = mkdtempSync(join(tmpdir(), "gisd-bin-qgis-"));

/** A free loopback port (bound and released), for the management listener. */
function freePort(): number {
  const s = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = s.port!;
  s.stop(true);
  return port;
}

beforeAll(async () => {
  cpSync(join(import.meta.dir, "../fixtures/qgis"), projects, { recursive: true });
  const port = freePort();
  bin = await startBinary({
    GISD_ADMIN_PASSWORD: "binary-pass-123",
    GISD_SAMPLES: "false",
    GISD_PROJECTS: projects,
    GISD_MANAGE_PORT: String(port),
  });
  manage = `http://127.0.0.1:${port}`;
}, 120_000);

afterAll(async () => {
  await bin?.stop();
  rmSync(projects, { recursive: true, force: true });
});

test("the binary's workers start, report thread ids and draw a project", async () => {
  const res = await fetch(
    `${manage}/qgis/?SERVICE=WMS&REQUEST=GetMap&MAP=world&CRS=EPSG:3857&BBOX=-2071000,9680000,-2051000,9700000` +
      "&WIDTH=8&HEIGHT=8&FORMAT=image/png&TRANSPARENT=TRUE&LAYERS=countries&STYLES=",
  );
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("image/png");
  const img = await loadImage(Buffer.from(await res.arrayBuffer()));
  const c = createCanvas(img.width, img.height);
  c.getContext("2d").drawImage(img, 0, 0);
  // Inside Iceland: the project's red fill, drawn by a worker of the compiled binary.
  expect(Array.from(c.getContext("2d").getImageData(4, 4, 1, 1).data)).toEqual([227, 26, 28, 255]);
  const pool = await (await fetch(`${manage}/pool/`)).json();
  expect(pool.num_workers).toBe(2);
  expect(pool.workers.map((w: { pid: number }) => w.pid).every((p: number) => p > 0)).toBe(true);
  const cached = pool.workers.flatMap((w: { cache: { key: string }[] }) =>
    w.cache.map((c) => c.key),
  );
  expect(cached).toContain("world");
}, 60_000);
