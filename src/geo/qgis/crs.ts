/**
 * @module A QGIS `<spatialrefsys>` element read into an EPSG code plus QGIS's "user friendly
 * identifier" (`EPSG:4326 - WGS 84`), which py-qgis-server's project summaries print as `crs`.
 */
import { hasSrs, srsName } from "../srs/index.ts";
import { child, type XmlElement } from "../xml.ts";

export interface ProjectCrs {
  /** `AUTH:CODE` as QGIS stores it in `<authid>` ("EPSG:4326"); "" when absent. */
  authid: string;
  /** EPSG code when the authority is EPSG and gisd knows it, else null. */
  epsg: number | null;
  /** `AUTH:CODE - Name` (QgsCoordinateReferenceSystem::userFriendlyIdentifier). */
  label: string;
}

const NONE: ProjectCrs = { authid: "", epsg: null, label: "" };

/** Reads the `<spatialrefsys>` under `el` (itself, or one level down as in `<srs>`). */
export function readCrs(el: XmlElement | undefined): ProjectCrs {
  const srs = el?.name === "spatialrefsys" ? el : child(el, "spatialrefsys");
  if (!srs) return NONE;
  const authid = child(srs, "authid")?.text.trim() ?? "";
  const m = /^EPSG:(\d+)$/i.exec(authid);
  const code = m ? Number(m[1]) : null;
  const epsg = code !== null && hasSrs(code) ? code : null;
  const name = child(srs, "description")?.text.trim() || (epsg ? srsName(epsg) : "");
  const label = authid && name ? `${authid} - ${name}` : authid || name;
  return { authid, epsg, label };
}
