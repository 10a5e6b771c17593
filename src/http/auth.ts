/**
 * @module Who is asking: resolves HTTP Basic credentials or the `ngw_sid` session cookie to an
 * Actor. Shared by every face (each face's middleware calls it so failures use its own error
 * format). Verified Basic credentials are cached briefly because argon2id is deliberately slow
 * and clients such as GDAL send Basic on every request.
 */
import { createHash } from "node:crypto";
import type { Context } from "hono";
import type { Actor } from "../catalog/acl.ts";
import { CatalogError, InvalidCredentials, TooManyRequests } from "../catalog/errors.ts";
import type { Catalog } from "../catalog/index.ts";
import type { PrincipalRow } from "../catalog/principals.ts";

export const SESSION_COOKIE = "ngw_sid";

/**
 * The socket address of a request (Bun's requestIP), for per-address login throttling. Not
 * X-Forwarded-For: a client could rotate that header to escape the throttle.
 */
export function clientAddress(c: Context): string {
  const env = c.env as { requestIP?: (r: Request) => { address: string } | null } | undefined;
  return env?.requestIP?.(c.req.raw)?.address ?? "local";
}

export class InvalidAuthorizationHeader extends CatalogError {
  override readonly status = 400;
  override readonly title = "Invalid authorization header";
}

/** Failed-login throttle: per account and per address, a sliding window with lockout. */
export class LoginThrottle {
  readonly #fails = new Map<string, { count: number; until: number; first: number }>();
  constructor(
    readonly maxFailures = 10,
    readonly windowMs = 15 * 60_000,
    readonly lockMs = 60_000,
  ) {}

  check(keys: string[]): void {
    const now = Date.now();
    for (const k of keys) {
      const e = this.#fails.get(k);
      if (e && e.until > now) {
        throw new TooManyRequests(
          `Too many failed login attempts; try again in ${Math.ceil((e.until - now) / 1000)} s.`,
          { retry_after: Math.ceil((e.until - now) / 1000) },
        );
      }
    }
  }

  fail(keys: string[]): void {
    const now = Date.now();
    for (const k of keys) {
      let e = this.#fails.get(k);
      if (!e || now - e.first > this.windowMs) e = { count: 0, until: 0, first: now };
      e.count++;
      // Lockout doubles with every further failure past the limit (backoff), capped at a day.
      if (e.count >= this.maxFailures) {
        e.until = now + Math.min(this.lockMs * 2 ** (e.count - this.maxFailures), 86400_000);
      }
      this.#fails.set(k, e);
    }
    if (this.#fails.size > 100_000) this.#fails.clear();
  }

  succeed(keys: string[]): void {
    for (const k of keys) this.#fails.delete(k);
  }
}

export class Authenticator {
  readonly #cache = new Map<string, { userId: number; expires: number }>();
  readonly throttle = new LoginThrottle();

  constructor(private readonly catalog: Catalog) {}

  /** Checks a login/password pair with throttling; used by Basic auth and the login form. */
  async login(login: string, password: string, address: string): Promise<PrincipalRow> {
    const keys = [`u:${login.toLowerCase()}`, `a:${address}`];
    this.throttle.check(keys);
    try {
      const row = await this.catalog.principals.authenticate(login, password);
      this.throttle.succeed(keys);
      return row;
    } catch (err) {
      if (err instanceof InvalidCredentials) this.throttle.fail(keys);
      throw err;
    }
  }

  /** The actor of a request, from its Authorization header or session cookie. */
  forRequest(c: Context): Promise<Actor> {
    return this.resolve(c.req.header("authorization"), c.req.header("cookie"), clientAddress(c));
  }

  /** The actor for a request's headers; guest when there are no credentials. */
  async resolve(
    authorization: string | undefined,
    cookie: string | undefined,
    address: string,
  ): Promise<Actor> {
    if (authorization) {
      const m = /^\s*Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
      if (!m) {
        if (/^\s*Bearer\s/i.test(authorization)) return this.fromCookie(cookie);
        throw new InvalidAuthorizationHeader("Malformed Authorization header.");
      }
      const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon < 0) throw new InvalidAuthorizationHeader("Malformed Basic credentials.");
      const login = decoded.slice(0, colon);
      const password = decoded.slice(colon + 1);
      const user = await this.cachedLogin(login, password, address);
      return this.catalog.principals.actorFor(user, "basic");
    }
    return this.fromCookie(cookie);
  }

  private async cachedLogin(
    login: string,
    password: string,
    address: string,
  ): Promise<PrincipalRow> {
    const row = await this.catalog.principals.byKeyname(login, "U");
    // The key includes the stored hash, so a password change invalidates it at once.
    const key = createHash("sha256")
      .update(`${login.toLowerCase()}\0${password}\0${row?.passwordHash ?? ""}`)
      .digest("hex");
    const hit = this.#cache.get(key);
    if (row && hit && hit.expires > Date.now() && hit.userId === row.id && !row.disabled)
      return row;
    const user = await this.login(login, password, address);
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(key, { userId: user.id, expires: Date.now() + 60_000 });
    return user;
  }

  private async fromCookie(cookie: string | undefined): Promise<Actor> {
    const token = readCookie(cookie, SESSION_COOKIE);
    if (token) {
      const user = await this.catalog.principals.sessionUser(token);
      if (user) return this.catalog.principals.actorFor(user, "session");
    }
    return this.catalog.principals.guest();
  }
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name)
      return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}
