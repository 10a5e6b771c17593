/**
 * @module CRS names in GML and WFS, and the axis order each implies. The EPSG authority puts
 * latitude first for geographic CRSs; WFS 1.1/2.0 and GML 3 honour that when the CRS is named
 * by URN (`urn:ogc:def:crs:EPSG::4326`) or URL (`http://www.opengis.net/def/crs/EPSG/0/4326`),
 * while the short `EPSG:4326` and GML 2's `http://www.opengis.net/gml/srs/epsg.xml#4326` keep
 * x/y (longitude first) — as GeoServer, MapServer, GDAL and OWSLib all assume.
 */
import { isGeographic, parseCrsName, SrsError } from "../../srs/index.ts";

/** How a response names its CRS. */
export type SrsStyle = "epsg" | "urn" | "url" | "gml2";

export interface NamedSrs {
  code: number;
  /** Coordinates are written latitude (northing) first. */
  latFirst: boolean;
  style: SrsStyle;
}

function styleOf(name: string): SrsStyle {
  const t = name.trim().toLowerCase();
  if (t.startsWith("urn:")) return "urn";
  if (t.includes("/def/crs/")) return "url";
  if (t.includes("/gml/srs/epsg.xml#")) return "gml2";
  return "epsg";
}

/** Parses an srsName; throws SrsError when gisd does not know it. */
export function parseSrsName(name: string): NamedSrs {
  const code = parseCrsName(name);
  if (code === null) throw new SrsError(`Unknown CRS name '${String(name).slice(0, 100)}'.`);
  const style = styleOf(name);
  const crs84 = /crs:?84$/i.test(name.trim());
  let geographic: boolean;
  try {
    geographic = isGeographic(code);
  } catch {
    throw new SrsError(`Unknown spatial reference system EPSG:${code}.`);
  }
  return { code, style, latFirst: !crs84 && geographic && (style === "urn" || style === "url") };
}

/** The srsName of a code written in a style. */
export function srsNameOf(code: number, style: SrsStyle): string {
  switch (style) {
    case "urn":
      return `urn:ogc:def:crs:EPSG::${code}`;
    case "url":
      return `http://www.opengis.net/def/crs/EPSG/0/${code}`;
    case "gml2":
      return `http://www.opengis.net/gml/srs/epsg.xml#${code}`;
    default:
      return `EPSG:${code}`;
  }
}

/** A NamedSrs for a code in a style, with the axis order that style implies. */
export function namedSrs(code: number, style: SrsStyle): NamedSrs {
  return parseSrsName(srsNameOf(code, style));
}
