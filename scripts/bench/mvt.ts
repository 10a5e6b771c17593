#!/usr/bin/env bun
import { Database, type Statement } from "bun:sqlite";
/**
 * @module MVT benchmark: gisd's tiler against PostGIS ST_AsMVT on the same generated layer.
 *
 *   bun scripts/bench/mvt.ts [--features 1000000] [--pg postgres://…] [--no-pg] [--rounds 3]
 *                            [--keep DIR]   (reuse the generated layer files between runs)
 *                            [--source bench|product|sqlite|fgb] [--lists z2,z8,z14]
 *                            [--order id|hilbert]  (row order of the bench libSQL layer)
 *
 * --source product reads through gisd's own LibsqlSource (src/geo/sources/libsql-source.ts,
 * what vector_layer serves); --source bench (default) through a minimal reader of the same
 * layout that fetches a tile's rows in one statement; --source sqlite is that reader on
 * bun:sqlite instead of @libsql/client (not what gisd ships: it shows the row reader's share);
 * --source fgb writes the layer as FlatGeobuf (features in packed Hilbert R-tree order) and
 * reads it in place through gisd's FgbSource.
 *
 * The layer (seeded PRNG, so every run makes the same data): buildings (rotated rectangles
 * 8–40 m) and roads (wiggly polylines) clustered around 60 towns, plus points of interest, in a
 * 200 × 200 km region around Moscow, EPSG:3857. gisd reads it from a libSQL file laid out as
 * vector_layer stores data (one table, WKB geometry, R*Tree on boxes); PostGIS from a table with
 * a GiST index (scripts/bench/setup-postgis.sh starts one on 127.0.0.1:55432). Fixed tile lists
 * at z2, z8 and z14 run cold (tile cache emptied before each round; the per-version overview is
 * built once beforehand and its time is printed) and warm, with 1 and 2 concurrent clients.
 * One file over 400 lines on purpose: a benchmark is read, checked and run as a whole.
 */
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient } from "@libsql/client";
import { SQL } from "bun";
import { writeFgb } from "../../src/geo/formats/fgb-writer.ts";
import type { BBox, Geometry } from "../../src/geo/geometry/types.ts";
import { decodeWkb, encodeEwkb, encodeWkb } from "../../src/geo/geometry/wkb.ts";
import type {
  Feature,
  FeatureQuery,
  FeatureSource,
  FieldDef,
  SourceInfo,
} from "../../src/geo/sources/feature-source.ts";
import { FgbSource } from "../../src/geo/sources/fgb-source.ts";
import {
  bulkInsert,
  createLayerTable,
  type LayerTableSpec,
  LibsqlSource,
} from "../../src/geo/sources/libsql-source.ts";
import { clip } from "../../src/geo/tiling/clip.ts";
import { encode } from "../../src/geo/tiling/encode.ts";
import { sizeOf } from "../../src/geo/tiling/index.ts";
import { tileId } from "../../src/geo/tiling/pmtiles.ts";
import { project, tileTransform } from "../../src/geo/tiling/project.ts";
import { type LayerRef, TileService } from "../../src/geo/tiling/service.ts";
import { simplify } from "../../src/geo/tiling/simplify.ts";
import { bufferedBBox, type TileCoord, tileBBox, WORLD_HALF } from "../../src/geo/tiling/tile.ts";
import type { TileFeature } from "../../src/geo/tiling/types.ts";

const argv = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1]! : dflt;
};
const N = Number(arg("features", "1000000"));
const ROUNDS = Number(arg("rounds", "3"));
const PG_URL = argv.includes("--no-pg")
  ? ""
  : arg("pg", process.env.PGBENCH_URL ?? "postgres://postgres@127.0.0.1:55432/postgres");
const SOURCE = arg("source", "bench");
/** Store the libSQL layer with ids (so rows) in Hilbert order: --order hilbert. */
const HILBERT = arg("order", "id") === "hilbert";
const KEEP = argv.includes("--keep") ? arg("keep", "") : "";
const log = (s: string) => process.stderr.write(`${s}\n`);

// ---- data ------------------------------------------------------------------------------

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

interface Row {
  id: number;
  geom: Geometry;
  name: string;
  kind: number;
  height: number;
  flag: boolean;
}

