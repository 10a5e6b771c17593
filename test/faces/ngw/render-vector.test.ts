/**
 * @module Styled vector tiles over HTTP: a vector layer (polygon, line, point) with an SLD style
 * whose rules pick colours by attribute; render/tile pixels are checked inside the polygon, on
 * the line, at the point and in empty sea; a layer id draws with the default style; extent and
 * thumbnails of a style use its layer.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createCanvas, loadImage } from "@napi-rs/canvas";
import { tileBBox } from "../../../src/geo/render/view.ts";
import { startServer, type TestServer } from "../../helpers/server.ts";

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(async () => {
  await s.stop();
});

const [Z, X, Y] = [8, 128, 127];
const box = tileBBox(Z, X, Y);
const R = 6378137;
/** Lon/lat of pixel (px, py) of the tile. */
function lonLat(px: number, py: number): [number, number] {
  const res = (box[2] - box[0]) / 256;
  const mx = box[0] + (px + 0.5) * res;
  const my = box[3] - (py + 0.5) * res;
  return [
    (mx / R) * (180 / Math.PI),
    (2 * Math.atan(Math.exp(my / R)) - Math.PI / 2) * (180 / Math.PI),
  ];
}

const geojson = {
  type: "FeatureCollection",
  features: [
    {
      type: "Feature",
      properties: { kind: "land", name: "Island" },
      geometry: {
        type: "Polygon",
        coordinates: [
          [lonLat(20, 20), lonLat(100, 20), lonLat(100, 100), lonLat(20, 100), lonLat(20, 20)],
        ],
      },
    },
    {
      type: "Feature",
      properties: { kind: "road", name: "Road" },
      geometry: { type: "LineString", coordinates: [lonLat(10, 200), lonLat(240, 200)] },
    },
    {
      type: "Feature",
      properties: { kind: "town", name: "Town" },
      geometry: { type: "Point", coordinates: lonLat(180, 60) },
    },
  ],
};

const rule = (value: string, symbolizer: string) => `
  <se:Rule>
    <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>kind</ogc:PropertyName>
      <ogc:Literal>${value}</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
    ${symbolizer}
  </se:Rule>`;

const sld = `<?xml version="1.0" encoding="UTF-8"?>
<StyledLayerDescriptor version="1.1.0" xmlns="http://www.opengis.net/sld"
  xmlns:se="http://www.opengis.net/se" xmlns:ogc="http://www.opengis.net/ogc">
 <NamedLayer><se:Name>demo</se:Name><UserStyle><se:FeatureTypeStyle>
  ${rule("land", `<se:PolygonSymbolizer><se:Fill><se:SvgParameter name="fill">#ff0000</se:SvgParameter></se:Fill></se:PolygonSymbolizer>`)}
  ${rule("road", `<se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#0000ff</se:SvgParameter><se:SvgParameter name="stroke-width">6</se:SvgParameter></se:Stroke></se:LineSymbolizer>`)}
  ${rule("town", `<se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Fill><se:SvgParameter name="fill">#00ff00</se:SvgParameter></se:Fill></se:Mark><se:Size>12</se:Size></se:Graphic></se:PointSymbolizer>`)}
 </se:FeatureTypeStyle></UserStyle></NamedLayer>
