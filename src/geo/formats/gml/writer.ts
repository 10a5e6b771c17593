/**
 * @module Geometry to GML 2.1.2, 3.1.1 and 3.2 text, in the axis order of the response's srsName
 * (axis.ts). GML 2 writes `coordinates`, GML 3 `pos`/`posList` with `srsDimension` when Z is
 * present; multi-curves and multi-surfaces use GML 3's MultiCurve/MultiSurface, which GDAL, OWSLib
 * and QGIS read and which the DescribeFeatureType schemas name.
 */
import { type Geometry, hasZ, type Position } from "../../geometry/types.ts";
import { escapeXml } from "../../xml.ts";

export type GmlVersion = "2" | "3.1" | "3.2";

export interface GmlWriteOptions {
  version: GmlVersion;
  srsName: string;
  /** Write latitude (northing) first. */
  latFirst: boolean;
  /** gml:id of the outer geometry (required on every GML 3.2 object; optional otherwise). */
  id?: string;
}

const num = (n: number): string => (Number.isFinite(n) ? String(n) : "0");

/** GML text of one geometry with the srsName on its outermost element. */
export function writeGml(g: Geometry, o: GmlWriteOptions): string {
  const dim = hasZ(g) ? 3 : 2;
  const pos = (p: Position): string => {
    const xy = o.latFirst ? [p[1]!, p[0]!] : [p[0]!, p[1]!];
    if (dim === 3) xy.push(p[2] ?? 0);
    return xy.map(num).join(o.version === "2" ? "," : " ");
  };
  const list = (ps: Position[]): string => ps.map(pos).join(" ");
  const v2 = o.version === "2";
  const dimAttr = dim === 3 ? ` srsDimension="3"` : "";
  let counter = 0;
  const idAttr = (outer: boolean): string => {
    if (o.version !== "3.2" && !(outer && o.id)) return "";
    const base = o.id ?? "g";
    return ` gml:id="${escapeXml(outer ? base : `${base}.${++counter}`)}"`;
  };
  const coords = (ps: Position[]): string =>
    v2
      ? `<gml:coordinates decimal="." cs="," ts=" ">${list(ps)}</gml:coordinates>`
      : ps.length === 1
        ? `<gml:pos${dimAttr}>${pos(ps[0]!)}</gml:pos>`
        : `<gml:posList${dimAttr}>${list(ps)}</gml:posList>`;
  const ring = (r: Position[]): string => `<gml:LinearRing>${coords(r)}</gml:LinearRing>`;
  const attrs = (outer: boolean): string =>
    `${idAttr(outer)}${outer ? ` srsName="${escapeXml(o.srsName)}"` : ""}`;

  const point = (p: Position, outer: boolean) =>
    `<gml:Point${attrs(outer)}>${coords([p])}</gml:Point>`;
  const line = (ps: Position[], outer: boolean) =>
    `<gml:LineString${attrs(outer)}>${coords(ps)}</gml:LineString>`;
  const polygon = (rings: Position[][], outer: boolean) => {
    const [shell, ...holes] = rings;
    const ext = v2 ? "outerBoundaryIs" : "exterior";
    const int = v2 ? "innerBoundaryIs" : "interior";
    const body =
      (shell ? `<gml:${ext}>${ring(shell)}</gml:${ext}>` : "") +
      holes.map((h) => `<gml:${int}>${ring(h)}</gml:${int}>`).join("");
    return `<gml:Polygon${attrs(outer)}>${body}</gml:Polygon>`;
  };
  const multi = (tag: string, member: string, parts: string[]) =>
    `<gml:${tag}${attrs(true)}>${parts.map((p) => `<gml:${member}>${p}</gml:${member}>`).join("")}</gml:${tag}>`;

  const write = (x: Geometry, outer: boolean): string => {
    switch (x.type) {
      case "Point":
        return point(x.coordinates, outer);
      case "LineString":
        return line(x.coordinates, outer);
      case "Polygon":
        return polygon(x.coordinates, outer);
      case "MultiPoint":
        return multi(
          "MultiPoint",
          "pointMember",
          x.coordinates.map((p) => point(p, false)),
        );
      case "MultiLineString":
        return v2
          ? multi(
              "MultiLineString",
              "lineStringMember",
              x.coordinates.map((l) => line(l, false)),
            )
          : multi(
              "MultiCurve",
              "curveMember",
              x.coordinates.map((l) => line(l, false)),
            );
      case "MultiPolygon":
        return v2
          ? multi(
              "MultiPolygon",
              "polygonMember",
              x.coordinates.map((p) => polygon(p, false)),
            )
          : multi(
              "MultiSurface",
              "surfaceMember",
              x.coordinates.map((p) => polygon(p, false)),
            );
      case "GeometryCollection":
        return multi(
          "MultiGeometry",
          "geometryMember",
          x.geometries.map((m) => write(m, false)),
        );
    }
  };
  return write(g, true);
}

/** A bounding box as GML: gml:Box (GML 2) or gml:Envelope (GML 3). */
export function writeGmlEnvelope(
  b: [number, number, number, number],
  o: Pick<GmlWriteOptions, "version" | "srsName" | "latFirst">,
): string {
  const [x0, y0, x1, y1] = o.latFirst ? [b[1], b[0], b[3], b[2]] : b;
  const srs = ` srsName="${escapeXml(o.srsName)}"`;
  if (o.version === "2") {
    return `<gml:Box${srs}><gml:coordinates decimal="." cs="," ts=" ">${num(x0)},${num(y0)} ${num(x1)},${num(y1)}</gml:coordinates></gml:Box>`;
  }
  return `<gml:Envelope${srs}><gml:lowerCorner>${num(x0)} ${num(y0)}</gml:lowerCorner><gml:upperCorner>${num(x1)} ${num(y1)}</gml:upperCorner></gml:Envelope>`;
}
