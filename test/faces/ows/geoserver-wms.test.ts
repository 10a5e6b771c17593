/**
 * @module WMS and WFS at GeoServer's endpoints: a shapefile published through GeoServer REST as
 * demo:places with an SLD default style (green squares) is listed as `demo:places` by
 * /geoserver/ows, drawn in that style by /geoserver/demo/wms under its bare name, hidden from
 * guests, and read through /geoserver/wfs.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createCanvas, loadImage } from "@napi-rs/canvas";
import { startServer, type TestServer } from "../../helpers/server.ts";

let s: TestServer;
const FIX = `${import.meta.dir}/../../fixtures/geoserver`;
const SLD = `<?xml version="1.0" encoding="UTF-8"?>
<StyledLayerDescriptor version="1.0.0" xmlns="http://www.opengis.net/sld" xmlns:ogc="http://www.opengis.net/ogc">
 <NamedLayer><Name>places</Name><UserStyle><FeatureTypeStyle><Rule><PointSymbolizer><Graphic>
  <Mark><WellKnownName>square</WellKnownName><Fill><CssParameter name="fill">#00ff00</CssParameter></Fill></Mark>
  <Size>16</Size></Graphic></PointSymbolizer></Rule></FeatureTypeStyle></UserStyle></NamedLayer>
</StyledLayerDescriptor>`;

async function gs(method: string, path: string, body?: BodyInit, type = "application/json") {
  const res = await s.fetch(`/geoserver/rest${path}`, {
    method,
    auth: s.admin,
    body,
    headers: body === undefined ? {} : { "Content-Type": type },
  });
  return res.status;
}

beforeAll(async () => {
  s = await startServer();
  expect(await gs("POST", "/workspaces", JSON.stringify({ workspace: { name: "demo" } }))).toBe(
    201,
  );
  const zip = await Bun.file(`${FIX}/places-shp.zip`).arrayBuffer();
  expect(
    await gs(
      "PUT",
      "/workspaces/demo/datastores/towns/file.shp?configure=all",
      zip,
      "application/zip",
    ),
  ).toBe(201);
  expect(
    await gs("POST", "/workspaces/demo/styles?name=green", SLD, "application/vnd.ogc.sld+xml"),
  ).toBe(201);
  const body = JSON.stringify({ layer: { defaultStyle: { name: "demo:green" } } });
  expect(await gs("PUT", "/layers/demo:places", body)).toBe(200);
});
afterAll(() => s.stop());

describe("GeoServer OWS endpoints", () => {
  test("capabilities name published layers ws:name; guests see none of them", async () => {
    const admin = await (
      await s.fetch("/geoserver/ows?SERVICE=WMS&REQUEST=GetCapabilities", { auth: s.admin })
    ).text();
    expect(admin).toContain("<Name>demo:places</Name>");
    expect(admin).toContain("<Name>green</Name>");
    const guest = await (
      await s.fetch("/geoserver/ows?SERVICE=WMS&REQUEST=GetCapabilities")
    ).text();
    expect(guest).toContain("<WMS_Capabilities");
    expect(guest).not.toContain("demo:places");
  });

  test("the workspace endpoint lists bare names, as GeoServer's virtual services", async () => {
    const caps = await (
      await s.fetch("/geoserver/demo/wms?SERVICE=WMS&REQUEST=GetCapabilities", { auth: s.admin })
    ).text();
    expect(caps).toContain("<Name>places</Name>");
    expect(caps).not.toContain("demo:places");
  });

  test("the workspace endpoint draws the bare name in the layer's SLD style", async () => {
    const r = await s.fetch(
      "/geoserver/demo/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=places&STYLES=&SRS=EPSG:4326" +
        "&BBOX=-22.9426,63.6466,-20.9426,64.6466&WIDTH=200&HEIGHT=100&FORMAT=image/png&TRANSPARENT=TRUE",
      { auth: s.admin },
    );
    expect(r.status).toBe(200);
    const img = await loadImage(Buffer.from(await r.arrayBuffer()));
    const c = createCanvas(img.width, img.height);
    c.getContext("2d").drawImage(img, 0, 0);
    const at = (x: number, y: number) =>
      Array.from(c.getContext("2d").getImageData(x, y, 1, 1).data);
    expect(at(100, 50)).toEqual([0, 255, 0, 255]);
    expect(at(10, 10)[3]).toBe(0);
    // A guest may not draw it: the workspace itself is hidden from them.
    const g = await s.fetch(
      "/geoserver/demo/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=places&STYLES=&SRS=EPSG:4326" +
        "&BBOX=-22.9426,63.6466,-20.9426,64.6466&WIDTH=200&HEIGHT=100&FORMAT=image/png",
    );
    expect(g.status).toBe(404);
    expect(await g.text()).toContain("<ServiceExceptionReport");
    const global = await s.fetch(
      "/geoserver/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=demo:places&STYLES=&SRS=EPSG:4326" +
        "&BBOX=-22.9426,63.6466,-20.9426,64.6466&WIDTH=200&HEIGHT=100&FORMAT=image/png",
    );
    expect(global.status).toBe(400);
    expect(await global.text()).toContain('code="LayerNotDefined"');
  });

  test("WFS at /geoserver/wfs reads the same features", async () => {
    const r = await s.json(
      "/geoserver/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=demo:places&OUTPUTFORMAT=application/json",
      { auth: s.admin },
    );
    expect(r.status).toBe(200);
    const names = (r.body.features as { properties: { name: string } }[])
      .map((f) => f.properties.name)
      .sort();
    expect(names).toEqual(["Akureyri", "Egilsstadir", "Reykjavik"]);
  });
});
