/** @module Secrets at rest: AES-GCM round trips, the key file, GISD_SECRET_KEY, tampering refused. */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Secrets } from "../../../../src/catalog/secrets.ts";

const dir = mkdtempSync(join(tmpdir(), "gisd-secrets-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("round trip with a key file made once, 0600, reused by the next start", () => {
  const a = Secrets.forDataDir(dir, {});
  const stored = a.encrypt("pässwörd");
  expect(stored).toStartWith("v1:");
  expect(stored).not.toContain("pässwörd");
  expect(a.encrypt("pässwörd")).not.toBe(stored); // fresh IV each time
  expect(statSync(join(dir, "secret.key")).mode & 0o777).toBe(0o600);
  const key = readFileSync(join(dir, "secret.key"), "utf8");
  expect(Secrets.forDataDir(dir, {}).decrypt(stored)).toBe("pässwörd");
  expect(readFileSync(join(dir, "secret.key"), "utf8")).toBe(key);
});

test("GISD_SECRET_KEY wins over the file; a wrong key or a changed byte is refused", () => {
  const env = { GISD_SECRET_KEY: "correct horse battery staple" };
  const s = Secrets.forDataDir(dir, env).encrypt("x");
  expect(Secrets.forDataDir(dir, env).decrypt(s)).toBe("x");
  expect(() => Secrets.forDataDir(dir, {}).decrypt(s)).toThrow();
  const raw = Buffer.from(s.slice(3), "base64");
  raw[14] = raw[14]! ^ 1;
  expect(() => Secrets.forDataDir(dir, env).decrypt(`v1:${raw.toString("base64")}`)).toThrow();
  expect(() => Secrets.forDataDir(dir, env).decrypt("plain")).toThrow(/not an encrypted/);
  const hex = "ab".repeat(32);
  expect(
    Secrets.forDataDir(dir, { GISD_SECRET_KEY: hex }).decrypt(
      Secrets.forDataDir(dir, { GISD_SECRET_KEY: hex }).encrypt("y"),
    ),
  ).toBe("y");
});
