/**
 * @module Users and groups (NextGIS Web's principals), passwords, sessions and the Actor that
 * every catalog call receives. System principals have fixed ids (see SYSTEM in acl.ts).
 */
import { createHash, randomBytes } from "node:crypto";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { type Actor, SYSTEM } from "./acl.ts";
import type { Db } from "./db.ts";
import { Forbidden, InvalidCredentials, NotFound, ValidationError } from "./errors.ts";
import { principal, principalMember, session } from "./schema.ts";

export type PrincipalRow = typeof principal.$inferSelect;

const SESSION_DAYS = 30;
const KEYNAME_RE = /^[A-Za-z0-9_.@-]{1,100}$/;

/** A hash no real password matches; verifying against it keeps failed logins as slow as good ones. */
let dummyHash: Promise<string> | undefined;

export interface UserInput {
  keyname?: string;
  display_name?: string;
  description?: string | null;
  password?: string | boolean;
  disabled?: boolean;
  superuser?: boolean;
  member_of?: number[];
  language?: string | null;
}

export interface GroupInput {
  keyname?: string;
  display_name?: string;
  description?: string | null;
  register?: boolean;
  members?: number[];
}

function now(): string {
  return new Date().toISOString().slice(0, 19);
}

export class Principals {
  constructor(private readonly db: Db) {}

  /** Creates the system principals and the administrator on first start; returns a generated password if one was made. */
  async bootstrap(adminPassword: string | undefined): Promise<string | undefined> {
    const existing = await this.db
      .select({ id: principal.id })
      .from(principal)
      .where(eq(principal.id, SYSTEM.administrator));
    if (existing.length > 0) return undefined;
    const generated = adminPassword ? undefined : randomBytes(12).toString("base64url");
    const hash = await hashPassword(adminPassword ?? generated!);
    const rows: (typeof principal.$inferInsert)[] = [
      { id: SYSTEM.everyone, cls: "U", system: true, keyname: "everyone", displayName: "Everyone" },
      {
        id: SYSTEM.authenticated,
        cls: "U",
        system: true,
        keyname: "authenticated",
        displayName: "Authenticated",
      },
      { id: SYSTEM.guest, cls: "U", system: true, keyname: "guest", displayName: "Guest" },
      {
        id: SYSTEM.administrator,
        cls: "U",
        keyname: "administrator",
        displayName: "Administrator",
        superuser: true,
        passwordHash: hash,
      },
      {
        id: SYSTEM.administrators,
        cls: "G",
        system: true,
        keyname: "administrators",
        displayName: "Administrators",
      },
      { id: SYSTEM.owner, cls: "U", system: true, keyname: "owner", displayName: "Owner" },
    ];
    await this.db.insert(principal).values(rows).onConflictDoNothing();
    await this.db
      .insert(principalMember)
      .values({ groupId: SYSTEM.administrators, userId: SYSTEM.administrator })
      .onConflictDoNothing();
    return generated;
  }

  async get(id: number): Promise<PrincipalRow | undefined> {
    const rows = await this.db.select().from(principal).where(eq(principal.id, id));
    return rows[0];
  }

  async byKeyname(keyname: string, cls: "U" | "G"): Promise<PrincipalRow | undefined> {
    const rows = await this.db
      .select()
      .from(principal)
      .where(and(sql`lower(${principal.keyname}) = lower(${keyname})`, eq(principal.cls, cls)));
    return rows[0];
  }

  async list(cls: "U" | "G"): Promise<PrincipalRow[]> {
    return this.db
      .select()
      .from(principal)
      .where(eq(principal.cls, cls))
      .orderBy(asc(principal.id));
  }

  async groupsOf(userId: number): Promise<number[]> {
    const rows = await this.db
      .select({ g: principalMember.groupId })
      .from(principalMember)
      .where(eq(principalMember.userId, userId));
    return rows.map((r) => r.g);
  }

  async membersOf(groupId: number): Promise<number[]> {
    const rows = await this.db
      .select({ u: principalMember.userId })
      .from(principalMember)
      .where(eq(principalMember.groupId, groupId));
    return rows.map((r) => r.u);
  }

  async actorFor(row: PrincipalRow, authMedium: Actor["authMedium"]): Promise<Actor> {
    const groups = new Set(await this.groupsOf(row.id));
    return {
      id: row.id,
      keyname: row.keyname,
      displayName: row.displayName,
      superuser: row.superuser || groups.has(SYSTEM.administrators),
      groups,
      authMedium,
    };
  }

  guest(): Actor {
    return {
      id: SYSTEM.guest,
      keyname: "guest",
      displayName: "Guest",
      superuser: false,
      groups: new Set(),
      authMedium: null,
    };
  }

