/**
 * @module WMS over HTTP on a real server: capabilities 1.1.1/1.3.0, GetMap pixels in 3857 and
 * 4326 (both axis orders), JPEG and BGCOLOR, SLD_BODY, GetFeatureInfo formats, legends, ACL and
 * hostile input answered with ServiceExceptionReports and 4xx.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createCanvas, loadImage } from "@napi-rs/canvas";
import { fillSld, type WmsFixture, wmsFixture } from "./wms-fixture.ts";

let f: WmsFixture;
let wms = "";
beforeAll(async () => {
  f = await wmsFixture();
  wms = `/api/resource/${f.service}/wms`;
});
afterAll(() => f.stop());

async function pixels(res: Response) {
  expect(res.status).toBe(200);
  const img = await loadImage(Buffer.from(await res.arrayBuffer()));
  const c = createCanvas(img.width, img.height);
  c.getContext("2d").drawImage(img, 0, 0);
  const d = c.getContext("2d").getImageData(0, 0, img.width, img.height).data;
  return (x: number, y: number) =>
    Array.from(d.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4));
}

const q = (params: Record<string, string | number>) =>
  `${wms}?${Object.entries(params)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join("&")}`;

describe("WMS GetCapabilities", () => {
  test("1.3.0 lists public layers with 4326 boxes latitude first, styles and legends", async () => {
    const r = await f.s.fetch(q({ SERVICE: "WMS", REQUEST: "GetCapabilities" }));
    expect(r.status).toBe(200);
    const xml = await r.text();
    expect(xml).toContain('<WMS_Capabilities version="1.3.0"');
    expect(xml).toContain("<Name>zones</Name>");
    expect(xml).not.toContain("<Name>secret</Name>");
    expect(xml).toContain('<BoundingBox CRS="EPSG:4326" minx="40" miny="10" maxx="50" maxy="20"/>');
    expect(xml).toContain('CRS="EPSG:3857"');
    expect(xml).toContain("REQUEST=GetLegendGraphic");
  });
  test("1.1.1 with lower-case keys", async () => {
    const r = await f.s.fetch(`${wms}?service=wms&request=getcapabilities&version=1.1.1`);
    const xml = await r.text();
    expect(xml).toContain('<WMT_MS_Capabilities version="1.1.1"');
    expect(xml).toContain('<LatLonBoundingBox minx="10" miny="40" maxx="20" maxy="50"/>');
    expect(xml).toContain('<BoundingBox SRS="EPSG:4326" minx="10" miny="40" maxx="20" maxy="50"/>');
  });
  test("an administrator sees the private layer", async () => {
    const r = await f.s.fetch(q({ SERVICE: "WMS", REQUEST: "GetCapabilities" }), {
      auth: f.s.admin,
    });
    expect(await r.text()).toContain("<Name>secret</Name>");
  });
});

describe("WMS GetMap", () => {
  const base = {
    SERVICE: "WMS",
    REQUEST: "GetMap",
    LAYERS: "zones",
    STYLES: "",
    WIDTH: 100,
    HEIGHT: 100,
    FORMAT: "image/png",
    TRANSPARENT: "TRUE",
  };
  test("1.3.0 EPSG:4326 is latitude first: red inside, transparent outside", async () => {
    // lat 35..55, lon 5..25: the square (lon 10..20, lat 40..50) fills the middle half.
    const px = await pixels(
      await f.s.fetch(q({ ...base, VERSION: "1.3.0", CRS: "EPSG:4326", BBOX: "35,5,55,25" })),
    );
    expect(px(50, 50)).toEqual([255, 0, 0, 255]);
    expect(px(30, 30)).toEqual([255, 0, 0, 255]);
    expect(px(10, 50)[3]).toBe(0);
    expect(px(50, 90)[3]).toBe(0);
  });
  test("1.1.1 EPSG:4326 is longitude first", async () => {
    const px = await pixels(
      await f.s.fetch(q({ ...base, VERSION: "1.1.1", SRS: "EPSG:4326", BBOX: "5,35,25,55" })),
    );
    expect(px(50, 50)).toEqual([255, 0, 0, 255]);
    expect(px(5, 50)[3]).toBe(0);
  });
  test("EPSG:3857 and JPEG on BGCOLOR", async () => {
    const r = await f.s.fetch(
      q({
        ...base,
        VERSION: "1.3.0",
        CRS: "EPSG:3857",
        BBOX: "556597,4865942,2226389,6446276",
        FORMAT: "image/jpeg",
        TRANSPARENT: "FALSE",
        BGCOLOR: "0x00FF00",
      }),
    );
    expect(r.headers.get("content-type")).toBe("image/jpeg");
    const px = await pixels(r);
    const [red, green] = px(50, 50);
    expect(red).toBeGreaterThan(230);
    expect(green).toBeLessThan(30);
    const corner = px(2, 2);
    expect(corner[1]).toBeGreaterThan(230);
    expect(corner[0]).toBeLessThan(30);
  });
  test("SLD_BODY restyles the layer", async () => {
    const px = await pixels(
      await f.s.fetch(
        q({
          ...base,
          VERSION: "1.1.1",
          SRS: "EPSG:4326",
          BBOX: "5,35,25,55",
          SLD_BODY: fillSld("#00ff00"),
        }),
      ),
    );
    expect(px(50, 50)).toEqual([0, 255, 0, 255]);
  });
});

describe("WMS GetFeatureInfo and legends", () => {
  const gfi = {
    SERVICE: "WMS",
    REQUEST: "GetFeatureInfo",
    VERSION: "1.3.0",
    LAYERS: "zones",
    QUERY_LAYERS: "zones",
    STYLES: "",
    CRS: "EPSG:4326",
    BBOX: "35,5,55,25",
    WIDTH: 100,
    HEIGHT: 100,
    I: 50,
    J: 50,
  };
  test("application/json, text/html, text/xml", async () => {
    const j = await f.s.json(q({ ...gfi, INFO_FORMAT: "application/json" }));
    expect(j.body.features.map((x: any) => x.properties.name)).toEqual(["Zone A"]);
    const h = await (await f.s.fetch(q({ ...gfi, INFO_FORMAT: "text/html" }))).text();
    expect(h).toContain("<td>Zone A</td>");
    const x = await (await f.s.fetch(q({ ...gfi, INFO_FORMAT: "text/xml" }))).text();
    expect(x).toContain("<name>Zone A</name>");
    const miss = await f.s.json(q({ ...gfi, I: 2, J: 2, INFO_FORMAT: "application/json" }));
    expect(miss.body.features).toEqual([]);
  });
  test("1.1.1 X/Y", async () => {
    const j = await f.s.json(
      q({
        ...gfi,
        VERSION: "1.1.1",
        SRS: "EPSG:4326",
        BBOX: "5,35,25,55",
        X: 50,
        Y: 50,
        INFO_FORMAT: "application/json",
      }),
    );
    expect(j.body.features.length).toBe(1);
  });
  test("GetLegendGraphic is a PNG", async () => {
    const r = await f.s.fetch(
      q({ SERVICE: "WMS", REQUEST: "GetLegendGraphic", LAYER: "zones", FORMAT: "image/png" }),
    );
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("image/png");
    expect(new Uint8Array(await r.arrayBuffer()).subarray(1, 4)).toEqual(
      new TextEncoder().encode("PNG"),
    );
  });
});

describe("WMS refuses bad and hostile input with ServiceExceptionReports", () => {
  const map = {
    SERVICE: "WMS",
    REQUEST: "GetMap",
    VERSION: "1.3.0",
    LAYERS: "zones",
    STYLES: "",
    CRS: "EPSG:4326",
    BBOX: "35,5,55,25",
    WIDTH: 100,
    HEIGHT: 100,
    FORMAT: "image/png",
  };
  const cases: [string, Record<string, string | number>, string][] = [
    ["huge WIDTH", { ...map, WIDTH: 100000 }, "InvalidParameterValue"],
    ["unknown layer", { ...map, LAYERS: "nope" }, "LayerNotDefined"],
    ["private layer for a guest", { ...map, LAYERS: "secret" }, "LayerNotDefined"],
    ["bad CRS", { ...map, CRS: "EPSG:999999" }, "InvalidCRS"],
    ["NaN bbox", { ...map, BBOX: "NaN,0,1,1" }, "InvalidParameterValue"],
    ["inverted bbox", { ...map, BBOX: "10,10,0,0" }, "InvalidParameterValue"],
    ["unknown style", { ...map, STYLES: "fancy" }, "StyleNotDefined"],
    ["bad format", { ...map, FORMAT: "image/tiff" }, "InvalidFormat"],
    ["unknown request", { SERVICE: "WMS", REQUEST: "DropTables" }, "OperationNotSupported"],
    [
      "XXE in SLD_BODY",
      {
        ...map,
        SLD_BODY: `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><StyledLayerDescriptor><NamedLayer><Name>&e;</Name></NamedLayer></StyledLayerDescriptor>`,
      },
      "InvalidParameterValue",
    ],
  ];
  for (const [name, params, code] of cases)
    test(name, async () => {
      const r = await f.s.fetch(q(params));
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      const xml = await r.text();
      expect(xml).toContain("<ServiceExceptionReport");
      expect(xml).toContain(`code="${code}"`);
      expect(xml).not.toContain("root:");
    });
  test("the administrator may draw the private layer", async () => {
    const px = await pixels(
      await f.s.fetch(q({ ...map, LAYERS: "secret", TRANSPARENT: "TRUE" }), { auth: f.s.admin }),
    );
    expect(px(50, 50)).toEqual([0, 0, 255, 255]);
  });
  test("a missing service is a 404 report", async () => {
    const r = await f.s.fetch(`/api/resource/99999/wms?SERVICE=WMS&REQUEST=GetCapabilities`);
    expect(r.status).toBe(404);
    expect(await r.text()).toContain("<ServiceExceptionReport");
  });
});