const CX = 4187000;
const CY = 7508000;
const HALF = 100000;

function* generate(n: number): Generator<Row> {
  const rnd = prng(20240601);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const towns = Array.from({ length: 60 }, (_, i) => ({
    x: CX + (rnd() - 0.5) * 2 * HALF * 0.9,
    y: CY + (rnd() - 0.5) * 2 * HALF * 0.9,
    r: i === 0 ? 9000 : 800 + rnd() * 5000,
  }));
  const weights = towns.map((t) => t.r * t.r);
  const total = weights.reduce((a, b) => a + b, 0);
  const pick = () => {
    let v = rnd() * total;
    for (let i = 0; i < towns.length; i++) if ((v -= weights[i]!) <= 0) return towns[i]!;
    return towns[0]!;
  };
  for (let id = 1; id <= n; id++) {
    const t = pick();
    const x = t.x + gauss() * t.r;
    const y = t.y + gauss() * t.r;
    const k = rnd();
    let geom: Geometry;
    if (k < 0.7) {
      const w = 8 + rnd() * 32;
      const h = 8 + rnd() * 32;
      const a = rnd() * Math.PI;
      const c = Math.cos(a);
      const s = Math.sin(a);
      const pts = [
        [-w / 2, -h / 2],
        [w / 2, -h / 2],
        [w / 2, h / 2],
        [-w / 2, h / 2],
      ].map(([dx, dy]) => [x + dx! * c - dy! * s, y + dx! * s + dy! * c]);
      geom = { type: "Polygon", coordinates: [[...pts, pts[0]!]] };
    } else if (k < 0.9) {
      const coords = [[x, y]];
      let a = rnd() * Math.PI * 2;
      let px = x;
      let py = y;
      const segs = 4 + Math.floor(rnd() * 12);
      for (let i = 0; i < segs; i++) {
        a += (rnd() - 0.5) * 0.7;
        const step = 40 + rnd() * 160;
        px += Math.cos(a) * step;
        py += Math.sin(a) * step;
        coords.push([px, py]);
      }
      geom = { type: "LineString", coordinates: coords };
    } else {
      geom = { type: "Point", coordinates: [x, y] };
    }
    yield {
      id,
      geom,
      name: `feature ${id}`,
      kind: Math.floor(rnd() * 12),
      height: Math.round(rnd() * 9000) / 100,
      flag: rnd() < 0.5,
    };
  }
}

function bboxOf(g: Geometry): BBox {
  const b: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  const pts =
    g.type === "Point"
      ? [g.coordinates]
      : g.type === "LineString"
        ? g.coordinates
        : g.type === "Polygon"
          ? g.coordinates[0]!
          : [];
  for (const p of pts) {
    b[0] = Math.min(b[0], p[0]!);
    b[1] = Math.min(b[1], p[1]!);
    b[2] = Math.max(b[2], p[0]!);
    b[3] = Math.max(b[3], p[1]!);
  }
  return b;
}

// ---- gisd side: a libSQL layer as vector_layer stores it -------------------------------

const FIELDS: FieldDef[] = [
  { keyname: "name", datatype: "STRING" },
  { keyname: "kind", datatype: "INTEGER" },
  { keyname: "height", datatype: "REAL" },
  { keyname: "flag", datatype: "BOOLEAN" },
];

