/**
 * @module The catalog: one value that owns the database, the file store, the class registry,
 * principals, the resource tree and uploads. Faces receive it; nothing else touches the tables.
 */
import { eq } from "drizzle-orm";
import { Access } from "./access.ts";
import { type Actor, SYSTEM } from "./acl.ts";
import { type ClassDeps, ClassRegistry, type ResourceClass } from "./classes/registry.ts";
import { resourceGroup } from "./classes/resource-group.ts";
import { ChangeFeed } from "./cluster-changes.ts";
import { type Composite, serializeComposite } from "./composite.ts";
import { type Database, openDatabase } from "./db.ts";
import { FileStore } from "./files.ts";
import { Principals } from "./principals.ts";
import type { ResourceRow } from "./resource-row.ts";
import { Resources } from "./resources.ts";
import { resource, resourceAcl, setting } from "./schema.ts";
import { type SearchFilter, searchRows } from "./search.ts";
import { Uploads } from "./uploads.ts";

export interface CatalogOptions {
  databaseUrl: string;
  databaseAuthToken?: string;
  dataDir: string;
  maxUpload: number;
  /** Extra resource classes (vector_layer, styles, …) registered by the engines that own them. */
  classes?: ResourceClass[];
}

export class Catalog {
  readonly classes: ClassRegistry;
  readonly files: FileStore;
  readonly principals: Principals;
  readonly resources: Resources;
  readonly uploads: Uploads;
  readonly access: Access;
  readonly deps: ClassDeps;
  /** Changes made by other nodes (or processes) on the same catalog, replayed to onChange. */
  changes: ChangeFeed | undefined;

  private constructor(
    readonly database: Database,
    opts: CatalogOptions,
  ) {
    this.classes = new ClassRegistry().register(resourceGroup);
    for (const c of opts.classes ?? []) this.classes.register(c);
    this.files = new FileStore(`${opts.dataDir}/files`);
    this.principals = new Principals(database.db);
    this.access = new Access(database.client, this.classes);
    this.uploads = new Uploads(database.db, this.files, opts.maxUpload);
    this.deps = {
      db: database.db,
      client: database.client,
      files: this.files,
      uploads: this.uploads,
      classes: this.classes,
      getRow: (id) => this.resources.row(id),
      permissions: (actor, id) => this.access.permissions(actor, id),
    };
    this.resources = new Resources(this.deps, this.access, this.classes);
  }

  /** Opens (and migrates) the catalog; creates the system principals and root on first start. */
  static async open(
    opts: CatalogOptions & { adminPassword?: string },
  ): Promise<{ catalog: Catalog; generatedPassword?: string }> {
    const database = await openDatabase(opts.databaseUrl, opts.databaseAuthToken);
    const catalog = new Catalog(database, opts);
    // Under the cluster lock: nodes starting together on an empty server bootstrap it once.
    const generatedPassword = await database.exclusive("bootstrap", async () => {
      const generated = await catalog.principals.bootstrap(opts.adminPassword);
      await catalog.ensureRoot();
      return generated;
    });
    catalog.changes = await new ChangeFeed(database.client, (id) =>
      catalog.resources.emit(id, "data"),
    ).start();
    return { catalog, generatedPassword };
  }

  private async ensureRoot(): Promise<void> {
    const root = await this.database.db
      .select({ id: resource.id })
      .from(resource)
      .where(eq(resource.id, 0));
    if (root.length > 0) return;
    await this.database.db
      .insert(resource)
      .values({
        id: 0,
        cls: "resource_group",
        parentId: null,
        displayName: "Main resource group",
        ownerUserId: SYSTEM.administrator,
        creationDate: new Date().toISOString().slice(0, 19),
      })
      .onConflictDoNothing();
    // NGW's fresh-install ACL (reference/ngw.md §5.3): administrators may do everything,
    // authenticated users may see the root; guests get nothing until a rule grants it.
    await this.database.db.insert(resourceAcl).values([
      {
        resourceId: 0,
        position: 0,
        action: "allow",
        principalId: SYSTEM.administrators,
        propagate: true,
      },
      {
        resourceId: 0,
        position: 1,
        action: "allow",
        principalId: SYSTEM.authenticated,
        scope: "resource",
        permission: "read",
        propagate: false,
      },
    ]);
  }

  /** The composite document of one resource as the actor may see it. */
  async describe(actor: Actor, id: number): Promise<Composite> {
    const { row, perms } = await this.resources.require(actor, id, "resource.read");
    return serializeComposite(this.deps, this.resources, actor, row, perms);
  }

  async describeRow(
    actor: Actor,
    row: ResourceRow,
    perms: ReadonlySet<string>,
    full = true,
  ): Promise<Composite> {
    return serializeComposite(this.deps, this.resources, actor, row, perms, { full });
  }

  /** Resources matching a filter that the actor can read. */
  search(actor: Actor, filter: SearchFilter) {
    return searchRows(this.database.client, this.access, actor, filter);
  }

  async getSetting(key: string): Promise<string | undefined> {
    const rows = await this.database.db.select().from(setting).where(eq(setting.key, key));
    return rows[0]?.value;
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.database.db
      .insert(setting)
      .values({ key, value })
      .onConflictDoUpdate({ target: setting.key, set: { value } });
  }

  close(): void {
    this.changes?.stop();
    this.database.close();
  }
}

export type { Actor, Composite, ResourceRow };
