/**
 * @module `gisd serve` wiring of the management listener: it starts on GISD_MANAGE_PORT beside
 * the main listener, `--manage-port 0` disables it, and a non-loopback GISD_MANAGE_HOST without
 * GISD_MANAGE_PASSWORD stops the server from starting at all.
 */
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dir, "../../..");
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function freePort(): number {
  const s = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = s.port!;
  s.stop(true);
  return port;
}

function serve(args: string[], env: Record<string, string>) {
  const data = mkdtempSync(join(tmpdir(), "gisd-serve-"));
  dirs.push(data);
  return Bun.spawn(
    [process.execPath, "src/main.ts", "serve", "--port", "0", "--data", data, ...args],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? "",
        GISD_ADMIN_PASSWORD: "serve-pass-123",
        GISD_SAMPLES: "false",
        GISD_LOG: "off",
        ...env,
      },
      stdout: "pipe",
      stderr: "pipe",
    },
  );
}

/** Reads stderr until `needle` shows up (or the process ends). */
async function stderrUntil(p: ReturnType<typeof serve>, needle: string): Promise<string> {
  const reader = (p.stderr as ReadableStream<Uint8Array>).getReader();
  let text = "";
  while (!text.includes(needle)) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return text;
}

test("the management listener starts beside the main one and stops with it", async () => {
  const port = freePort();
  const p = serve([], { GISD_MANAGE_PORT: String(port) });
  const err = await stderrUntil(p, "management API on");
  expect(err).toContain(`management API on http://127.0.0.1:${port}`);
  const pool = await (await fetch(`http://127.0.0.1:${port}/pool/`)).json();
  expect(pool.num_workers).toBe(2);
  p.kill("SIGTERM");
  expect(await p.exited).toBe(0);
}, 60_000);

test("--manage-port 0 disables it", async () => {
  const p = serve(["--manage-port", "0"], {});
  const err = await stderrUntil(p, "listening on");
  expect(err).toContain("listening on");
  p.kill("SIGTERM");
  const rest = await stderrUntil(p, "\u0000"); // to the end of the stream
  expect(await p.exited).toBe(0);
  expect(err + rest).not.toContain("management API on");
}, 60_000);

test("a non-loopback management address without a password refuses to start", async () => {
  const p = serve([], { GISD_MANAGE_HOST: "0.0.0.0", GISD_MANAGE_PORT: String(freePort()) });
  const code = await p.exited;
  const err = await new Response(p.stderr as ReadableStream).text();
  expect(code).not.toBe(0);
  expect(err).toContain("GISD_MANAGE_PASSWORD");
}, 60_000);