  /** Checks a login and password in constant time per attempt; disabled users are refused. */
  async authenticate(login: string, password: string): Promise<PrincipalRow> {
    const row = await this.byKeyname(login, "U");
    dummyHash ??= hashPassword(randomBytes(16).toString("hex"));
    const hash = row?.passwordHash ?? (await dummyHash);
    const ok = await Bun.password.verify(password, hash).catch(() => false);
    if (!row || !ok || row.system) throw new InvalidCredentials();
    if (row.disabled) throw new InvalidCredentials("User is disabled.");
    return row;
  }

  async touch(id: number): Promise<void> {
    await this.db.update(principal).set({ lastActivity: now() }).where(eq(principal.id, id));
  }

  // --- sessions -------------------------------------------------------------------------

  async createSession(userId: number): Promise<string> {
    const token = randomBytes(32).toString("base64url");
    const expires = new Date(Date.now() + SESSION_DAYS * 86400_000).toISOString();
    await this.db.insert(session).values({ id: sha256(token), userId, created: now(), expires });
    return token;
  }

  async sessionUser(token: string): Promise<PrincipalRow | undefined> {
    const rows = await this.db
      .select()
      .from(session)
      .where(eq(session.id, sha256(token)));
    const s = rows[0];
    if (!s || s.expires < new Date().toISOString()) return undefined;
    const user = await this.get(s.userId);
    return user && !user.disabled ? user : undefined;
  }

  async dropSession(token: string): Promise<void> {
    await this.db.delete(session).where(eq(session.id, sha256(token)));
  }

  // --- administration (callers check that the actor may administer) ------------------------

  async createUser(input: UserInput): Promise<number> {
    const keyname = checkKeyname(input.keyname);
    if (await this.byKeyname(keyname, "U"))
      throw new ValidationError(`User name '${keyname}' is not unique.`);
    if (typeof input.password !== "string" || input.password.length === 0) {
      throw new ValidationError("Password is required.");
    }
    checkPassword(input.password, keyname);
    const hash = await hashPassword(input.password);
    const [row] = await this.db
      .insert(principal)
      .values({
        cls: "U",
        keyname,
        displayName: checkDisplayName(input.display_name ?? keyname),
        description: input.description ?? null,
        disabled: input.disabled ?? false,
        superuser: input.superuser ?? false,
        passwordHash: hash,
        language: input.language ?? null,
      })
      .returning({ id: principal.id });
    const id = row!.id;
    await this.setMembership(id, input.member_of ?? []);
    return id;
  }

  async updateUser(id: number, input: UserInput): Promise<void> {
    const row = await this.get(id);
    if (row?.cls !== "U") throw new NotFound(`User ${id} was not found.`);
    const set: Partial<typeof principal.$inferInsert> = {};
    if (input.keyname !== undefined) {
      if (row.system) throw new Forbidden("System users cannot be renamed.");
      const keyname = checkKeyname(input.keyname);
      const other = await this.byKeyname(keyname, "U");
      if (other && other.id !== id)
        throw new ValidationError(`User name '${keyname}' is not unique.`);
      set.keyname = keyname;
    }
    if (input.display_name !== undefined) set.displayName = checkDisplayName(input.display_name);
    if (input.description !== undefined) set.description = input.description;
    if (input.disabled !== undefined) {
      if (id === SYSTEM.administrator && input.disabled)
        throw new ValidationError("The administrator cannot be disabled.");
      set.disabled = Boolean(input.disabled);
    }
    if (input.superuser !== undefined) set.superuser = Boolean(input.superuser);
    if (input.language !== undefined) set.language = input.language;
    if (typeof input.password === "string") {
      checkPassword(input.password, set.keyname ?? row.keyname);
      set.passwordHash = await hashPassword(input.password);
    } else if (input.password === false) {
      set.passwordHash = null;
    }
    if (Object.keys(set).length > 0)
      await this.db.update(principal).set(set).where(eq(principal.id, id));
    if (input.member_of !== undefined) await this.setMembership(id, input.member_of);
  }

  async deleteUser(id: number): Promise<void> {
    const row = await this.get(id);
    if (row?.cls !== "U") throw new NotFound(`User ${id} was not found.`);
    if (row.system || id === SYSTEM.administrator)
      throw new Forbidden("System users cannot be deleted.");
    await this.db.delete(principalMember).where(eq(principalMember.userId, id));
    await this.db.delete(session).where(eq(session.userId, id));
    await this.db.delete(principal).where(eq(principal.id, id));
  }

  async createGroup(input: GroupInput): Promise<number> {
    const keyname = checkKeyname(input.keyname);
    if (await this.byKeyname(keyname, "G"))
      throw new ValidationError(`Group name '${keyname}' is not unique.`);
    const [row] = await this.db
      .insert(principal)
      .values({
        cls: "G",
        keyname,
        displayName: checkDisplayName(input.display_name ?? keyname),
        description: input.description ?? null,
        register: input.register ?? false,
      })
      .returning({ id: principal.id });
    const id = row!.id;
    if (input.members) await this.setMembers(id, input.members);
    return id;
  }

