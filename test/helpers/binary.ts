/**
 * @module Runs the built single executable the way a user would: `dist/gisd` copied alone into an
 * empty folder and started under `env -i` (no PATH, no HOME, no node_modules anywhere near).
 */
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dir, "../..");
let built: Promise<void> | undefined;

/** Builds dist/gisd once per test process. */
function build(): Promise<void> {
  built ??= (async () => {
    const p = Bun.spawn([process.execPath, "scripts/build.ts"], {
      cwd: root,
      stdout: "ignore",
      stderr: "pipe",
    });
    const err = await new Response(p.stderr).text();
    if ((await p.exited) !== 0) throw new Error(`build failed: ${err}`);
  })();
  return built;
}

async function waitForPort(stdout: ReadableStream<Uint8Array>): Promise<number> {
  const reader = stdout.getReader();
  let buf = "";
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += new TextDecoder().decode(value);
    const m = /LISTENING (\d+)/.exec(buf);
    if (m) {
      reader.releaseLock();
      return Number(m[1]);
    }
  }
  throw new Error(`gisd did not report its port; output: ${buf}`);
}

export interface RunningBinary {
  base: string;
  dir: string;
  proc: ReturnType<typeof Bun.spawn>;
  /** SIGTERM, wait for exit, remove the folder; returns the exit code. */
  stop(): Promise<number>;
}

/** Starts `gisd serve --port 0` from an empty folder with only the given variables set. */
export async function startBinary(env: Record<string, string>): Promise<RunningBinary> {
  await build();
  const dir = mkdtempSync(join(tmpdir(), "gisd-bin-"));
  copyFileSync(join(root, "dist/gisd"), join(dir, "gisd"));
  Bun.spawnSync(["chmod", "+x", join(dir, "gisd")]);
  const vars = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  const proc = Bun.spawn(
    ["env", "-i", ...vars, "./gisd", "serve", "--port", "0", "--data", "./data"],
    {
      cwd: dir,
      stdout: "pipe",
      stderr: "pipe",
    },
  );
  const port = await waitForPort(proc.stdout as ReadableStream<Uint8Array>);
  return {
    base: `http://127.0.0.1:${port}`,
    dir,
    proc,
    async stop() {
      if (proc.exitCode === null) proc.kill("SIGTERM");
      const code = await proc.exited;
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}
