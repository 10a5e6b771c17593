/**
 * Vector import/export benchmark, side by side with GDAL's ogr2ogr when it is installed.
 *
 *   bun scripts/bench/vector.ts [--count 1000000] [--seed 42] [--kind polygons|points] [--keep DIR]
 *
 * 1. Generates a GeoJSON file of --count features reproducibly (seeded PRNG): small polygons (5
 *    to 12 vertices around a centre, like building footprints) or points, scattered around a few
 *    "cities", with a string, an integer, a real and a date attribute.
 * 2. gisd import: the file becomes a vector_layer through the catalog (importVectorFile: parse,
 *    reproject to EPSG:3857, write the libSQL table and R*Tree in one transaction) → features/s.
 * 3. gisd export: the layer as GeoJSON (EPSG:4326), streamed and counted → MB/s.
 * 4. ogr2ogr doing the same work: GeoJSON → GPKG in EPSG:3857 (import), GPKG → GeoJSON in
 *    EPSG:4326 (export); the ratios gisd/ogr2ogr are printed (above 1 means gisd is faster).
 * Timings are printed, never asserted: this is not a test.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SYSTEM } from "../../src/catalog/acl.ts";
import { EXPORT_FORMATS, Exports } from "../../src/catalog/exports.ts";
import { Catalog } from "../../src/catalog/index.ts";
import { modules } from "../../src/modules.ts";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const COUNT = Number(arg("count", "1000000"));
const SEED = Number(arg("seed", "42"));
/** One NGW layer holds one geometry type: building footprints (default) or points. */
const KIND = arg("kind", "polygons") === "points" ? "points" : "polygons";
const keep = process.argv.includes("--keep") ? arg("keep", "") : "";
const dir = keep || mkdtempSync(join(tmpdir(), "gisd-bench-vector-"));

