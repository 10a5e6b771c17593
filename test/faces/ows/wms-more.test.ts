/**
 * @module More WMS cases on the fixture: NGW scale ranges (capabilities and drawing), CRS:84
 * and EPSG:3395 maps, several layers in one GetMap, and a raster layer (made with GDAL) drawn
 * through a service and refused by GetFeatureInfo as not queryable.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCanvas, loadImage } from "@napi-rs/canvas";
import { gdal, hasGdal } from "../../helpers/gdal.ts";
import { type WmsFixture, wmsFixture } from "./wms-fixture.ts";

let f: WmsFixture;
let tmp = "";
beforeAll(async () => {
  f = await wmsFixture();
  tmp = mkdtempSync(join(tmpdir(), "gisd-wms-more-"));
});
afterAll(async () => {
  await f.stop();
  rmSync(tmp, { recursive: true, force: true });
});

async function pixels(res: Response) {
  expect(res.status).toBe(200);
  const img = await loadImage(Buffer.from(await res.arrayBuffer()));
  const c = createCanvas(img.width, img.height);
  c.getContext("2d").drawImage(img, 0, 0);
  return (x: number, y: number) => Array.from(c.getContext("2d").getImageData(x, y, 1, 1).data);
}

async function service(layers: unknown[]) {
  const r = await f.s.json("/api/resource/", {
    method: "POST",
    auth: f.s.admin,
    body: {
      resource: {
        cls: "wmsserver_service",
        parent: { id: 0 },
        display_name: `svc ${Math.random()}`,
      },
      wmsserver_service: { layers },
    },
  });
  expect(r.status).toBe(201);
  return `/api/resource/${r.body.id}/wms`;
}

const map = (extra: string) =>
  `?SERVICE=WMS&REQUEST=GetMap&STYLES=&WIDTH=100&HEIGHT=100&FORMAT=image/png&TRANSPARENT=TRUE&${extra}`;

describe("scale ranges", () => {
  test("advertised and honoured", async () => {
    const wms = await service([
      {
        keyname: "near",
        display_name: "Near",
        resource_id: f.zonesStyle,
        min_scale_denom: 1000,
        max_scale_denom: 50_000_000,
      },
    ]);
    const caps = await (
      await f.s.fetch(`${wms}?SERVICE=WMS&REQUEST=GetCapabilities`, { auth: f.s.admin })
    ).text();
    expect(caps).toContain("<MinScaleDenominator>1000</MinScaleDenominator>");
    expect(caps).toContain("<MaxScaleDenominator>50000000</MaxScaleDenominator>");
    const caps11 = await (
      await f.s.fetch(`${wms}?SERVICE=WMS&REQUEST=GetCapabilities&VERSION=1.1.1`, {
        auth: f.s.admin,
      })
    ).text();
    expect(caps11).toContain("<ScaleHint ");
    // 20 degrees over 100 px is far beyond 1:50M: nothing drawn. 2 degrees is within.
    const far = await pixels(
      await f.s.fetch(`${wms}${map("VERSION=1.1.1&LAYERS=near&SRS=EPSG:4326&BBOX=5,35,25,55")}`, {
        auth: f.s.admin,
      }),
    );
    expect(far(50, 50)[3]).toBe(0);
    const near = await pixels(
      await f.s.fetch(`${wms}${map("VERSION=1.1.1&LAYERS=near&SRS=EPSG:4326&BBOX=14,44,16,46")}`, {
        auth: f.s.admin,
      }),
    );
    expect(near(50, 50)).toEqual([255, 0, 0, 255]);
  });
});

describe("CRSs and layers", () => {
  const wms = () => `/api/resource/${f.service}/wms`;
  test("CRS:84 is longitude first in 1.3.0", async () => {
    const px = await pixels(
      await f.s.fetch(`${wms()}${map("VERSION=1.3.0&LAYERS=zones&CRS=CRS:84&BBOX=5,35,25,55")}`),
    );
    expect(px(50, 50)).toEqual([255, 0, 0, 255]);
    expect(px(5, 50)[3]).toBe(0);
  });
  test("EPSG:3395 (World Mercator) is warped from Web Mercator", async () => {
    // lon 5..25 and, in 3395 metres, lat about 35..55.
    const px = await pixels(
      await f.s.fetch(
        `${wms()}${map("VERSION=1.3.0&LAYERS=zones&CRS=EPSG:3395&BBOX=556597,4139372,2782987,7326837")}`,
      ),
    );
    expect(px(50, 50)).toEqual([255, 0, 0, 255]);
    expect(px(5, 50)[3]).toBe(0);
  });
  test("two layers: the upper one covers the lower", async () => {
    const r = await f.s.fetch(
      `${wms()}${map("VERSION=1.1.1&LAYERS=zones,secret&STYLES=,&SRS=EPSG:4326&BBOX=5,35,25,55")}`,
      { auth: f.s.admin },
    );
    const px = await pixels(r);
    expect(px(50, 50)).toEqual([0, 0, 255, 255]); // secret (12..18, 42..48) drawn on top
    expect(px(30, 30)).toEqual([255, 0, 0, 255]); // zones only
  });
});

describe.skipIf(!hasGdal)("a raster layer", () => {
  test("drawn through a service, not queryable", async () => {
    const tif = join(tmp, "blue.tif");
    const made = await gdal("gdal_create", [
      "-of",
      "GTiff",
      "-outsize",
      "40",
      "40",
      "-bands",
      "3",
      "-ot",
      "Byte",
      "-burn",
      "0",
      "-burn",
      "0",
      "-burn",
      "255",
      "-a_srs",
      "EPSG:4326",
      "-a_ullr",
      "10",
      "50",
      "20",
      "40",
      tif,
    ]);
    expect(made.code).toBe(0);
    const fd = new FormData();
    fd.append("file", new Blob([readFileSync(tif)]), "blue.tif");
    const up = await f.s.json("/api/component/file_upload/upload", {
      method: "POST",
      body: fd,
      auth: f.s.admin,
    });
    const r = await f.s.json("/api/resource/", {
      method: "POST",
      auth: f.s.admin,
      body: {
        resource: { cls: "raster_layer", parent: { id: 0 }, display_name: "blue" },
        raster_layer: { source: up.body.upload_meta[0], srs: { id: 3857 } },
      },
    });
    expect(r.status).toBe(201);
    const wms = await service([{ keyname: "blue", display_name: "Blue", resource_id: r.body.id }]);
    const caps = await (
      await f.s.fetch(`${wms}?SERVICE=WMS&REQUEST=GetCapabilities`, { auth: f.s.admin })
    ).text();
    expect(caps).toContain('<Layer queryable="0" opaque="0"><Name>blue</Name>');
    const px = await pixels(
      await f.s.fetch(`${wms}${map("VERSION=1.1.1&LAYERS=blue&SRS=EPSG:4326&BBOX=5,35,25,55")}`, {
        auth: f.s.admin,
      }),
    );
    expect(px(50, 50)).toEqual([0, 0, 255, 255]);
    expect(px(5, 5)[3]).toBe(0);
    const gfi = await f.s.fetch(
      `${wms}?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetFeatureInfo&LAYERS=blue&QUERY_LAYERS=blue&STYLES=&SRS=EPSG:4326&BBOX=5,35,25,55&WIDTH=100&HEIGHT=100&X=50&Y=50&INFO_FORMAT=text/html`,
      { auth: f.s.admin },
    );
    expect(gfi.status).toBe(400);
    expect(await gfi.text()).toContain('code="LayerNotQueryable"');
  });
});