  async updateGroup(id: number, input: GroupInput): Promise<void> {
    const row = await this.get(id);
    if (row?.cls !== "G") throw new NotFound(`Group ${id} was not found.`);
    const set: Partial<typeof principal.$inferInsert> = {};
    if (input.keyname !== undefined) {
      if (row.system) throw new Forbidden("System groups cannot be renamed.");
      const keyname = checkKeyname(input.keyname);
      const other = await this.byKeyname(keyname, "G");
      if (other && other.id !== id)
        throw new ValidationError(`Group name '${keyname}' is not unique.`);
      set.keyname = keyname;
    }
    if (input.display_name !== undefined) set.displayName = checkDisplayName(input.display_name);
    if (input.description !== undefined) set.description = input.description;
    if (input.register !== undefined) set.register = Boolean(input.register);
    if (Object.keys(set).length > 0)
      await this.db.update(principal).set(set).where(eq(principal.id, id));
    if (input.members !== undefined) {
      if (id === SYSTEM.administrators && !input.members.includes(SYSTEM.administrator)) {
        throw new ValidationError("The administrator must stay in the administrators group.");
      }
      await this.setMembers(id, input.members);
    }
  }

  async deleteGroup(id: number): Promise<void> {
    const row = await this.get(id);
    if (row?.cls !== "G") throw new NotFound(`Group ${id} was not found.`);
    if (row.system) throw new Forbidden("System groups cannot be deleted.");
    await this.db.delete(principalMember).where(eq(principalMember.groupId, id));
    await this.db.delete(principal).where(eq(principal.id, id));
  }

  async registerGroups(): Promise<number[]> {
    const rows = await this.db
      .select({ id: principal.id })
      .from(principal)
      .where(and(eq(principal.cls, "G"), eq(principal.register, true)));
    return rows.map((r) => r.id);
  }

  private async setMembership(userId: number, groups: number[]): Promise<void> {
    await this.checkIds(groups, "G");
    await this.db.delete(principalMember).where(eq(principalMember.userId, userId));
    if (groups.length > 0) {
      await this.db
        .insert(principalMember)
        .values([...new Set(groups)].map((g) => ({ groupId: g, userId })));
    }
  }

  private async setMembers(groupId: number, users: number[]): Promise<void> {
    await this.checkIds(users, "U");
    await this.db.delete(principalMember).where(eq(principalMember.groupId, groupId));
    if (users.length > 0) {
      await this.db
        .insert(principalMember)
        .values([...new Set(users)].map((u) => ({ groupId, userId: u })));
    }
  }

  private async checkIds(ids: number[], cls: "U" | "G"): Promise<void> {
    if (!Array.isArray(ids) || ids.some((i) => !Number.isSafeInteger(i))) {
      throw new ValidationError("Expected a list of principal ids.");
    }
    if (ids.length === 0) return;
    const rows = await this.db
      .select({ id: principal.id })
      .from(principal)
      .where(and(inArray(principal.id, ids), eq(principal.cls, cls)));
    if (rows.length !== new Set(ids).size) {
      throw new ValidationError(cls === "G" ? "Unknown group id." : "Unknown user id.");
    }
  }
}

/**
 * argon2id with OWASP's recommended minimum (19 MiB, 2 passes): strong against offline attack
 * while keeping a login at a few milliseconds of CPU and the process small.
 */
export function hashPassword(p: string): Promise<string> {
  return Bun.password.hash(p, { algorithm: "argon2id", memoryCost: 19456, timeCost: 2 });
}

function sha256(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}

function checkKeyname(k: unknown): string {
  if (typeof k !== "string" || !KEYNAME_RE.test(k)) {
    throw new ValidationError("Keyname must be 1-100 characters: letters, digits, _ . @ -.");
  }
  return k;
}

function checkDisplayName(s: unknown): string {
  if (typeof s !== "string" || s.trim() === "" || s.length > 255) {
    throw new ValidationError("Display name must be a non-empty string of at most 255 characters.");
  }
  return s;
}

/** Shortest password accepted (docs/security.md). */
export const PASSWORD_MIN_LENGTH = 8;

/**
 * Password policy (docs/security.md): 8 to 1024 characters, not the user name (in any case,
 * or reversed), not one character repeated. Applied wherever a password is set: the NGW user
 * and profile APIs, registration and the `gisd user` CLI all come through here.
 */
export function checkPassword(p: string, keyname?: string): void {
  if (p.length < PASSWORD_MIN_LENGTH)
    throw new ValidationError(`Password must be at least ${PASSWORD_MIN_LENGTH} characters long.`);
  if (p.length > 1024) throw new ValidationError("Password is too long.");
  const lower = p.toLowerCase();
  const name = keyname?.toLowerCase();
  if (name && (lower === name || lower === [...name].reverse().join("")))
    throw new ValidationError("Password must not be the user name.");
  if (new Set(p).size === 1)
    throw new ValidationError("Password must not be one character repeated.");
}
