/** @module NGW auth endpoints: login/logout with the ngw_sid cookie, current_user, users, groups, registration, profile. */
import type { Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { SYSTEM } from "../../catalog/acl.ts";
import { AUDIT_MAX_LIMIT } from "../../catalog/audit.ts";
import {
  AuthenticationRequired,
  Forbidden,
  NotFound,
  ValidationError,
} from "../../catalog/errors.ts";
import type { PrincipalRow } from "../../catalog/principals.ts";
import { clientAddress, readCookie, SESSION_COOKIE } from "../../http/auth.ts";
import type { AppContext, Env } from "../../http/context.ts";
import { parseBool, readObject } from "./params.ts";

type C = Context<Env>;

export function authHandlers(app: AppContext) {
  const { catalog, config } = app;

  async function userJson(u: PrincipalRow, brief = false) {
    const memberOf = await catalog.principals.groupsOf(u.id);
    const base = { id: u.id, system: u.system, keyname: u.keyname, display_name: u.displayName };
    if (brief)
      return {
        ...base,
        disabled: u.disabled,
        is_administrator: u.superuser || memberOf.includes(SYSTEM.administrators),
      };
    return {
      ...base,
      description: u.description,
      disabled: u.disabled,
      superuser: u.superuser,
      is_administrator: u.superuser || memberOf.includes(SYSTEM.administrators),
      password: u.passwordHash !== null,
      language: u.language,
      last_activity: u.lastActivity,
      oauth_subject: null,
      oauth_tstamp: null,
      alink: null,
      member_of: memberOf,
      permissions: [],
    };
  }

  async function groupJson(g: PrincipalRow, brief = false) {
    const base = { id: g.id, system: g.system, keyname: g.keyname, display_name: g.displayName };
    if (brief) return base;
    return {
      ...base,
      description: g.description,
      register: g.register,
      members: await catalog.principals.membersOf(g.id),
      permissions: [],
    };
  }

  function admin(c: C) {
    if (!c.get("actor").superuser) {
      if (c.get("actor").id === SYSTEM.guest)
        throw new AuthenticationRequired("Administrator rights are required; please sign in.");
      throw new Forbidden("Administrator rights are required.");
    }
  }

  function principalId(c: C): number {
    const v = c.req.param("id") ?? "";
    if (!/^\d{1,15}$/.test(v)) throw new NotFound(`Principal ${v} was not found.`);
    return Number(v);
  }

  /** Login form bodies may be JSON or form-urlencoded (reference/ngw.md §1.1). */
  async function credentials(c: C): Promise<{ login: string; password: string }> {
    const type = c.req.header("content-type") ?? "";
    if (
      type.includes("application/x-www-form-urlencoded") ||
      type.includes("multipart/form-data")
    ) {
      // A broken multipart body (wrong boundary, truncated) is the client's error.
      const form = await c.req.parseBody().catch(() => {
        throw new ValidationError("The form body could not be parsed.");
      });
      return { login: String(form.login ?? ""), password: String(form.password ?? "") };
    }
    const b = await readObject(c, 64 * 1024);
    if (typeof b.login !== "string" || typeof b.password !== "string") {
      throw new ValidationError("Both 'login' and 'password' are required.");
    }
    return { login: b.login, password: b.password };
  }

  return {
    async login(c: C) {
      const { login, password } = await credentials(c);
      const user = await app.auth.login(login, password, clientAddress(c));
      const token = await catalog.principals.createSession(user.id);
      await catalog.principals.touch(user.id);
      // Secure only when the client really speaks TLS: the request scheme, or
      // X-Forwarded-Proto when GISD_TRUST_PROXY says a proxy sets it (a client cannot).
      setCookie(c, SESSION_COOKIE, token, {
        path: "/",
        httpOnly: true,
        sameSite: "Lax",
        secure: app.auth.isSecure(c),
        maxAge: 30 * 86400,
      });
      return c.json({
        id: user.id,
        keyname: user.keyname,
        display_name: user.displayName,
        home_url: "/resource/0",
      });
    },

    async logout(c: C) {
      const token = readCookie(c.req.header("cookie"), SESSION_COOKIE);
      if (token) await catalog.principals.dropSession(token);
      deleteCookie(c, SESSION_COOKIE, { path: "/" });
      return c.json({});
    },

    async currentUser(c: C) {
      const a = c.get("actor");
      if (
        a.id === SYSTEM.guest &&
        parseBool(c.req.query("require_authenticated"), "require_authenticated", false)
      ) {
        throw new AuthenticationRequired();
      }
      return c.json({
        id: a.id,
        keyname: a.keyname,
        display_name: a.displayName,
        language: "en",
        auth_medium: a.authMedium,
        auth_provider: a.authMedium ? "local_pw" : null,
      });
    },

    async register(c: C) {
      if (!config.registration) throw new Forbidden("Anonymous registration is disabled.");
      const b = await readObject(c, 64 * 1024);
      const groups = await catalog.principals.registerGroups();
      const id = await catalog.principals.createUser({
        keyname: b.keyname as string,
        display_name: (b.display_name as string) ?? (b.keyname as string),
        description: (b.description as string) ?? null,
        password: b.password as string,
        member_of: groups,
      });
      return c.json({ id }, 201);
    },

    async userList(c: C) {
      const brief = parseBool(c.req.query("brief"), "brief", false);
      if (!brief) admin(c);
      const users = await catalog.principals.list("U");
      return c.json(await Promise.all(users.map((u) => userJson(u, brief))));
    },

    async userCreate(c: C) {
      admin(c);
      const b = await readObject(c, 64 * 1024);
      const id = await catalog.principals.createUser(b as never);
      return c.json({ id }, 201);
    },

    async userItem(c: C) {
      admin(c);
      const u = await catalog.principals.get(principalId(c));
      if (u?.cls !== "U") throw new NotFound(`User ${c.req.param("id")} was not found.`);
      return c.json(await userJson(u));
    },

    async userUpdate(c: C) {
      admin(c);
      await catalog.principals.updateUser(
        principalId(c),
        (await readObject(c, 64 * 1024)) as never,
      );
      return c.json({});
    },

    async userDelete(c: C) {
      admin(c);
      await catalog.principals.deleteUser(principalId(c));
      return c.json({});
    },

    async groupList(c: C) {
      const brief = parseBool(c.req.query("brief"), "brief", false);
      if (!brief) admin(c);
      const groups = await catalog.principals.list("G");
      return c.json(await Promise.all(groups.map((g) => groupJson(g, brief))));
    },

    async groupCreate(c: C) {
      admin(c);
      const id = await catalog.principals.createGroup((await readObject(c, 64 * 1024)) as never);
      return c.json({ id }, 201);
    },

    async groupItem(c: C) {
      admin(c);
      const g = await catalog.principals.get(principalId(c));
      if (g?.cls !== "G") throw new NotFound(`Group ${c.req.param("id")} was not found.`);
      return c.json(await groupJson(g));
    },

    async groupUpdate(c: C) {
      admin(c);
      await catalog.principals.updateGroup(
        principalId(c),
        (await readObject(c, 64 * 1024)) as never,
      );
      return c.json({});
    },

    async groupDelete(c: C) {
      admin(c);
      await catalog.principals.deleteGroup(principalId(c));
      return c.json({});
    },

    /** The audit log, newest first (administrators): ?limit, ?before_id, ?event, ?principal, ?resource. */
    async audit(c: C) {
      admin(c);
      const int = (name: string) => {
        const v = c.req.query(name);
        if (v === undefined) return undefined;
        if (!/^\d{1,15}$/.test(v))
          throw new ValidationError(`'${name}' must be a non-negative integer.`);
        return Number(v);
      };
      const event = c.req.query("event");
      if (event !== undefined && !/^[a-z_.]{1,64}$/.test(event))
        throw new ValidationError("'event' must be an event name such as login.fail or acl.");
      const limit = int("limit");
      if (limit !== undefined && (limit < 1 || limit > AUDIT_MAX_LIMIT))
        throw new ValidationError(`'limit' must be 1 to ${AUDIT_MAX_LIMIT}.`);
      return c.json(
        await app.auth.audit.list({
          limit,
          beforeId: int("before_id"),
          event,
          principalId: int("principal"),
          resourceId: int("resource"),
        }),
      );
    },

    async profile(c: C) {
      const a = c.get("actor");
      if (a.id === SYSTEM.guest) throw new AuthenticationRequired();
      const u = (await catalog.principals.get(a.id))!;
      return c.json({
        keyname: u.keyname,
        display_name: u.displayName,
        language: u.language,
        oauth_subject: null,
      });
    },

    async profileUpdate(c: C) {
      const a = c.get("actor");
      if (a.id === SYSTEM.guest) throw new AuthenticationRequired();
      const b = await readObject(c, 64 * 1024);
      // A user may change only their own language and password here.
      await catalog.principals.updateUser(a.id, {
        language: b.language as string | undefined,
        password: typeof b.password === "string" ? b.password : undefined,
      });
      return c.json({});
    },
  };
}
