/** @module NGW resource endpoints: item, collection, search, permission, blueprint/schema, legacy child and store forms. */
import type { Context } from "hono";
import { ResourceNotFound, ValidationError } from "../../catalog/errors.ts";
import type { ResourceRow } from "../../catalog/index.ts";
import { SCOPES } from "../../catalog/scopes.ts";
import type { AppContext, Env } from "../../http/context.ts";
import { parseInt32, readObject, resourceId } from "./params.ts";
import { searchResources } from "./resource-search.ts";

type C = Context<Env>;

export function resourceHandlers(app: AppContext) {
  const { catalog, config } = app;

  async function children(c: C, parentId: number) {
    const actor = c.get("actor");
    const kids = await catalog.resources.children(actor, parentId);
    return Promise.all(kids.map((k) => catalog.describeRow(actor, k.row, k.perms)));
  }

  return {
    async item(c: C) {
      return c.json(await catalog.describe(c.get("actor"), resourceId(c)));
    },

    async update(c: C) {
      const body = await readObject(c, config.maxJsonBody);
      await catalog.resources.update(c.get("actor"), resourceId(c), body);
      return c.json({});
    },

    async remove(c: C) {
      await catalog.resources.delete(c.get("actor"), resourceId(c));
      return c.json({});
    },

    /** Children of ?parent= (a bare array); without parent, [root]. Unreadable ones are skipped. */
    async collection(c: C) {
      const parent = c.req.query("parent");
      if (parent === undefined || parent === "") {
        const actor = c.get("actor");
        const out = [];
        for (const root of await catalog.resources.roots()) {
          const perms = await catalog.access.permissions(actor, root.id);
          if (perms.has("resource.read")) out.push(await catalog.describeRow(actor, root, perms));
        }
        return c.json(out);
      }
      const id = parseInt32(parent, "parent", { min: 0 });
      return c.json(await children(c, id!));
    },

    async create(c: C) {
      const body = await readObject(c, config.maxJsonBody);
      const res = body.resource;
      // Older clients give the parent as ?parent=; the body wins when both are present.
      const qp = c.req.query("parent");
      if (qp !== undefined && typeof res === "object" && res !== null && !("parent" in res)) {
        (res as Record<string, unknown>).parent = { id: parseInt32(qp, "parent", { min: 0 }) };
      }
      const r = await catalog.resources.create(c.get("actor"), body);
      c.header("Location", new URL(`/api/resource/${r.id}`, c.req.url).toString());
      return c.json({ id: r.id, parent: { id: r.parentId } }, 201);
    },

    async permission(c: C) {
      const actor = c.get("actor");
      const id = resourceId(c);
      const { row, perms } = await catalog.resources.require(actor, id, "resource.read");
      let effective = perms;
      const userParam = c.req.query("user");
      if (userParam !== undefined) {
        const uid = parseInt32(userParam, "user", { min: 0 })!;
        if (uid !== actor.id) {
          if (!perms.has("resource.change_permissions")) {
            await catalog.resources.require(actor, id, "resource.change_permissions");
          }
          const user = await catalog.principals.get(uid);
          if (user?.cls !== "U") throw new ValidationError(`User ${uid} was not found.`);
          effective = await catalog.access.permissions(
            await catalog.principals.actorFor(user, null),
            id,
          );
        }
      }
      return c.json(permissionDocument(catalog.resources.classOf(row).scopes, effective));
    },

    async search(c: C) {
      return c.json(await searchResources(app, c.get("actor"), new URL(c.req.url).searchParams));
    },

    blueprint(c: C) {
      return c.json(blueprint(app));
    },

    /** The 4.x-era /resource/schema shape of seed 002. */
    schema(c: C) {
      const bp = blueprint(app);
      const resources: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(bp.resources)) {
        resources[k] = { identity: v.identity, label: v.label, scopes: v.scopes };
      }
      const scopes: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(bp.scopes)) {
        const perms: Record<string, unknown> = {};
        for (const [p, d] of Object.entries(v.permissions)) perms[p] = { label: d.label };
        scopes[k] = { identity: k, label: v.label, permissions: perms };
      }
      return c.json({ scopes, resources });
    },

    // --- deprecated forms of seed 002 ---------------------------------------------------

    async legacyChildren(c: C) {
      const p = c.req.param("id");
      const id = p === "-" ? null : resourceId(c);
      if (id === null) {
        const actor = c.get("actor");
        const root = await catalog.resources.roots();
        const out = [];
        for (const r of root) {
          const perms = await catalog.access.permissions(actor, r.id);
          if (perms.has("resource.read")) out.push(await catalog.describeRow(actor, r, perms));
        }
        return c.json(out);
      }
      return c.json(await children(c, id));
    },

    async legacyChild(c: C) {
      const parent = c.req.param("id");
      const childId = resourceId(c, "child");
      const doc = await catalog.describe(c.get("actor"), childId);
      const actualParent = (doc.resource.parent as { id: number } | null)?.id ?? null;
      if (parent !== "-" && String(actualParent) !== parent) throw new ResourceNotFound(childId);
      return c.json(doc);
    },

    /** /resource/store/[?id=|?parent_id=]: flat resource records as the old store API gave. */
    async legacyStore(c: C) {
      const actor = c.get("actor");
      const idParam = c.req.param("id") ?? c.req.query("id");
      const parentParam = c.req.query("parent_id");
      const flat = (row: ResourceRow) => ({
        id: row.id,
        cls: row.cls,
        parent_id: row.parentId,
        display_name: row.displayName,
        keyname: row.keyname,
        owner_user_id: row.ownerUserId,
      });
      if (idParam !== undefined) {
        const id = parseInt32(idParam, "id", { min: 0 })!;
        const { row } = await catalog.resources.require(actor, id, "resource.read");
        return c.json(flat(row));
      }
      if (parentParam !== undefined) {
        const kids = await catalog.resources.children(
          actor,
          parseInt32(parentParam, "parent_id", { min: 0 })!,
        );
        return c.json(kids.map((k) => flat(k.row)));
      }
      const rows = await searchResources(
        app,
        actor,
        new URLSearchParams({ serialization: "resource" }),
      );
      return c.json((rows as { resource: Record<string, unknown> }[]).map((r) => r.resource));
    },
  };
}

