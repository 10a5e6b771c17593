/**
 * @module /layers: the publishing side of featuretypes and coverages (type, default style and
 * extra styles, attribution, queryable/opaque). A PUT of the whole GET document back works: every
 * field GET emits is accepted and read-only ones are ignored. /layers/{l}/styles adds styles.
 */

import { defaultStyleFor } from "../../catalog/geoserver/builtin-styles.ts";
import type { Published, StyleRef } from "../../catalog/geoserver/model.ts";
import type { Style } from "../../catalog/geoserver/styles.ts";
import { badRequest, GsError } from "./errors.ts";
import { ftPath } from "./featuretypes.ts";
import type { GsDeps } from "./index.ts";
import { Link, listDoc, Many, type Obj } from "./represent.ts";
import { empty, enc, type GsReq, ok } from "./request.ts";
import { stylePath } from "./styles.ts";
import { asBool, asList, asObj, asText } from "./xml.ts";

export function styleRefObj(r: GsReq, s: Style): Obj {
  return s.ws
    ? { name: `${s.ws.name}:${s.name}`, workspace: s.ws.name, href: new Link(r.base, stylePath(s)) }
    : { name: s.name, href: new Link(r.base, stylePath(s)) };
}

function resourcePath(p: Published): string {
  if (p.kind === "featureType") return ftPath(p);
  return `/workspaces/${enc(p.ws.name)}/coveragestores/${enc(p.store.name)}/coverages/${enc(p.name)}`;
}

