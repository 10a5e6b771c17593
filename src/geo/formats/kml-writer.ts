/**
 * @module KML 2.2 writer, streamed: a Schema of the fields, one Placemark per feature with its
 * attributes as ExtendedData/SchemaData. KML coordinates are always EPSG:4326 lon/lat.
 */
import type { Geometry, Position } from "../geometry/types.ts";
import type { Feature, FieldDef } from "../sources/feature-source.ts";

const esc = (s: string) =>
  s
    .replace(
      /[&<>"']/g,
      (c) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos" }[c]};`,
    )
    // Characters XML 1.0 cannot carry at all.
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, "");

const KML_TYPE: Record<string, string> = {
  INTEGER: "int",
  BIGINT: "string",
  REAL: "double",
  BOOLEAN: "bool",
};

const coords = (ps: Position[]) => ps.map((p) => p.join(",")).join(" ");

function ring(tag: string, r: Position[]): string {
  return `<${tag}><LinearRing><coordinates>${coords(r)}</coordinates></LinearRing></${tag}>`;
}

export function kmlGeometry(g: Geometry): string {
  switch (g.type) {
    case "Point":
      return `<Point><coordinates>${g.coordinates.join(",")}</coordinates></Point>`;
    case "LineString":
      return `<LineString><coordinates>${coords(g.coordinates)}</coordinates></LineString>`;
    case "Polygon":
      return `<Polygon>${g.coordinates.map((r, i) => ring(i === 0 ? "outerBoundaryIs" : "innerBoundaryIs", r)).join("")}</Polygon>`;
    case "MultiPoint":
      return `<MultiGeometry>${g.coordinates.map((c) => kmlGeometry({ type: "Point", coordinates: c })).join("")}</MultiGeometry>`;
    case "MultiLineString":
      return `<MultiGeometry>${g.coordinates.map((c) => kmlGeometry({ type: "LineString", coordinates: c })).join("")}</MultiGeometry>`;
    case "MultiPolygon":
      return `<MultiGeometry>${g.coordinates.map((c) => kmlGeometry({ type: "Polygon", coordinates: c })).join("")}</MultiGeometry>`;
    case "GeometryCollection":
      return `<MultiGeometry>${g.geometries.map(kmlGeometry).join("")}</MultiGeometry>`;
  }
}

export interface KmlWriteOptions {
  layerName: string;
  fields: FieldDef[];
  fidField?: string;
}

export async function* kmlText(
  features: AsyncIterable<Feature>,
  opts: KmlWriteOptions,
): AsyncGenerator<string> {
  const fields = [
    ...(opts.fidField ? [{ keyname: opts.fidField, datatype: "BIGINT" } as FieldDef] : []),
    ...opts.fields,
  ];
  const schemaId = "schema";
  yield `<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"><Document id="root_doc">\n`;
  yield `<Schema name=${JSON.stringify(esc(opts.layerName))} id="${schemaId}">${fields
    .map(
      (f) =>
        `<SimpleField name="${esc(f.keyname)}" type="${KML_TYPE[f.datatype] ?? "string"}"></SimpleField>`,
    )
    .join("")}</Schema>\n<Folder><name>${esc(opts.layerName)}</name>\n`;
  for await (const f of features) {
    const data = fields
      .map((fd) => {
        const v = fd.keyname === opts.fidField ? f.id : f.fields[fd.keyname];
        if (v === null || v === undefined) return "";
        const s = typeof v === "object" ? JSON.stringify(v) : String(v);
        return `<SimpleData name="${esc(fd.keyname)}">${esc(s)}</SimpleData>`;
      })
      .join("");
    yield `<Placemark id="${f.id}"><ExtendedData><SchemaData schemaUrl="#${schemaId}">${data}</SchemaData></ExtendedData>${f.geom ? kmlGeometry(f.geom) : ""}</Placemark>\n`;
  }
  yield "</Folder></Document></kml>\n";
}