/** mulberry32: tiny, fast, and the same sequence on every machine for a given seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CITIES = [
  [37.62, 55.75],
  [2.35, 48.86],
  [-74.0, 40.71],
  [139.69, 35.69],
  [-43.2, -22.9],
  [28.05, -26.2],
  [77.21, 28.61],
  [151.21, -33.87],
];
const WORDS = ["oak", "elm", "river", "hill", "market", "station", "school", "park", "mill"];

async function generate(path: string): Promise<void> {
  const rnd = prng(SEED);
  const w = Bun.file(path).writer({ highWaterMark: 1 << 20 });
  w.write('{"type":"FeatureCollection","features":[\n');
  const r6 = (v: number) => Math.round(v * 1e6) / 1e6;
  for (let i = 0; i < COUNT; i++) {
    const c = CITIES[Math.floor(rnd() * CITIES.length)]!;
    // A normal-ish spread (sum of uniforms) of about ±0.3° around the city centre.
    const x = c[0]! + (rnd() + rnd() + rnd() - 1.5) * 0.2;
    const y = c[1]! + (rnd() + rnd() + rnd() - 1.5) * 0.2;
    let geom: string;
    if (KIND === "points") {
      geom = `{"type":"Point","coordinates":[${r6(x)},${r6(y)}]}`;
    } else {
      const n = 5 + Math.floor(rnd() * 8);
      const size = 0.0002 + rnd() * 0.0008;
      const ring: string[] = [];
      for (let k = 0; k < n; k++) {
        const a = (k / n) * 2 * Math.PI;
        const rr = size * (0.7 + rnd() * 0.3);
        ring.push(`[${r6(x + Math.cos(a) * rr)},${r6(y + Math.sin(a) * rr)}]`);
      }
      ring.push(ring[0]!);
      geom = `{"type":"Polygon","coordinates":[[${ring.join(",")}]]}`;
    }
    const name = `${WORDS[Math.floor(rnd() * WORDS.length)]} ${i}`;
    const day = 1 + Math.floor(rnd() * 28);
    const props = `{"name":"${name}","floors":${1 + Math.floor(rnd() * 30)},"height":${(rnd() * 100).toFixed(2)},"built":"2001-02-${String(day).padStart(2, "0")}"}`;
    w.write(
      `{"type":"Feature","properties":${props},"geometry":${geom}}${i + 1 < COUNT ? ",\n" : "\n"}`,
    );
    if (i % 50_000 === 0) await w.flush();
  }
  w.write("]}\n");
  await w.end();
}

async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await fn();
  return [out, (performance.now() - t0) / 1000];
}

function ogr(args: string[]): number {
  const t0 = performance.now();
  const p = Bun.spawnSync(["ogr2ogr", ...args], { stderr: "pipe" });
  if (p.exitCode !== 0) throw new Error(`ogr2ogr ${args.join(" ")}: ${p.stderr.toString()}`);
  return (performance.now() - t0) / 1000;
}

const src = join(dir, "bench.geojson");
console.log(`generating ${COUNT.toLocaleString("en-US")} ${KIND} (seed ${SEED}) in ${dir}`);
await generate(src);
const srcMb = statSync(src).size / 1e6;
console.log(`  ${srcMb.toFixed(1)} MB GeoJSON`);

const { catalog } = await Catalog.open({
  databaseUrl: `file:${join(dir, "gisd", "catalog.db")}`,
  dataDir: join(dir, "gisd"),
  maxUpload: 1e12,
  adminPassword: "bench-password",
  classes: modules.flatMap((m) => m.classes ?? []),
});
const admin = await catalog.principals.actorFor(
  (await catalog.principals.get(SYSTEM.administrator))!,
  null,
);
const up = await catalog.uploads.store(Bun.file(src), "bench.geojson", null, admin.id);
const [created, importSecs] = await time(() =>
  catalog.resources.create(admin, {
    resource: { cls: "vector_layer", parent: { id: 0 }, display_name: `bench ${Date.now()}` },
    vector_layer: { source: { id: up.id }, srs: { id: 3857 } },
  }),
);
await catalog.uploads.remove(up.id);
const importRate = COUNT / importSecs;
console.log(
  `gisd import:  ${importSecs.toFixed(2)} s, ${Math.round(importRate).toLocaleString("en-US")} features/s`,
);

if (!EXPORT_FORMATS.GeoJSON) throw new Error("no GeoJSON export format");
const [bytes, exportSecs] = await time(async () => {
  const r = await new Exports(catalog).export(admin, created.id, {
    format: "GeoJSON",
    zipped: false,
  });
  let n = 0;
  const reader = r.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.byteLength;
  }
  return n;
});
const exportMbs = bytes / 1e6 / exportSecs;
console.log(
  `gisd export:  ${exportSecs.toFixed(2)} s, ${(bytes / 1e6).toFixed(1)} MB GeoJSON, ${exportMbs.toFixed(1)} MB/s`,
);
catalog.close();

if (Bun.which("ogr2ogr")) {
  const gpkg = join(dir, "ogr.gpkg");
  const out = join(dir, "ogr-out.geojson");
  const oi = ogr(["-f", "GPKG", "-t_srs", "EPSG:3857", "-nln", "bench", gpkg, src]);
  const oe = ogr(["-f", "GeoJSON", "-t_srs", "EPSG:4326", out, gpkg]);
  const oMb = statSync(out).size / 1e6;
  console.log(
    `ogr2ogr import (GeoJSON → GPKG): ${oi.toFixed(2)} s, ${Math.round(COUNT / oi).toLocaleString("en-US")} features/s`,
  );
  console.log(
    `ogr2ogr export (GPKG → GeoJSON): ${oe.toFixed(2)} s, ${oMb.toFixed(1)} MB, ${(oMb / oe).toFixed(1)} MB/s`,
  );
  console.log(`ratio import gisd/ogr2ogr: ${(importRate / (COUNT / oi)).toFixed(2)}x`);
  console.log(`ratio export gisd/ogr2ogr: ${(exportMbs / (oMb / oe)).toFixed(2)}x`);
} else {
  console.log("ogr2ogr not found: install gdal-bin for the side-by-side numbers");
}
if (!keep) rmSync(dir, { recursive: true, force: true });
