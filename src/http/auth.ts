/**
 * @module Who is asking: resolves HTTP Basic credentials or the `ngw_sid` session cookie to an
 * Actor. Shared by every face (each face's middleware calls it so failures use its own error
 * format). Verified Basic credentials are cached briefly because argon2id is deliberately slow
 * and clients such as GDAL send Basic on every request.
 */
import { createHash } from "node:crypto";
import type { Context } from "hono";
import type { Actor } from "../catalog/acl.ts";
import { Audit } from "../catalog/audit.ts";
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

  /** Counts a failure; true when it started (or extended) a lockout. */
  fail(keys: string[]): boolean {
    const now = Date.now();
    let locked = false;
    for (const k of keys) {
      let e = this.#fails.get(k);
      if (!e || now - e.first > this.windowMs) e = { count: 0, until: 0, first: now };
      e.count++;
      // Lockout doubles with every further failure past the limit (backoff), capped at a day.
      if (e.count >= this.maxFailures) {
        e.until = now + Math.min(this.lockMs * 2 ** (e.count - this.maxFailures), 86400_000);
        locked = true;
      }
      this.#fails.set(k, e);
    }
    if (this.#fails.size > 100_000) this.#fails.clear();
    return locked;
  }

  succeed(keys: string[]): void {
    for (const k of keys) this.#fails.delete(k);
  }

  /** Forgets every failure (tests that deliberately fail logins between scenarios). */
  reset(): void {
    this.#fails.clear();
  }
}

/** Methods that change nothing: a cookie authenticates them whatever their origin. */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export interface AuthOptions {
  /** Believe X-Forwarded-Proto/-Host (GISD_TRUST_PROXY). */
  trustProxy?: boolean;
  /** Origins allowed by CORS with credentials; their cookie writes are same-site by consent. */
  corsOrigins?: string[];
}

export class Authenticator {
  readonly #cache = new Map<string, { userId: number; expires: number }>();
  readonly throttle = new LoginThrottle();
  readonly audit: Audit;

  constructor(
    private readonly catalog: Catalog,
    private readonly opts: AuthOptions = {},
  ) {
    this.audit = new Audit(catalog.database.client);
  }

  /**
   * Checks a login/password pair with throttling; used by Basic auth and the login form.
   * Failures and lockouts are audited; successful form logins too (Basic re-checks credentials
   * every minute per client, which would flood the log).
   */
  async login(
    login: string,
    password: string,
    address: string,
    medium: "form" | "basic" = "form",
  ): Promise<PrincipalRow> {
    const keys = [`u:${login.toLowerCase()}`, `a:${address}`];
    this.throttle.check(keys);
    try {
      const row = await this.catalog.principals.authenticate(login, password);
      this.throttle.succeed(keys);
      if (medium === "form")
        await this.audit.record("login.ok", { actorId: row.id, principalId: row.id, address });
      return row;
    } catch (err) {
      if (err instanceof InvalidCredentials) {
        const locked = this.throttle.fail(keys);
        const detail = { login: login.slice(0, 100), medium };
        await this.audit.record(locked ? "login.lockout" : "login.fail", { address, detail });
      }
      throw err;
    }
  }

  /**
   * The actor of a request, from its Authorization header or session cookie. A cookie does not
   * authenticate an unsafe request (POST, PUT, PATCH, DELETE) that a browser may have sent on
   * another site's behalf (CSRF): such a request must carry X-Requested-With (which a
   * cross-site page cannot add without a CORS preflight) or an Origin/Referer of this server
   * or of a configured CORS origin; otherwise it is served as the guest. Basic auth is not
   * ambient, so clients sending it (GDAL, scripts) are unaffected.
   */
  forRequest(c: Context): Promise<Actor> {
    const authorization = c.req.header("authorization");
    let cookie = c.req.header("cookie");
    const basic = authorization !== undefined && /^\s*Basic\s/i.test(authorization);
    if (!basic && cookie && !SAFE_METHODS.has(c.req.method) && !this.sameOrigin(c))
      cookie = undefined;
    return this.resolve(authorization, cookie, clientAddress(c));
  }

  /** Whether the request demonstrably comes from a page of this server (or a CORS origin). */
  sameOrigin(c: Context): boolean {
    if (c.req.header("x-requested-with")) return true;
    const from = c.req.header("origin") ?? c.req.header("referer");
    if (!from || from === "null") return false;
    let url: URL;
    try {
      url = new URL(from);
    } catch {
      return false;
    }
    if (this.opts.corsOrigins?.includes(url.origin)) return true;
    return url.host.toLowerCase() === this.requestHost(c).toLowerCase();
  }

  /** The host the client addressed: Host, or X-Forwarded-Host behind a trusted proxy. */
  requestHost(c: Context): string {
    const forwarded = this.opts.trustProxy
      ? c.req.header("x-forwarded-host")?.split(",")[0]?.trim()
      : undefined;
    return forwarded || c.req.header("host") || new URL(c.req.url).host;
  }

  /** TLS as the client sees it: the request scheme, or X-Forwarded-Proto from a trusted proxy. */
  isSecure(c: Context): boolean {
    if (new URL(c.req.url).protocol === "https:") return true;
    if (!this.opts.trustProxy) return false;
    return c.req.header("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase() === "https";
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
    const user = await this.login(login, password, address, "basic");
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
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      // A malformed escape (`%ff`) is no session at all, not a server error.
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
