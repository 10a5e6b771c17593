/**
 * @module DescribeFeatureType: an XML Schema per namespace with one complexType per feature
 * type (geometry property `geom` first, then the fields in order, all optional and nillable),
 * deriving from GML 2 AbstractFeatureType for WFS 1.0 and from GML 3.1 / 3.2 for 1.1 / 2.0 —
 * the schema GDAL's GML reader and QGIS's WFS provider build their layer fields from.
 */
import type { FieldType } from "../../../geo/sources/feature-source.ts";
import { escapeXml } from "../../../geo/xml.ts";
import { invalid, type WfsVersion } from "./errors.ts";
import { GML_NS } from "./output.ts";
import {
  GEOM,
  type OpenType,
  openType,
  resolveType,
  type WfsDeps,
  type WfsService,
} from "./service.ts";

const XSD_TYPE: Record<FieldType, string> = {
  INTEGER: "xsd:int",
  BIGINT: "xsd:long",
  REAL: "xsd:double",
  STRING: "xsd:string",
  DATE: "xsd:date",
  TIME: "xsd:time",
  DATETIME: "xsd:dateTime",
  BOOLEAN: "xsd:boolean",
  JSON: "xsd:string",
};

function geometryType(ngw: string, gml2: boolean): string {
  const base = ngw.replace(/Z$/, "");
  const t: Record<string, string> = {
    POINT: "PointPropertyType",
    LINESTRING: "LineStringPropertyType",
    POLYGON: "PolygonPropertyType",
    MULTIPOINT: "MultiPointPropertyType",
    MULTILINESTRING: gml2 ? "MultiLineStringPropertyType" : "MultiCurvePropertyType",
    MULTIPOLYGON: gml2 ? "MultiPolygonPropertyType" : "MultiSurfacePropertyType",
  };
  return `gml:${t[base] ?? "GeometryPropertyType"}`;
}

const GML_SCHEMA: Record<WfsVersion, string> = {
  "1.0.0": "http://schemas.opengis.net/gml/2.1.2/feature.xsd",
  "1.1.0": "http://schemas.opengis.net/gml/3.1.1/base/gml.xsd",
  "2.0.0": "http://schemas.opengis.net/gml/3.2.1/gml.xsd",
};

function complexType(t: OpenType, v: WfsVersion): string {
  const props: string[] = [];
  if (t.srs > 0) {
    const gt = geometryType(t.geometryType, v === "1.0.0");
    props.push(
      `<xsd:element name="${GEOM}" type="${gt}" minOccurs="0" maxOccurs="1" nillable="true"/>`,
    );
  }
  for (const f of t.fields) {
    props.push(
      `<xsd:element name="${escapeXml(f.keyname)}" type="${XSD_TYPE[f.datatype]}" minOccurs="0" maxOccurs="1" nillable="true"/>`,
    );
  }
  const name = escapeXml(t.ref.name);
  const group = v === "2.0.0" ? "gml:AbstractFeature" : "gml:_Feature";
  return `<xsd:complexType name="${name}Type"><xsd:complexContent><xsd:extension base="gml:AbstractFeatureType"><xsd:sequence>${props.join("")}</xsd:sequence></xsd:extension></xsd:complexContent></xsd:complexType><xsd:element name="${name}" type="${escapeXml(t.ref.prefix)}:${name}Type" substitutionGroup="${group}"/>`;
}

export async function describeFeatureType(
  d: WfsDeps,
  s: WfsService,
  typeNames: string[],
  v: WfsVersion,
): Promise<Response> {
  const refs = typeNames.length ? typeNames.map((t) => resolveType(s, t)) : s.layers;
  const types: OpenType[] = [];
  for (const r of refs) {
    try {
      types.push(await openType(d, r));
    } catch (err) {
      if (typeNames.length) throw err;
    }
  }
  const uris = new Set(types.map((t) => t.ref.namespaceUri));
  if (uris.size > 1)
    throw invalid("Describe feature types of one namespace at a time.", "TYPENAME");
  const first = types[0]?.ref;
  const target = first
    ? ` targetNamespace="${escapeXml(first.namespaceUri)}" xmlns:${first.prefix}="${escapeXml(first.namespaceUri)}"`
    : "";
  const gml = GML_NS[v === "1.0.0" ? "2" : v === "1.1.0" ? "3.1" : "3.2"];
  const body = `<?xml version="1.0" encoding="UTF-8"?>
<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:gml="${gml}"${target} elementFormDefault="qualified" version="1.0"><xsd:import namespace="${gml}" schemaLocation="${GML_SCHEMA[v]}"/>${types.map((t) => complexType(t, v)).join("")}</xsd:schema>
`;
  const ct = v === "2.0.0" ? "application/gml+xml; version=3.2" : "text/xml; subtype=gml/3.1.1";
  return new Response(body, {
    headers: { "Content-Type": `${v === "1.0.0" ? "text/xml" : ct}; charset=utf-8` },
  });
}
