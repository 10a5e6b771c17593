/**
 * Startup benchmark: time from exec to the first 200 response, and idle RSS, of dist/gisd —
 * against a compiled Bun hello-world server built in the same run as the baseline (the floor
 * any Bun single executable starts from). Run `make build` first; prints a small table.
 *
 *   bun scripts/bench/startup.ts [runs=5]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dir, "../..");
const runs = Number(process.argv[2] ?? 5);
const work = mkdtempSync(join(tmpdir(), "gisd-bench-startup-"));

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

async function measure(
  cmd: string[],
  url: string,
  cwd: string,
): Promise<{ ms: number; rss: number }> {
  const t0 = performance.now();
  const proc = Bun.spawn(cmd, {
    cwd,
    stdout: "ignore",
    stderr: "ignore",
    env: { GISD_ADMIN_PASSWORD: "bench-pass", GISD_LOG: "off" },
  });
  let ms = Number.NaN;
  for (let i = 0; i < 20_000; i++) {
    try {
      const r = await fetch(url);
      if (r.status === 200) {
        ms = performance.now() - t0;
        break;
      }
    } catch {
      await Bun.sleep(1);
    }
  }
  await Bun.sleep(2000); // idle
  const rss = rssMb(proc.pid);
  proc.kill("SIGTERM");
  await proc.exited;
  return { ms, rss };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

// Baseline: the smallest Bun server, compiled the same way.
const helloSrc = join(work, "hello.ts");
writeFileSync(
  helloSrc,
  `Bun.serve({ port: 18990, hostname: "127.0.0.1", fetch: () => new Response("ok") });\n`,
);
const hello = join(work, "hello");
const b = Bun.spawnSync([process.execPath, "build", "--compile", helloSrc, "--outfile", hello], {
  stdout: "ignore",
  stderr: "pipe",
});
if (b.exitCode !== 0) throw new Error(b.stderr.toString());

const gisd = join(root, "dist", "gisd");
const rows: { name: string; ms: number[]; rss: number[] }[] = [
  { name: "bun hello-world (baseline)", ms: [], rss: [] },
  { name: "gisd, first start (empty data folder)", ms: [], rss: [] },
  { name: "gisd, restart (existing catalog)", ms: [], rss: [] },
];
for (let i = 0; i < runs; i++) {
  const h = await measure([hello], "http://127.0.0.1:18990/", work);
  rows[0]!.ms.push(h.ms);
  rows[0]!.rss.push(h.rss);
  const data = join(work, `data-${i}`);
  const health = "http://127.0.0.1:18991/api/component/pyramid/healthcheck";
  const first = await measure([gisd, "serve", "--port", "18991", "--data", data], health, work);
  rows[1]!.ms.push(first.ms);
  rows[1]!.rss.push(first.rss);
  const again = await measure([gisd, "serve", "--port", "18991", "--data", data], health, work);
  rows[2]!.ms.push(again.ms);
  rows[2]!.rss.push(again.rss);
}
rmSync(work, { recursive: true, force: true });

const base = rows[0]!;
console.log(`startup benchmark, ${runs} runs each (median)`);
console.log(
  "what".padEnd(40),
  "exec→200 ms".padStart(12),
  "idle RSS MB".padStart(12),
  "ratio ms".padStart(9),
  "ratio RSS".padStart(10),
);
for (const r of rows) {
  const ms = median(r.ms);
  const rss = median(r.rss);
  console.log(
    r.name.padEnd(40),
    ms.toFixed(1).padStart(12),
    rss.toFixed(1).padStart(12),
    (ms / median(base.ms)).toFixed(2).padStart(9),
    (rss / median(base.rss)).toFixed(2).padStart(10),
  );
}
