/**
 * @module GetFeature: each query is resolved to a layer, its filter (FILTER, BBOX or ids) parsed
 * and planned against the layer schema before anything is written (so every bad input is a 4xx
 * report), counted for numberMatched/hits, then streamed as GML 2/3.1/3.2 or GeoJSON in the
 * requested SRS and axis order.
 */
import type { FilterNode } from "../../../geo/filter/ast.ts";
import { parseBboxParam, parseIdsParam, requireFields } from "../../../geo/filter/kvp.ts";
import { type FilterPlan, planFilter } from "../../../geo/filter/plan.ts";
import { parseFilterXml, readFilterElement } from "../../../geo/filter/read-xml.ts";
import { countFiltered, runFiltered } from "../../../geo/filter/run.ts";
import { featureJson } from "../../../geo/formats/geojson-writer.ts";
import { type NamedSrs, parseSrsName, srsNameOf } from "../../../geo/formats/gml/axis.ts";
import { textStream } from "../../../geo/formats/text-stream.ts";
import type { Geometry } from "../../../geo/geometry/types.ts";
import type { Feature, FieldDef } from "../../../geo/sources/feature-source.ts";
import { reprojectGeometry } from "../../../geo/srs/index.ts";
import { invalid, unsupported, WfsError, type WfsVersion } from "./errors.ts";
import { CONTENT_TYPE, featureXml, GML_NS, type OutputKind, outputKind } from "./output.ts";
import type { WfsQuery, WfsRequest } from "./request.ts";
import {
  filterSchema,
  GEOM,
  layerOfId,
  type OpenType,
  openType,
  resolveType,
  type WfsDeps,
  type WfsLayer,
  type WfsService,
} from "./service.ts";

/** A query ready to run: its layer, plan, output SRS and projection. */
export interface Prepared {
  type: OpenType;
  plan: FilterPlan;
  srs: NamedSrs;
  srsName: string;
  fields: FieldDef[];
  withGeom: boolean;
  order?: { field: string; desc: boolean }[];
  matched: number;
}

/** The CRS name a version uses by default for a layer (DefaultSRS in the capabilities). */
export function defaultSrsName(version: WfsVersion, code: number): string {
  return srsNameOf(code || 4326, version === "1.0.0" ? "epsg" : "urn");
}

function outputSrs(
  q: WfsQuery,
  version: WfsVersion,
  layerSrs: number,
): { srs: NamedSrs; name: string } {
  if (!q.srsName) {
    const name = defaultSrsName(version, layerSrs);
    return { srs: parseSrsName(name), name };
  }
  try {
    return { srs: parseSrsName(q.srsName), name: q.srsName };
  } catch (err) {
    throw invalid(err instanceof Error ? err.message : String(err), "SRSNAME");
  }
}

function filterNode(q: WfsQuery, srsName: string): FilterNode | undefined {
  if (q.ids) return parseIdsParam(q.ids);
  if (q.bbox) return parseBboxParam(q.bbox, srsName);
  if (typeof q.filter === "string") return parseFilterXml(q.filter, { defaultSrsName: srsName });
  if (q.filter) return readFilterElement(q.filter, { defaultSrsName: srsName });
  return undefined;
}

/** The layers a query reads: its type name, or (RESOURCEID alone) the layers its ids name. */
export function queryLayers(s: WfsService, q: WfsQuery): WfsLayer[] {
  if (q.typeNames.length > 1)
    throw unsupported("Joins of several type names are not supported.", "TYPENAMES");
  if (q.typeNames.length === 1) return [resolveType(s, q.typeNames[0]!)];
  const ids = (q.ids ?? "")
    .split(/[,()]/)
    .map((x) => x.trim())
    .filter(Boolean);
  const layers = [...new Set(ids.map((id) => layerOfId(s, id)).filter((l): l is WfsLayer => !!l))];
  if (layers.length === 0)
    throw invalid("RESOURCEID names no feature type served here.", "RESOURCEID");
  return layers;
}

