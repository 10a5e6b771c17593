/**
 * @module GeoNode's asynchronous side (reference B.2.4, B.3.3, B.3.4): permissions, copy, delete,
 * metadata update and uploads answer a ticket at once and do the work in the background; the
 * ticket is read back through resource-service/execution-status and executionrequest. As in
 * GeoNode, the resource-service actions answer refusals with an empty body (403/404/400), and
 * their form bodies are parsed as a query string even when sent as application/json.
 */
import { SYSTEM } from "../../catalog/acl.ts";
import { GnForbidden, GnInvalid, GnNotFound } from "../../catalog/geonode/errors.ts";
import { type ExecutionRow, Executions } from "../../catalog/geonode/executions.ts";
import { GeonodeCatalog, kindOf } from "../../catalog/geonode/index.ts";
import { GeonodeOperations, type UploadPart } from "../../catalog/geonode/operations.ts";
import { GeonodePerms } from "../../catalog/geonode/perms.ts";
import type { ListSpec } from "../../catalog/geonode/query.ts";
import { GeonodeWrites } from "../../catalog/geonode/writes.ts";
import type { AppContext } from "../../http/context.ts";
import { NotAuthenticated } from "./errors.ts";
import { baseUrl, type C, jsonBody, paginate, pathId } from "./list.ts";

const REQUEST_SPEC: ListSpec = {
  filterable: ["exec_id", "status", "func_name", "action", "name", "created"],
  sortable: ["created", "last_updated", "status", "func_name"],
  defaultSort: ["-created"],
  defaultSearch: ["func_name", "name"],
};

const UPLOAD_STATE: Record<string, string> = {
  ready: "PENDING",
  running: "RUNNING",
  finished: "PROCESSED",
  failed: "INVALID",
};

/** The largest resource-service body: a few JSON fields, never data. */
const MAX_FORM = 256 * 1024;

/**
 * Request bodies of resource-service actions: a JSON object, or a form string of JSON values
 * (also under application/json, as MapStore sends it). Only the keys the action knows are
 * accepted; anything else (bad UTF-8, bad JSON, unknown keys, huge bodies) is a 400, so a
 * hostile body never starts work.
 */
async function formParams(c: C, allowed: readonly string[]): Promise<Record<string, unknown>> {
  const buf = new Uint8Array(await c.req.arrayBuffer());
  if (buf.length > MAX_FORM) throw new GnInvalid("non_field_errors", "Request body too large.");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(buf).trim();
  } catch {
    throw new GnInvalid("non_field_errors", "Request body is not UTF-8.");
  }
  if (text === "") return {};
  let out: Record<string, unknown> = {};
  if (text.startsWith("{")) {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      throw new GnInvalid("non_field_errors", "JSON parse error.");
    }
    if (!v || typeof v !== "object" || Array.isArray(v))
      throw new GnInvalid("non_field_errors", "Expected an object.");
    out = v as Record<string, unknown>;
  } else {
    for (const [k, v] of new URLSearchParams(text)) {
      try {
        out[k] = JSON.parse(v);
      } catch {
        out[k] = v;
      }
    }
  }
  for (const k of Object.keys(out))
    if (!allowed.includes(k)) throw new GnInvalid(k.slice(0, 50), "Unknown parameter.");
  return out;
}

