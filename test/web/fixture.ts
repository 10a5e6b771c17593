/**
 * @module Data for the UI tests, made over the NGW API of any running gisd (test server or the
 * built binary): a polygon layer uploaded as GeoJSON, an NGW simple style filling it in a colour
 * no basemap uses, and a web map showing it. Also the pixel check the display tests share.
 */
import { createCanvas, loadImage } from "@napi-rs/canvas";

/** Magenta: far from the background, MapLibre's controls and the UI's own colours. */
export const FILL: [number, number, number] = [255, 0, 255];

export const PARKS = {
  type: "FeatureCollection",
  features: [
    {
      type: "Feature",
      properties: { name: "Central park", area_ha: 341 },
      geometry: {
        type: "Polygon",
        coordinates: [
          [
            [10, 10],
            [20, 10],
            [20, 20],
            [10, 20],
            [10, 10],
          ],
        ],
      },
    },
    {
      type: "Feature",
      properties: { name: "Harbour green", area_ha: 12 },
      geometry: {
        type: "Polygon",
        coordinates: [
          [
            [30, 10],
            [34, 10],
            [34, 14],
            [30, 14],
            [30, 10],
          ],
        ],
      },
    },
  ],
};

type Call = (path: string, init?: { method?: string; body?: unknown }) => Promise<any>;

/** An NGW API caller for `base` as `auth` ("login:password"); throws on any non-2xx. */
export function caller(base: string, auth: string): Call {
  const header = `Basic ${Buffer.from(auth).toString("base64")}`;
  return async (path, init = {}) => {
    const body =
      init.body instanceof FormData || init.body === undefined
        ? (init.body as FormData | undefined)
        : JSON.stringify(init.body);
    const res = await fetch(base + path, {
      method: init.method ?? "GET",
      headers: { Authorization: header },
      body,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path} -> ${res.status}: ${text}`);
    return text === "" ? undefined : JSON.parse(text);
  };
}

export interface MapFixture {
  group: number;
  layer: number;
  style: number;
  map: number;
}

export async function mapFixture(call: Call, name = "UI test"): Promise<MapFixture> {
  const create = async (body: unknown) =>
    (await call("/api/resource/", { method: "POST", body })).id;
  const group = await create({
    resource: { cls: "resource_group", parent: { id: 0 }, display_name: name },
  });
  const form = new FormData();
  form.append("file", new Blob([JSON.stringify(PARKS)]), "parks.geojson");
  const up = await call("/api/component/file_upload/", { method: "POST", body: form });
  const layer = await create({
    resource: { cls: "vector_layer", parent: { id: group }, display_name: "Parks" },
    vector_layer: { source: up.upload_meta[0], srs: { id: 3857 } },
  });
  const hex = `#${FILL.map((c) => c.toString(16).padStart(2, "0")).join("")}`;
  const style = await create({
    resource: { cls: "qgis_vector_style", parent: { id: layer }, display_name: "Parks fill" },
    qgis_vector_style: {
      format: "sld",
      sld: { rules: [{ symbolizers: [{ type: "polygon", fill: { color: hex, opacity: 1 } }] }] },
    },
  });
  const map = await create({
    resource: { cls: "webmap", parent: { id: group }, display_name: "Parks map" },
    webmap: {
      title: "City parks",
      initial_extent: [5, 5, 40, 25],
      root_item: {
        children: [
          {
            item_type: "group",
            display_name: "Green",
            group_expanded: true,
            children: [
              {
                item_type: "layer",
                display_name: "Parks",
                layer_style_id: style,
                layer_adapter: "tile",
                layer_enabled: true,
              },
            ],
          },
        ],
      },
    },
  });
  return { group, layer, style, map };
}

/** RGB at (x, y) of a PNG screenshot. */
export async function pixel(png: Buffer, x: number, y: number): Promise<[number, number, number]> {
  const img = await loadImage(png);
  const canvas = createCanvas(img.width, img.height);
  const ctx = canvas.getContext("2d");
  ctx.drawImage(img, 0, 0);
  const d = ctx.getImageData(Math.round(x), Math.round(y), 1, 1).data;
  return [d[0]!, d[1]!, d[2]!];
}

export function near(a: [number, number, number], b: [number, number, number], tol = 24): boolean {
  return a.every((v, i) => Math.abs(v - b[i]!) <= tol);
}
