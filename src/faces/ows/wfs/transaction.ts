/**
 * @module Transaction (WFS-T): Insert (GML geometries in any known srsName, reprojected to the
 * layer), Update (properties by name, a filter is required) and Delete (filter required), in
 * document order inside ONE catalog edit transaction per request, so a failure anywhere leaves
 * nothing written. Writing needs the catalog's data.write on the layer (403 report otherwise).
 * The response lists the inserted feature ids in each version's form.
 */
import { FeatureLayers } from "../../../catalog/features.ts";
import { planFilter } from "../../../geo/filter/plan.ts";
import { readFilterElement } from "../../../geo/filter/read-xml.ts";
import { runFiltered } from "../../../geo/filter/run.ts";
import { GmlError, readGml } from "../../../geo/formats/gml/reader.ts";
import { forceSingle, type Geometry, toMulti } from "../../../geo/geometry/types.ts";
import type {
  EditableSource,
  FeatureInput,
  FieldDef,
  FieldValue,
} from "../../../geo/sources/feature-source.ts";
import { reprojectGeometry } from "../../../geo/srs/index.ts";
import { child, childrenNamed, escapeXml, type XmlElement } from "../../../geo/xml.ts";
import { invalid, missing, unsupported, WfsError, type WfsVersion } from "./errors.ts";
import {
  featureIdOf,
  filterSchema,
  GEOM,
  resolveType,
  type WfsDeps,
  type WfsLayer,
  type WfsService,
  xmlFields,
} from "./service.ts";

type Action =
  | { kind: "insert"; el: XmlElement; srsName?: string; handle?: string }
  | { kind: "update" | "delete"; el: XmlElement };

/** gml:AbstractFeature members a client may send; ignored unless the layer has such a field. */
const GML_PROPS = new Set([
  "boundedBy",
  "name",
  "description",
  "location",
  "identifier",
  "metaDataProperty",
]);

interface Target {
  ref: WfsLayer;
  srs: number;
  geometryType: string;
  fields: FieldDef[];
}

function actions(root: XmlElement, s: WfsService): { ref: WfsLayer; list: Action[] } {
  const list: Action[] = [];
  const refs = new Set<WfsLayer>();
  for (const el of root.children) {
    if (el.name === "Insert") {
      for (const f of el.children) refs.add(resolveType(s, f.name, "Insert"));
      list.push({ kind: "insert", el, srsName: el.attrs.srsName, handle: el.attrs.handle });
    } else if (el.name === "Update" || el.name === "Delete") {
      const t = el.attrs.typeName ?? el.attrs.typeNames;
      if (!t) throw missing("typeName");
      refs.add(resolveType(s, t, el.name));
      list.push({ kind: el.name === "Update" ? "update" : "delete", el });
    } else if (el.name === "LockId") {
    } else
      throw unsupported(`Transaction action ${el.name.slice(0, 40)} is not supported.`, el.name);
  }
  if (refs.size === 0)
    throw invalid("The transaction has no Insert, Update or Delete.", "Transaction");
  if (refs.size > 1)
    throw unsupported(
      "A transaction may edit one feature type; send one per layer.",
      "Transaction",
    );
  return { ref: [...refs][0]!, list };
}

function geometry(prop: XmlElement, t: Target, srsName: string | undefined): Geometry | null {
  const el = prop.children[0];
  if (!el) return null;
  try {
    const g = readGml(el, { defaultSrsName: srsName ?? `EPSG:${t.srs}` });
    let geom = reprojectGeometry(g.geometry, g.srs ?? t.srs, t.srs);
    if (t.geometryType.startsWith("MULTI")) geom = toMulti(geom);
    else if (geom.type.startsWith("Multi")) geom = forceSingle(geom) ?? geom;
    const want = t.geometryType.replace(/Z$/, "");
    if (geom.type.toUpperCase() !== want)
      throw invalid(`A ${geom.type} does not fit a ${t.geometryType} layer.`, GEOM);
    return geom;
  } catch (err) {
    if (err instanceof GmlError) throw invalid(err.message, GEOM);
    throw err;
  }
}

function value(el: XmlElement | undefined, f: FieldDef): FieldValue {
  if (!el || el.attrs.nil === "true") return null;
  if (el.children.length) throw invalid(`Property ${f.keyname} must hold text.`, f.keyname);
  if (f.datatype === "STRING") return el.text;
  const t = el.text.trim();
  return t === "" ? null : t;
}

function field(t: Target, name: string, locator: string): FieldDef {
  const local = name.includes(":") ? name.slice(name.indexOf(":") + 1) : name;
  const f = t.fields.find((x) => x.keyname === local.trim());
  if (!f) throw invalid(`Unknown property '${name.slice(0, 60)}'.`, locator);
  return f;
}

function insertInput(el: XmlElement, t: Target, srsName?: string): FeatureInput {
  const input: FeatureInput = { fields: {} };
  for (const p of el.children) {
    if (p.name === GEOM) input.geom = geometry(p, t, srsName);
    else if (GML_PROPS.has(p.name) && !t.fields.some((f) => f.keyname === p.name)) continue;
    else {
      const f = field(t, p.name, "Insert");
      input.fields[f.keyname] = value(p, f);
    }
  }
  return input;
}

