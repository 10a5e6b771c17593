/**
 * @module Feature types: the vector layers of a store (or of the workspace's default store).
 * POST publishes a layer from the store's file (external stores, uploads kept with
 * configure=none) or creates an empty one from `attributes`; PUT merges; DELETE with recurse.
 */
import type { Published, Store } from "../../catalog/geoserver/model.ts";
import { badRequest, GsError, notFound } from "./errors.ts";
import type { GsDeps } from "./index.ts";
import { Link, listDoc, Many, namesDoc, type Obj } from "./represent.ts";
import { created, empty, enc, type GsReq, ok } from "./request.ts";
import { mergeMetadata, resourceFields, resourcePatch } from "./resource-doc.ts";
import { asList, asObj, asText } from "./xml.ts";

const TYPES: Record<string, string> = {
  INTEGER: "java.lang.Integer",
  BIGINT: "java.lang.Long",
  REAL: "java.lang.Double",
  STRING: "java.lang.String",
  DATE: "java.sql.Date",
  TIME: "java.sql.Time",
  DATETIME: "java.sql.Timestamp",
  BOOLEAN: "java.lang.Boolean",
  JSON: "java.lang.String",
};

const BINDINGS: Record<string, string> = {
  String: "STRING",
  Character: "STRING",
  Integer: "INTEGER",
  Short: "INTEGER",
  Byte: "INTEGER",
  Long: "BIGINT",
  BigInteger: "BIGINT",
  Double: "REAL",
  Float: "REAL",
  BigDecimal: "REAL",
  Boolean: "BOOLEAN",
  Date: "DATETIME",
  Timestamp: "DATETIME",
  Time: "TIME",
};

const GEOMS: Record<string, string> = {
  Point: "POINT",
  MultiPoint: "MULTIPOINT",
  LineString: "LINESTRING",
  MultiLineString: "MULTILINESTRING",
  Polygon: "POLYGON",
  MultiPolygon: "MULTIPOLYGON",
};

function geomBinding(gt: string): string {
  const base = gt.replace(/Z$/, "");
  const name = Object.entries(GEOMS).find(([, v]) => v === base)?.[0] ?? "Geometry";
  return `org.locationtech.jts.geom.${name}`;
}

export function ftPath(p: Published): string {
  return `/workspaces/${enc(p.ws.name)}/datastores/${enc(p.store.name)}/featuretypes/${enc(p.name)}`;
}

/** GeoServer attributes → NGW geometry type and fields; 400 on unknown bindings. */
export function parseAttributes(list: unknown[]) {
  let geometryType: string | undefined;
  const fields: { keyname: string; datatype: string }[] = [];
  for (const a of list) {
    const o = asObj(a);
    const name = asText(o.name);
    const binding = asText(o.binding) ?? "java.lang.String";
    if (!name) throw badRequest("Attribute without a name");
    const cls = binding.split(".").pop()!;
    if (/\.(jts|vividsolutions)\./.test(binding) || binding.includes("geom.")) {
      const gt = GEOMS[cls];
      if (!gt) throw badRequest(`Unsupported geometry binding: ${binding}`);
      geometryType = gt;
      continue;
    }
    const dt = binding === "java.sql.Date" ? "DATE" : BINDINGS[cls];
    if (!dt) throw badRequest(`Unsupported attribute binding: ${binding}`);
    fields.push({ keyname: name, datatype: dt });
  }
  return { geometryType, fields };
}

