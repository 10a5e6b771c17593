/**
 * @module Coverage stores and coverages: raster layers in a store group. Stores are created from
 * JSON/XML or by a GeoTIFF upload (uploads.ts); coverages are listed, read, renamed bands, and
 * deleted. Coverage POST without a file is refused: gisd has no raster store to publish from.
 */
import type { Published, Store } from "../../catalog/geoserver/model.ts";
import { checkParams, storeInput, storeObj, storePath } from "./datastores.ts";
import { badRequest, GsError, notFound } from "./errors.ts";
import type { GsDeps } from "./index.ts";
import { Link, listDoc, Many, type Obj } from "./represent.ts";
import { created, empty, enc, type GsReq, ok } from "./request.ts";
import { mergeMetadata, resourceFields, resourcePatch } from "./resource-doc.ts";
import { asList, asObj, asText } from "./xml.ts";

function covPath(p: Published): string {
  return `/workspaces/${enc(p.ws.name)}/coveragestores/${enc(p.store.name)}/coverages/${enc(p.name)}`;
}

export function coverageHandlers({ app, gs }: GsDeps) {
  const wsOf = (r: GsReq) =>
    gs.workspaces.get(r.actor, r.params.ws!, `No such workspace : ${r.params.ws}`);
  const storeOf = async (r: GsReq): Promise<Store> =>
    gs.stores.get(r.actor, await wsOf(r), r.params.cs!, "coverageStore");
  const coverages = async (r: GsReq) => {
    const ws = await wsOf(r);
    const all = r.params.cs
      ? await gs.layers.inStore(r.actor, await storeOf(r))
      : await gs.layers.inWorkspace(r.actor, ws);
    return all.filter((p) => p.kind === "coverage");
  };
  const covOf = async (r: GsReq) => {
    const p = (await coverages(r)).find((x) => x.name === r.params.c);
    if (!p) throw notFound(`No such coverage: ${r.params.ws},${r.params.cs ?? ""},${r.params.c}`);
    return p;
  };
  const doc = async (r: GsReq, p: Published): Promise<Obj> => {
    const facts = await gs.layers.facts(r.actor, p);
    const rl = asObj(
      ((await app.catalog.describe(r.actor, p.row.id)) as Record<string, unknown>).raster_layer,
    );
    const count = Number(rl.band_count ?? p.ext.bands?.length ?? 1) || 1;
    const bands = Array.from(
      { length: count },
      (_, i) => p.ext.bands?.[i] ?? `GRAY_INDEX${i === 0 ? "" : i}`,
    );
    return {
      ...resourceFields(r, p, facts),
      store: {
        "@class": "coverageStore",
        name: `${p.ws.name}:${p.store.name}`,
        href: new Link(r.base, storePath(p.store)),
      },
      nativeFormat: "GeoTIFF",
      supportedFormats: { string: new Many(["GEOTIFF", "PNG", "JPEG", "TIFF"]) },
      interpolationMethods: { string: new Many(["nearest neighbor", "bilinear", "bicubic"]) },
      defaultInterpolationMethod: "nearest neighbor",
      dimensions: {
        coverageDimension: new Many(
          bands.map((name) => ({
            name,
            description: "GridSampleDimension[-Infinity,Infinity]",
            range: { min: "-inf", max: "inf" },
            dimensionType: { name: "UNSIGNED_8BITS" },
          })),
        ),
      },
      requestSRS: { string: new Many([`EPSG:${facts.srs ?? 3857}`]) },
      responseSRS: { string: new Many([`EPSG:${facts.srs ?? 3857}`]) },
      nativeCoverageName: p.name,
    };
  };
  return {
    async storeList(r: GsReq) {
      const all = await gs.stores.list(r.actor, await wsOf(r), "coverageStore");
      return ok(
        r,
        listDoc(
          "coverageStores",
          "coverageStore",
          all.map((s) => ({ name: s.name, link: new Link(r.base, storePath(s)) })),
        ),
      );
    },
    async storeCreate(r: GsReq) {
      const ws = await wsOf(r);
      const input = storeInput(await r.body(), "coverageStore", ws);
      if (!input.name) throw badRequest("Coverage store name is required");
      if (input.url) checkParams({ url: input.url }, input.type, app.config.importRoot);
      const s = await gs.stores.create(r.actor, ws, "coverageStore", {
        ...input,
        type: input.type ?? "GeoTIFF",
        params: input.url ? { url: input.url } : {},
      });
      return created(r, storePath(s), s.name);
    },
    async storeGet(r: GsReq) {
      return ok(r, { coverageStore: storeObj(r, await storeOf(r)) });
    },
    async storeUpdate(r: GsReq) {
      const s = await storeOf(r);
      const input = storeInput(await r.body(), "coverageStore", s.ws);
      await gs.stores.update(r.actor, s, {
        name: input.name,
        description: input.description,
        enabled: input.enabled,
      });
      return empty();
    },
    async storeRemove(r: GsReq) {
      await gs.stores.remove(r.actor, await storeOf(r), r.flag("recurse"));
      return empty();
    },
    async list(r: GsReq) {
      const all = await coverages(r);
      return ok(
        r,
        listDoc(
          "coverages",
          "coverage",
          all.map((p) => ({ name: p.name, link: new Link(r.base, covPath(p)) })),
        ),
      );
    },
    async create(r: GsReq) {
      await storeOf(r);
      throw badRequest(
        "Coverages are created by uploading a file to the coverage store (file.geotiff)",
      );
    },
    async get(r: GsReq) {
      return ok(r, { coverage: await doc(r, await covOf(r)) });
    },
    async update(r: GsReq) {
      const p = await covOf(r);
      const o = asObj((await r.body()).coverage);
      const name = asText(o.name);
      if (name !== undefined && name !== p.name)
        throw new GsError(403, "Can't change the name of a coverage");
      const dims = asList(asObj(o.dimensions).coverageDimension).map(
        (d) => asText(asObj(d).name) ?? "",
      );
      const patch = mergeMetadata(p, resourcePatch(o));
      await gs.layers.update(r.actor, p, dims.length ? { ...patch, bands: dims } : patch);
      return empty();
    },
    async remove(r: GsReq) {
      const p = await covOf(r);
      if (!r.flag("recurse")) throw new GsError(403, "coverage referenced by layer(s)");
      await gs.layers.remove(r.actor, p);
      return empty();
    },
  };
}
