/**
 * @module WMS GetFeatureInfo: the features of the QUERY_LAYERS under the clicked pixel (I/J in
 * 1.3.0, X/Y in 1.1.1), found as NGW's identify finds them: an exact intersection with a small
 * box around the pixel (a few pixels of tolerance, so points and thin lines can be hit), taken
 * into each layer's SRS; at most FEATURE_COUNT per layer. Answers in text/html, application/json
 * (GeoJSON in the request CRS), text/xml or GML, and text/plain.
 */
import type { OwsLayer, OwsLayerSet } from "../../../catalog/ows/index.ts";
import { findLayer } from "../../../catalog/ows/index.ts";
import type { Geometry } from "../../../geo/geometry/types.ts";
import type { Feature } from "../../../geo/sources/feature-source.ts";
import { reprojectGeometry } from "../../../geo/srs/index.ts";
import { escapeXml as x } from "../../../geo/xml.ts";
import { missingParam, OwsError } from "../errors.ts";
import { INFO_FORMATS } from "./capabilities.ts";
import { parseMapRequest } from "./map-request.ts";

const TOLERANCE_PX = 4;
const MAX_COUNT = 100;

interface Hit {
  layer: OwsLayer;
  features: Feature[];
}

export async function getFeatureInfo(
  set: OwsLayerSet,
  p: Map<string, string>,
  signal?: AbortSignal,
): Promise<Response> {
  const req = parseMapRequest(set, p, false);
  const format = (p.get("INFO_FORMAT") ?? "text/plain").toLowerCase().split(";")[0]!.trim();
  if (!INFO_FORMATS.includes(format))
    throw new OwsError(
      "InvalidFormat",
      `INFO_FORMAT '${format.slice(0, 60)}' is not offered.`,
      400,
      "INFO_FORMAT",
    );
  const qnames = (p.get("QUERY_LAYERS") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (qnames.length === 0) throw missingParam("QUERY_LAYERS");
  const [ik, jk] = req.version === "1.3.0" ? ["I", "J"] : ["X", "Y"];
  const i = pixel(p, ik, req.width);
  const j = pixel(p, jk, req.height);
  const count = p.get("FEATURE_COUNT") === undefined ? 1 : Number(p.get("FEATURE_COUNT"));
  if (!Number.isInteger(count) || count < 1)
    throw new OwsError(
      "InvalidParameterValue",
      "FEATURE_COUNT must be a positive integer.",
      400,
      "FEATURE_COUNT",
    );
  const b = req.bbox;
  const rx = (b[2] - b[0]) / req.width;
  const ry = (b[3] - b[1]) / req.height;
  const cx = b[0] + (i + 0.5) * rx;
  const cy = b[3] - (j + 0.5) * ry;
  const tx = rx * TOLERANCE_PX;
  const ty = ry * TOLERANCE_PX;
  const probe: Geometry = {
    type: "Polygon",
    coordinates: [
      [
        [cx - tx, cy - ty],
        [cx + tx, cy - ty],
        [cx + tx, cy + ty],
        [cx - tx, cy + ty],
        [cx - tx, cy - ty],
      ],
    ],
  };
  const hits: Hit[] = [];
  for (const name of qnames) {
    const layer = findLayer(set, name);
    if (!layer || !req.parts.some((part) => part.layer === layer))
      throw new OwsError(
        "LayerNotDefined",
        `Layer '${name.slice(0, 100)}' is not in LAYERS.`,
        400,
        "QUERY_LAYERS",
      );
    if (!layer.queryable)
      throw new OwsError(
        "LayerNotQueryable",
        `Layer '${layer.name}' is not queryable.`,
        400,
        "QUERY_LAYERS",
      );
    const source = await layer.source();
    const srs = (await source.info()).srs || req.crs.epsg;
    const features: Feature[] = [];
    const intersects = srs === req.crs.epsg ? probe : reprojectGeometry(probe, req.crs.epsg, srs);
    for await (const f of source.query({ intersects, limit: Math.min(count, MAX_COUNT), signal })) {
      const geom =
        f.geom && srs !== req.crs.epsg ? reprojectGeometry(f.geom, srs, req.crs.epsg) : f.geom;
      features.push({ ...f, geom });
    }
    hits.push({ layer, features });
  }
  return answer(hits, format, req.crs.id);
}

function pixel(p: Map<string, string>, key: string, size: number): number {
  const raw = p.get(key);
  if (raw === undefined) throw missingParam(key);
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || n >= size)
    throw new OwsError("InvalidPoint", `${key} must be a pixel inside the image.`, 400, key);
  return Math.floor(n);
}

const local = (name: string) => name.slice(name.indexOf(":") + 1).replace(/[^\w.-]/g, "_");

function answer(hits: Hit[], format: string, crs: string): Response {
  const type = (t: string) => ({ headers: { "Content-Type": `${t}; charset=utf-8` } });
  if (format === "application/json") {
    const features = hits.flatMap((h) =>
      h.features.map((f) => ({
        type: "Feature",
        id: `${local(h.layer.name)}.${f.id}`,
        geometry: f.geom,
        properties: f.fields,
      })),
    );
    return new Response(
      JSON.stringify({
        type: "FeatureCollection",
        features,
        crs: { type: "name", properties: { name: crs } },
      }),
      type("application/json"),
    );
  }
  if (format === "text/html") {
    const tables = hits
      .filter((h) => h.features.length > 0)
      .map((h) => {
        const keys = [...new Set(h.features.flatMap((f) => Object.keys(f.fields)))];
        const head = `<tr><th>fid</th>${keys.map((k) => `<th>${x(k)}</th>`).join("")}</tr>`;
        const rows = h.features
          .map(
            (f) =>
              `<tr><td>${f.id}</td>${keys.map((k) => `<td>${x(text(f.fields[k]))}</td>`).join("")}</tr>`,
          )
          .join("");
        return `<table class="featureInfo"><caption>${x(h.layer.title)}</caption>${head}${rows}</table>`;
      })
      .join("");
    return new Response(
      `<!DOCTYPE html><html><head><meta charset="utf-8"><title>GetFeatureInfo</title></head><body>${tables}</body></html>`,
      type("text/html"),
    );
  }
  if (format === "text/plain") {
    const lines = hits.flatMap((h) => [
      `Layer '${h.layer.name}'`,
      ...h.features.flatMap((f) => [
        `  Feature ${f.id}:`,
        ...Object.entries(f.fields).map(([k, v]) => `    ${k} = '${text(v)}'`),
      ]),
    ]);
    return new Response(`${lines.join("\n")}\n`, type("text/plain"));
  }
  // text/xml and GML: a plain feature collection, one element per feature named by its layer.
  const members = hits
    .flatMap((h) =>
      h.features.map((f) => {
        const n = local(h.layer.name);
        const props = Object.entries(f.fields)
          .filter(([k]) => /^[A-Za-z_][\w.-]*$/.test(k))
          .map(([k, v]) => `<${k}>${x(text(v))}</${k}>`)
          .join("");
        return `<gml:featureMember><${n} fid="${n}.${f.id}">${props}</${n}></gml:featureMember>`;
      }),
    )
    .join("");
  return new Response(
    `<?xml version="1.0" encoding="UTF-8"?>\n<wfs:FeatureCollection xmlns:wfs="http://www.opengis.net/wfs" xmlns:gml="http://www.opengis.net/gml">${members}</wfs:FeatureCollection>`,
    type(format === "text/xml" ? "text/xml" : "application/vnd.ogc.gml"),
  );
}

function text(v: unknown): string {
  if (v === null || v === undefined) return "";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}