class BenchSource implements FeatureSource {
  constructor(private readonly db: Client) {}
  async info(): Promise<SourceInfo> {
    return { srs: 3857, geometryType: "GEOMETRY" as never, fields: FIELDS };
  }
  async *query(q: FeatureQuery = {}): AsyncIterable<Feature> {
    // A bbox query is one statement (the R*Tree narrows it); a full scan goes in id pages.
    const page = 50000;
    for (let after = 0; ; ) {
      const rs = q.bbox
        ? await this.db.execute({
            sql: "SELECT f.id, f.geom, f.name, f.kind, f.height, f.flag FROM f_idx r JOIN f ON f.id = r.id WHERE r.minx <= ? AND r.maxx >= ? AND r.miny <= ? AND r.maxy >= ?",
            args: [q.bbox[2], q.bbox[0], q.bbox[3], q.bbox[1]],
          })
        : await this.db.execute({
            sql: "SELECT id, geom, name, kind, height, flag FROM f WHERE id > ? ORDER BY id LIMIT ?",
            args: [after, page],
          });
      for (const r of rs.rows) {
        yield {
          id: Number(r.id),
          geom: decodeWkb(new Uint8Array(r.geom as ArrayBuffer)),
          fields: {
            name: r.name as string,
            kind: Number(r.kind),
            height: Number(r.height),
            flag: Number(r.flag) === 1,
          },
        };
      }
      if (q.bbox || rs.rows.length < page) return;
      after = Number(rs.rows.at(-1)!.id);
    }
  }
  async count(): Promise<number> {
    return Number((await this.db.execute("SELECT count(*) AS n FROM f")).rows[0]!.n);
  }
  async extent(): Promise<BBox | null> {
    const r = (
      await this.db.execute("SELECT min(minx) a, min(miny) b, max(maxx) c, max(maxy) d FROM f_idx")
    ).rows[0]!;
    return [Number(r.a), Number(r.b), Number(r.c), Number(r.d)];
  }
}

/** BenchSource's queries through bun:sqlite (read-only) on the same file. */
class SqliteSource extends BenchSource {
  private readonly bbox: Statement;
  constructor(db: Client, path: string) {
    super(db);
    this.bbox = new Database(path, { readonly: true }).prepare(
      "SELECT f.id, f.geom, f.name, f.kind, f.height, f.flag FROM f_idx r JOIN f ON f.id = r.id WHERE r.minx <= ? AND r.maxx >= ? AND r.miny <= ? AND r.maxy >= ?",
    );
  }
  override async *query(q: FeatureQuery = {}): AsyncIterable<Feature> {
    if (!q.bbox) {
      yield* super.query(q);
      return;
    }
    const rows = this.bbox.values(q.bbox[2], q.bbox[0], q.bbox[3], q.bbox[1]);
    for (const r of rows)
      yield {
        id: r[0] as number,
        geom: decodeWkb(r[1] as Uint8Array),
        fields: {
          name: r[2] as string,
          kind: r[3] as number,
          height: r[4] as number,
          flag: r[5] === 1,
        },
      };
  }
}

/**
 * The generated rows with ids renumbered along a Hilbert curve (z16 cells of the box centres):
 * in a rowid table, a tile's features then sit on neighbouring pages, as in FlatGeobuf.
 */
function hilbertOrdered(): Row[] {
  const rows = [...generate(N)];
  const size = (2 * WORLD_HALF) / 2 ** 16;
  const key = (r: Row) => {
    const b = bboxOf(r.geom);
    const x = Math.floor(((b[0] + b[2]) / 2 + WORLD_HALF) / size);
    const y = Math.floor((WORLD_HALF - (b[1] + b[3]) / 2) / size);
    return tileId(16, x, y);
  };
  const keys = new Map(rows.map((r) => [r, key(r)]));
  rows.sort((a, b) => keys.get(a)! - keys.get(b)!);
  rows.forEach((r, i) => {
    r.id = i + 1;
  });
  return rows;
}

async function loadLibsql(path: string): Promise<Client> {
  const reuse = existsSync(path);
  const db = createClient({ url: `file:${path}` });
  if (reuse && Number((await db.execute("SELECT count(*) n FROM f")).rows[0]!.n) === N) return db;
  await db.executeMultiple(`
    PRAGMA journal_mode=WAL;
    CREATE TABLE f (id INTEGER PRIMARY KEY, geom BLOB, name TEXT, kind INTEGER, height REAL, flag INTEGER);
    CREATE VIRTUAL TABLE f_idx USING rtree(id, minx, maxx, miny, maxy);`);
  let batch: { sql: string; args: (string | number | Uint8Array)[] }[] = [];
  const flush = async () => {
    await db.batch(batch, "write");
    batch = [];
  };
  for (const r of HILBERT ? hilbertOrdered() : generate(N)) {
    const b = bboxOf(r.geom);
    batch.push({
      sql: "INSERT INTO f VALUES (?, ?, ?, ?, ?, ?)",
      args: [r.id, encodeWkb(r.geom), r.name, r.kind, r.height, r.flag ? 1 : 0],
    });
    batch.push({
      sql: "INSERT INTO f_idx VALUES (?, ?, ?, ?, ?)",
      args: [r.id, b[0], b[2], b[1], b[3]],
    });
    if (batch.length >= 20000) await flush();
  }
  await flush();
  return db;
}

