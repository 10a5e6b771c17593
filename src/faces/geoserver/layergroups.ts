/**
 * @module /layergroups and /workspaces/{ws}/layergroups. Members are resolved to catalog
 * resources on write and named again on read; POST answers 201 with Location
 * /rest/layergroups/{name} even for a workspaced group (node-client asserts that URL).
 */
import type { LayerGroup, LayerGroupData } from "../../catalog/geoserver/layergroups.ts";
import type { StyleRef, Workspace } from "../../catalog/geoserver/model.ts";
import { badRequest, GsError, plain } from "./errors.ts";
import type { GsDeps } from "./index.ts";
import { styleRefObj } from "./layers.ts";
import { Link, listDoc, Many, type Node, type Obj } from "./represent.ts";
import { empty, enc, type GsReq, ok } from "./request.ts";
import { asList, asNumber, asObj, asText } from "./xml.ts";

function lgPath(g: LayerGroup): string {
  return g.ws
    ? `/workspaces/${enc(g.ws.name)}/layergroups/${enc(g.name)}`
    : `/layergroups/${enc(g.name)}`;
}

export function layerGroupHandlers({ gs }: GsDeps) {
  const wsOf = async (r: GsReq): Promise<Workspace | null> =>
    r.params.ws === undefined
      ? null
      : gs.workspaces.get(r.actor, r.params.ws, `Workspace ${r.params.ws} not found`);

  /** Body → data: members by `ws:name` (publishables, or the pre-2.3 `layers`), styles, bounds. */
  const parse = async (
    r: GsReq,
    ws: Workspace | null,
    o: Record<string, unknown>,
  ): Promise<Partial<LayerGroupData>> => {
    const out: Partial<LayerGroupData> = {};
    const members =
      o.publishables !== undefined
        ? asList(asObj(o.publishables).published)
        : o.layers !== undefined
          ? asList(asObj(o.layers).layer)
          : undefined;
    if (members) {
      out.publishables = [];
      for (const m of members) {
        const mo = asObj(m);
        const name = asText(mo.name) ?? asText(m);
        if (!name) throw badRequest("Layer group member without a name");
        if (asText(mo["@type"]) === "layerGroup") {
          const g = await gs.layergroups.get(
            r.actor,
            ws,
            name.includes(":") ? name.split(":")[1]! : name,
          );
          out.publishables.push({ type: "layerGroup", id: g.id });
        } else {
          const q = name.includes(":") || !ws ? name : `${ws.name}:${name}`;
          const p = await gs.layers.resolve(r.actor, q).catch(() => {
            throw badRequest(`No such layer: ${name}`);
          });
          out.publishables.push({ type: "layer", id: p.row.id });
        }
      }
    }
    if (o.styles !== undefined) {
      out.styleRefs = [];
      for (const s of asList(asObj(o.styles).style)) {
        const name = asText(asObj(s).name) ?? asText(s);
        const st = name ? await gs.styles.resolve(r.actor, name, ws ?? undefined) : undefined;
        out.styleRefs.push(st ? gs.styles.refOf(st) : null);
      }
    }
    const b = asObj(o.bounds);
    if (o.bounds !== undefined) {
      const n = (k: string) => asNumber(b[k]) ?? 0;
      out.bounds = {
        minx: n("minx"),
        miny: n("miny"),
        maxx: n("maxx"),
        maxy: n("maxy"),
        crs: asText(b.crs) ?? asText(asObj(b.crs).$) ?? "EPSG:4326",
      };
    }
    for (const k of ["mode", "title", "abstractTxt"] as const)
      if (o[k] !== undefined) out[k] = asText(o[k]);
    return out;
  };

  const doc = async (r: GsReq, g: LayerGroup): Promise<Obj> => {
    const published: Node[] = [];
    for (const m of g.publishables) {
      if (m.type === "layer") {
        const p = await gs.layers.byId(r.actor, m.id);
        if (p)
          published.push({
            "@type": "layer",
            name: `${p.ws.name}:${p.name}`,
            href: new Link(r.base, `/workspaces/${enc(p.ws.name)}/layers/${enc(p.name)}`),
          });
      } else {
        const row = await gs.catalog.resources.row(m.id);
        if (!row) continue;
        const path = g.ws
          ? `/workspaces/${enc(g.ws.name)}/layergroups/${enc(row.displayName)}`
          : `/layergroups/${enc(row.displayName)}`;
        const name = g.ws ? `${g.ws.name}:${row.displayName}` : row.displayName;
        published.push({ "@type": "layerGroup", name, href: new Link(r.base, path) });
      }
    }
    const styles: Node[] = [];
    for (const ref of g.styleRefs as (StyleRef | null)[]) {
      const s = ref ? await gs.styles.byRef(r.actor, ref) : undefined;
      styles.push(s ? styleRefObj(r, s) : "");
    }
    return {
      name: g.name,
      mode: g.mode,
      title: g.title,
      abstractTxt: g.abstractTxt,
      workspace: g.ws ? { name: g.ws.name } : undefined,
      publishables: { published: new Many(published) },
      styles: { style: new Many(styles) },
      bounds: g.bounds ?? { minx: -180, maxx: 180, miny: -90, maxy: 90, crs: "EPSG:4326" },
      dateCreated: `${g.created.replace("T", " ")}.000 UTC`,
    };
  };

  return {
    async list(r: GsReq) {
      const all = await gs.layergroups.list(r.actor, await wsOf(r));
      return ok(
        r,
        listDoc(
          "layerGroups",
          "layerGroup",
          all.map((g) => ({ name: g.name, link: new Link(r.base, lgPath(g)) })),
        ),
      );
    },
    async create(r: GsReq) {
      const ws = await wsOf(r);
      const o = asObj((await r.body()).layerGroup);
      const name = asText(o.name);
      if (!name) throw badRequest("Layer group name is required");
      const data = await parse(r, ws, o);
      const pubs = data.publishables ?? [];
      const g = await gs.layergroups.create(r.actor, ws, name, {
        mode: data.mode ?? "SINGLE",
        title: data.title,
        abstractTxt: data.abstractTxt,
        publishables: pubs,
        styleRefs: pubs.map((_, i) => data.styleRefs?.[i] ?? null),
        bounds: data.bounds,
      });
      return plain(201, g.name, { Location: `${r.base}/layergroups/${enc(g.name)}` });
    },
    async get(r: GsReq) {
      return ok(r, {
        layerGroup: await doc(r, await gs.layergroups.get(r.actor, await wsOf(r), r.params.g!)),
      });
    },
    async update(r: GsReq) {
      const ws = await wsOf(r);
      const g = await gs.layergroups.get(r.actor, ws, r.params.g!);
      const o = asObj((await r.body()).layerGroup);
      if (asText(o.name) !== undefined && asText(o.name) !== g.name)
        throw new GsError(403, "Can't change the name of a layer group");
      const wsName = asText(asObj(o.workspace).name);
      if (wsName !== undefined && wsName !== (g.ws?.name ?? wsName))
        throw new GsError(403, "Can't change the workspace of a layer group");
      await gs.layergroups.update(r.actor, g, await parse(r, ws, o));
      return empty();
    },
    async remove(r: GsReq) {
      await gs.layergroups.remove(
        r.actor,
        await gs.layergroups.get(r.actor, await wsOf(r), r.params.g!),
      );
      return empty();
    },
  };
}
