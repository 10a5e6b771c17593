/**
 * @module GetCapabilities for WFS 1.0.0, 1.1.0 and 2.0.0: the operations with their GET and POST
 * URLs, the feature types the actor may read (default SRS = the layer's, plus EPSG:4326 and
 * 3857; WGS 84 bounds), output formats, and the filter capabilities gisd evaluates. OWSLib,
 * GDAL and QGIS read exactly these elements.
 */

import type { BBox } from "../../../geo/geometry/types.ts";
import { reprojectBBox } from "../../../geo/srs/index.ts";
import { escapeXml } from "../../../geo/xml.ts";
import type { WfsVersion } from "./errors.ts";
import { defaultSrsName } from "./get-feature.ts";
import { OUTPUT_FORMATS } from "./output.ts";
import { openType, qualified, type WfsDeps, type WfsLayer, type WfsService } from "./service.ts";

interface TypeInfo {
  ref: WfsLayer;
  srs: number;
  wgs84: BBox;
}

const WORLD: BBox = [-180, -90, 180, 90];
const OTHER_SRS = [4326, 3857];
const OPS = ["GetCapabilities", "DescribeFeatureType", "GetFeature", "Transaction"];
const OPS_20 = [...OPS, "GetPropertyValue", "ListStoredQueries", "DescribeStoredQueries"];
const x = escapeXml;

/** The GET URL clients append "key=value&…" to (the endpoint may carry a query, e.g. MAP=). */
const getUrl = (url: string) =>
  !url.includes("?") ? `${url}?` : /[?&]$/.test(url) ? url : `${url}&`;

async function typeInfos(d: WfsDeps, s: WfsService): Promise<TypeInfo[]> {
  const out: TypeInfo[] = [];
  for (const ref of s.layers) {
    try {
      const t = await openType(d, ref);
      const ext = t.srs > 0 ? await t.source.extent() : null;
      let wgs84 = WORLD;
      if (ext) {
        try {
          wgs84 = reprojectBBox(ext, t.srs, 4326);
        } catch {}
      }
      out.push({ ref, srs: t.srs, wgs84 });
    } catch {
      // A layer the actor cannot read (or that vanished) is simply not listed.
    }
  }
  return out;
}

const n = (v: number) => String(Number(v.toFixed(8)));
const namespaces = (ts: TypeInfo[]) =>
  [...new Map(ts.map((t) => [t.ref.prefix, t.ref.namespaceUri]))]
    .map(([p, u]) => ` xmlns:${p}="${x(u)}"`)
    .join("");

function v100(s: WfsService, ts: TypeInfo[]): string {
  const url = x(s.url);
  const dcp = `<DCPType><HTTP><Get onlineResource="${x(getUrl(s.url))}"/></HTTP></DCPType><DCPType><HTTP><Post onlineResource="${url}"/></HTTP></DCPType>`;
  const types = ts
    .map(
      (t) =>
        `<FeatureType><Name>${x(qualified(t.ref))}</Name><Title>${x(t.ref.title)}</Title><Abstract>${x(t.ref.abstract ?? "")}</Abstract><SRS>EPSG:${t.srs || 4326}</SRS><LatLongBoundingBox minx="${n(t.wgs84[0])}" miny="${n(t.wgs84[1])}" maxx="${n(t.wgs84[2])}" maxy="${n(t.wgs84[3])}"/></FeatureType>`,
    )
    .join("");
  return `<WFS_Capabilities version="1.0.0" xmlns="http://www.opengis.net/wfs" xmlns:ogc="http://www.opengis.net/ogc"${namespaces(ts)}>
<Service><Name>WFS</Name><Title>${x(s.title)}</Title><Abstract>${x(s.abstract ?? "")}</Abstract><OnlineResource>${url}</OnlineResource></Service>
<Capability><Request><GetCapabilities>${dcp}</GetCapabilities><DescribeFeatureType><SchemaDescriptionLanguage><XMLSCHEMA/></SchemaDescriptionLanguage>${dcp}</DescribeFeatureType><GetFeature><ResultFormat><GML2/><GML3/></ResultFormat>${dcp}</GetFeature><Transaction>${dcp}</Transaction></Request></Capability>
<FeatureTypeList><Operations><Query/><Insert/><Update/><Delete/></Operations>${types}</FeatureTypeList>
<ogc:Filter_Capabilities><ogc:Spatial_Capabilities><ogc:Spatial_Operators><ogc:BBOX/><ogc:Intersect/><ogc:Disjoint/><ogc:Within/><ogc:Contains/><ogc:DWithin/><ogc:Beyond/></ogc:Spatial_Operators></ogc:Spatial_Capabilities><ogc:Scalar_Capabilities><ogc:Logical_Operators/><ogc:Comparison_Operators><ogc:Simple_Comparisons/><ogc:Like/><ogc:Between/><ogc:NullCheck/></ogc:Comparison_Operators></ogc:Scalar_Capabilities></ogc:Filter_Capabilities>
</WFS_Capabilities>`;
}

