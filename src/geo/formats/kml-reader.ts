/**
 * @module KML reader (fast-xml-parser over the whole document, capped in size): every Placemark
 * in any Document/Folder, Point/LineString/Polygon/MultiGeometry, name, description and
 * ExtendedData (SimpleData and Data) as fields. A DOCTYPE is refused outright, so no entity
 * (XXE, billion laughs) is ever expanded.
 */
import { stat } from "node:fs/promises";
import { XMLParser } from "fast-xml-parser";
import type { Geometry, Position } from "../geometry/types.ts";
import type { FieldValue } from "../sources/feature-source.ts";
import { FormatError } from "./errors.ts";
import { GeometryTypeInference } from "./geom-util.ts";
import { coerceValue, FieldInference } from "./infer.ts";
import type { FeatureReadOptions, ReadFeature, VectorReader } from "./source.ts";

/**
 * KML is read whole and fast-xml-parser manages ~3 MB/s here, so the cap keeps a worst case
 * under half a minute; larger data should come as GeoPackage or FlatGeobuf.
 */
export const MAX_KML_BYTES = 64 * 1024 * 1024;

type Node = Record<string, unknown>;
const ARRAYS = new Set([
  "Placemark",
  "Folder",
  "Document",
  "SimpleData",
  "Data",
  "innerBoundaryIs",
]);
const GEOMS = ["Point", "LineString", "Polygon", "MultiGeometry", "LinearRing"];

const asList = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const text = (v: unknown): string =>
  v === undefined || v === null
    ? ""
    : typeof v === "object"
      ? String((v as Node)["#text"] ?? "")
      : String(v);

function coords(v: unknown, where: string): Position[] {
  const s = text(v).trim();
  if (s === "") return [];
  return s.split(/\s+/).map((t) => {
    const p = t.split(",").map(Number);
    if (p.length < 2 || p.some((n) => !Number.isFinite(n)))
      throw new Error(`${where}: bad coordinates "${t}"`);
    return p.slice(0, 3);
  });
}

function geometries(n: Node): Geometry[] {
  const out: Geometry[] = [];
  for (const key of GEOMS) {
    for (const g of asList(n[key]) as Node[]) {
      if (key === "Point") {
        const c = coords(g?.coordinates, "Point");
        out.push({ type: "Point", coordinates: c[0] ?? [] });
      } else if (key === "LineString")
        out.push({ type: "LineString", coordinates: coords(g?.coordinates, "LineString") });
      else if (key === "LinearRing")
        out.push({ type: "LineString", coordinates: coords(g?.coordinates, "LinearRing") });
      else if (key === "Polygon") {
        const outer = coords(
          (g?.outerBoundaryIs as Node)?.LinearRing &&
            ((g.outerBoundaryIs as Node).LinearRing as Node).coordinates,
          "Polygon",
        );
        const inner = asList(g?.innerBoundaryIs).map((b) =>
          coords(((b as Node)?.LinearRing as Node)?.coordinates, "Polygon"),
        );
        out.push({ type: "Polygon", coordinates: [outer, ...inner] });
      } else out.push(...geometries(g ?? {}));
    }
  }
  return out;
}

function merge(gs: Geometry[]): Geometry | null {
  if (gs.length === 0) return null;
  if (gs.length === 1) return gs[0]!;
  const t = gs[0]!.type;
  if (gs.every((g) => g.type === t)) {
    const c = gs.map((g) => (g as { coordinates: unknown }).coordinates);
    if (t === "Point") return { type: "MultiPoint", coordinates: c as Position[] };
    if (t === "LineString") return { type: "MultiLineString", coordinates: c as Position[][] };
    if (t === "Polygon") return { type: "MultiPolygon", coordinates: c as Position[][][] };
  }
  return { type: "GeometryCollection", geometries: gs };
}

function placemarks(n: unknown, out: Node[]): void {
  if (typeof n !== "object" || n === null) return;
  for (const [k, v] of Object.entries(n as Node)) {
    if (k === "Placemark") out.push(...(asList(v) as Node[]));
    else if (typeof v === "object") for (const c of asList(v)) placemarks(c, out);
  }
}

function attributes(p: Node): Record<string, string> {
  const a: Record<string, string> = {};
  if (p.name !== undefined) a.name = text(p.name);
  if (p.description !== undefined) a.description = text(p.description);
  const ext = (p.ExtendedData ?? {}) as Node;
  for (const sd of asList(ext.SchemaData) as Node[]) {
    for (const d of asList(sd?.SimpleData) as Node[]) a[String(d?.["@_name"])] = text(d);
  }
  for (const d of asList(ext.Data) as Node[]) a[String(d?.["@_name"])] = text(d?.value);
  return a;
}

export async function openKml(path: string): Promise<VectorReader> {
  if ((await stat(path)).size > MAX_KML_BYTES)
    throw new FormatError(`KML files larger than ${MAX_KML_BYTES} bytes are not accepted`);
  const xml = await Bun.file(path).text();
  if (/<!DOCTYPE/i.test(xml) || /<!ENTITY/i.test(xml)) {
    throw new FormatError("KML with a DOCTYPE or entity declarations is refused (XXE protection)");
  }
  let doc: unknown;
  try {
    doc = new XMLParser({
      ignoreAttributes: false,
      removeNSPrefix: true,
      // Only the five XML entities and character references: a DOCTYPE was refused above.
      processEntities: true,
      htmlEntities: false,
      parseTagValue: false,
      isArray: (name) => ARRAYS.has(name),
    }).parse(xml, true);
  } catch (e) {
    throw new FormatError(`invalid KML XML: ${(e as Error).message}`);
  }
  if (!(doc as Node)?.kml) throw new FormatError("not a KML document (no <kml> root)");
  const marks: Node[] = [];
  placemarks((doc as Node).kml, marks);
  const fieldInf = new FieldInference(true);
  const geomInf = new GeometryTypeInference();
  const parsed = marks.map((p, i) => {
    const attrs = attributes(p);
    fieldInf.add(attrs);
    try {
      const geom = merge(geometries(p));
      geomInf.add(geom);
      return { attrs, geom, error: null };
    } catch (e) {
      return { attrs, geom: null, error: new FormatError((e as Error).message, i) };
    }
  });
  const fields = fieldInf.fields();
  async function* features(o?: FeatureReadOptions): AsyncGenerator<ReadFeature> {
    for (const [i, p] of parsed.entries()) {
      if (p.error) {
        if (!o?.onSkip) throw p.error;
        o.onSkip(p.error);
        continue;
      }
      const values: Record<string, FieldValue> = {};
      for (const f of fields)
        values[f.keyname] = coerceValue(p.attrs[f.keyname] ?? null, f.datatype, true);
      yield { geom: p.geom, fields: values, index: i };
    }
  }
  return {
    format: "KML",
    layers: ["layer"],
    layer: "layer",
    info: { fields, geometryType: geomInf.result(), srs: 4326, count: marks.length },
    features,
    close: async () => {},
  };
}