export async function prepare(
  d: WfsDeps,
  ref: WfsLayer,
  q: WfsQuery,
  version: WfsVersion,
): Promise<Prepared> {
  const type = await openType(d, ref);
  const { srs, name } = outputSrs(q, version, type.srs);
  const plan = planFilter(filterNode(q, name), filterSchema(ref, type.fields, type.srs, srs.code));
  const known = type.fields.map((f) => f.keyname);
  let fields = type.fields;
  let withGeom = type.srs > 0;
  if (q.propertyNames) {
    const wanted = q.propertyNames;
    requireFields(
      wanted.filter((n) => n !== GEOM),
      known,
      "PROPERTYNAME",
    );
    fields = type.fields.filter((f) => wanted.includes(f.keyname));
    withGeom &&= wanted.includes(GEOM);
  }
  if (q.sortBy)
    // "gml:id" (read as "id") sorts by feature id, which is what the source calls "id".
    requireFields(
      q.sortBy.map((s) => s.field),
      [...known, "id"],
      "SORTBY",
    );
  const matched = await countFiltered(type.source, plan, d.signal);
  return { type, plan, srs, srsName: name, fields, withGeom, order: q.sortBy, matched };
}

function outGeometry(f: Feature, from: number, to: number): Geometry | null {
  if (!f.geom || from <= 0) return null;
  try {
    return reprojectGeometry(f.geom, from, to);
  } catch {
    return null;
  }
}

/** Paging over the concatenation of all queries' results. */
export async function* pages(d: WfsDeps, preps: Prepared[], req: WfsRequest) {
  let skip = req.startIndex;
  let left = req.count ?? Number.POSITIVE_INFINITY;
  for (const p of preps) {
    const cap = Math.min(left, p.type.ref.maxFeatures ?? Number.POSITIVE_INFINITY);
    if (cap <= 0) return;
    const offset = Math.min(skip, p.matched);
    skip -= offset;
    if (offset >= p.matched) continue;
    const run = runFiltered(p.type.source, p.plan, {
      order: p.order,
      offset,
      limit: Number.isFinite(cap) ? cap : undefined,
      fields: p.fields.map((f) => f.keyname),
      geom: p.withGeom,
      signal: d.signal,
    });
    for await (const f of run) {
      left--;
      yield {
        p,
        f: { ...f, geom: p.withGeom ? outGeometry(f, p.type.srs, p.srs.code) : null },
      };
    }
  }
}

function returnedCount(preps: Prepared[], req: WfsRequest): number {
  let skip = req.startIndex;
  let left = req.count ?? Number.POSITIVE_INFINITY;
  let n = 0;
  for (const p of preps) {
    const avail = Math.max(0, p.matched - skip);
    skip = Math.max(0, skip - p.matched);
    const take = Math.min(avail, left, p.type.ref.maxFeatures ?? Number.POSITIVE_INFINITY);
    n += take;
    left -= take;
  }
  return n;
}

function namespaces(preps: Prepared[]): string {
  const seen = new Map(preps.map((p) => [p.type.ref.prefix, p.type.ref.namespaceUri]));
  return [...seen].map(([k, v]) => ` xmlns:${k}="${v}"`).join("");
}

export function collectionHead(
  version: WfsVersion,
  kind: OutputKind,
  preps: Prepared[],
  req: WfsRequest,
  hits: boolean,
): string {
  const ns = namespaces(preps);
  const matched = preps.reduce((a, p) => a + p.matched, 0);
  const returned = hits ? 0 : returnedCount(preps, req);
  const stamp = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const gml = GML_NS[kind === "json" ? "3.2" : kind];
  if (version === "2.0.0") {
    return `<wfs:FeatureCollection xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:gml="${gml}"${ns} timeStamp="${stamp}" numberMatched="${matched}" numberReturned="${returned}">`;
  }
  const n =
    version === "1.1.0"
      ? ` numberOfFeatures="${hits ? matched : returned}" timeStamp="${stamp}"`
      : "";
  return `<wfs:FeatureCollection xmlns:wfs="http://www.opengis.net/wfs" xmlns:gml="${gml}"${ns}${n}>`;
}