function operations(s: WfsService, v: WfsVersion): string {
  const url = x(s.url);
  const dcp = `<ows:DCP><ows:HTTP><ows:Get xlink:href="${x(getUrl(s.url))}"/><ows:Post xlink:href="${url}"/></ows:HTTP></ows:DCP>`;
  const param = (name: string, values: string[]) =>
    v === "2.0.0"
      ? `<ows:Parameter name="${name}"><ows:AllowedValues>${values.map((a) => `<ows:Value>${x(a)}</ows:Value>`).join("")}</ows:AllowedValues></ows:Parameter>`
      : `<ows:Parameter name="${name}">${values.map((a) => `<ows:Value>${x(a)}</ows:Value>`).join("")}</ows:Parameter>`;
  const extra: Record<string, string> = {
    GetCapabilities: param("AcceptVersions", ["1.0.0", "1.1.0", "2.0.0"]),
    DescribeFeatureType: param("outputFormat", [
      v === "2.0.0" ? "application/gml+xml; version=3.2" : "text/xml; subtype=gml/3.1.1",
    ]),
    GetFeature: param("resultType", ["results", "hits"]) + param("outputFormat", OUTPUT_FORMATS[v]),
    Transaction: "",
    GetPropertyValue: "",
    ListStoredQueries: "",
    DescribeStoredQueries: "",
  };
  const ops = (v === "2.0.0" ? OPS_20 : OPS)
    .map((o) => `<ows:Operation name="${o}">${dcp}${extra[o]}</ows:Operation>`)
    .join("");
  if (v !== "2.0.0") return `<ows:OperationsMetadata>${ops}</ows:OperationsMetadata>`;
  const c = (name: string, value: string) =>
    `<ows:Constraint name="${name}"><ows:NoValues/><ows:DefaultValue>${value}</ows:DefaultValue></ows:Constraint>`;
  const constraints = [
    ["ImplementsBasicWFS", "TRUE"],
    ["ImplementsTransactionalWFS", "TRUE"],
    ["ImplementsLockingWFS", "FALSE"],
    ["KVPEncoding", "TRUE"],
    ["XMLEncoding", "TRUE"],
    ["SOAPEncoding", "FALSE"],
    ["ImplementsInheritance", "FALSE"],
    ["ImplementsRemoteResolve", "FALSE"],
    ["ImplementsResultPaging", "TRUE"],
    ["ImplementsStandardJoins", "FALSE"],
    ["ImplementsSpatialJoins", "FALSE"],
    ["ImplementsTemporalJoins", "FALSE"],
    ["ImplementsFeatureVersioning", "FALSE"],
    ["ManageStoredQueries", "FALSE"],
  ]
    .map(([k, val]) => c(k!, val!))
    .join("");
  return `<ows:OperationsMetadata>${ops}${constraints}</ows:OperationsMetadata>`;
}

function featureTypes(ts: TypeInfo[], v: WfsVersion): string {
  const tag = v === "2.0.0" ? "CRS" : "SRS";
  return ts
    .map((t) => {
      const others = OTHER_SRS.filter((c) => c !== t.srs)
        .map((c) => `<Other${tag}>${defaultSrsName(v, c)}</Other${tag}>`)
        .join("");
      const formats = OUTPUT_FORMATS[v].map((f) => `<Format>${x(f)}</Format>`).join("");
      return `<FeatureType><Name>${x(qualified(t.ref))}</Name><Title>${x(t.ref.title)}</Title><Abstract>${x(t.ref.abstract ?? "")}</Abstract><Default${tag}>${defaultSrsName(v, t.srs)}</Default${tag}>${others}<OutputFormats>${formats}</OutputFormats><ows:WGS84BoundingBox><ows:LowerCorner>${n(t.wgs84[0])} ${n(t.wgs84[1])}</ows:LowerCorner><ows:UpperCorner>${n(t.wgs84[2])} ${n(t.wgs84[3])}</ows:UpperCorner></ows:WGS84BoundingBox></FeatureType>`;
    })
    .join("");
}

