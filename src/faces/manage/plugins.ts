/**
 * @module `/plugins/` and `/plugins/{name}`: what is compiled into this gisd, in py-qgis-server's
 * plugin shape. Plugins are the modules of src/modules.ts, the faces server.ts mounts and the
 * file-format readers; `metadata.general` is built from name, version and description.
 */
import type { Context } from "hono";
import type { ManageDeps } from "./deps.ts";
import { origin, sendError, sendJson } from "./json.ts";

interface Plugin {
  name: string;
  description: string;
  kind: "module" | "face" | "format";
}

/** Faces mounted by server.ts and the management listener (by the paths clients use). */
const FACES: [string, string][] = [
  ["ngw", "NextGIS Web REST API at the root path (/api/…, /resource/…)"],
  ["geoserver", "GeoServer REST configuration API and OWS at /geoserver/"],
  ["geonode", "GeoNode API v2 at /api/v2/"],
  ["ogcapi", "OGC API – Features at /ogcapi/"],
  ["ows", "WMS and WFS at /ows (MAP= names a QGIS project) and /qgis/ here"],
  ["manage", "This management API (py-qgis-server compatible)"],
];

/** Readers in src/geo/formats and src/geo/raster. */
const FORMATS: [string, string][] = [
  ["geojson", "GeoJSON, GeoJSON Lines and GeoJSON sequences"],
  ["csv", "CSV with X/Y or WKT columns"],
  ["shapefile", "ESRI Shapefile (zipped or loose), DBF code pages"],
  ["gpkg", "OGC GeoPackage vector tables"],
  ["fgb", "FlatGeobuf, read in place"],
  ["kml", "KML placemarks"],
  ["geotiff", "GeoTIFF and COG rasters"],
  ["qgis-project", "QGIS 3 projects (.qgs, .qgz) with embedded QML styles"],
];

function plugins(deps: ManageDeps): Plugin[] {
  return [
    ...deps.modules.map((m) => ({
      name: m.name,
      description: m.description,
      kind: "module" as const,
    })),
    ...FACES.map(([name, description]) => ({ name, description, kind: "face" as const })),
    ...FORMATS.map(([name, description]) => ({ name, description, kind: "format" as const })),
  ];
}

export function listPlugins(deps: ManageDeps) {
  return (c: Context) => {
    const o = origin(c);
    return sendJson({
      links: plugins(deps).map((p) => ({
        href: `${o}/plugins/${p.name}`,
        name: p.name,
        status: "loaded",
        title: `Details for plugin ${p.name}`,
        type: "application/json",
      })),
    });
  };
}

export function getPlugin(deps: ManageDeps) {
  return (c: Context) => {
    const name = c.req.param("name");
    const p = plugins(deps).find((x) => x.name === name);
    if (!p) return sendError(404, `Plugin '${name}' not found`);
    return sendJson({
      metadata: {
        general: {
          author: "gisd",
          category: p.kind,
          description: p.description,
          email: "",
          name: p.name,
          qgisminimumversion: "3.0",
          server: "True",
          version: deps.ctx.version,
        },
        // Compiled in: there is no file; the path says where it lives in gisd.
        path: `builtin:${p.kind}/${p.name}`,
      },
      name: p.name,
      status: "loaded",
    });
  };
}
