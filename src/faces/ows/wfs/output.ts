/**
 * @module GetFeature output formats (names as GeoServer and MapServer advertise them, which is
 * what OWSLib, GDAL and QGIS send) and the GML writing of one feature: geometry first, then the
 * fields in schema order, nulls left out (the schema makes every property optional).
 */
import type { NamedSrs } from "../../../geo/formats/gml/axis.ts";
import { type GmlVersion, writeGml } from "../../../geo/formats/gml/writer.ts";
import type { Feature, FieldDef, FieldValue } from "../../../geo/sources/feature-source.ts";
import { escapeXml } from "../../../geo/xml.ts";
import { invalid, type WfsVersion } from "./errors.ts";
import { featureIdOf, GEOM, type WfsLayer } from "./service.ts";

export type OutputKind = GmlVersion | "json";

const FORMATS: Record<string, OutputKind> = {
  gml2: "2",
  "text/xml; subtype=gml/2.1.2": "2",
  gml3: "3.1",
  "text/xml; subtype=gml/3.1.1": "3.1",
  "application/gml+xml; version=3.1": "3.1",
  gml32: "3.2",
  "text/xml; subtype=gml/3.2": "3.2",
  "application/gml+xml; version=3.2": "3.2",
  "text/xml; subtype=gml/3.2.1": "3.2",
  "application/json": "json",
  "application/geo+json": "json",
  json: "json",
  geojson: "json",
};

/** Advertised GetFeature formats per version (first is the default). */
export const OUTPUT_FORMATS: Record<WfsVersion, string[]> = {
  "1.0.0": ["GML2", "GML3", "application/json"],
  "1.1.0": [
    "text/xml; subtype=gml/3.1.1",
    "GML2",
    "text/xml; subtype=gml/2.1.2",
    "application/json",
  ],
  "2.0.0": [
    "application/gml+xml; version=3.2",
    "text/xml; subtype=gml/3.2",
    "text/xml; subtype=gml/3.1.1",
    "GML2",
    "application/json",
  ],
};

const DEFAULT_KIND: Record<WfsVersion, OutputKind> = {
  "1.0.0": "2",
  "1.1.0": "3.1",
  "2.0.0": "3.2",
};

export function outputKind(format: string | undefined, version: WfsVersion): OutputKind {
  if (!format) return DEFAULT_KIND[version];
  const k =
    FORMATS[
      format
        .trim()
        .toLowerCase()
        .replace(/\s*;\s*/g, "; ")
        .replace(/"/g, "")
    ];
  if (!k) throw invalid(`Output format '${format.slice(0, 80)}' is not supported.`, "outputFormat");
  return k;
}

export const GML_NS: Record<GmlVersion, string> = {
  "2": "http://www.opengis.net/gml",
  "3.1": "http://www.opengis.net/gml",
  "3.2": "http://www.opengis.net/gml/3.2",
};

export const CONTENT_TYPE: Record<OutputKind, string> = {
  "2": "text/xml; subtype=gml/2.1.2",
  "3.1": "text/xml; subtype=gml/3.1.1",
  "3.2": "application/gml+xml; version=3.2",
  json: "application/json",
};

function valueText(v: FieldValue): string {
  if (typeof v === "object" && v !== null) return JSON.stringify(v);
  return String(v);
}

export interface FeatureXmlOptions {
  gml: GmlVersion;
  srs: NamedSrs;
  srsName: string;
  /** Fields to write (schema order). */
  fields: FieldDef[];
  withGeom: boolean;
}

/** One feature element `<prefix:name gml:id=…>` with its properties. */
export function featureXml(f: Feature, ref: WfsLayer, o: FeatureXmlOptions): string {
  const tag = `${ref.prefix}:${ref.name}`;
  const fid = escapeXml(featureIdOf(ref, f.id));
  const idAttr = o.gml === "2" ? `fid="${fid}"` : `gml:id="${fid}"`;
  let out = `<${tag} ${idAttr}>`;
  if (o.withGeom && f.geom) {
    const g = writeGml(f.geom, {
      version: o.gml,
      srsName: o.srsName,
      latFirst: o.srs.latFirst,
      id: o.gml === "3.2" ? `${featureIdOf(ref, f.id)}.geom` : undefined,
    });
    out += `<${ref.prefix}:${GEOM}>${g}</${ref.prefix}:${GEOM}>`;
  }
  for (const d of o.fields) {
    const v = f.fields[d.keyname];
    if (v === null || v === undefined) continue;
    out += `<${ref.prefix}:${d.keyname}>${escapeXml(valueText(v))}</${ref.prefix}:${d.keyname}>`;
  }
  return `${out}</${tag}>`;
}
