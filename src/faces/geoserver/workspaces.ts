/** @module /workspaces: list, create (also its namespace), get, update, delete with recurse, default. */
import type { Workspace } from "../../catalog/geoserver/model.ts";
import { badRequest, GsError } from "./errors.ts";
import type { GsDeps } from "./index.ts";
import { Link, listDoc, type Obj } from "./represent.ts";
import { created, empty, enc, type GsReq, ok } from "./request.ts";
import { asBool, asObj, asText } from "./xml.ts";

export function workspaceObj(r: GsReq, w: Workspace): Obj {
  const p = `/workspaces/${enc(w.name)}`;
  return {
    name: w.name,
    isolated: w.isolated,
    dateCreated: w.created,
    dataStores: new Link(r.base, `${p}/datastores`),
    coverageStores: new Link(r.base, `${p}/coveragestores`),
    wmsStores: new Link(r.base, `${p}/wmsstores`),
    wmtsStores: new Link(r.base, `${p}/wmtsstores`),
  };
}

/** The `workspace` object of a request body: {"workspace": {...}} or XML <workspace>. */
export function workspaceInput(body: Record<string, unknown>) {
  const w = asObj(body.workspace);
  return { name: asText(w.name), isolated: asBool(w.isolated) };
}

export function workspaceHandlers({ gs }: GsDeps) {
  const W = gs.workspaces;
  return {
    async list(r: GsReq) {
      const all = await W.list(r.actor);
      const items = all.map((w) => ({
        name: w.name,
        link: new Link(r.base, `/workspaces/${enc(w.name)}`),
      }));
      return ok(r, listDoc("workspaces", "workspace", items));
    },
    async create(r: GsReq) {
      const input = workspaceInput(await r.body());
      if (!input.name) throw badRequest("Workspace name is required");
      const ws = await W.create(r.actor, { name: input.name, isolated: input.isolated });
      if (
        (r.flag("default") && r.actor.superuser) ||
        !(await W.getDefault(r.actor)) ||
        (await W.list(r.actor)).length === 1
      )
        await W.setDefault(r.actor, ws.name);
      return created(r, `/workspaces/${enc(ws.name)}`, ws.name);
    },
    async get(r: GsReq) {
      const ws = await W.get(r.actor, r.params.ws!);
      return ok(r, { workspace: workspaceObj(r, ws) });
    },
    async update(r: GsReq) {
      const input = workspaceInput(await r.body());
      await W.update(r.actor, r.params.ws!, input);
      return empty();
    },
    async remove(r: GsReq) {
      await W.remove(r.actor, r.params.ws!, r.flag("recurse"));
      return empty();
    },
    async getDefault(r: GsReq) {
      const ws = await W.getDefault(r.actor);
      if (!ws) throw new GsError(404, "No default workspace is set");
      return ok(r, { workspace: workspaceObj(r, ws) });
    },
    async putDefault(r: GsReq) {
      const input = workspaceInput(await r.body());
      if (!input.name) throw badRequest("Workspace name is required");
      await W.setDefault(r.actor, input.name);
      return empty();
    },
  };
}
