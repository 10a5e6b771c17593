/**
 * @module A WMS test fixture: a real gisd server with a public polygon layer (EPSG:4326,
 * lon 10..20 lat 40..50, SLD fill #ff0000), a private one (fill #0000ff, guests may not read
 * its data) and an NGW wmsserver_service publishing both as "zones" and "secret".
 */
import { SYSTEM } from "../../../src/catalog/acl.ts";
import { startServer, type TestServer } from "../../helpers/server.ts";

export interface WmsFixture {
  s: TestServer;
  zones: number;
  zonesStyle: number;
  secret: number;
  service: number;
  stop(): Promise<void>;
}

export const fillSld = (color: string) => `<?xml version="1.0" encoding="UTF-8"?>
<StyledLayerDescriptor version="1.1.0" xmlns="http://www.opengis.net/sld"
  xmlns:se="http://www.opengis.net/se" xmlns:ogc="http://www.opengis.net/ogc">
 <NamedLayer><se:Name>zones</se:Name><UserStyle><se:FeatureTypeStyle><se:Rule>
  <se:PolygonSymbolizer><se:Fill><se:SvgParameter name="fill">${color}</se:SvgParameter></se:Fill></se:PolygonSymbolizer>
 </se:Rule></se:FeatureTypeStyle></UserStyle></NamedLayer>
</StyledLayerDescriptor>`;

const square = (x0: number, y0: number, x1: number, y1: number, name: string) => ({
  type: "Feature",
  properties: { name },
  geometry: {
    type: "Polygon",
    coordinates: [
      [
        [x0, y0],
        [x1, y0],
        [x1, y1],
        [x0, y1],
        [x0, y0],
      ],
    ],
  },
});

export async function wmsFixture(): Promise<WmsFixture> {
  const s = await startServer();
  const post = async (path: string, body: unknown, method = "POST") => {
    const r = await s.json(path, { method, auth: s.admin, body });
    if (r.status >= 300)
      throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const upload = async (name: string, text: string) => {
    const fd = new FormData();
    fd.append("file", new Blob([text]), name);
    const r = await s.json("/api/component/file_upload/upload", {
      method: "POST",
      body: fd,
      auth: s.admin,
    });
    return r.body.upload_meta[0];
  };
  const layer = async (name: string, f: unknown, color: string) => {
    const fc = JSON.stringify({ type: "FeatureCollection", features: [f] });
    const id = (
      await post("/api/resource/", {
        resource: {
          cls: "vector_layer",
          parent: { id: 0 },
          display_name: name,
          description: `${name} layer`,
        },
        vector_layer: { source: await upload(`${name}.geojson`, fc), srs: { id: 4326 } },
      })
    ).id as number;
    const style = (
      await post("/api/resource/", {
        resource: { cls: "qgis_vector_style", parent: { id }, display_name: `${name} style` },
        qgis_vector_style: { file_upload: await upload(`${name}.sld`, fillSld(color)) },
      })
    ).id as number;
    return { id, style };
  };
  const zones = await layer("zones", square(10, 40, 20, 50, "Zone A"), "#ff0000");
  const secret = await layer("secret", square(12, 42, 18, 48, "Hidden"), "#0000ff");
  const service = (
    await post("/api/resource/", {
      resource: { cls: "wmsserver_service", parent: { id: 0 }, display_name: "Test WMS" },
      wmsserver_service: {
        layers: [
          {
            keyname: "zones",
            display_name: "Zones",
            resource_id: zones.style,
            min_scale_denom: null,
            max_scale_denom: null,
          },
          {
            keyname: "secret",
            display_name: "Secret",
            resource_id: secret.style,
            min_scale_denom: null,
            max_scale_denom: null,
          },
        ],
      },
    })
  ).id as number;
  const rule = (scope: string, permission: string, propagate = true) => ({
    action: "allow",
    principal: { id: SYSTEM.guest },
    identity: "",
    scope,
    permission,
    propagate,
  });
  const root = (await s.json("/api/resource/0", { auth: s.admin })).body.resource.permissions;
  // Guests read every resource's metadata and connect to services; data only of "zones".
  await post(
    "/api/resource/0",
    { resource: { permissions: [...root, rule("resource", "read"), rule("service", "connect")] } },
    "PUT",
  );
  await post(
    `/api/resource/${zones.id}`,
    { resource: { permissions: [rule("data", "read")] } },
    "PUT",
  );
  return {
    s,
    zones: zones.id,
    zonesStyle: zones.style,
    secret: secret.id,
    service,
    stop: () => s.stop(),
  };
}
