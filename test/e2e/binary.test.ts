/**
 * @module The single executable: `make build` output copied alone into an empty folder, started
 * with an empty environment, must serve the API (native addons, migrations and assets embedded).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dir, "../..");
const dir = mkdtempSync(join(tmpdir(), "gisd-bin-"));
let proc: ReturnType<typeof Bun.spawn> | undefined;
let port = 0;

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

beforeAll(async () => {
  const build = Bun.spawnSync([process.execPath, "scripts/build.ts"], {
    cwd: root,
    stdout: "pipe",
    stderr: "pipe",
  });
  if (build.exitCode !== 0) throw new Error(`build failed: ${build.stderr.toString()}`);
  copyFileSync(join(root, "dist/gisd"), join(dir, "gisd"));
  Bun.spawnSync(["chmod", "+x", join(dir, "gisd")]);
  // env -i: no PATH, no HOME, no node_modules anywhere near; only what the binary carries.
  proc = Bun.spawn(
    [
      "env",
      "-i",
      "GISD_ADMIN_PASSWORD=bin-admin-pw",
      "./gisd",
      "serve",
      "--port",
      "0",
      "--data",
      "./data",
    ],
    {
      cwd: dir,
      stdout: "pipe",
      stderr: "pipe",
    },
  );
  port = await waitForPort(proc.stdout as ReadableStream<Uint8Array>);
}, 180_000);

afterAll(async () => {
  proc?.kill("SIGTERM");
  await proc?.exited;
  rmSync(dir, { recursive: true, force: true });
});

test("the binary alone serves the NGW API with its catalog", async () => {
  const auth = { Authorization: `Basic ${btoa("administrator:bin-admin-pw")}` };
  const base = `http://127.0.0.1:${port}`;
  const health = await fetch(`${base}/api/component/pyramid/healthcheck`);
  expect(health.status).toBe(200);
  const created = await fetch(`${base}/api/resource/`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({
      resource: { cls: "resource_group", parent: { id: 0 }, display_name: "From the binary" },
    }),
  });
  expect(created.status).toBe(201);
  const list = (await (
    await fetch(`${base}/api/resource/?parent=0`, { headers: auth })
  ).json()) as any[];
  expect(list.some((r) => r.resource.display_name === "From the binary")).toBe(true);
  // The embedded sample data was loaded on this first start: guests see the Samples group
  // (so the root is readable to them), while the admin's new group stays private.
  const guestList = (await (await fetch(`${base}/api/resource/?parent=0`)).json()) as any[];
  expect(guestList.map((r) => r.resource.display_name)).toEqual(["Samples"]);
  const mine = ((await created.json()) as { id: number }).id;
  expect((await fetch(`${base}/api/resource/${mine}`)).status).toBe(403);
  expect(existsSync(join(dir, "data", "catalog.db"))).toBe(true);
  const metrics = await (await fetch(`${base}/metrics`)).text();
  expect(metrics).toContain("gisd_http_requests_total");
});

test("SIGTERM stops the binary gracefully", async () => {
  proc!.kill("SIGTERM");
  expect(await proc!.exited).toBe(0);
});
