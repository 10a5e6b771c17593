/**
 * @module /workspaces/{ws}/datastores: list, create from JSON/XML (connection parameters kept as
 * typed ext data; `url`/`database` naming a server file only inside the import root), get,
 * update, delete (recurse), reset. `dbtype=postgis` stores serve tables of a PostGIS database in
 * place; other databases and WFS cascades are 400.
 */
import type { Store, Workspace } from "../../catalog/geoserver/model.ts";
import { resolveImportPath } from "../../catalog/geoserver/paths.ts";
import { badRequest, GsError } from "./errors.ts";
import type { GsDeps } from "./index.ts";
import { entries, Link, listDoc, type Obj } from "./represent.ts";
import { created, empty, enc, type GsReq, ok } from "./request.ts";
import { asBool, asMap, asObj, asText } from "./xml.ts";

export function storePath(s: Store): string {
  const seg = s.kind === "dataStore" ? "datastores" : "coveragestores";
  return `/workspaces/${enc(s.ws.name)}/${seg}/${enc(s.name)}`;
}

export function storeObj(r: GsReq, s: Store): Obj {
  const o: Obj = {
    name: s.name,
    description: s.description ?? undefined,
    type: s.type,
    enabled: s.enabled,
    workspace: { name: s.ws.name, href: new Link(r.base, `/workspaces/${enc(s.ws.name)}`) },
  };
  if (s.kind === "dataStore") {
    o.connectionParameters = entries({ namespace: s.ws.uri, ...s.params });
    o._default = false;
    o.dateCreated = s.created;
    o.featureTypes = new Link(r.base, `${storePath(s)}/featuretypes`);
  } else {
    o._default = false;
    o.dateCreated = s.created;
    if (s.params.url) o.url = s.params.url;
    o.coverages = new Link(r.base, `${storePath(s)}/coverages`);
  }
  return o;
}

/** Reads {"dataStore": …} / {"coverageStore": …} and checks the workspace named in it. */
export function storeInput(body: Record<string, unknown>, root: string, ws: Workspace) {
  const o = asObj(body[root]);
  const wsName = asText(asObj(o.workspace).name);
  if (wsName !== undefined && wsName !== ws.name)
    throw new GsError(403, `Expected workspace ${ws.name} but client specified ${wsName}`);
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(asMap(o.connectionParameters)))
    if (typeof v === "string") params[k] = v;
  return {
    name: asText(o.name),
    type: asText(o.type),
    description: asText(o.description),
    enabled: asBool(o.enabled),
    url: asText(o.url),
    params,
  };
}

const UNSUPPORTED = /postgis|oracle|sqlserver|mysql|h2|wfs|wms|wmts|arcsde|db2/i;
const CASCADE = /^(wfs|wms|wmts)$|web (feature|map) (service|server)/i;

/** The 400 for a store that would cascade a remote OGC service. */
export function cascadeRefused(kind: string): GsError {
  return new GsError(
    400,
    `Unsupported store type: ${kind}; gisd does not cascade remote ${kind} services, it serves its own catalog only`,
  );
}

/** Validates connection parameters; returns the store type derived from them. */
export function checkParams(
  params: Record<string, string>,
  type: string | undefined,
  importRoot: string | undefined,
): string {
  const dbtype = params.dbtype ?? "";
  if (dbtype.toLowerCase() === "postgis") return "PostGIS";
  const wfs = Object.keys(params).some((k) => k.startsWith("WFSDataStoreFactory"));
  if (wfs) throw cascadeRefused("WFS");
  if (type && CASCADE.test(type))
    throw cascadeRefused(/wmts/i.test(type) ? "WMTS" : /wfs|feature/i.test(type) ? "WFS" : "WMS");
  if ((dbtype && dbtype !== "geopkg") || UNSUPPORTED.test(type ?? ""))
    throw new GsError(
      400,
      `Unsupported store type: ${dbtype || type || "WFS"}; gisd serves file stores only`,
    );
  for (const key of ["url", "database"]) {
    const v = params[key];
    if (v !== undefined && v !== "") params[key] = `file:${resolveImportPath(importRoot, v)}`;
  }
  if (dbtype === "geopkg") return "GeoPackage";
  const f = params.url ?? params.database ?? "";
  if (/\.shp$/i.test(f)) return "Shapefile";
  if (/\.gpkg$/i.test(f)) return "GeoPackage";
  if (/\.fgb$/i.test(f)) return "FlatGeobuf";
  if (/\.(geo)?json$/i.test(f)) return "GeoJSON";
  return type ?? (f ? "Directory of spatial files (shapefiles)" : "gisd");
}

export function datastoreHandlers({ app, gs }: GsDeps) {
  const wsOf = (r: GsReq) =>
    gs.workspaces.get(r.actor, r.params.ws!, `No such workspace : ${r.params.ws}`);
  const storeOf = async (r: GsReq) =>
    gs.stores.get(r.actor, await wsOf(r), r.params.ds!, "dataStore");
  const emptyList = (plural: string, singular: string) => async (r: GsReq) => {
    await wsOf(r);
    return ok(r, listDoc(plural, singular, []));
  };
  return {
    async list(r: GsReq) {
      const ws = await wsOf(r);
      const all = await gs.stores.list(r.actor, ws, "dataStore");
      return ok(
        r,
        listDoc(
          "dataStores",
          "dataStore",
          all.map((s) => ({ name: s.name, link: new Link(r.base, storePath(s)) })),
        ),
      );
    },
    async create(r: GsReq) {
      const ws = await wsOf(r);
      const input = storeInput(await r.body(), "dataStore", ws);
      if (!input.name) throw badRequest("Data store name is required");
      const type = checkParams(input.params, input.type, app.config.importRoot);
      const s = await gs.stores.create(r.actor, ws, "dataStore", { ...input, type });
      return created(r, storePath(s), s.name);
    },
    async get(r: GsReq) {
      return ok(r, { dataStore: storeObj(r, await storeOf(r)) });
    },
    async update(r: GsReq) {
      const s = await storeOf(r);
      const input = storeInput(await r.body(), "dataStore", s.ws);
      const type =
        Object.keys(input.params).length > 0
          ? checkParams(input.params, input.type, app.config.importRoot)
          : input.type;
      await gs.stores.update(r.actor, s, {
        ...input,
        type,
        params: Object.keys(input.params).length ? input.params : undefined,
      });
      return empty();
    },
    async remove(r: GsReq) {
      await gs.stores.remove(r.actor, await storeOf(r), r.flag("recurse"));
      return empty();
    },
    async reset(r: GsReq) {
      await wsOf(r);
      return empty();
    },
    emptyWms: emptyList("wmsStores", "wmsStore"),
    emptyWmts: emptyList("wmtsStores", "wmtsStore"),
    /** POST/PUT of wmsstores and wmtsstores (to be mounted): gisd does not cascade. */
    async refuseWms(r: GsReq) {
      await wsOf(r);
      throw cascadeRefused("WMS");
    },
    async refuseWmts(r: GsReq) {
      await wsOf(r);
      throw cascadeRefused("WMTS");
    },
  };
}
