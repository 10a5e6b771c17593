/**
 * @module A WFS request, from KVP (case-insensitive keys) or an XML POST body, as one value:
 * operation, version, and for GetFeature one query per type name with its raw filter (parsed
 * later against the layer, whose CRS decides the defaults), paging and output options.
 */
import { parseSortBy, splitPerType } from "../../../geo/filter/kvp.ts";
import { propertyName } from "../../../geo/filter/read-xml.ts";
import { child, childrenNamed, parseXmlSafe, type XmlElement, XmlError } from "../../../geo/xml.ts";
import { invalid, missing, unsupported, WfsError, type WfsVersion } from "./errors.ts";

export type Operation =
  | "GetCapabilities"
  | "DescribeFeatureType"
  | "GetFeature"
  | "Transaction"
  | "ListStoredQueries"
  | "DescribeStoredQueries"
  | "GetPropertyValue";

/** The one stored query WFS 2.0 requires (§7.9.3.6): a single feature by id, returned bare. */
export const GET_FEATURE_BY_ID = "urn:ogc:def:query:OGC-WFS::GetFeatureById";

export interface WfsQuery {
  typeNames: string[];
  /** Filter XML (KVP text or the parsed element), BBOX text or resource ids: at most one. */
  filter?: string | XmlElement;
  bbox?: string;
  ids?: string;
  propertyNames?: string[];
  sortBy?: { field: string; desc: boolean }[];
  srsName?: string;
}

export interface WfsRequest {
  operation: Operation;
  version: WfsVersion;
  /** DescribeFeatureType's type names (empty: all). */
  typeNames: string[];
  queries: WfsQuery[];
  outputFormat?: string;
  resultType: "results" | "hits";
  count?: number;
  startIndex: number;
  /** The Transaction element of a POST. */
  transaction?: XmlElement;
  /** GetFeatureById: answer the single feature, not a collection. */
  byId?: boolean;
  /** GetPropertyValue's property. */
  valueReference?: string;
}

const OPERATIONS: Operation[] = [
  "GetCapabilities",
  "DescribeFeatureType",
  "GetFeature",
  "Transaction",
  "ListStoredQueries",
  "DescribeStoredQueries",
  "GetPropertyValue",
];
const VERSIONS: Record<string, WfsVersion> = {
  "1.0": "1.0.0",
  "1.0.0": "1.0.0",
  "1.1": "1.1.0",
  "1.1.0": "1.1.0",
  "2.0": "2.0.0",
  "2.0.0": "2.0.0",
  "2.0.2": "2.0.0",
};

/** The version asked for; GetCapabilities negotiates (highest accepted), others default to 2.0.0. */
export function pickVersion(
  version: string | undefined,
  accept: string | undefined,
  op: string,
): WfsVersion {
  if (version) {
    const v = VERSIONS[version.trim()];
    if (v) return v;
    if (op.toLowerCase() !== "getcapabilities")
      throw new WfsError(
        "VersionNegotiationFailed",
        `WFS version ${version.slice(0, 20)} is not supported.`,
        "VERSION",
      );
  }
  if (accept) {
    const ok = accept
      .split(",")
      .map((s) => VERSIONS[s.trim()])
      .filter((v): v is WfsVersion => !!v);
    if (ok.length === 0)
      throw new WfsError(
        "VersionNegotiationFailed",
        "None of the accepted versions is supported.",
        "AcceptVersions",
      );
    return ok.sort().at(-1)!;
  }
  return "2.0.0";
}

function operation(name: string | undefined): Operation {
  if (!name) throw missing("REQUEST");
  const op = OPERATIONS.find((o) => o.toLowerCase() === name.trim().toLowerCase());
  if (!op) throw unsupported(`Request '${name.slice(0, 60)}' is not supported.`, "REQUEST");
  return op;
}

function integer(v: string | undefined, locator: string): number | undefined {
  if (v === undefined || v.trim() === "") return undefined;
  if (!/^\s*\d{1,9}\s*$/.test(v))
    throw invalid(`${locator} must be a non-negative integer below 10^9.`, locator);
  return Number(v);
}

function resultType(v: string | undefined): "results" | "hits" {
  const t = (v ?? "results").toLowerCase();
  if (t !== "results" && t !== "hits")
    throw invalid(`resultType '${t.slice(0, 20)}' is not results or hits.`, "resultType");
  return t;
}

const list = (v: string | undefined) =>
  v
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean) ?? [];

/** PROPERTYNAME's names; "*" (OWSLib's default) or nothing means every property. */
function propertyList(v: string | undefined): string[] | undefined {
  const names = list(v);
  if (names.length === 0 || (names.length === 1 && names[0] === "*")) return undefined;
  return names.map((n) => propertyName(n, "PROPERTYNAME"));
}

