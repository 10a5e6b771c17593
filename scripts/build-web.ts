/**
 * Bundles the browser UI (src/web/) into src/web/generated/, which the server embeds.
 *
 * Two bundles: `app.js` (sign-in, resource browser, feature table; small) and `display.js`
 * (the MapLibre map display, tiny display and layer preview), plus MapLibre's worker as its own
 * file (MapLibre 6 starts it as a module worker from setWorkerUrl). Every asset is written
 * precompressed as .gz and .br so the server answers `Content-Encoding` without compressing per
 * request; the plain file is not kept (the server gunzips for the rare client without gzip).
 * Run by `make install` and by scripts/build.ts; the output is git-ignored.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const root = resolve(import.meta.dir, "..");
const web = join(root, "src", "web");
const out = join(web, "generated");

/** The files the server serves; src/faces/web/assets.ts imports each name as .gz and .br. */
export const WEB_ASSETS = [
  "app.js",
  "display.js",
  "maplibre-gl-worker.mjs",
  "app.css",
  "maplibre-gl.css",
] as const;

/**
 * Each file is written beside its place and renamed over it: a server or test starting while a
 * build runs reads either the old or the new file, never a missing or half-written one.
 */
function writeAtomic(name: string, bytes: Uint8Array | string): void {
  const tmp = join(out, `.${name}.${process.pid}.tmp`);
  writeFileSync(tmp, bytes);
  renameSync(tmp, join(out, name));
}

function writeCompressed(name: string, bytes: Uint8Array): void {
  writeAtomic(`${name}.gz`, gzipSync(bytes, { level: 9 }));
  const params = {
    [constants.BROTLI_PARAM_QUALITY]: 11,
    [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
  };
  writeAtomic(`${name}.br`, brotliCompressSync(bytes, { params }));
}

export async function buildWeb(): Promise<void> {
  mkdirSync(out, { recursive: true });
  const result = await Bun.build({
    entrypoints: [join(web, "app.ts"), join(web, "display.ts")],
    target: "browser",
    format: "esm",
    minify: true,
    sourcemap: "none",
    splitting: false,
  });
  if (!result.success) {
    for (const log of result.logs) console.error(log);
    throw new Error("web build failed");
  }
  for (const artifact of result.outputs) {
    const name = artifact.path.split("/").pop()!;
    writeCompressed(name, new Uint8Array(await artifact.arrayBuffer()));
  }
  const maplibre = join(root, "node_modules", "maplibre-gl", "dist");
  writeCompressed("maplibre-gl-worker.mjs", readFileSync(join(maplibre, "maplibre-gl-worker.mjs")));
  writeCompressed("maplibre-gl.css", readFileSync(join(maplibre, "maplibre-gl.css")));
  writeCompressed("app.css", readFileSync(join(web, "app.css")));
  // make's stamp: the Makefile rebuilds when a file under src/web is newer than this.
  writeAtomic(".built", new Date().toISOString());
}

if (import.meta.main) {
  const t0 = performance.now();
  await buildWeb();
  console.log(`built web assets in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