function filterCaps(v: WfsVersion): string {
  if (v === "1.1.0") {
    return `<ogc:Filter_Capabilities><ogc:Spatial_Capabilities><ogc:GeometryOperands><ogc:GeometryOperand>gml:Envelope</ogc:GeometryOperand><ogc:GeometryOperand>gml:Point</ogc:GeometryOperand><ogc:GeometryOperand>gml:LineString</ogc:GeometryOperand><ogc:GeometryOperand>gml:Polygon</ogc:GeometryOperand></ogc:GeometryOperands><ogc:SpatialOperators>${["BBOX", "Intersects", "Disjoint", "Within", "Contains", "DWithin", "Beyond"].map((o) => `<ogc:SpatialOperator name="${o}"/>`).join("")}</ogc:SpatialOperators></ogc:Spatial_Capabilities><ogc:Scalar_Capabilities><ogc:LogicalOperators/><ogc:ComparisonOperators>${["LessThan", "GreaterThan", "LessThanEqualTo", "GreaterThanEqualTo", "EqualTo", "NotEqualTo", "Like", "Between", "NullCheck"].map((o) => `<ogc:ComparisonOperator>${o}</ogc:ComparisonOperator>`).join("")}</ogc:ComparisonOperators></ogc:Scalar_Capabilities><ogc:Id_Capabilities><ogc:FID/><ogc:EID/></ogc:Id_Capabilities></ogc:Filter_Capabilities>`;
  }
  const conf = [
    ["ImplementsQuery", "TRUE"],
    ["ImplementsAdHocQuery", "TRUE"],
    ["ImplementsFunctions", "FALSE"],
    ["ImplementsResourceId", "TRUE"],
    ["ImplementsMinStandardFilter", "TRUE"],
    ["ImplementsStandardFilter", "TRUE"],
    ["ImplementsMinSpatialFilter", "TRUE"],
    ["ImplementsSpatialFilter", "TRUE"],
    ["ImplementsMinTemporalFilter", "FALSE"],
    ["ImplementsTemporalFilter", "FALSE"],
    ["ImplementsVersionNav", "FALSE"],
    ["ImplementsSorting", "TRUE"],
    ["ImplementsExtendedOperators", "FALSE"],
  ]
    .map(
      ([k, val]) =>
        `<fes:Constraint name="${k}"><ows:NoValues/><ows:DefaultValue>${val}</ows:DefaultValue></fes:Constraint>`,
    )
    .join("");
  const cmp = [
    "LessThan",
    "GreaterThan",
    "LessThanOrEqualTo",
    "GreaterThanOrEqualTo",
    "EqualTo",
    "NotEqualTo",
    "Like",
    "Between",
    "Null",
    "Nil",
  ]
    .map((o) => `<fes:ComparisonOperator name="PropertyIs${o}"/>`)
    .join("");
  const spatial = ["BBOX", "Intersects", "Disjoint", "Within", "Contains", "DWithin", "Beyond"]
    .map((o) => `<fes:SpatialOperator name="${o}"/>`)
    .join("");
  return `<fes:Filter_Capabilities><fes:Conformance>${conf}</fes:Conformance><fes:Id_Capabilities><fes:ResourceIdentifier name="fes:ResourceId"/></fes:Id_Capabilities><fes:Scalar_Capabilities><fes:LogicalOperators/><fes:ComparisonOperators>${cmp}</fes:ComparisonOperators></fes:Scalar_Capabilities><fes:Spatial_Capabilities><fes:GeometryOperands><fes:GeometryOperand name="gml:Envelope"/><fes:GeometryOperand name="gml:Point"/><fes:GeometryOperand name="gml:LineString"/><fes:GeometryOperand name="gml:Polygon"/></fes:GeometryOperands><fes:SpatialOperators>${spatial}</fes:SpatialOperators></fes:Spatial_Capabilities></fes:Filter_Capabilities>`;
}

function v1x(s: WfsService, ts: TypeInfo[], v: "1.1.0" | "2.0.0"): string {
  const two = v === "2.0.0";
  const head = two
    ? `<wfs:WFS_Capabilities version="2.0.0" xmlns="http://www.opengis.net/wfs/2.0" xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:ows="http://www.opengis.net/ows/1.1" xmlns:fes="http://www.opengis.net/fes/2.0" xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:xlink="http://www.w3.org/1999/xlink"${namespaces(ts)}>`
    : `<wfs:WFS_Capabilities version="1.1.0" xmlns="http://www.opengis.net/wfs" xmlns:wfs="http://www.opengis.net/wfs" xmlns:ows="http://www.opengis.net/ows" xmlns:ogc="http://www.opengis.net/ogc" xmlns:gml="http://www.opengis.net/gml" xmlns:xlink="http://www.w3.org/1999/xlink"${namespaces(ts)}>`;
  const ident = `<ows:ServiceIdentification><ows:Title>${x(s.title)}</ows:Title><ows:Abstract>${x(s.abstract ?? "")}</ows:Abstract><ows:ServiceType>WFS</ows:ServiceType><ows:ServiceTypeVersion>${v}</ows:ServiceTypeVersion><ows:Fees>NONE</ows:Fees><ows:AccessConstraints>NONE</ows:AccessConstraints></ows:ServiceIdentification><ows:ServiceProvider><ows:ProviderName>gisd</ows:ProviderName><ows:ServiceContact/></ows:ServiceProvider>`;
  const ops = two
    ? ""
    : "<Operations><Operation>Query</Operation><Operation>Insert</Operation><Operation>Update</Operation><Operation>Delete</Operation></Operations>";
  return `${head}${ident}${operations(s, v)}<FeatureTypeList>${ops}${featureTypes(ts, v)}</FeatureTypeList>${filterCaps(v)}</wfs:WFS_Capabilities>`;
}

export async function getCapabilities(d: WfsDeps, s: WfsService, v: WfsVersion): Promise<Response> {
  const ts = await typeInfos(d, s);
  const body = v === "1.0.0" ? v100(s, ts) : v1x(s, ts, v);
  return new Response(`<?xml version="1.0" encoding="UTF-8"?>\n${body}\n`, {
    headers: { "Content-Type": "application/xml; charset=utf-8" },
  });
}