/** The same data through gisd's LibsqlSource (bulkInsert, triggers keep the R*Tree). */
async function loadProduct(path: string): Promise<FeatureSource> {
  const reuse = existsSync(path);
  const db = createClient({ url: `file:${path}` });
  const spec: LayerTableSpec = {
    table: "layer_1",
    srs: 3857,
    geometryType: "POLYGON",
    fields: FIELDS.map((f) => ({ ...f, column: f.keyname })),
  };
  const src = new LibsqlSource(db, spec);
  if (reuse && (await src.count()) === N) return src;
  await createLayerTable(db, spec);
  await bulkInsert(
    db,
    spec,
    (function* () {
      for (const r of generate(N))
        yield {
          geom: r.geom,
          fields: { name: r.name, kind: r.kind, height: r.height, flag: r.flag },
        };
    })(),
  );
  return src;
}

/** The same data as a FlatGeobuf file read in place (FgbSource). */
async function loadFgb(dir: string): Promise<FeatureSource> {
  const path = join(dir, "layer.fgb");
  if (!existsSync(path)) {
    const info: SourceInfo = { srs: 3857, geometryType: "GEOMETRY" as never, fields: FIELDS };
    const rows = (async function* () {
      for (const r of generate(N))
        yield {
          id: r.id,
          geom: r.geom,
          fields: { name: r.name, kind: r.kind, height: r.height, flag: r.flag },
        };
    })();
    const tmp = await writeFgb(info, rows, {
      layerName: "layer",
      srs: 3857,
      fields: FIELDS,
      tmpDir: dir,
    });
    renameSync(tmp, path);
  }
  return new FgbSource(path);
}

// ---- PostGIS side ----------------------------------------------------------------------

async function loadPostgis(url: string): Promise<SQL> {
  const sql = new SQL(url);
  if (KEEP) {
    const have = await sql.unsafe("SELECT count(*)::int AS n FROM f").catch(() => [{ n: 0 }]);
    if (have[0]?.n === N) return sql;
  }
  await sql.unsafe("DROP TABLE IF EXISTS f");
  await sql.unsafe(
    "CREATE TABLE f (id integer PRIMARY KEY, name text, kind integer, height double precision, flag boolean, geom geometry(Geometry, 3857))",
  );
  const psql = Bun.spawn(["psql", url, "-qc", "COPY f FROM STDIN WITH (FORMAT csv)"], {
    stdin: "pipe",
    stdout: "inherit",
    stderr: "inherit",
  });
  let buf: string[] = [];
  for (const r of generate(N)) {
    buf.push(
      `${r.id},${r.name},${r.kind},${r.height},${r.flag},${Buffer.from(encodeEwkb(r.geom, 3857)).toString("hex")}`,
    );
    if (buf.length >= 10000) {
      psql.stdin.write(`${buf.join("\n")}\n`);
      await psql.stdin.flush();
      buf = [];
    }
  }
  if (buf.length) psql.stdin.write(`${buf.join("\n")}\n`);
  await psql.stdin.end();
  if ((await psql.exited) !== 0) throw new Error("COPY into PostGIS failed");
  await sql.unsafe("CREATE INDEX f_geom ON f USING gist (geom)");
  await sql.unsafe("ANALYZE f");
  return sql;
}

const PG_TILE = `SELECT ST_AsMVT(q, 'ngw:1', 4096, 'geom', 'id') AS mvt FROM (
  SELECT id, name, kind, height, flag,
         ST_AsMVTGeom(geom, ST_TileEnvelope($1, $2, $3), 4096, 205, true) AS geom
  FROM f WHERE geom && ST_TileEnvelope($1, $2, $3, margin => 0.05)) q`;

// ---- tile lists and measuring ----------------------------------------------------------

