/**
 * @module Workspaces (and their namespaces, kept in sync one to one): the resource groups
 * directly under the root. The namespace URI and `isolated` live in the group's ext document;
 * the default workspace is a catalog setting (the first workspace when unset).
 */
import type { Actor } from "../acl.ts";
import { GsBadRequest, GsBase, GsConflict, GsForbidden, GsNotFound } from "./base.ts";
import { GLOBAL_GROUP, gsDate, HIDDEN_GROUP, validName, type Workspace } from "./model.ts";

const DEFAULT_KEY = "geoserver.default_workspace";

export class Workspaces extends GsBase {
  /** Every workspace the actor can read, by name. */
  async list(actor: Actor): Promise<Workspace[]> {
    const kids = await this.children(actor, 0);
    return kids
      .filter((k) => k.row.cls === "resource_group" && k.ext.kind !== "global")
      .map(({ row, ext }) => ({
        id: row.id,
        name: row.displayName,
        uri: typeof ext.uri === "string" ? ext.uri : `http://${row.displayName}`,
        isolated: ext.isolated === true,
        created: gsDate(row.creationDate),
      }));
  }

  async find(actor: Actor, name: string): Promise<Workspace | undefined> {
    return (await this.list(actor)).find((w) => w.name === name);
  }

  async get(actor: Actor, name: string, msg?: string): Promise<Workspace> {
    const ws = await this.find(actor, name);
    if (!ws) throw new GsNotFound(msg ?? `No such workspace: '${name}' found`);
    return ws;
  }

  async byUri(actor: Actor, uri: string): Promise<Workspace | undefined> {
    return (await this.list(actor)).find((w) => w.uri === uri);
  }

  async create(
    actor: Actor,
    input: { name: string; uri?: string; isolated?: boolean },
    what = "Workspace",
  ): Promise<Workspace> {
    if (!validName(input.name) || input.name === GLOBAL_GROUP)
      throw new GsBadRequest(`Invalid ${what.toLowerCase()} name: '${input.name}'`);
    if (await this.find(actor, input.name))
      throw new GsConflict(`${what} '${input.name}' already exists`);
    const ext: Record<string, unknown> = { kind: "workspace" };
    if (input.uri) ext.uri = input.uri;
    if (input.isolated) ext.isolated = true;
    await this.createGroup(actor, 0, input.name, ext);
    return this.get(actor, input.name);
  }

  /** Changes the namespace URI / isolation; renaming is refused as the seed says (403). */
  async update(
    actor: Actor,
    name: string,
    input: { name?: string; uri?: string; isolated?: boolean },
  ): Promise<void> {
    const ws = await this.get(actor, name);
    if (input.name !== undefined && input.name !== name) {
      if (input.name === "") throw new GsForbidden("Workspace name can't be empty");
      throw new GsForbidden(`Can't change the name of a workspace.`);
    }
    await this.catalog.resources.require(actor, ws.id, "resource.update");
    await this.mergeExt(ws.id, { kind: "workspace", uri: input.uri, isolated: input.isolated });
  }

  /** True when the workspace holds stores or layers (hidden style groups do not count). */
  async hasContent(actor: Actor, ws: Workspace): Promise<boolean> {
    const kids = await this.children(actor, ws.id);
    return kids.some((k) => !(k.row.cls === "resource_group" && k.ext.kind === "hidden"));
  }

  async remove(actor: Actor, name: string, recurse: boolean, what = "Workspace"): Promise<void> {
    const ws = await this.get(actor, name);
    if (!recurse && (await this.hasContent(actor, ws))) {
      throw new GsForbidden(`${what} not empty`);
    }
    await this.catalog.resources.delete(actor, ws.id);
    if ((await this.catalog.getSetting(DEFAULT_KEY)) === String(ws.id))
      await this.catalog.setSetting(DEFAULT_KEY, "");
  }

  async getDefault(actor: Actor): Promise<Workspace | undefined> {
    const all = await this.list(actor);
    const id = Number((await this.catalog.getSetting(DEFAULT_KEY)) || "NaN");
    return all.find((w) => w.id === id) ?? [...all].sort((a, b) => a.id - b.id)[0];
  }

  async setDefault(actor: Actor, name: string): Promise<Workspace> {
    const ws = await this.get(actor, name);
    await this.catalog.setSetting(DEFAULT_KEY, String(ws.id));
    return ws;
  }

  /** The hidden group of a workspace (or the global one) holding styles and layer groups. */
  async hiddenGroup(actor: Actor, ws: Workspace | null, create: boolean): Promise<number | null> {
    const parent = ws ? ws.id : 0;
    const kind = ws ? "hidden" : "global";
    const kids = await this.children(actor, parent);
    const found = kids.find((k) => k.row.cls === "resource_group" && k.ext.kind === kind);
    if (found) return found.row.id;
    if (!create) return null;
    return this.createGroup(actor, parent, ws ? HIDDEN_GROUP : GLOBAL_GROUP, { kind });
  }
}
