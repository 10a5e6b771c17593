/**
 * @module OGC services: NGW's `wmsserver_service` and `wfsserver_service` classes and their
 * endpoints `/api/resource/{id}/wms` and `/wfs` (WMS by faces/ows/wms, WFS by faces/ows/wfs).
 * GeoServer's /geoserver/ows|wms|wfs and /ows are mounted by faces/ows in server.ts.
 */
import {
  wfsServerService,
  wmsServerService,
} from "../catalog/classes/ogc-services/service-classes.ts";
import { serviceRoutes } from "../faces/ows/index.ts";
import type { Module } from "../modules.ts";

export const owsModule: Module = {
  name: "ows",
  description: "WMS 1.1.1/1.3.0 and WFS 1.0/1.1/2.0 services (NGW services, GeoServer, projects)",
  classes: [wmsServerService, wfsServerService],
  ngw: serviceRoutes,
};