function tilesOver(z: number, b: BBox): TileCoord[] {
  const size = (2 * WORLD_HALF) / 2 ** z;
  const out: TileCoord[] = [];
  for (
    let x = Math.floor((b[0] + WORLD_HALF) / size);
    x <= Math.floor((b[2] + WORLD_HALF) / size);
    x++
  )
    for (
      let y = Math.floor((WORLD_HALF - b[3]) / size);
      y <= Math.floor((WORLD_HALF - b[1]) / size);
      y++
    )
      out.push({ z, x, y });
  return out;
}

function z14List(): TileCoord[] {
  // Where features are, as map users look: tiles under 200 random features, deduplicated.
  const want = new Set<number>();
  for (const r of generate(Math.min(N, 200000))) if (r.id % 997 === 0) want.add(r.id);
  const seen = new Set<string>();
  const out: TileCoord[] = [];
  const size = (2 * WORLD_HALF) / 2 ** 14;
  for (const r of generate(Math.min(N, 200000))) {
    if (!want.has(r.id)) continue;
    const b = bboxOf(r.geom);
    const t = {
      z: 14,
      x: Math.floor((b[0] + WORLD_HALF) / size),
      y: Math.floor((WORLD_HALF - b[3]) / size),
    };
    const k = `${t.x}/${t.y}`;
    if (!seen.has(k)) {
      seen.add(k);
      out.push(t);
    }
  }
  return out;
}

interface Stats {
  tiles: number;
  perSec: number;
  p50: number;
  p99: number;
  maxBytes: number;
}

async function measure(
  tiles: TileCoord[],
  clients: number,
  fetchTile: (t: TileCoord) => Promise<number>,
  before?: () => void,
): Promise<Stats> {
  const lat: number[] = [];
  let maxBytes = 0;
  let wall = 0;
  for (let round = 0; round < ROUNDS; round++) {
    before?.();
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (next < tiles.length) {
          const t = tiles[next++]!;
          const s = performance.now();
          const bytes = await fetchTile(t);
          lat.push(performance.now() - s);
          maxBytes = Math.max(maxBytes, bytes);
        }
      }),
    );
    wall += performance.now() - t0;
  }
  lat.sort((a, b) => a - b);
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]!;
  return {
    tiles: lat.length,
    perSec: (lat.length / wall) * 1000,
    p50: q(0.5),
    p99: q(0.99),
    maxBytes,
  };
}

const fmt = (s: Stats) =>
  `${s.perSec.toFixed(1).padStart(9)} tiles/s  p50 ${s.p50.toFixed(1).padStart(8)} ms  p99 ${s.p99.toFixed(1).padStart(8)} ms  max ${(s.maxBytes / 1024).toFixed(0).padStart(6)} KB`;

/** Encoder comparison: the direct protobuf writer against vt-pbf on the same z14 features. */
async function encoderBench(src: FeatureSource, tiles: TileCoord[]) {
  const vtpbf = (await import("vt-pbf" as string)).default as {
    fromGeojsonVt(
      layers: Record<string, unknown>,
      opts?: { version?: number; extent?: number },
    ): Uint8Array;
  };
  const prepared: TileFeature[][] = [];
  for (const t of tiles.slice(0, 50)) {
    const tr = tileTransform(tileBBox(t), 4096);
    const fs: TileFeature[] = [];
    for await (const f of src.query({ bbox: bufferedBBox(t, 4096, 205) }))
      for (const p of project(f.geom!, tr)) {
        const c = clip(p, -205, 4301);
        const g = c && simplify(c, 8);
        if (g) fs.push({ id: f.id, geom: g, props: f.fields, size: sizeOf(g) });
      }
    prepared.push(fs);
  }
  const asVt = prepared.map((fs) => ({
    features: fs.map((f) => {
      const pairs = (a: number[]) =>
        Array.from({ length: a.length / 2 }, (_, i) => [a[2 * i]!, a[2 * i + 1]!]);
      const g = f.geom;
      const geometry =
        g.type === 1
          ? pairs(g.points)
          : g.type === 2
            ? g.lines.map(pairs)
            : g.polygons.flat().map((r) => [...pairs(r), [r[0]!, r[1]!]]);
      return { id: f.id, type: g.type, tags: f.props, geometry };
    }),
  }));
  const time = (fn: () => void) => {
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) fn();
    return (performance.now() - t0) / 5;
  };
  const direct = time(() => {
    for (const fs of prepared) encode([{ name: "ngw:1", fields: FIELDS, features: fs }], 4096);
  });
  const vt = time(() => {
    for (const t of asVt) vtpbf.fromGeojsonVt({ "ngw:1": t }, { version: 2, extent: 4096 });
  });
  log(
    `encoder, ${prepared.length} z14 tiles: direct writer ${direct.toFixed(1)} ms, vt-pbf ${vt.toFixed(1)} ms (${(vt / direct).toFixed(2)}x)`,
  );
}