/** One object per scope of the class, each permission mapped to whether it is held. */
export function permissionDocument(scopes: readonly string[], perms: ReadonlySet<string>) {
  const out: Record<string, Record<string, boolean>> = {};
  for (const s of scopes) {
    const def = SCOPES[s];
    if (!def) continue;
    out[s] = {};
    for (const p of Object.keys(def.permissions)) out[s]![p] = perms.has(`${s}.${p}`);
  }
  return out;
}

function blueprint(app: AppContext) {
  const resources: Record<
    string,
    {
      identity: string;
      label: string;
      base_classes: string[];
      interfaces: readonly string[];
      scopes: readonly string[];
      category: string;
      order: number;
    }
  > = {};
  for (const cls of app.catalog.classes.all()) {
    resources[cls.identity] = {
      identity: cls.identity,
      label: cls.label,
      base_classes: ["resource"],
      interfaces: cls.interfaces,
      scopes: cls.scopes,
      category: cls.category,
      order: cls.order,
    };
  }
  const scopes: Record<
    string,
    {
      identity: string;
      label: string;
      permissions: Record<string, { identity: string; label: string }>;
    }
  > = {};
  for (const [k, def] of Object.entries(SCOPES)) {
    const permissions: Record<string, { identity: string; label: string }> = {};
    for (const [p, label] of Object.entries(def.permissions))
      permissions[p] = { identity: p, label };
    scopes[k] = { identity: k, label: def.label, permissions };
  }
  const categories = {
    resource_groups: { identity: "resource_groups", label: "Resource groups", order: 0 },
    layers_and_styles: { identity: "layers_and_styles", label: "Layers and styles", order: 10 },
    web_maps: { identity: "web_maps", label: "Web maps", order: 20 },
    services: { identity: "services", label: "Services", order: 30 },
    data_storages: { identity: "data_storages", label: "Data storages", order: 40 },
    miscellaneous: { identity: "miscellaneous", label: "Miscellaneous", order: 50 },
  };
  return { resources, scopes, categories };
}