function updateInput(el: XmlElement, t: Target): FeatureInput {
  const input: FeatureInput = { fields: {} };
  for (const p of childrenNamed(el, "Property")) {
    const name = (child(p, "Name") ?? child(p, "ValueReference"))?.text.trim();
    if (!name) throw missing("Property/Name");
    const v = child(p, "Value");
    const local = name.includes(":") ? name.slice(name.indexOf(":") + 1) : name;
    if (local === GEOM) input.geom = v ? geometry(v, t, el.attrs.srsName) : null;
    else {
      const f = field(t, name, "Update");
      input.fields[f.keyname] = value(v, f);
    }
  }
  return input;
}

async function matching(source: EditableSource, el: XmlElement, t: Target): Promise<number[]> {
  const filter = child(el, "Filter");
  if (!filter) throw missing(`${el.name}/Filter`);
  const node = readFilterElement(filter, { defaultSrsName: el.attrs.srsName });
  const plan = planFilter(node, filterSchema(t.ref, t.fields, t.srs, t.srs));
  const ids: number[] = [];
  for await (const f of runFiltered(source, plan, { fields: [], geom: plan.residual !== null }))
    ids.push(f.id);
  return ids;
}

interface Outcome {
  inserted: { handle?: string; ids: number[] }[];
  updated: number;
  deleted: number;
}

export async function transaction(
  d: WfsDeps,
  s: WfsService,
  root: XmlElement,
  v: WfsVersion,
): Promise<Response> {
  const { ref, list } = actions(root, s);
  if (ref.resourceId === undefined)
    throw new WfsError(
      "OperationNotSupported",
      `Feature type '${ref.name}' is read-only.`,
      "Transaction",
      403,
    );
  let own: unknown;
  const out: Outcome = { inserted: [], updated: 0, deleted: 0 };
  try {
    await new FeatureLayers(d.catalog).edit(d.actor, ref.resourceId, async ({ layer, source }) => {
      try {
        const t: Target = {
          ref,
          srs: layer.srs,
          geometryType: layer.geometryType,
          fields: xmlFields(
            layer.fields.map((f) => ({ keyname: f.keyname, datatype: f.datatype })),
          ),
        };
        for (const a of list) {
          if (a.kind === "insert") {
            const ids = await source.insert(a.el.children.map((f) => insertInput(f, t, a.srsName)));
            out.inserted.push({ handle: a.handle, ids });
          } else if (a.kind === "update") {
            const input = updateInput(a.el, t);
            const ids = await matching(source, a.el, t);
            for (const id of ids) await source.update(id, input);
            out.updated += ids.length;
          } else {
            out.deleted += (await source.delete(await matching(source, a.el, t))).length;
          }
        }
      } catch (err) {
        own = err; // kept: the catalog rewraps engine errors, losing the OWS code and locator
        throw err;
      }
    });
  } catch (err) {
    if (own instanceof WfsError || (own && (own as { code?: unknown }).code)) throw own;
    throw err;
  }
  return new Response(`<?xml version="1.0" encoding="UTF-8"?>\n${response(out, ref, v)}\n`, {
    headers: { "Content-Type": "application/xml; charset=utf-8" },
  });
}

function response(o: Outcome, ref: WfsLayer, v: WfsVersion): string {
  const ids = o.inserted.flatMap((i) => i.ids.map((id) => escapeXml(featureIdOf(ref, id))));
  if (v === "1.0.0") {
    const res = ids.length
      ? `<wfs:InsertResult>${ids.map((id) => `<ogc:FeatureId fid="${id}"/>`).join("")}</wfs:InsertResult>`
      : "";
    return `<wfs:WFS_TransactionResponse version="1.0.0" xmlns:wfs="http://www.opengis.net/wfs" xmlns:ogc="http://www.opengis.net/ogc">${res}<wfs:TransactionResult><wfs:Status><wfs:SUCCESS/></wfs:Status></wfs:TransactionResult></wfs:WFS_TransactionResponse>`;
  }
  const two = v === "2.0.0";
  const idEl = (id: string) =>
    two ? `<fes:ResourceId rid="${id}"/>` : `<ogc:FeatureId fid="${id}"/>`;
  const features = o.inserted
    .flatMap((i) =>
      i.ids.map(
        (id) =>
          `<wfs:Feature${i.handle ? ` handle="${escapeXml(i.handle)}"` : ""}>${idEl(escapeXml(featureIdOf(ref, id)))}</wfs:Feature>`,
      ),
    )
    .join("");
  const ns = two
    ? `xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:fes="http://www.opengis.net/fes/2.0"`
    : `xmlns:wfs="http://www.opengis.net/wfs" xmlns:ogc="http://www.opengis.net/ogc"`;
  const summary = `<wfs:TransactionSummary><wfs:totalInserted>${ids.length}</wfs:totalInserted><wfs:totalUpdated>${o.updated}</wfs:totalUpdated>${two ? "<wfs:totalReplaced>0</wfs:totalReplaced>" : ""}<wfs:totalDeleted>${o.deleted}</wfs:totalDeleted></wfs:TransactionSummary>`;
  const results = features
    ? `<wfs:InsertResults>${features}</wfs:InsertResults>`
    : two
      ? ""
      : "<wfs:InsertResults/>";
  return `<wfs:TransactionResponse version="${v}" ${ns}>${summary}${two ? "" : "<wfs:TransactionResults/>"}${results}</wfs:TransactionResponse>`;
}
