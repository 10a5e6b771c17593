/**
 * @module GeoServer styles over the catalog: the five built-ins (point, line, polygon, raster,
 * generic) are constants; global styles live in the hidden global group, workspace styles in the
 * workspace's hidden group, each a `geoserver_style` resource whose SLD bytes are kept exactly
 * as uploaded (base64 in its ext document). Layers refer to styles by id or built-in name.
 */
import type { Actor } from "../acl.ts";
import { listExt } from "../resource-ext.ts";
import { GsBadRequest, GsBase, GsConflict, GsForbidden, GsNotFound } from "./base.ts";
import { BUILTIN_STYLES } from "./builtin-styles.ts";
import { type LayerExt, NS, type StyleRef, validName, type Workspace } from "./model.ts";
import type { Workspaces } from "./workspaces.ts";

export interface Style {
  /** Resource id; 0 for built-ins. */
  id: number;
  name: string;
  ws: Workspace | null;
  format: string;
  version: string;
  filename: string;
  builtin: boolean;
  created?: string;
}

export interface StyleBody {
  bytes: Uint8Array;
  format: string;
  version: string;
  icons?: Record<string, string>;
}

const enc = (b: Uint8Array) => Buffer.from(b).toString("base64");

export class Styles extends GsBase {
  constructor(
    catalog: ConstructorParameters<typeof GsBase>[0],
    private readonly workspaces: Workspaces,
  ) {
    super(catalog);
  }

  private builtins(): Style[] {
    return Object.keys(BUILTIN_STYLES).map((name) => ({
      id: 0,
      name,
      ws: null,
      format: "sld",
      version: "1.0.0",
      filename: `${name}.sld`,
      builtin: true,
    }));
  }

  /** Styles of a workspace, or the global ones (built-ins first) when ws is null. */
  async list(actor: Actor, ws: Workspace | null): Promise<Style[]> {
    const hidden = await this.workspaces.hiddenGroup(actor, ws, false);
    const stored: Style[] = [];
    if (hidden !== null) {
      for (const c of await this.children(actor, hidden)) {
        if (c.row.cls !== "geoserver_style") continue;
        stored.push({
          id: c.row.id,
          name: c.row.displayName,
          ws,
          format: String(c.ext.format ?? "sld"),
          version: String(c.ext.version ?? "1.0.0"),
          filename: String(c.ext.filename ?? `${c.row.displayName}.sld`),
          builtin: false,
          created: c.row.creationDate,
        });
      }
    }
    return ws ? stored : [...this.builtins(), ...stored];
  }

  async find(actor: Actor, ws: Workspace | null, name: string): Promise<Style | undefined> {
    return (await this.list(actor, ws)).find((s) => s.name === name);
  }

  async get(actor: Actor, ws: Workspace | null, name: string): Promise<Style> {
    const s = await this.find(actor, ws, name);
    if (!s)
      throw new GsNotFound(
        ws ? `No such style ${name} in workspace ${ws.name}` : `No such style: ${name}`,
      );
    return s;
  }

  /** Resolves `ws:name` or `name` (workspace style first when the layer's workspace is given). */
  async resolve(actor: Actor, qualified: string, wsHint?: Workspace): Promise<Style | undefined> {
    const colon = qualified.indexOf(":");
    if (colon > 0) {
      const ws = await this.workspaces.find(actor, qualified.slice(0, colon));
      return ws ? this.find(actor, ws, qualified.slice(colon + 1)) : undefined;
    }
    if (wsHint) {
      const s = await this.find(actor, wsHint, qualified);
      if (s) return s;
    }
    return this.find(actor, null, qualified);
  }

  async byRef(actor: Actor, ref: StyleRef): Promise<Style | undefined> {
    if ("builtin" in ref) return this.builtins().find((b) => b.name === ref.builtin);
    const row = await this.catalog.resources.row(ref.id);
    if (row?.cls !== "geoserver_style") return undefined;
    const hidden = await this.catalog.resources.row(row.parentId ?? -1);
    const wsRow = hidden?.parentId ? await this.catalog.resources.row(hidden.parentId) : undefined;
    const ws = wsRow ? await this.workspaces.find(actor, wsRow.displayName) : null;
    return (await this.list(actor, ws ?? null)).find((s) => s.id === ref.id);
  }

  refOf(s: Style): StyleRef {
    return s.builtin ? { builtin: s.name } : { id: s.id };
  }

