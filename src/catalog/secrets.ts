/**
 * @module Secrets at rest (database passwords of connections): AES-256-GCM with a key from
 * GISD_SECRET_KEY or, when unset, a random key kept in `<data>/secret.key` (created 0600 on first
 * use). A stolen catalog file alone reveals no password; the key and the catalog must both leak.
 * Stored form: "v1:" + base64(12-byte IV ‖ ciphertext ‖ 16-byte tag).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const PREFIX = "v1:";

/** Key material: 32 bytes as base64 or hex is used as is; any other text is hashed to 32 bytes. */
function keyFrom(text: string): Buffer {
  const t = text.trim();
  if (/^[0-9a-f]{64}$/i.test(t)) return Buffer.from(t, "hex");
  const b64 = Buffer.from(t, "base64");
  if (b64.length === 32 && /^[A-Za-z0-9+/]{43}=$/.test(t)) return b64;
  return createHash("sha256").update(t).digest();
}

export class Secrets {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error("secret key must be 32 bytes");
    this.#key = key;
  }

  /** GISD_SECRET_KEY when set, otherwise the data directory's key file (made when missing). */
  static forDataDir(dataDir: string, env: Record<string, string | undefined> = process.env) {
    if (env.GISD_SECRET_KEY) return new Secrets(keyFrom(env.GISD_SECRET_KEY));
    const path = join(dataDir, "secret.key");
    if (!existsSync(path)) {
      // wx: two processes starting at once cannot both write a key; the loser reads the winner's.
      try {
        writeFileSync(path, randomBytes(32).toString("hex"), { flag: "wx", mode: 0o600 });
      } catch (err) {
        if ((err as { code?: string }).code !== "EEXIST") throw err;
      }
      chmodSync(path, 0o600);
    }
    return new Secrets(keyFrom(readFileSync(path, "utf8")));
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv("aes-256-gcm", this.#key, iv);
    const body = Buffer.concat([c.update(plain, "utf8"), c.final()]);
    return PREFIX + Buffer.concat([iv, body, c.getAuthTag()]).toString("base64");
  }

  /** Throws when the text was not made with this key (changed key, tampered row). */
  decrypt(stored: string): string {
    if (!stored.startsWith(PREFIX)) throw new Error("not an encrypted secret");
    const raw = Buffer.from(stored.slice(PREFIX.length), "base64");
    if (raw.length < 28) throw new Error("encrypted secret too short");
    const d = createDecipheriv("aes-256-gcm", this.#key, raw.subarray(0, 12));
    d.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([d.update(raw.subarray(12, raw.length - 16)), d.final()]).toString("utf8");
  }
}
