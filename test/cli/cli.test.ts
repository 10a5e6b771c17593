/** @module The command line: help everywhere, clear errors for bad flags, user management. */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const main = resolve(import.meta.dir, "../../src/main.ts");
const dir = mkdtempSync(join(tmpdir(), "gisd-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function gisd(args: string[], input?: string) {
  const r = Bun.spawnSync([process.execPath, main, ...args], {
    cwd: dir,
    stdin: input === undefined ? "ignore" : new TextEncoder().encode(input),
    env: { ...process.env, GISD_ADMIN_PASSWORD: "cli-admin-pw", GISD_SAMPLES: "false" },
  });
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
}

test("--help lists the commands and every command has its own --help", () => {
  const h = gisd(["--help"]);
  expect(h.code).toBe(0);
  expect(h.out).toContain("serve");
  expect(h.out).toContain("user");
  for (const cmd of ["serve", "user"]) {
    const c = gisd([cmd, "--help"]);
    expect(c.code).toBe(0);
    expect(c.out).toContain(`Usage: gisd ${cmd}`);
  }
  expect(gisd(["serve", "--help"]).out).toContain("GISD_DATABASE_URL");
});

test("bad flags and commands are clear errors with exit code 2", () => {
  const unknown = gisd(["serve", "--bogus"]);
  expect(unknown.code).toBe(2);
  expect(unknown.err).toContain("unknown option --bogus");
  const port = gisd(["serve", "--port", "99999"]);
  expect(port.code).toBe(2);
  expect(port.err).toContain("--port/PORT must be an integer from 0 to 65535");
  const missing = gisd(["serve", "--port"]);
  expect(missing.code).toBe(2);
  expect(gisd(["frobnicate"]).code).toBe(2);
});

test("user create, list and passwd work on the data folder", () => {
  const c = gisd([
    "user",
    "create",
    "erin",
    "--password",
    "erin-pass-1",
    "--display-name",
    "Erin",
    "--data",
    "d",
  ]);
  expect(c.code).toBe(0);
  expect(c.out).toMatch(/created user erin \(id \d+\)/);
  const l = gisd(["user", "list", "--data", "d"]);
  expect(l.out).toContain("administrator");
  expect(l.out).toContain("erin\tErin");
  const p = gisd(["user", "passwd", "erin", "--data", "d"], "new-erin-pass\n");
  expect(p.code).toBe(0);
  const weak = gisd(["user", "passwd", "erin", "--password", "x", "--data", "d"]);
  expect(weak.code).toBe(1);
  expect(weak.err).toContain("at least 8 characters");
  expect(gisd(["user", "passwd", "nobody", "--password", "whatever1", "--data", "d"]).code).toBe(2);
});
