/**
 * @module Durability: the real server as a child process (`bun src/main.ts serve`), four
 * concurrent writers (feature inserts, feature updates, GeoServer SLD style uploads, GeoJSON
 * imports), SIGKILL at a random moment (seeded), the catalog checked with PRAGMA
 * integrity_check while the server is down, a restart on the same data folder, and every write
 * that was acknowledged before the kill looked up again. GISD_DURABILITY_TRIALS sets the number
 * of kills (default 20).
 *
 * The full-disk variant runs when the test may mount a small tmpfs (root); otherwise it says so
 * and skips: a write that does not fit is a 507 in the face's format, the catalog stays intact
 * and the server keeps answering.
 */
import { afterAll, expect, test } from "bun:test";
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import fc from "fast-check";

const TRIALS = Number(process.env.GISD_DURABILITY_TRIALS ?? 20);
const ADMIN = "administrator:durable-pass-1";
const AUTH = `Basic ${Buffer.from(ADMIN).toString("base64")}`;
const BUN = join(process.cwd(), "node_modules/.bin/bun");
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Child {
  port: number;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Starts `gisd serve` on a free port and waits for its LISTENING line. */
function startChild(dataDir: string): Promise<Child> {
  const child = spawn(BUN, ["src/main.ts", "serve", "--port", "0", "--data", dataDir], {
    env: {
      ...process.env,
      GISD_ADMIN_PASSWORD: "durable-pass-1",
      GISD_SAMPLES: "false",
      GISD_LOG: "off",
      GISD_MANAGE_PORT: "0",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  let err = "";
  child.stderr!.on("data", (d) => {
    err = (err + d).slice(-2000);
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /LISTENING (\d+)/.exec(out);
      if (m)
        resolve({
          port: Number(m[1]),
          kill: async (sig) => {
            child.kill(sig);
            await exited;
          },
        });
    });
    child.once("exit", (code) =>
      reject(new Error(`server exited (${code}) before listening: ${err}`)),
    );
  });
}

async function call(port: number, path: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  headers.set("Authorization", AUTH);
  return fetch(`http://127.0.0.1:${port}${path}`, { ...init, headers });
}

async function json(port: number, path: string, method: string, body: unknown) {
  const r = await call(port, path, {
    method,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json().catch(() => undefined)) as any };
}

const SLD = (name: string) =>
  `<StyledLayerDescriptor xmlns="http://www.opengis.net/sld" version="1.0.0"><NamedLayer><Name>${name}</Name><UserStyle><FeatureTypeStyle><Rule><PointSymbolizer><Graphic><Mark><WellKnownName>circle</WellKnownName></Mark><Size>6</Size></Graphic></PointSymbolizer></Rule></FeatureTypeStyle></UserStyle></NamedLayer></StyledLayerDescriptor>`;

/** What the server acknowledged before it was killed; all of it must be found afterwards. */
interface Acked {
  features: Map<number, string>;
  updates: Map<number, string>;
  styles: string[];
  imports: Map<number, number>;
}

async function writers(
  port: number,
  layer: number,
  trial: number,
  acked: Acked,
  stop: () => boolean,
) {
  const safe = async (f: () => Promise<void>) => {
    while (!stop()) {
      try {
        await f();
      } catch {
        return; // the server died mid-request: that write was not acknowledged
      }
    }
  };
  let n = 0;
  const insert = safe(async () => {
    const name = `t${trial}-f${n++}`;
    const r = await json(port, `/api/resource/${layer}/feature/`, "POST", {
      geom: `POINT (${n} ${trial})`,
      fields: { name },
    });
    if (r.status === 200) acked.features.set(r.body.id, name);
  });
  let u = 0;
  const update = safe(async () => {
    const ids = [...acked.features.keys()];
    if (ids.length === 0) return void (await Bun.sleep(5));
    const id = ids[u % ids.length]!;
    const name = `t${trial}-u${u++}`;
    const r = await json(port, `/api/resource/${layer}/feature/${id}`, "PUT", { fields: { name } });
    if (r.status === 200) acked.updates.set(id, name);
  });
  let st = 0;
  const style = safe(async () => {
    const name = `s${trial}x${st++}`;
    const r = await call(port, `/geoserver/rest/styles?name=${name}`, {
      method: "POST",
      headers: { "Content-Type": "application/vnd.ogc.sld+xml" },
      body: SLD(name),
    });
    if (r.status === 201) acked.styles.push(name);
  });
  let im = 0;
  const importer = safe(async () => {
    const count = 20 + (im % 5);
    const geojson = JSON.stringify({
      type: "FeatureCollection",
      features: Array.from({ length: count }, (_, i) => ({
        type: "Feature",
        properties: { i },
        geometry: { type: "Point", coordinates: [i, im] },
      })),
    });
    const fd = new FormData();
    fd.append("file", new File([geojson], `t${trial}-${im}.geojson`));
    const up = await call(port, "/api/component/file_upload/upload", { method: "POST", body: fd });
    if (up.status !== 200) return;
    const id = ((await up.json()) as any).upload_meta[0].id;
    const r = await json(port, "/api/resource/", "POST", {
      resource: {
        cls: "vector_layer",
        parent: { id: 0 },
        display_name: `import t${trial}-${im++}`,
      },
      vector_layer: { source: { id }, srs: { id: 3857 } },
    });
    if (r.status === 201) acked.imports.set(r.body.id, count);
  });
  await Promise.all([insert, update, style, importer]);
}

function integrity(dataDir: string) {
  const db = createClient({ url: `file:${dataDir}/catalog.db` });
  return db
    .execute("PRAGMA integrity_check")
    .then((r) => String(r.rows[0]![0]))
    .finally(() => db.close());
}

async function verify(port: number, layer: number, acked: Acked): Promise<string[]> {
  const lost: string[] = [];
  const r = await call(port, `/api/resource/${layer}/feature/?extensions=`);
  const have = new Map<number, string>(
    ((await r.json()) as any[]).map((f) => [f.id, f.fields.name]),
  );
  for (const [id, name] of acked.features) {
    if (!have.has(id)) lost.push(`feature ${id} (${name})`);
  }
  // An acknowledged update must be there unless a later one (also acknowledged or in flight
  // when the server died) replaced it; it is never older than the insert.
  for (const [id, name] of acked.updates) {
    const now = have.get(id);
    if (now === undefined || now === acked.features.get(id)) lost.push(`update ${id} -> ${name}`);
  }
  for (const name of acked.styles) {
    const s = await call(port, `/geoserver/rest/styles/${name}.json`);
    if (s.status !== 200) lost.push(`style ${name}`);
  }
  for (const [id, count] of acked.imports) {
    const c = await call(port, `/api/resource/${id}/feature_count`);
    const n = c.status === 200 ? ((await c.json()) as any).total_count : undefined;
    if (n !== count) lost.push(`import ${id}: ${n} of ${count} features`);
  }
  return lost;
}

test(`${TRIALS} SIGKILLs during imports, feature edits and style uploads lose no acknowledged write`, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "gisd-durable-"));
  dirs.push(dataDir);
  let child = await startChild(dataDir);
  const made = await json(child.port, "/api/resource/", "POST", {
    resource: { cls: "vector_layer", parent: { id: 0 }, display_name: "durable" },
    vector_layer: {
      srs: { id: 3857 },
      geometry_type: "POINT",
      fields: [{ keyname: "name", datatype: "STRING" }],
    },
  });
  expect(made.status).toBe(201);
  const layer = made.body.id as number;
  const acked: Acked = { features: new Map(), updates: new Map(), styles: [], imports: new Map() };
  const delays = fc.sample(fc.integer({ min: 50, max: 800 }), { seed: 1212, numRuns: TRIALS });
  const problems: string[] = [];
  for (let trial = 0; trial < TRIALS; trial++) {
    let stopped = false;
    const work = writers(child.port, layer, trial, acked, () => stopped);
    await Bun.sleep(delays[trial]!);
    await child.kill("SIGKILL");
    stopped = true;
    await work;
    const check = await integrity(dataDir);
    if (check !== "ok") problems.push(`trial ${trial}: integrity_check: ${check}`);
    child = await startChild(dataDir);
    // Writable again: the first write after a restart succeeds.
    const w = await json(child.port, `/api/resource/${layer}/feature/`, "POST", {
      geom: "POINT (0 0)",
      fields: { name: `t${trial}-after` },
    });
    if (w.status !== 200) problems.push(`trial ${trial}: first write after restart: ${w.status}`);
    else acked.features.set(w.body.id, `t${trial}-after`);
  }
  const lost = await verify(child.port, layer, acked);
  await child.kill("SIGTERM");
  console.log(
    `durability: ${TRIALS} kills; acknowledged ${acked.features.size} features, ${acked.updates.size} updates, ${acked.styles.length} styles, ${acked.imports.size} imports`,
  );
  expect(problems).toEqual([]);
  expect(lost).toEqual([]);
  expect(acked.features.size).toBeGreaterThan(TRIALS);
}, 180_000);