export function layerHandlers({ gs }: GsDeps) {
  const S = gs.styles;
  const layerOf = async (r: GsReq): Promise<Published> => {
    const l = r.params.l!;
    if (r.params.ws === undefined) return gs.layers.resolve(r.actor, l);
    const bare = l.startsWith(`${r.params.ws}:`) ? l.slice(r.params.ws.length + 1) : l;
    return gs.layers.resolve(r.actor, `${r.params.ws}:${bare}`);
  };
  const styleOfRef = async (r: GsReq, ref: StyleRef | undefined) =>
    ref ? S.byRef(r.actor, ref) : undefined;
  const doc = async (r: GsReq, p: Published): Promise<Obj> => {
    // Without a (surviving) default style GeoServer falls back to the built-in for the geometry.
    const fallback = async () =>
      p.kind === "coverage"
        ? "raster"
        : defaultStyleFor((await gs.layers.facts(r.actor, p)).geometryType);
    const def =
      (await styleOfRef(r, p.ext.defaultStyle)) ?? (await S.find(r.actor, null, await fallback()));
    const extra: Style[] = [];
    for (const ref of p.ext.styles ?? []) {
      const s = await styleOfRef(r, ref);
      if (s) extra.push(s);
    }
    const attribution = {
      ...(p.ext.attribution ?? {}),
      logoWidth: Number(p.ext.attribution?.logoWidth ?? 0),
      logoHeight: Number(p.ext.attribution?.logoHeight ?? 0),
    };
    return {
      name: p.name,
      path: p.ext.path ?? "/",
      type: p.kind === "featureType" ? "VECTOR" : "RASTER",
      defaultStyle: def ? styleRefObj(r, def) : undefined,
      styles: extra.length
        ? { "@class": "linked-hash-set", style: new Many(extra.map((s) => styleRefObj(r, s))) }
        : undefined,
      resource: {
        "@class": p.kind,
        name: `${p.ws.name}:${p.name}`,
        href: new Link(r.base, resourcePath(p)),
      },
      queryable: p.ext.queryable !== false,
      opaque: p.ext.opaque === true,
      attribution: attribution as Obj,
      dateCreated: `${p.row.creationDate.replace("T", " ")}.000 UTC`,
    };
  };
  const resolveStyle = async (r: GsReq, p: Published, o: unknown): Promise<StyleRef> => {
    const so = asObj(o);
    const name = asText(so.name) ?? asText(o);
    if (!name) throw badRequest("Style reference without a name");
    const ws = asText(so.workspace) ?? asText(asObj(so.workspace).name);
    const s = await S.resolve(r.actor, ws && !name.includes(":") ? `${ws}:${name}` : name, p.ws);
    if (!s) throw new GsError(404, `No such style: ${name}`);
    return S.refOf(s);
  };
  return {
    async list(r: GsReq) {
      if (r.params.ws !== undefined) {
        const ws = await gs.workspaces.find(r.actor, r.params.ws);
        // An unknown workspace lists no layers rather than 404 (node-client test relies on it).
        const all = ws ? await gs.layers.inWorkspace(r.actor, ws) : [];
        return ok(
          r,
          listDoc(
            "layers",
            "layer",
            all.map((p) => ({
              name: p.name,
              link: new Link(r.base, `/workspaces/${enc(p.ws.name)}/layers/${enc(p.name)}`),
            })),
          ),
        );
      }
      const all = await gs.layers.all(r.actor);
      return ok(
        r,
        listDoc(
          "layers",
          "layer",
          all.map((p) => ({
            name: `${p.ws.name}:${p.name}`,
            link: new Link(r.base, `/layers/${enc(`${p.ws.name}:${p.name}`)}`),
          })),
        ),
      );
    },
    async get(r: GsReq) {
      return ok(r, { layer: await doc(r, await layerOf(r)) });
    },
    async update(r: GsReq) {
      const p = await layerOf(r);
      const o = asObj((await r.body()).layer);
      const name = asText(o.name);
      if (name !== undefined && name !== p.name && name !== `${p.ws.name}:${p.name}`)
        throw new GsError(403, "Can't change the name of a layer");
      const resName = asText(asObj(o.resource).name);
      if (resName !== undefined && resName !== `${p.ws.name}:${p.name}` && resName !== p.name)
        throw new GsError(403, "Can't change the resource of a layer");
      const patch: Record<string, unknown> = {
        attribution: o.attribution === undefined ? undefined : asObj(o.attribution),
        queryable: asBool(o.queryable),
        opaque: asBool(o.opaque),
        path: asText(o.path),
        enabled: asBool(o.enabled),
      };
      if (o.defaultStyle !== undefined)
        patch.defaultStyle = await resolveStyle(r, p, o.defaultStyle);
      if (o.styles !== undefined) {
        const refs: StyleRef[] = [];
        for (const s of asList(asObj(o.styles).style)) refs.push(await resolveStyle(r, p, s));
        patch.styles = refs;
      }
      await gs.layers.update(r.actor, p, patch);
      if (patch.defaultStyle)
        await gs.syncDefaultStyle(r.actor, {
          ...p,
          ext: { ...p.ext, defaultStyle: patch.defaultStyle as StyleRef },
        });
      return empty();
    },
    async remove(r: GsReq) {
      await gs.layers.remove(r.actor, await layerOf(r));
      return empty();
    },
    async styles(r: GsReq) {
      const p = await layerOf(r);
      const out: Style[] = [];
      for (const ref of p.ext.styles ?? []) {
        const s = await styleOfRef(r, ref);
        if (s) out.push(s);
      }
      return ok(
        r,
        listDoc(
          "styles",
          "style",
          out.map((s) => ({
            name: s.ws ? `${s.ws.name}:${s.name}` : s.name,
            link: new Link(r.base, stylePath(s)),
          })),
        ),
      );
    },
    async addStyle(r: GsReq) {
      const p = await layerOf(r);
      const ref = await resolveStyle(r, p, asObj((await r.body()).style));
      const same = (a: StyleRef) => JSON.stringify(a) === JSON.stringify(ref);
      const styles = [...(p.ext.styles ?? [])];
      if (!styles.some(same)) styles.push(ref);
      await gs.layers.update(
        r.actor,
        p,
        r.flag("default") ? { styles, defaultStyle: ref } : { styles },
      );
      if (r.flag("default"))
        await gs.syncDefaultStyle(r.actor, { ...p, ext: { ...p.ext, defaultStyle: ref } });
      const s = (await S.byRef(r.actor, ref))!;
      return new Response(s.name, {
        status: 201,
        headers: { "Content-Type": "text/plain", Location: `${r.base}${stylePath(s)}` },
      });
    },
  };
}
