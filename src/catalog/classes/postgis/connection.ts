/**
 * @module postgis_connection: where a PostGIS database is (NGW's `postgis_connection` key:
 * hostname, port, database, username, password). The password is stored encrypted
 * (catalog/secrets.ts) and no API ever returns it, not even to its owner: clients can set it,
 * never read it back. Reading the other settings needs connection.read, changing them
 * connection.write (reference/ngw.md §5).
 */
import { InsufficientPermissions, ValidationError } from "../../errors.ts";
import type { Executor } from "../../tx.ts";
import type { ClassDeps, ResourceClass } from "../registry.ts";
import { type ConnectionRow, dropPool, secretsOf } from "./pools.ts";

export async function readConnection(db: Executor, id: number): Promise<ConnectionRow | undefined> {
  const rs = await db.execute({
    sql: "SELECT hostname, port, dbname, username, password_enc FROM postgis_connection WHERE resource_id = ?",
    args: [id],
  });
  const r = rs.rows[0];
  if (!r) return undefined;
  return {
    resourceId: id,
    hostname: String(r.hostname),
    port: r.port === null ? null : Number(r.port),
    dbname: String(r.dbname),
    username: String(r.username),
    passwordEnc: String(r.password_enc),
  };
}

function text(v: unknown, key: string, max: number): string {
  if (typeof v !== "string" || v.trim() === "" || v.length > max || v.includes("\0"))
    throw new ValidationError(`'postgis_connection.${key}' must be a non-empty string.`);
  return v;
}

function port(v: unknown): number | null {
  if (v === null || v === undefined || v === "") return null;
  const n = typeof v === "string" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > 65535)
    throw new ValidationError("'postgis_connection.port' must be an integer from 1 to 65535.");
  return n;
}

/** The stored row after applying a create or update body (password encrypted). */
export function connectionFrom(
  deps: Pick<ClassDeps, "files">,
  body: Record<string, unknown>,
  current: Omit<ConnectionRow, "resourceId"> | undefined,
): Omit<ConnectionRow, "resourceId"> {
  const pick = (k: string, fallback: string | undefined, max = 255) =>
    body[k] === undefined && fallback !== undefined ? fallback : text(body[k], k, max);
  return {
    hostname: pick("hostname", current?.hostname),
    port: body.port === undefined ? (current?.port ?? null) : port(body.port),
    dbname: pick("database", current?.dbname, 63),
    username: pick("username", current?.username, 63),
    passwordEnc:
      body.password === undefined && current
        ? current.passwordEnc
        : secretsOf(deps).encrypt(text(body.password, "password", 1024)),
  };
}

export const postgisConnection: ResourceClass = {
  identity: "postgis_connection",
  label: "PostGIS connection",
  order: 80,
  scopes: ["connection", "resource", "metadata"],
  interfaces: [],
  category: "data_sources",
  parents: ["*"],
  keys: ["postgis_connection"],

  async serialize(ctx, row) {
    if (!ctx.perms.has("connection.read")) return {};
    const c = await readConnection(ctx.client, row.id);
    if (!c) return {};
    // No password key at all: NGW returns it to readers; gisd never does (it is write-only).
    return {
      postgis_connection: {
        hostname: c.hostname,
        port: c.port,
        database: c.dbname,
        username: c.username,
      },
    };
  },

  async write(ctx, row, body) {
    const data = body.postgis_connection;
    if (data === undefined && !ctx.creating) return;
    if (typeof data !== "object" || data === null || Array.isArray(data))
      throw new ValidationError("'postgis_connection' must be an object.");
    if (!ctx.creating && !ctx.perms.has("connection.write"))
      throw new InsufficientPermissions(row.id, "connection", "write");
    const current = ctx.creating ? undefined : await readConnection(ctx.tx.raw, row.id);
    const c = connectionFrom(ctx, data as Record<string, unknown>, current);
    await ctx.tx.raw.execute({
      sql: `INSERT INTO postgis_connection (resource_id, hostname, port, dbname, username, password_enc)
        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (resource_id) DO UPDATE SET hostname = excluded.hostname,
        port = excluded.port, dbname = excluded.dbname, username = excluded.username,
        password_enc = excluded.password_enc`,
      args: [row.id, c.hostname, c.port, c.dbname, c.username, c.passwordEnc],
    });
    ctx.tx.afterCommit(() => dropPool(ctx, row.id));
  },

  async remove(ctx, row) {
    const used = await ctx.tx.raw.execute({
      sql: "SELECT resource_id FROM postgis_layer WHERE connection_id = ? LIMIT 1",
      args: [row.id],
    });
    if (used.rows.length)
      throw new ValidationError(
        `The connection is used by PostGIS layer ${used.rows[0]!.resource_id}; delete its layers first.`,
      );
    await ctx.tx.raw.execute({
      sql: "DELETE FROM postgis_connection WHERE resource_id = ?",
      args: [row.id],
    });
    ctx.tx.afterCommit(() => dropPool(ctx, row.id));
  },
};