test("a full disk is a 507, the catalog stays intact and the server keeps answering", async () => {
  const mnt = mkdtempSync(join(tmpdir(), "gisd-fulldisk-"));
  dirs.push(mnt);
  const mounted =
    process.getuid?.() === 0 &&
    spawnSync("mount", ["-t", "tmpfs", "-o", "size=6m", "tmpfs", mnt]).status === 0;
  if (!mounted) {
    console.log("durability: full-disk variant skipped (needs root to mount a small tmpfs)");
    return;
  }
  try {
    const dataDir = join(mnt, "data");
    mkdirSync(dataDir);
    const child = await startChild(dataDir);
    const made = await json(child.port, "/api/resource/", "POST", {
      resource: { cls: "vector_layer", parent: { id: 0 }, display_name: "fill" },
      vector_layer: {
        srs: { id: 3857 },
        geometry_type: "POINT",
        fields: [{ keyname: "blob", datatype: "STRING" }],
      },
    });
    expect(made.status).toBe(201);
    const blob = "x".repeat(64 * 1024);
    const statuses = new Set<number>();
    let acked = 0;
    for (let i = 0; i < 400; i++) {
      const items = Array.from({ length: 8 }, () => ({ geom: "POINT (1 1)", fields: { blob } }));
      const r = await json(child.port, `/api/resource/${made.body.id}/feature/`, "PATCH", items);
      statuses.add(r.status);
      if (r.status === 200) acked += items.length;
      else {
        expect(r.status).toBe(507);
        expect(r.body.exception).toBe("nextgisweb.core.exception.InsufficientStorage");
        break;
      }
    }
    expect(statuses.has(507)).toBe(true);
    expect((await call(child.port, "/healthz")).status).toBe(200);
    const count = await call(child.port, `/api/resource/${made.body.id}/feature_count`);
    expect(((await count.json()) as any).total_count).toBe(acked);
    await child.kill("SIGKILL");
    expect(await integrity(dataDir)).toBe("ok");
  } finally {
    spawnSync("umount", ["-l", mnt]);
  }
}, 120_000);
