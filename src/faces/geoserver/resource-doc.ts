/**
 * @module The parts featuretype and coverage documents share (GeoServer's ResourceInfo): names,
 * namespace, title/abstract/keywords, CRS, the native and lat/lon bounding boxes, metadata; and
 * the reverse: reading those fields from a PUT/POST body into a layer ext patch (merge semantics:
 * only fields present change).
 */
import proj4 from "proj4";
import type { LayerFacts } from "../../catalog/geoserver/layers.ts";
import type { LayerExt, Published } from "../../catalog/geoserver/model.ts";
import { storePath } from "./datastores.ts";
import { entries, Link, Many, type Obj } from "./represent.ts";
import { enc, type GsReq } from "./request.ts";
import { asBool, asList, asMap, asNumber, asObj, asText } from "./xml.ts";

const WGS84_WKT =
  'GEOGCS["WGS 84", DATUM["World Geodetic System 1984", SPHEROID["WGS 84", 6378137.0, 298.257223563, AUTHORITY["EPSG","7030"]], AUTHORITY["EPSG","6326"]], PRIMEM["Greenwich", 0.0, AUTHORITY["EPSG","8901"]], UNIT["degree", 0.017453292519943295], AXIS["Geodetic longitude", EAST], AXIS["Geodetic latitude", NORTH], AUTHORITY["EPSG","4326"]]';

type Box = [number, number, number, number];

/** The extent in WGS 84 (corners and edge midpoints reprojected); null if the SRS is unknown. */
export function toLatLon(extent: Box, srs: number): Box | null {
  if (srs === 4326) return extent;
  try {
    const tr = proj4(`EPSG:${srs}`, "EPSG:4326");
    const [x0, y0, x1, y1] = extent;
    const pts = [
      [x0, y0],
      [x1, y0],
      [x0, y1],
      [x1, y1],
      [(x0 + x1) / 2, y0],
      [(x0 + x1) / 2, y1],
      [x0, (y0 + y1) / 2],
      [x1, (y0 + y1) / 2],
    ].map((p) => tr.forward(p as [number, number]));
    const xs = pts.map((p) => p[0]!);
    const ys = pts.map((p) => p[1]!);
    const out: Box = [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
    return out.every(Number.isFinite) ? out : null;
  } catch {
    return null;
  }
}

function bbox(b: Box | null, crs: string): Obj | undefined {
  if (!b) return undefined;
  return { minx: b[0], maxx: b[2], miny: b[1], maxy: b[3], crs };
}

export function crsNode(srs: number | null): Obj | string {
  if (srs === null || srs === 4326) return WGS84_WKT;
  return { "@class": "projected", $: `EPSG:${srs}` };
}

/** Fields of GeoServer's ResourceInfo common to featuretypes and coverages. */
export function resourceFields(r: GsReq, p: Published, facts: LayerFacts): Obj {
  const srs = facts.srs ?? 4326;
  const declared = p.ext.srs ?? `EPSG:${srs}`;
  const stored = p.ext.nativeBoundingBox as Record<string, unknown> | undefined;
  const native: Box | null =
    facts.extent ??
    (stored
      ? [
          asNumber(stored.minx) ?? 0,
          asNumber(stored.miny) ?? 0,
          asNumber(stored.maxx) ?? 0,
          asNumber(stored.maxy) ?? 0,
        ]
      : null);
  const storeKind = p.store.kind;
  return {
    name: p.name,
    nativeName: p.name,
    namespace: { name: p.ws.name, href: new Link(r.base, `/namespaces/${enc(p.ws.name)}`) },
    title: p.row.displayName,
    abstract: p.ext.abstract ?? p.row.description ?? undefined,
    keywords: p.ext.keywords?.length ? { string: new Many(p.ext.keywords) } : undefined,
    nativeCRS: crsNode(facts.srs),
    srs: declared,
    nativeBoundingBox: bbox(native, `EPSG:${srs}`),
    latLonBoundingBox: bbox(native ? toLatLon(native, srs) : null, "EPSG:4326"),
    projectionPolicy: p.ext.projectionPolicy ?? "FORCE_DECLARED",
    enabled: p.ext.enabled !== false,
    metadata:
      p.ext.metadata && Object.keys(p.ext.metadata).length
        ? entries(p.ext.metadata as never)
        : undefined,
    store: {
      "@class": storeKind,
      name: `${p.ws.name}:${p.store.name}`,
      href: new Link(r.base, storePath(p.store)),
    },
  };
}

/** Reads a featureType/coverage object into a layer ext patch; absent fields stay undefined. */
export function resourcePatch(o: Record<string, unknown>): LayerExt & { title?: string } {
  const kw = asObj(o.keywords);
  const meta = o.metadata === undefined ? undefined : asMap(o.metadata);
  return {
    title: asText(o.title),
    abstract: asText(o.abstract),
    keywords:
      o.keywords === undefined
        ? undefined
        : asList(kw.string)
            .map((k) => asText(k) ?? "")
            .filter(Boolean),
    srs: asText(o.srs),
    enabled: asBool(o.enabled),
    advertised: asBool(o.advertised),
    projectionPolicy: asText(o.projectionPolicy),
    nativeBoundingBox: o.nativeBoundingBox === undefined ? undefined : asObj(o.nativeBoundingBox),
    metadata: meta,
    maxFeatures: asNumber(o.maxFeatures),
    numDecimals: asNumber(o.numDecimals),
  };
}

/** Merges a ResourceInfo metadata patch into the stored one (PUT changes only what it names). */
export function mergeMetadata(p: Published, patch: LayerExt): LayerExt {
  if (!patch.metadata) return patch;
  return { ...patch, metadata: { ...(p.ext.metadata ?? {}), ...patch.metadata } };
}