</StyledLayerDescriptor>`;

async function upload(name: string, body: string) {
  const fd = new FormData();
  fd.append("file", new Blob([body]), name);
  const r = await s.json("/api/component/file_upload/upload", {
    method: "POST",
    body: fd,
    auth: s.admin,
  });
  return r.body.upload_meta[0];
}

async function pixels(res: Response) {
  expect(res.status).toBe(200);
  const img = await loadImage(Buffer.from(await res.arrayBuffer()));
  const c = createCanvas(img.width, img.height);
  c.getContext("2d").drawImage(img, 0, 0);
  const d = c.getContext("2d").getImageData(0, 0, img.width, img.height).data;
  return (x: number, y: number) =>
    Array.from(d.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4));
}

describe("styled vector tiles", () => {
  const layers: number[] = [];
  const styles: number[] = [];
  let style = "";
  beforeAll(async () => {
    // NGW layers hold one geometry type: a polygon, a line and a point layer, one SLD for all.
    for (const f of geojson.features) {
      const fc = { type: "FeatureCollection", features: [f] };
      const l = await s.json("/api/resource/", {
        method: "POST",
        auth: s.admin,
        body: {
          resource: { cls: "vector_layer", parent: { id: 0 }, display_name: f.properties.name },
          vector_layer: {
            source: await upload("demo.geojson", JSON.stringify(fc)),
            srs: { id: 3857 },
          },
        },
      });
      expect([l.status, l.body.message]).toEqual([201, undefined]);
      layers.push(l.body.id);
      const st = await s.json("/api/resource/", {
        method: "POST",
        auth: s.admin,
        body: {
          resource: { cls: "qgis_vector_style", parent: { id: l.body.id }, display_name: "rules" },
          qgis_vector_style: { file_upload: await upload("demo.sld", sld) },
        },
      });
      expect([st.status, st.body.message]).toEqual([201, undefined]);
      styles.push(st.body.id);
    }
    style = styles.join(",");
  });

  test("pixels inside the polygon, on the line, at the point and in empty sea", async () => {
    const px = await pixels(
      await s.fetch(`/api/component/render/tile?z=${Z}&x=${X}&y=${Y}&resource=${style}`, {
        auth: s.admin,
      }),
    );
    expect(px(60, 60)).toEqual([255, 0, 0, 255]);
    expect(px(120, 200)).toEqual([0, 0, 255, 255]);
    expect(px(180, 60)).toEqual([0, 255, 0, 255]);
    expect(px(240, 140)).toEqual([0, 0, 0, 0]);
  });

  test("symbols[R] draws only the listed legend symbols", async () => {
    // The polygon layer's SLD has three rules (land, road, town); symbols=1-2 drops "land".
    const base = `/api/component/render/tile?z=${Z}&x=${X}&y=${Y}&resource=${style}`;
    const without = await pixels(
      await s.fetch(`${base}&symbols[${styles[0]}]=1-2`, { auth: s.admin }),
    );
    expect(without(60, 60)[3]).toBe(0);
    expect(without(120, 200)).toEqual([0, 0, 255, 255]);
    const only = await pixels(await s.fetch(`${base}&symbols[${styles[0]}]=0`, { auth: s.admin }));
    expect(only(60, 60)).toEqual([255, 0, 0, 255]);
    const bad = await s.json(`${base}&symbols[${styles[0]}]=x`, { auth: s.admin });
    expect(bad.status).toBe(422);
  });

  test("the layer itself draws with the default style; extent and preview", async () => {
    const layer = layers[0]!;
    const px = await pixels(
      await s.fetch(`/api/component/render/tile?z=${Z}&x=${X}&y=${Y}&resource=${layer}`, {
        auth: s.admin,
      }),
    );
    expect(px(60, 60)[3]).toBeGreaterThan(150); // default fill, 0.8 opacity
    expect(px(240, 140)[3]).toBe(0);
    const ext = await s.json(`/api/resource/${layer}/extent`, { auth: s.admin });
    expect(ext.body.extent.minLon).toBeCloseTo(lonLat(20, 0)[0], 3);
    const prev = await pixels(
      await s.fetch(`/api/resource/${styles[0]}/preview.png`, { auth: s.admin }),
    );
    let red = 0;
    for (let y = 0; y < 256; y += 4)
      for (let x = 0; x < 256; x += 4) if (prev(x, y)[0] === 255) red++;
    expect(red).toBeGreaterThan(20);
    const sym = await s.json(`/api/resource/${styles[0]}/legend_symbols`, { auth: s.admin });
    expect(sym.body).toHaveLength(3);
  });
  test("an edit is visible in the next tile (rendered tiles are cached by version)", async () => {
    const url = `/api/component/render/tile?z=${Z}&x=${X}&y=${Y}&resource=${style}`;
    expect((await pixels(await s.fetch(url, { auth: s.admin })))(60, 60)).toEqual([255, 0, 0, 255]);
    const feats = await s.json(`/api/resource/${layers[0]}/feature/`, { auth: s.admin });
    const fid = feats.body[0].id;
    const put = await s.json(`/api/resource/${layers[0]}/feature/${fid}`, {
      method: "PUT",
      auth: s.admin,
      body: { fields: { kind: "lake" } },
    });
    expect(put.status).toBe(200);
    // No rule matches "lake": the polygon disappears from the (uncached) next render.
    expect((await pixels(await s.fetch(url, { auth: s.admin })))(60, 60)[3]).toBe(0);
    await s.json(`/api/resource/${layers[0]}/feature/${fid}`, {
      method: "PUT",
      auth: s.admin,
      body: { fields: { kind: "land" } },
    });
  });
});