/** A request from query parameters (keys already upper-cased). */
export function fromKvp(p: Map<string, string>): WfsRequest {
  const service = p.get("SERVICE");
  if (service && service.toUpperCase() !== "WFS") throw invalid(`SERVICE must be WFS.`, "SERVICE");
  const op = operation(p.get("REQUEST"));
  const version = pickVersion(p.get("VERSION"), p.get("ACCEPTVERSIONS"), op);
  const typeNames = list(p.get("TYPENAMES") ?? p.get("TYPENAME"));
  const req: WfsRequest = {
    operation: op,
    version,
    typeNames,
    queries: [],
    outputFormat: p.get("OUTPUTFORMAT"),
    resultType: resultType(p.get("RESULTTYPE")),
    count: integer(
      p.get("COUNT") ?? p.get("MAXFEATURES"),
      p.has("COUNT") ? "COUNT" : "MAXFEATURES",
    ),
    startIndex: integer(p.get("STARTINDEX"), "STARTINDEX") ?? 0,
  };
  if (op === "Transaction") throw unsupported("Transaction needs an XML POST body.", "REQUEST");
  if (op === "GetPropertyValue") {
    const ref = p.get("VALUEREFERENCE");
    if (!ref) throw missing("VALUEREFERENCE");
    req.valueReference = propertyName(ref, "VALUEREFERENCE");
  } else if (op !== "GetFeature") return req;
  const stored = p.get("STOREDQUERY_ID");
  if (stored !== undefined) return storedQuery(req, stored, p.get("ID"));
  const ids = p.get("RESOURCEID") ?? p.get("FEATUREID");
  if (typeNames.length === 0 && !ids) throw missing(version === "2.0.0" ? "TYPENAMES" : "TYPENAME");
  const given = ["FILTER", "BBOX", "RESOURCEID", "FEATUREID"].filter((k) => p.has(k));
  if (given.length > 1) throw invalid(`${given.join(" and ")} are mutually exclusive.`, given[1]);
  const filters = p.has("FILTER") ? splitPerType(p.get("FILTER")!) : [];
  const props = p.has("PROPERTYNAME") ? splitPerType(p.get("PROPERTYNAME")!) : [];
  const sortBy = p.has("SORTBY") ? parseSortBy(p.get("SORTBY")!) : undefined;
  const srsName = p.get("SRSNAME");
  // Without TYPENAMES, RESOURCEID names the layers by its ids' prefixes (resolved later).
  const names = typeNames.length ? typeNames : [""];
  req.queries = names.map((t, i) => ({
    typeNames: t ? [t] : [],
    filter: filters.length ? (filters[i] ?? filters[0]) : undefined,
    bbox: p.get("BBOX"),
    ids,
    propertyNames: propertyList(props[i] ?? props[0]),
    sortBy,
    srsName,
  }));
  return req;
}

function storedQuery(req: WfsRequest, id: string, fid: string | undefined): WfsRequest {
  if (id !== GET_FEATURE_BY_ID)
    throw invalid(`Stored query '${id.slice(0, 80)}' is not known.`, "STOREDQUERY_ID");
  if (!fid) throw missing("ID");
  return { ...req, byId: true, queries: [{ typeNames: [], ids: fid }] };
}

function readQuery(q: XmlElement): WfsQuery {
  // OWSLib's WFS 2.0.0 POST writes "typenames" in lower case; GeoServer accepts it, so do we.
  const typeNames = (q.attrs.typeNames ?? q.attrs.typeName ?? q.attrs.typenames ?? "")
    .split(/[\s,]+/)
    .filter(Boolean);
  if (typeNames.length === 0) throw missing("typeName");
  const filter = child(q, "Filter");
  const props = [...childrenNamed(q, "PropertyName"), ...childrenNamed(q, "ValueReference")];
  const sort = child(q, "SortBy");
  return {
    typeNames,
    filter,
    propertyNames: props.length
      ? props.map((e) => propertyName(e.text, "PropertyName"))
      : undefined,
    sortBy: sort
      ? childrenNamed(sort, "SortProperty").map((sp) => {
          const name = child(sp, "PropertyName") ?? child(sp, "ValueReference");
          if (!name) throw invalid("SortProperty needs a property name.", "SortBy");
          const order = (child(sp, "SortOrder")?.text ?? "ASC").trim().toUpperCase();
          return { field: propertyName(name.text, "SortBy"), desc: order.startsWith("D") };
        })
      : undefined,
    srsName: q.attrs.srsName,
  };
}

/** A request from an XML POST body (parsed with the guarded reader). */
export function fromXml(body: Uint8Array | string): WfsRequest {
  let root: XmlElement;
  try {
    root = parseXmlSafe(body, { maxBytes: 50 * 1024 * 1024 });
  } catch (err) {
    if (err instanceof XmlError) throw invalid(err.message, "request");
    throw err;
  }
  const op = operation(root.name);
  const accept = child(root, "AcceptVersions")
    ?.children.map((v) => v.text.trim())
    .join(",");
  const version = pickVersion(root.attrs.version, accept, op);
  const req: WfsRequest = {
    operation: op,
    version,
    typeNames: [...childrenNamed(root, "TypeName"), ...childrenNamed(root, "TypeNames")].flatMap(
      (e) => list(e.text),
    ),
    queries: [],
    outputFormat: root.attrs.outputFormat,
    resultType: resultType(root.attrs.resultType),
    count: integer(root.attrs.count ?? root.attrs.maxFeatures, "count"),
    startIndex: integer(root.attrs.startIndex, "startIndex") ?? 0,
  };
  const stored = child(root, "StoredQuery");
  if (op === "GetFeature" && stored) {
    const id = childrenNamed(stored, "Parameter")
      .find((e) => e.attrs.name === "ID")
      ?.text.trim();
    return storedQuery(req, stored.attrs.id ?? "", id);
  }
  if (op === "GetPropertyValue") {
    if (!root.attrs.valueReference) throw missing("valueReference");
    req.valueReference = propertyName(root.attrs.valueReference, "valueReference");
  }
  if (op === "GetFeature" || op === "GetPropertyValue") {
    req.queries = childrenNamed(root, "Query").map(readQuery);
    if (req.queries.length === 0) throw missing("Query");
  }
  if (op === "Transaction") req.transaction = root;
  return req;
}
