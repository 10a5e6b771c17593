/**
 * @module The core catalog tables (drizzle definitions). Their DDL lives in migrations/; a test
 * checks that both describe the same columns. Resource classes add their own tables in their
 * own schema files next to their class module.
 */
import { sql } from "drizzle-orm";
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

export const resource = sqliteTable(
  "resource",
  {
    id: integer("id").primaryKey(),
    cls: text("cls").notNull(),
    parentId: integer("parent_id"),
    keyname: text("keyname"),
    displayName: text("display_name").notNull(),
    description: text("description"),
    ownerUserId: integer("owner_user_id").notNull(),
    creationDate: text("creation_date").notNull(),
    /** Bumped on every change of the resource or its data; caches key on it. */
    version: integer("version").notNull().default(1),
  },
  (t) => [
    uniqueIndex("resource_keyname_uq").on(t.keyname),
    uniqueIndex("resource_sibling_name_uq").on(t.parentId, t.displayName),
    index("resource_parent_idx").on(t.parentId),
  ],
);

export const resourceAcl = sqliteTable(
  "resource_acl",
  {
    id: integer("id").primaryKey(),
    resourceId: integer("resource_id").notNull(),
    position: integer("position").notNull(),
    action: text("action").notNull(),
    principalId: integer("principal_id").notNull(),
    identity: text("identity").notNull().default(""),
    scope: text("scope").notNull().default(""),
    permission: text("permission").notNull().default(""),
    propagate: integer("propagate", { mode: "boolean" }).notNull().default(true),
  },
  (t) => [index("resource_acl_resource_idx").on(t.resourceId)],
);

export const resmeta = sqliteTable(
  "resmeta",
  {
    resourceId: integer("resource_id").notNull(),
    key: text("key").notNull(),
    /** One of str, int, float, bool, null: the JSON type the client wrote. */
    vtype: text("vtype").notNull(),
    value: text("value"),
  },
  (t) => [primaryKey({ columns: [t.resourceId, t.key] })],
);

/**
 * Typed properties that a face needs to round-trip but the core model has no column for
 * (GeoServer namespace URIs and store connection parameters, GeoNode categories and ratings).
 * One JSON document per resource and namespace; the catalog stays the single source of truth.
 */
export const resourceExt = sqliteTable(
  "resource_ext",
  {
    resourceId: integer("resource_id").notNull(),
    ns: text("ns").notNull(),
    data: text("data").notNull(),
  },
  (t) => [primaryKey({ columns: [t.resourceId, t.ns] })],
);

export const principal = sqliteTable(
  "principal",
  {
    id: integer("id").primaryKey(),
    /** U for a user, G for a group. */
    cls: text("cls").notNull(),
    system: integer("system", { mode: "boolean" }).notNull().default(false),
    keyname: text("keyname").notNull(),
    displayName: text("display_name").notNull(),
    description: text("description"),
    disabled: integer("disabled", { mode: "boolean" }).notNull().default(false),
    superuser: integer("superuser", { mode: "boolean" }).notNull().default(false),
    passwordHash: text("password_hash"),
    language: text("language"),
    lastActivity: text("last_activity"),
    /** Groups only: new self-registered users join groups with this flag. */
    register: integer("register", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [uniqueIndex("principal_keyname_uq").on(sql`lower(${t.keyname})`, t.cls)],
);

export const principalMember = sqliteTable(
  "principal_member",
  {
    groupId: integer("group_id").notNull(),
    userId: integer("user_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] })],
);

/** Sessions live in the catalog so that every node of a cluster honours them. */
export const session = sqliteTable("session", {
  /** SHA-256 of the cookie value; the raw token is never stored. */
  id: text("id").primaryKey(),
  userId: integer("user_id").notNull(),
  created: text("created").notNull(),
  expires: text("expires").notNull(),
});

export const upload = sqliteTable("upload", {
  id: text("id").primaryKey(),
  name: text("name"),
  mimeType: text("mime_type"),
  size: integer("size").notNull(),
  /** Expected total for a resumable (tus) upload; equals size when complete. */
  length: integer("length").notNull(),
  created: text("created").notNull(),
  ownerId: integer("owner_id").notNull(),
});

/** Key/value settings the server keeps across restarts (e.g. whether samples were loaded). */
export const setting = sqliteTable("setting", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});