// ---- main ------------------------------------------------------------------------------

const dir = KEEP || mkdtempSync(join(tmpdir(), "gisd-bench-mvt-"));
mkdirSync(dir, { recursive: true });
try {
  let t0 = performance.now();
  const layerFile = join(dir, HILBERT ? "layer-hilbert.db" : "layer.db");
  const db = SOURCE === "product" || SOURCE === "fgb" ? undefined : await loadLibsql(layerFile);
  const source = !db
    ? SOURCE === "fgb"
      ? await loadFgb(dir)
      : await loadProduct(join(dir, "product.db"))
    : SOURCE === "sqlite"
      ? new SqliteSource(db, layerFile)
      : new BenchSource(db);
  log(
    `libSQL layer (${SOURCE} reader): ${N} features loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  let pg: SQL | undefined;
  if (PG_URL) {
    t0 = performance.now();
    pg = await loadPostgis(PG_URL);
    log(`PostGIS layer: loaded and indexed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const region: BBox = [CX - HALF, CY - HALF, CX + HALF, CY + HALF];
  const lists: [string, TileCoord[]][] = [
    ["z2", tilesOver(2, region)],
    ["z8", tilesOver(8, region)],
    ["z14", z14List()],
  ];
  const only = arg("lists", "z2,z8,z14").split(",");
  for (let i = lists.length - 1; i >= 0; i--) if (!only.includes(lists[i]![0])) lists.splice(i, 1);
  const svc = new TileService({ memoryBytes: 1024 * 1024 * 1024 });
  const ref: LayerRef = {
    id: 1,
    version: 1,
    open: async () => ({ source, info: await source.info() }),
  };
  t0 = performance.now();
  const prep = await svc.prepare(ref);
  log(
    `gisd prepare (count, extent, overview to z${prep.overview?.maxZoom ?? -1} with ${prep.overview?.size ?? 0} features): ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const z14 = lists.find(([n]) => n === "z14");
  if (z14) await encoderBench(source, z14[1]);

  const gisdTile = async (t: TileCoord) => (await svc.tile([ref], t)).data?.length ?? 0;
  const pgTile = async (t: TileCoord) => {
    const rows = await pg!.unsafe(PG_TILE, [t.z, t.x, t.y]);
    return (rows[0]?.mvt as Uint8Array | undefined)?.length ?? 0;
  };
  const lines: string[] = [];
  for (const [name, tiles] of lists) {
    for (const clients of [1, 2]) {
      const cold = await measure(tiles, clients, gisdTile, () => svc.memory.clear());
      const warm = await measure(tiles, clients, gisdTile);
      lines.push(`${name} (${tiles.length} tiles) c=${clients} gisd cold   ${fmt(cold)}`);
      lines.push(`${name} (${tiles.length} tiles) c=${clients} gisd warm   ${fmt(warm)}`);
      if (pg) {
        const p = await measure(tiles, clients, pgTile);
        lines.push(`${name} (${tiles.length} tiles) c=${clients} PostGIS     ${fmt(p)}`);
        lines.push(
          `${name} c=${clients} ratio gisd/PostGIS tiles/s: cold ${(cold.perSec / p.perSec).toFixed(2)}x, warm ${(warm.perSec / p.perSec).toFixed(2)}x`,
        );
      }
      log(lines.slice(-4).join("\n"));
    }
  }
  process.stdout.write(`\n${lines.join("\n")}\n`);
  db?.close();
  await pg?.close();
} finally {
  if (!KEEP) rmSync(dir, { recursive: true, force: true });
}