  /** The style document: stored bytes, or the built-in SLD text. */
  async body(s: Style): Promise<{ bytes: Uint8Array; format: string; version: string }> {
    if (s.builtin)
      return {
        bytes: new TextEncoder().encode(BUILTIN_STYLES[s.name]!),
        format: "sld",
        version: "1.0.0",
      };
    const ext = await this.ext(s.id);
    const b64 = typeof ext.body === "string" ? ext.body : "";
    return {
      bytes: new Uint8Array(Buffer.from(b64, "base64")),
      format: String(ext.format ?? "sld"),
      version: String(ext.version ?? "1.0.0"),
    };
  }

  async create(
    actor: Actor,
    ws: Workspace | null,
    name: string,
    info: { filename?: string; format?: string; version?: string },
    body?: StyleBody,
  ): Promise<Style> {
    if (!validName(name)) throw new GsBadRequest(`Invalid style name: '${name}'`);
    if (await this.find(actor, ws, name)) throw new GsForbidden(`Style ${name} already exists.`);
    const parent = (await this.workspaces.hiddenGroup(actor, ws, true))!;
    const ext: Record<string, unknown> = {
      kind: "style",
      format: body?.format ?? info.format ?? "sld",
      version: body?.version ?? info.version ?? "1.0.0",
      filename: info.filename ?? `${name}.sld`,
    };
    if (body) ext.body = enc(body.bytes);
    if (body?.icons) ext.icons = body.icons;
    await this.catalog.resources.create(actor, {
      resource: { cls: "geoserver_style", parent: { id: parent }, display_name: name },
      geoserver: ext,
    });
    return this.get(actor, ws, name);
  }

  async setBody(actor: Actor, s: Style, body: StyleBody): Promise<void> {
    if (s.builtin) throw new GsForbidden(`Style ${s.name} is a built-in style`);
    await this.catalog.resources.require(actor, s.id, "resource.update");
    await this.mergeExt(s.id, {
      body: enc(body.bytes),
      format: body.format,
      version: body.version,
      icons: body.icons,
    });
    await this.catalog.resources.update(actor, s.id, { resource: {} });
  }

  async updateInfo(actor: Actor, s: Style, info: { name?: string; filename?: string }) {
    if (info.name !== undefined && info.name !== s.name)
      throw new GsForbidden("Can't change the name of a style");
    if (s.builtin) return;
    await this.catalog.resources.require(actor, s.id, "resource.update");
    if (info.filename) await this.mergeExt(s.id, { filename: info.filename });
  }

  /** Layers (and layer groups) whose ext documents mention the style. */
  async users(s: Style): Promise<number[]> {
    const all = await listExt(this.db, NS);
    const out: number[] = [];
    const same = (r: StyleRef | undefined) =>
      r !== undefined &&
      (s.builtin ? "builtin" in r && r.builtin === s.name : "id" in r && r.id === s.id);
    for (const [id, ext] of all) {
      const e = ext as LayerExt & { styleRefs?: (StyleRef | null)[] };
      if (
        same(e.defaultStyle) ||
        (e.styles ?? []).some(same) ||
        (e.styleRefs ?? []).some((r) => r !== null && same(r))
      )
        out.push(id);
    }
    return out;
  }

  async remove(actor: Actor, s: Style, recurse: boolean): Promise<void> {
    if (s.builtin) throw new GsForbidden(`Can't delete built-in style ${s.name}`);
    const users = await this.users(s);
    if (users.length > 0 && !recurse)
      throw new GsForbidden("Can't delete style referenced by existing layers.");
    await this.catalog.resources.require(actor, s.id, "resource.read");
    for (const id of users) {
      await this.catalog.resources.require(actor, id, "resource.update");
      const ext = (await this.ext(id)) as LayerExt & { styleRefs?: (StyleRef | null)[] };
      const keep = (r: StyleRef) => !("id" in r && r.id === s.id);
      await this.setExt(id, {
        ...ext,
        defaultStyle: ext.defaultStyle && keep(ext.defaultStyle) ? ext.defaultStyle : undefined,
        styles: ext.styles?.filter(keep),
        styleRefs: ext.styleRefs?.map((r) => (r && keep(r) ? r : null)),
      });
    }
    await this.catalog.resources.delete(actor, s.id);
  }
}

export { GsConflict };