export function asyncHandlers(app: AppContext) {
  const catalog = app.catalog;
  const executions = new Executions(catalog.database.client);
  const perms = new GeonodePerms(catalog);
  const ops = new GeonodeOperations(catalog);
  const writes = new GeonodeWrites(catalog);
  const actor = (c: C) => c.get("actor");

  const ticket = (c: C, id: string, status = 200) =>
    c.json(
      {
        status: "ready",
        execution_id: id,
        status_url: `${baseUrl(c)}/api/v2/resource-service/execution-status/${id}`,
      },
      status as 200,
    );

  /** The resource id of the path, readable by the actor and of a GeoNode kind, or 404. */
  const visible = async (c: C) => {
    const id = pathId(c);
    const row = id === null ? undefined : await catalog.resources.row(id);
    if (!row || !kindOf(row.cls)) throw new GnNotFound();
    const p = await catalog.access.permissions(actor(c), row.id);
    if (!p.has("resource.read")) throw new GnNotFound();
    return { row, perms: p };
  };

  const permissionTarget = async (c: C) => {
    if (actor(c).id === SYSTEM.guest) throw new NotAuthenticated();
    const v = await visible(c);
    if (!v.perms.has("resource.change_permissions")) throw new GnForbidden();
    return v;
  };

  const execDoc = async (r: ExecutionRow) => {
    const user = await catalog.principals.get(r.user_id);
    return {
      exec_id: r.exec_id,
      user: user?.keyname ?? null,
      status: r.status,
      func_name: r.func_name,
      action: r.action,
      name: r.name,
      created: r.created,
      finished: r.finished,
      last_updated: r.last_updated,
      input_params: r.input_params,
      output_params: r.output_params,
      geonode_resource: r.resource_id,
      step: r.step,
      log: r.log,
    };
  };

  return {
    executions,

    async getPermissions(c: C) {
      const { row } = await permissionTarget(c);
      if (c.req.query("perm_spec") === "extended")
        return c.json(await perms.extended(row.id, baseUrl(c)));
      return c.json(await perms.compact(row.id, baseUrl(c)));
    },
    /** PUT replaces, PATCH merges by id into the current spec, DELETE leaves the owner only. */
    async writePermissions(c: C) {
      const { row } = await permissionTarget(c);
      const method = c.req.method;
      let spec = null;
      if (method !== "DELETE") {
        const body = await jsonBody(c);
        const current =
          method === "PATCH"
            ? await perms.parse(await perms.compact(row.id, baseUrl(c)))
            : undefined;
        spec = await perms.parse(body, current);
      }
      const rules = await perms.rules(row.cls, spec);
      const id = await executions.start(
        {
          userId: actor(c).id,
          funcName: "set_permissions",
          input: { uuid: row.id, permissions: spec ?? {} },
          resourceId: row.id,
        },
        async () => {
          await perms.write(row.id, rules);
          return { uuid: row.id };
        },
      );
      return ticket(c, id);
    },

    copy: async (c: C) => {
      const id = pathId(c);
      if (id === null) throw new GnNotFound();
      const row = await ops.checkCopy(actor(c), id);
      const params = await formParams(c, ["defaults"]);
      const defaults = (params.defaults ?? {}) as Record<string, unknown>;
      if (typeof defaults !== "object" || defaults === null || Array.isArray(defaults))
        throw new GnInvalid("defaults", "Expected an object.");
      const title = typeof defaults.title === "string" ? defaults.title : undefined;
      const who = actor(c);
      const ex = await executions.start(
        { userId: who.id, funcName: "copy", input: { uuid: row.id, defaults }, resourceId: row.id },
        async () => {
          const made = await ops.copy(who, row, title);
          return {
            uuid: made.id,
            resources: [{ id: made.id, detail_url: `${baseUrl(c)}/api/v2/resources/${made.id}` }],
          };
        },
      );
      return ticket(c, ex);
    },

    delete: async (c: C) => {
      const id = pathId(c);
      if (id === null) throw new GnNotFound();
      const row = await ops.checkDelete(actor(c), id);
      const who = actor(c);
      const ex = await executions.start(
        { userId: who.id, funcName: "delete", input: { uuid: row.id }, resourceId: row.id },
        () => ops.delete(who, row.id),
      );
      return ticket(c, ex);
    },

    /** `vals`, `keywords`, `regions` as GeoNode's resource_service.update takes them. */
    update: async (c: C) => {
      const { row, perms: p } = await visible(c);
      if (!p.has("resource.update")) throw new GnForbidden();
      const params = await formParams(c, ["vals", "keywords", "regions", "custom", "notify"]);
      const vals = params.vals ?? {};
      if (typeof vals !== "object" || vals === null || Array.isArray(vals))
        throw new GnInvalid("vals", "Expected an object.");
      const body: Record<string, unknown> = { ...(vals as Record<string, unknown>) };
      if (params.keywords !== undefined) body.keywords = params.keywords;
      if (params.regions !== undefined) body.regions = params.regions;
      const kinds = [kindOf(row.cls)!];
      const who = actor(c);
      const ex = await executions.start(
        {
          userId: who.id,
          funcName: "update",
          input: { uuid: row.id, ...params },
          resourceId: row.id,
        },
        async () => {
          await writes.update(who, [{ id: row.id, body }], kinds);
          return { uuid: row.id };
        },
      );
      return ticket(c, ex);
    },

    /** POST uploads/upload: multipart base_file (+ sidecars or a zip) -> 201 {execution_id}. */
    async upload(c: C) {
      const who = actor(c);
      if (who.id === SYSTEM.guest) throw new NotAuthenticated();
      const ct = c.req.header("content-type") ?? "";
      if (!ct.startsWith("multipart/form-data"))
        throw new GnInvalid("base_file", "Send the files as multipart/form-data.");
      let form: FormData;
      try {
        form = await c.req.formData();
      } catch {
        throw new GnInvalid("base_file", "Malformed multipart body.");
      }
      const parts: UploadPart[] = [];
      for (const [field, v] of form.entries() as Iterable<[string, string | File]>) {
        if (typeof v === "string") continue;
        parts.push({ field, name: v.name || field, bytes: new Uint8Array(await v.arrayBuffer()) });
      }
      const plan = ops.plan(parts);
      const root = await catalog.access.permissions(who, 0);
      if (!root.has("resource.manage_children")) throw new GnForbidden();
      const names = parts.map((p) => p.name);
      const ex = await executions.start(
        {
          userId: who.id,
          funcName: "import",
          action: "import",
          name: plan.title,
          input: { files: names, cls: plan.cls },
        },
        async () => {
          const made = await ops.importUpload(who, 0, parts);
          return {
            resources: [{ id: made.id, detail_url: `${baseUrl(c)}/api/v2/datasets/${made.id}` }],
          };
        },
      );
      return c.json({ execution_id: ex }, 201);
    },

    /** POST /documents: multipart `title` + `doc_file` -> 201 {"document": ...}. */
    async createDocument(c: C) {
      const who = actor(c);
      if (who.id === SYSTEM.guest) throw new NotAuthenticated();
      let form: FormData;
      try {
        form = await c.req.formData();
      } catch {
        throw new GnInvalid("doc_file", "Send the document as multipart/form-data.");
      }
      const f = form.get("doc_file") as File | string | null;
      if (!f || typeof f === "string") throw new GnInvalid("doc_file", "This field is required.");
      const title = String(form.get("title") ?? f.name.replace(/\.[^.]*$/, ""));
      const root = await catalog.access.permissions(who, 0);
      if (!root.has("resource.manage_children")) throw new GnForbidden();
      const id = await ops.createDocument(who, 0, title, {
        field: "doc_file",
        name: f.name,
        bytes: new Uint8Array(await f.arrayBuffer()),
      });
      const doc = await new GeonodeCatalog(catalog).one(who, baseUrl(c), id, ["document"]);
      return c.json({ document: doc }, 201);
    },

    async uploads(c: C) {
      const who = actor(c);
      if (who.id === SYSTEM.guest) throw new NotAuthenticated();
      const rows = (await executions.list(who.superuser ? null : who.id)).filter(
        (r) => r.func_name === "import",
      );
      const docs = rows.map((r) => {
        const out = (r.output_params.output ?? {}) as { resources?: { id: number }[] };
        return {
          id: r.exec_id,
          name: r.name,
          date: r.created,
          create_date: r.created,
          state: UPLOAD_STATE[r.status],
          progress: r.status === "finished" ? 100 : r.status === "running" ? 50 : 0,
          resource: out.resources?.[0]?.id ?? null,
          detail_url: out.resources?.[0]
            ? `${baseUrl(c)}/api/v2/datasets/${out.resources[0].id}`
            : null,
          log: r.log,
        };
      });
      return paginate(c, "uploads", docs, {
        filterable: ["id", "name", "state"],
        sortable: ["date", "name"],
        defaultSort: ["-date"],
        defaultSearch: ["name"],
      });
    },

    /** GET execution-status/{id}: 404 empty when unknown, 403 empty for another user's. */
    async status(c: C) {
      const r = await executions.get(c.req.param("id") ?? "");
      if (!r) throw new GnNotFound();
      const who = actor(c);
      if (r.user_id !== who.id && !who.superuser) throw new GnForbidden();
      const { exec_id: _e, action: _a, name: _n, geonode_resource: _g, ...doc } = await execDoc(r);
      return c.json(doc);
    },

    async requests(c: C) {
      const who = actor(c);
      if (who.id === SYSTEM.guest) throw new NotAuthenticated();
      const rows = await executions.list(who.id);
      return paginate(c, "requests", await Promise.all(rows.map(execDoc)), REQUEST_SPEC);
    },

    async request(c: C) {
      const who = actor(c);
      if (who.id === SYSTEM.guest) throw new NotAuthenticated();
      const r = await executions.get(c.req.param("id") ?? "");
      if (!r || (r.user_id !== who.id && !who.superuser)) throw new GnNotFound();
      if (c.req.method === "DELETE") {
        await executions.delete(r.exec_id);
        return c.json({});
      }
      return c.json({ request: await execDoc(r) });
    },
  };
}