export function featureTypeHandlers({ gs }: GsDeps) {
  const wsOf = (r: GsReq) =>
    gs.workspaces.get(r.actor, r.params.ws!, `No such workspace : ${r.params.ws}`);
  const storeOf = async (r: GsReq): Promise<Store> => {
    const ws = await wsOf(r);
    if (r.params.ds === undefined) return gs.stores.defaultStore(r.actor, ws, "dataStore");
    return gs.stores.get(r.actor, ws, r.params.ds, "dataStore");
  };
  const ftOf = async (r: GsReq): Promise<Published> => {
    const ws = await wsOf(r);
    const all =
      r.params.ds === undefined
        ? await gs.layers.inWorkspace(r.actor, ws)
        : await gs.layers.inStore(r.actor, await storeOf(r));
    const p = all.find((x) => x.name === r.params.ft && x.kind === "featureType");
    if (!p)
      throw notFound(
        `No such feature type: ${r.params.ws},${r.params.ds ?? r.params.ws},${r.params.ft}`,
      );
    return p;
  };
  const doc = async (r: GsReq, p: Published): Promise<Obj> => {
    const facts = await gs.layers.facts(r.actor, p);
    const attrs: Obj[] = [];
    if (facts.geometryType && facts.geometryType !== "NONE")
      attrs.push({
        name: "geom",
        minOccurs: 0,
        maxOccurs: 1,
        nillable: true,
        binding: geomBinding(facts.geometryType),
      });
    for (const f of facts.fields)
      attrs.push({
        name: f.keyname,
        minOccurs: 0,
        maxOccurs: 1,
        nillable: true,
        binding: TYPES[f.datatype] ?? "java.lang.String",
      });
    return {
      ...resourceFields(r, p, facts),
      serviceConfiguration: false,
      maxFeatures: p.ext.maxFeatures ?? 0,
      numDecimals: p.ext.numDecimals ?? 0,
      overridingServiceSRS: false,
      skipNumberMatched: false,
      circularArcPresent: false,
      attributes: { attribute: new Many(attrs) },
    };
  };
  return {
    async list(r: GsReq) {
      const ws = await wsOf(r);
      const mode = r.query("list") ?? "configured";
      const store = r.params.ds === undefined ? undefined : await storeOf(r);
      const configured = (
        store ? await gs.layers.inStore(r.actor, store) : await gs.layers.inWorkspace(r.actor, ws)
      ).filter((p) => p.kind === "featureType");
      if (mode === "configured")
        return ok(
          r,
          listDoc(
            "featureTypes",
            "featureType",
            configured.map((p) => ({ name: p.name, link: new Link(r.base, ftPath(p)) })),
          ),
        );
      if (!["available", "available_with_geom", "all"].includes(mode))
        throw badRequest(`Invalid list value: ${mode}`);
      const avail = store && !store.self ? await gs.imports.available(r.actor, store) : [];
      const names = mode === "all" ? [...configured.map((p) => p.name), ...avail] : avail;
      return ok(r, namesDoc(names, "featureTypeName"));
    },
    async create(r: GsReq) {
      const store = await storeOf(r);
      const o = asObj((await r.body()).featureType);
      const name = asText(o.name) ?? asText(o.nativeName);
      if (!name) throw badRequest("Feature type name is required");
      const storeName = asText(asObj(o.store).name);
      if (storeName && storeName !== store.name && storeName !== `${store.ws.name}:${store.name}`)
        throw new GsError(403, "Feature type body names another store");
      await gs.layers.checkNewName(r.actor, store.ws, name);
      const patch = { ...resourcePatch(o), enabled: true };
      const srs = Number(/EPSG:(\d+)/i.exec(patch.srs ?? "")?.[1] ?? 4326);
      const attrs = parseAttributes(asList(asObj(o.attributes).attribute));
      const nativeName = asText(o.nativeName) ?? name;
      let p: Published | undefined;
      if (!store.self && (store.params.url || store.params.database || store.params.upload)) {
        p = await gs.imports.publishFromStore(r.actor, store, { name, nativeName, ext: patch });
      } else {
        if (!attrs.geometryType && attrs.fields.length === 0)
          throw badRequest(
            `No such feature type '${nativeName}' in store ${store.name}; send attributes to create it`,
          );
        const row = await gs.layers.createPublished(
          r.actor,
          store,
          name,
          patch.title,
          {
            resource: { cls: "vector_layer" },
            vector_layer: {
              srs: { id: srs },
              geometry_type: attrs.geometryType ?? "NONE",
              fields: attrs.fields,
            },
          },
          { ...patch, title: undefined } as never,
        );
        p = await gs.layers.byId(r.actor, row.id);
      }
      return created(
        r,
        p ? ftPath(p) : `/workspaces/${enc(store.ws.name)}/featuretypes/${enc(name)}`,
        "",
        false,
      );
    },
    async get(r: GsReq) {
      return ok(r, { featureType: await doc(r, await ftOf(r)) });
    },
    async update(r: GsReq) {
      const p = await ftOf(r);
      const o = asObj((await r.body()).featureType);
      const newName = asText(o.name);
      if (newName !== undefined && newName !== p.name)
        throw new GsError(403, "Can't change the name of a feature type");
      const patch = mergeMetadata(p, resourcePatch(o));
      await gs.layers.update(r.actor, p, patch);
      return empty();
    },
    async remove(r: GsReq) {
      const p = await ftOf(r);
      // Every gisd feature type is published as a layer, so without recurse GeoServer's rule
      // "feature type referenced by layer(s)" always applies.
      if (!r.flag("recurse")) throw new GsError(403, "feature type referenced by layer(s)");
      await gs.layers.remove(r.actor, p);
      return empty();
    },
  };
}
