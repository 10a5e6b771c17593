/**
 * @module /namespaces: the same objects as workspaces seen by prefix and URI (GeoServer keeps
 * them one to one). Creating a namespace creates its workspace; deleting a non-empty one is 403.
 */
import type { Workspace } from "../../catalog/geoserver/model.ts";
import { badRequest, GsError } from "./errors.ts";
import type { GsDeps } from "./index.ts";
import { Link, listDoc, type Obj } from "./represent.ts";
import { created, empty, enc, type GsReq, ok } from "./request.ts";
import { asBool, asObj, asText } from "./xml.ts";

function namespaceObj(w: Workspace): Obj {
  return { prefix: w.name, uri: w.uri, isolated: w.isolated };
}

function input(body: Record<string, unknown>) {
  const n = asObj(body.namespace);
  return { prefix: asText(n.prefix), uri: asText(n.uri), isolated: asBool(n.isolated) };
}

export function namespaceHandlers({ gs }: GsDeps) {
  const W = gs.workspaces;
  const get = async (r: GsReq, name: string) =>
    W.get(r.actor, name, `No such namespace: '${name}' found`);
  return {
    async list(r: GsReq) {
      const items = (await W.list(r.actor)).map((w) => ({
        name: w.name,
        link: new Link(r.base, `/namespaces/${enc(w.name)}`),
      }));
      return ok(r, listDoc("namespaces", "namespace", items));
    },
    async create(r: GsReq) {
      const n = input(await r.body());
      if (!n.prefix) throw badRequest("Namespace prefix is required");
      if (n.uri !== undefined && !/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(n.uri))
        throw badRequest(`Invalid namespace URI: ${n.uri}`);
      const ws = await W.create(
        r.actor,
        { name: n.prefix, uri: n.uri, isolated: n.isolated },
        "Namespace",
      );
      return created(r, `/namespaces/${enc(ws.name)}`, ws.name);
    },
    async get(r: GsReq) {
      return ok(r, { namespace: namespaceObj(await get(r, r.params.ns!)) });
    },
    async update(r: GsReq) {
      const n = input(await r.body());
      const ws = await get(r, r.params.ns!);
      if (n.prefix !== undefined && n.prefix !== ws.name)
        throw new GsError(403, "Can't change the prefix of a namespace");
      await W.update(r.actor, ws.name, { uri: n.uri, isolated: n.isolated });
      return empty();
    },
    async remove(r: GsReq) {
      const ws = await get(r, r.params.ns!);
      if (await W.hasContent(r.actor, ws))
        throw new GsError(403, "Namespace for workspace not empty.");
      await W.remove(r.actor, ws.name, true);
      return empty();
    },
    async getDefault(r: GsReq) {
      const ws = await W.getDefault(r.actor);
      if (!ws) throw new GsError(404, "No default namespace is set");
      return ok(r, { namespace: namespaceObj(ws) });
    },
    async putDefault(r: GsReq) {
      const n = input(await r.body());
      if (!n.prefix) throw badRequest("Namespace prefix is required");
      await W.setDefault(r.actor, n.prefix);
      return empty();
    },
  };
}
