/**
 * @module WMS coordinate reference systems: which CRSs are advertised, how a CRS/SRS parameter
 * is read (EPSG:n, CRS:84, the usual Web Mercator aliases), and the WMS 1.3.0 axis rule: for
 * geographic EPSG codes the BBOX is latitude first (EPSG order), for CRS:84 and 1.1.1 it is
 * longitude first.
 */
import type { BBox } from "../../../geo/geometry/types.ts";
import { hasSrs, isGeographic, reprojectBBox } from "../../../geo/srs/index.ts";
import { OwsError } from "../errors.ts";

export interface Crs {
  /** As written in capabilities and requests: "EPSG:4326", "CRS:84". */
  id: string;
  /** The EPSG code coordinates are computed in (CRS:84 is 4326 in lon/lat order). */
  epsg: number;
}

/** The CRSs every layer is offered in, besides its native one. */
export const COMMON_EPSG = [4326, 3857, 3395] as const;

export function parseCrs(value: string, locator: string): Crs {
  const v = value.trim().toUpperCase();
  if (v === "CRS:84" || v === "OGC:CRS84") return { id: "CRS:84", epsg: 4326 };
  const m =
    /^(?:EPSG:|URN:OGC:DEF:CRS:EPSG:[\d.]*:|HTTP:\/\/WWW\.OPENGIS\.NET\/DEF\/CRS\/EPSG\/0\/)(\d{1,9})$/.exec(
      v,
    );
  const code = m ? Number(m[1]) : Number.NaN;
  if (!m || !hasSrs(code))
    throw new OwsError(
      "InvalidCRS",
      `${locator} '${value.slice(0, 60)}' is not supported.`,
      400,
      locator,
    );
  return { id: `EPSG:${code}`, epsg: [900913, 102100, 102113, 3785].includes(code) ? 3857 : code };
}

/** True when a 1.3.0 BBOX in this CRS is written latitude first. */
export function latFirst(crs: Crs, version: string): boolean {
  return version === "1.3.0" && crs.id !== "CRS:84" && isGeographic(crs.epsg);
}

/** Reads BBOX (four finite numbers, min < max) as x/y order in the CRS. */
export function parseBBox(value: string | undefined, crs: Crs, version: string): BBox {
  if (value === undefined)
    throw new OwsError("MissingParameterValue", "BBOX is required.", 400, "BBOX");
  const v = value.split(",").map((s) => Number(s.trim()));
  if (
    v.length < 4 ||
    v.length > 5 ||
    !v.slice(0, 4).every(Number.isFinite) ||
    v[0]! >= v[2]! ||
    v[1]! >= v[3]!
  )
    throw new OwsError(
      "InvalidParameterValue",
      "BBOX must be four numbers minx,miny,maxx,maxy with min < max.",
      400,
      "BBOX",
    );
  const b = v.slice(0, 4) as BBox;
  return latFirst(crs, version) ? [b[1], b[0], b[3], b[2]] : b;
}

/** A WGS 84 box in another CRS (x/y order), or null where the CRS cannot hold it. */
export function boxIn(wgs84: BBox, epsg: number): BBox | null {
  if (epsg === 4326) return wgs84;
  const clamp: BBox =
    epsg === 3857 || epsg === 3395
      ? [wgs84[0], Math.max(wgs84[1], -85), wgs84[2], Math.min(wgs84[3], 85)]
      : wgs84;
  if (clamp[1] > clamp[3]) return null;
  try {
    const b = reprojectBBox(clamp, 4326, epsg);
    return b.every(Number.isFinite) ? b : null;
  } catch {
    return null;
  }
}
