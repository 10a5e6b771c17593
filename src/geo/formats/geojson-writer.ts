/**
 * @module GeoJSON writer: a FeatureCollection streamed as it is read (one generic serializer for
 * every face, STYLE habit 10). A "crs" member names the SRS when it is not EPSG:4326, as GDAL
 * writes it for other SRSes.
 */
import type { Feature, FieldValue } from "../sources/feature-source.ts";

export interface GeoJsonWriteOptions {
  layerName: string;
  srs: number;
  /** Attribute subset and order; all of the feature's fields when absent. */
  fields?: string[];
  /** Also write the feature id as this property. */
  fidField?: string;
}

/** One feature as GeoJSON text. */
export function featureJson(
  f: Feature,
  opts: Pick<GeoJsonWriteOptions, "fields" | "fidField">,
): string {
  const props: Record<string, FieldValue> = {};
  if (opts.fidField) props[opts.fidField] = f.id;
  for (const k of opts.fields ?? Object.keys(f.fields)) props[k] = f.fields[k] ?? null;
  return `{"type":"Feature","id":${f.id},"properties":${JSON.stringify(props)},"geometry":${JSON.stringify(f.geom ?? null)}}`;
}

/** The whole collection as text pieces, for textStream(). */
export async function* geoJsonText(
  features: AsyncIterable<Feature>,
  opts: GeoJsonWriteOptions,
): AsyncGenerator<string> {
  let head = `{"type":"FeatureCollection","name":${JSON.stringify(opts.layerName)}`;
  if (opts.srs && opts.srs !== 4326) {
    head += `,"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::${opts.srs}"}}`;
  }
  yield `${head},"features":[\n`;
  let first = true;
  for await (const f of features) {
    yield (first ? "" : ",\n") + featureJson(f, opts);
    first = false;
  }
  yield "\n]}\n";
}