async function* gmlBody(
  d: WfsDeps,
  preps: Prepared[],
  req: WfsRequest,
  kind: Exclude<OutputKind, "json">,
) {
  yield `<?xml version="1.0" encoding="UTF-8"?>\n${collectionHead(req.version, kind, preps, req, false)}`;
  if (req.version === "1.0.0") yield "<gml:boundedBy><gml:null>unknown</gml:null></gml:boundedBy>";
  const member = req.version === "2.0.0" ? "wfs:member" : "gml:featureMember";
  for await (const { p, f } of pages(d, preps, req)) {
    const x = featureXml(f, p.type.ref, {
      gml: kind,
      srs: p.srs,
      srsName: p.srsName,
      fields: p.fields,
      withGeom: p.withGeom,
    });
    yield `\n<${member}>${x}</${member}>`;
  }
  yield "\n</wfs:FeatureCollection>\n";
}

async function* jsonBody(d: WfsDeps, preps: Prepared[], req: WfsRequest) {
  const matched = preps.reduce((a, p) => a + p.matched, 0);
  const code = preps[0]?.srs.code ?? 4326;
  const crs =
    code === 4326
      ? ""
      : `,"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::${code}"}}`;
  yield `{"type":"FeatureCollection","numberMatched":${matched},"numberReturned":${returnedCount(preps, req)}${crs},"features":[`;
  let first = true;
  for await (const { p, f } of pages(d, preps, req)) {
    yield (first ? "\n" : ",\n") + featureJson(f, { fields: p.fields.map((x) => x.keyname) });
    first = false;
  }
  yield "\n]}\n";
}

/**
 * Pulls the head and the first feature before answering, so an error while opening the query
 * is still a 4xx report rather than a broken 200 stream.
 */
export async function primed(gen: AsyncGenerator<string>): Promise<AsyncGenerator<string>> {
  const head: string[] = [];
  for (let i = 0; i < 2; i++) {
    const r = await gen.next();
    if (r.done) break;
    head.push(r.value);
  }
  return (async function* () {
    yield* head;
    yield* gen;
  })();
}

/** GetFeatureById's answer: the bare feature (GML or GeoJSON), 404 NotFound when absent. */
async function featureById(d: WfsDeps, preps: Prepared[], req: WfsRequest, kind: OutputKind) {
  for await (const { p, f } of pages(d, preps, { ...req, count: 1 })) {
    const headers = { "Content-Type": `${CONTENT_TYPE[kind]}; charset=utf-8` };
    if (kind === "json")
      return new Response(featureJson(f, { fields: p.fields.map((x) => x.keyname) }), { headers });
    const el = featureXml(f, p.type.ref, {
      gml: kind,
      srs: p.srs,
      srsName: p.srsName,
      fields: p.fields,
      withGeom: p.withGeom,
    });
    const ns = ` xmlns:gml="${GML_NS[kind]}"${namespaces([p])}`;
    const tag = `<${p.type.ref.prefix}:${p.type.ref.name}`;
    return new Response(
      `<?xml version="1.0" encoding="UTF-8"?>\n${tag}${ns}${el.slice(tag.length)}\n`,
      {
        headers,
      },
    );
  }
  throw new WfsError("NotFound", "No feature has this identifier.", "ID", 404);
}

export async function getFeature(d: WfsDeps, s: WfsService, req: WfsRequest): Promise<Response> {
  const kind = outputKind(req.outputFormat, req.version);
  const preps: Prepared[] = [];
  for (const q of req.queries)
    for (const ref of queryLayers(s, q)) preps.push(await prepare(d, ref, q, req.version));
  const type = CONTENT_TYPE[kind];
  if (req.byId) return featureById(d, preps, req, kind);
  if (req.resultType === "hits") {
    const head = collectionHead(req.version, kind === "json" ? "3.2" : kind, preps, req, true);
    return new Response(`<?xml version="1.0" encoding="UTF-8"?>\n${head.replace(/>$/, "/>")}\n`, {
      headers: { "Content-Type": "text/xml; charset=utf-8" },
    });
  }
  const gen = await primed(
    kind === "json" ? jsonBody(d, preps, req) : gmlBody(d, preps, req, kind),
  );
  return new Response(textStream(gen), { headers: { "Content-Type": `${type}; charset=utf-8` } });
}
