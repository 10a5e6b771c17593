/**
 * @module `/qgis/` on the management listener draws a QGIS project's layers with the project's
 * own styles (pixels of the style colours), and answers hostile or unknown MAP values with an OGC
 * exception and a 4xx.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createCanvas, loadImage } from "@napi-rs/canvas";
import { type Managed, startManaged } from "./helpers.ts";

let m: Managed;
beforeAll(async () => {
  m = await startManaged();
});
afterAll(() => m.stop());

async function pixels(res: Response) {
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("image/png");
  const img = await loadImage(Buffer.from(await res.arrayBuffer()));
  const c = createCanvas(img.width, img.height);
  c.getContext("2d").drawImage(img, 0, 0);
  const d = c.getContext("2d").getImageData(0, 0, img.width, img.height).data;
  return (x: number, y: number) =>
    Array.from(d.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4));
}

/** Web Mercator of lon/lat. */
function merc(lon: number, lat: number): [number, number] {
  const R = 6378137;
  const r = Math.PI / 180;
  return [R * lon * r, R * Math.log(Math.tan(Math.PI / 4 + (lat * r) / 2))];
}

/**
 * A transparent 64×64 GetMap of a 40 km square (EPSG:3857, square pixels) centred on lon/lat;
 * by default the project's checked layers, bottom first.
 */
function getMap(map: string, lon: number, lat: number, layers = "countries,cities") {
  const [x, y] = merc(lon, lat);
  const bbox = [x - 20_000, y - 20_000, x + 20_000, y + 20_000].join(",");
  return fetch(
    `${m.base}/qgis/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&MAP=${map}&CRS=EPSG:3857` +
      `&BBOX=${bbox}&WIDTH=64&HEIGHT=64&FORMAT=image/png&TRANSPARENT=TRUE&LAYERS=${layers}&STYLES=`,
  );
}

describe("/qgis/ draws projects", () => {
  test("Iceland is filled with the project's red, Moscow has the cities' blue marker", async () => {
    const iceland = await pixels(await getMap("world", -18.5, 64.9));
    expect(iceland(32, 32)).toEqual([227, 26, 28, 255]);
    const moscow = await pixels(await getMap("world", 37.61556, 55.75222));
    expect(moscow(32, 32)).toEqual([0, 0, 255, 255]);
  });

  test("LAYERS picks layers: the unchecked CSV layer draws green, countries alone has no city", async () => {
    const csv = await pixels(await getMap("world", 37.61556, 55.75222, "cities_csv"));
    expect(csv(32, 32)).toEqual([0, 160, 0, 255]);
    const onlyCountries = await pixels(await getMap("world", 37.61556, 55.75222, "countries"));
    expect(onlyCountries(32, 32)[3]).toBe(0);
  });

  test("lower-case map= is normalised; WMS 1.3.0 EPSG:4326 takes lat,lon", async () => {
    const res = await fetch(
      `${m.base}/qgis/?service=WMS&version=1.3.0&request=GetMap&map=world.qgs&crs=EPSG:4326` +
        "&bbox=64.7,-18.7,65.1,-18.3&width=16&height=16&format=image/png&layers=countries",
    );
    expect((await pixels(res))(8, 8)).toEqual([227, 26, 28, 255]);
  });

  test("hostile and unknown MAP values, bad sizes and layers are OGC exceptions with 4xx", async () => {
    for (const map of [
      "../../etc/passwd",
      "%2Fetc%2Fpasswd",
      "..%2F..%2Fetc%2Fpasswd",
      "nope",
      "world%00",
    ]) {
      const res = await getMap(map, 0, 0);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      const text = await res.text();
      expect(text).toContain("ServiceException");
      expect(text).not.toContain("root:");
    }
    const huge = await fetch(
      `${m.base}/qgis/?SERVICE=WMS&REQUEST=GetMap&MAP=world&CRS=EPSG:3857&BBOX=0,0,1,1&WIDTH=99999&HEIGHT=10&FORMAT=image/png`,
    );
    expect(huge.status).toBe(400);
    const layer = await getMap("world", 0, 0, "nope");
    expect(layer.status).toBe(400);
    expect(await layer.text()).toContain("nope");
  });

  test("GetCapabilities of a project lists its valid layers", async () => {
    const res = await fetch(`${m.base}/qgis/wms?SERVICE=WMS&REQUEST=GetCapabilities&MAP=world`);
    expect(res.status).toBe(200);
    const xml = await res.text();
    for (const n of ["cities", "cities_csv", "countries", "world"])
      expect(xml).toContain(`<Name>${n}</Name>`);
  });

  test("POST /pool/restart during a burst of GetMap requests loses none of them", async () => {
    const burst = Array.from({ length: 30 }, (_, i) =>
      getMap("world", -18.5 + (i % 3) * 0.01, 64.9),
    );
    const restart = fetch(`${m.base}/pool/restart`, { method: "POST" });
    const all = await Promise.all(burst);
    expect((await restart).status).toBe(200);
    for (const res of all) expect((await pixels(res))(32, 32)).toEqual([227, 26, 28, 255]);
  });
});

describe("the same projects on the main listener, and the whole catalog without MAP", () => {
  test("/ows?MAP=world draws the project; hostile MAP is a 4xx exception there too", async () => {
    const [x, y] = merc(-18.5, 64.9);
    const q =
      `SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&CRS=EPSG:3857&BBOX=${x - 20_000},${y - 20_000},` +
      `${x + 20_000},${y + 20_000}&WIDTH=16&HEIGHT=16&FORMAT=image/png&LAYERS=countries&STYLES=`;
    expect((await pixels(await m.s.fetch(`/ows?${q}&MAP=world`)))(8, 8)).toEqual([
      227, 26, 28, 255,
    ]);
    for (const bad of ["../../etc/passwd", "/etc/passwd", "nope"]) {
      const res = await m.s.fetch(`/ows?${q}&MAP=${encodeURIComponent(bad)}`);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(await res.text()).toContain("ServiceException");
    }
  });

  test("/qgis/wms GetCapabilities without MAP answers for the whole catalog", async () => {
    const res = await fetch(`${m.base}/qgis/wms?SERVICE=WMS&REQUEST=GetCapabilities`);
    expect(res.status).toBe(200);
    const xml = await res.text();
    expect(xml).toContain("WMS_Capabilities");
    expect(xml).not.toContain("<Name>countries</Name>"); // project layers need MAP
  });

  test("project capabilities list the layers with the project's title", async () => {
    const res = await fetch(`${m.base}/qgis/?SERVICE=WMS&REQUEST=GetCapabilities&MAP=world`);
    const xml = await res.text();
    expect(xml).toContain("World");
    for (const n of ["cities", "cities_csv", "countries", "world"])
      expect(xml).toContain(`<Name>${n}</Name>`);
  });
});
