/**
 * @module WMS judged by real clients and a reference renderer: OWSLib (Debian python3-owslib)
 * WebMapService 1.1.1 and 1.3.0 parse the capabilities and fetch maps whose pixels are the
 * style's colour; GDAL's WMS driver lists and reads the service; MapServer (map2img) draws the
 * same polygon in the same colour and the images agree on all but a thin edge (tolerance: at
 * most 3 % of pixels differ, which is two one-pixel rims of the square's antialiased border).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCanvas, loadImage } from "@napi-rs/canvas";
import { gdal, hasGdal } from "../../helpers/gdal.ts";
import { type WmsFixture, wmsFixture } from "./wms-fixture.ts";

const PYTHON = "/usr/bin/python3";
const hasOwslib =
  existsSync(PYTHON) && Bun.spawnSync([PYTHON, "-c", "import owslib.wms"]).exitCode === 0;
if (!hasOwslib)
  console.warn("OWSLib tests skipped: python3-owslib not installed (scripts/setup-test-deps.sh)");
const MAP2IMG = Bun.which("map2img");
if (!MAP2IMG) console.warn("MapServer comparison skipped: map2img not found (mapserver-bin)");

let f: WmsFixture;
let url = "";
let tmp = "";
beforeAll(async () => {
  f = await wmsFixture();
  url = `${f.s.url}/api/resource/${f.service}/wms`;
  tmp = mkdtempSync(join(tmpdir(), "gisd-wms-"));
});
afterAll(async () => {
  await f.stop();
  rmSync(tmp, { recursive: true, force: true });
});

async function rgba(bytes: Uint8Array) {
  const img = await loadImage(Buffer.from(bytes));
  const c = createCanvas(img.width, img.height);
  c.getContext("2d").drawImage(img, 0, 0);
  const data = c.getContext("2d").getImageData(0, 0, img.width, img.height).data;
  const at = (x: number, y: number) =>
    Array.from(data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4));
  return { width: img.width, height: img.height, data, at };
}

async function run(cmd: string[]) {
  const p = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  if (code !== 0) throw new Error(`${cmd[0]} failed: ${err}`);
  return out;
}

// Prints the layer names, the 4326 box OWSLib read and the names GetFeatureInfo found at the
// map centre, and writes a GetMap PNG to argv[3].
const OWSLIB = `
import sys, json
from owslib.wms import WebMapService
url, version, out = sys.argv[1], sys.argv[2], sys.argv[3]
wms = WebMapService(url, version=version, timeout=60)
layer = wms.contents["zones"]
srs = "EPSG:4326"
img = wms.getmap(layers=["zones"], styles=[""], srs=srs, bbox=(5, 35, 25, 55), size=(100, 100),
                 format="image/png", transparent=True)
open(out, "wb").write(img.read())
info = wms.getfeatureinfo(layers=["zones"], srs=srs, bbox=(5, 35, 25, 55), size=(100, 100),
                          format="image/png", query_layers=["zones"],
                          info_format="application/json", xy=(50, 50))
names = [f["properties"]["name"] for f in json.loads(info.read())["features"]]
print(json.dumps({"gfi": names, "names": sorted(wms.contents), "bbox": list(layer.boundingBoxWGS84),
                  "title": layer.title, "styles": sorted(layer.styles),
                  "ops": sorted(op.name for op in wms.operations)}))
`;

describe.skipIf(!hasOwslib)("OWSLib WebMapService", () => {
  for (const version of ["1.1.1", "1.3.0"])
    test(version, async () => {
      const out = join(tmp, `owslib-${version}.png`);
      const info = JSON.parse(await run([PYTHON, "-c", OWSLIB, url, version, out]));
      expect(info.names).toEqual(["zones"]);
      expect(info.bbox).toEqual([10, 40, 20, 50]);
      expect(info.title).toBe("Zones");
      expect(info.styles).toEqual(["default"]);
      expect(info.ops).toContain("GetMap");
      expect(info.gfi).toEqual(["Zone A"]);
      const img = await rgba(readFileSync(out));
      expect(img.at(50, 50)).toEqual([255, 0, 0, 255]);
      expect(img.at(5, 5)[3]).toBe(0);
    });
});

describe.skipIf(!hasGdal)("GDAL WMS driver", () => {
  test("gdalinfo lists the layer and gdal_translate draws it", async () => {
    const caps = await gdal("gdalinfo", [
      `WMS:${url}?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetCapabilities`,
    ]);
    expect(caps.code).toBe(0);
    expect(caps.stdout).toContain("LAYERS=zones");
    const sub = `WMS:${url}?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=zones&SRS=EPSG:4326&BBOX=5,35,25,55`;
    const info = await gdal("gdalinfo", [sub]);
    expect(info.code).toBe(0);
    const png = join(tmp, "gdal.png");
    const t = await gdal("gdal_translate", [
      "-q",
      "-of",
      "PNG",
      "-outsize",
      "200",
      "200",
      sub,
      png,
    ]);
    expect(t.code).toBe(0);
    const img = await rgba(readFileSync(png));
    // The layer's middle is red whatever band layout GDAL chose (RGB or RGBA).
    const [r, g, b] = img.at(100, 100);
    expect([r! > 240, g! < 16, b! < 16]).toEqual([true, true, true]);
  });
});

describe.skipIf(!hasGdal)("GDAL WMS driver, 1.3.0", () => {
  test("EPSG:4326 with latitude-first axes lands the square where it belongs", async () => {
    // Lon 0..40 and lat 30..50: the square (lon 10..20, lat 40..50) is in the top half, second quarter.
    const sub = `WMS:${url}?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=zones&CRS=EPSG:4326&BBOX=30,0,50,40`;
    const png = join(tmp, "gdal13.png");
    const t = await gdal("gdal_translate", [
      "-q",
      "-of",
      "PNG",
      "-outsize",
      "400",
      "200",
      sub,
      png,
    ]);
    expect(t.code).toBe(0);
    const img = await rgba(readFileSync(png));
    const red = (x: number, y: number) => {
      const [r, g, b, a] = img.at(x, y);
      return r! > 240 && g! < 16 && b! < 16 && (a ?? 255) > 240;
    };
    expect(red(150, 50)).toBe(true); // lon 15, lat 45
    expect(red(50, 50)).toBe(false); // lon 5
    expect(red(150, 150)).toBe(false); // lat 35
  });
});

describe.skipIf(!MAP2IMG)("compared with MapServer", () => {
  const cases = [
    { epsg: 4326, extent: [5, 35, 25, 55], crs: "EPSG:4326", bbox: "35,5,55,25" },
    // A square extent: MapServer widens a box to the image's aspect ratio, WMS stretches it.
    {
      epsg: 3857,
      extent: [556597, 4163881, 2782987, 6390271],
      crs: "EPSG:3857",
      bbox: "556597,4163881,2782987,6390271",
    },
  ];
  for (const c of cases)
    test(`the same square in EPSG:${c.epsg} differs on at most 3 % of pixels`, async () => {
      const geojson = join(tmp, "zones.geojson");
      writeFileSync(
        geojson,
        JSON.stringify({
          type: "FeatureCollection",
          features: [
            {
              type: "Feature",
              properties: {},
              geometry: {
                type: "Polygon",
                coordinates: [
                  [
                    [10, 40],
                    [20, 40],
                    [20, 50],
                    [10, 50],
                    [10, 40],
                  ],
                ],
              },
            },
          ],
        }),
      );
      const mapfile = join(tmp, `zones-${c.epsg}.map`);
      writeFileSync(
        mapfile,
        `MAP
  SIZE 200 200
  EXTENT ${c.extent.join(" ")}
  PROJECTION "init=epsg:${c.epsg}" END
  IMAGETYPE "png32"
  OUTPUTFORMAT NAME "png32" DRIVER AGG/PNG IMAGEMODE RGBA TRANSPARENT ON EXTENSION "png" END
  LAYER NAME "zones" TYPE POLYGON STATUS ON
    CONNECTIONTYPE OGR CONNECTION "${geojson}"
    PROJECTION "init=epsg:4326" END
    CLASS STYLE COLOR 255 0 0 END END
  END
END
`,
      );
      const ms = join(tmp, `ms-${c.epsg}.png`);
      await run([MAP2IMG!, "-m", mapfile, "-o", ms]);
      const theirs = await rgba(readFileSync(ms));
      const r = await f.s.fetch(
        `/api/resource/${f.service}/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=zones&STYLES=&CRS=${c.crs}&BBOX=${c.bbox}&WIDTH=200&HEIGHT=200&FORMAT=image/png&TRANSPARENT=TRUE`,
      );
      expect(r.status).toBe(200);
      const ours = await rgba(new Uint8Array(await r.arrayBuffer()));
      expect([ours.width, ours.height]).toEqual([theirs.width, theirs.height]);
      let differ = 0;
      let red = 0;
      for (let i = 0; i < ours.data.length; i += 4) {
        const a = ours.data[i + 3]! > 127;
        const b = theirs.data[i + 3]! > 127;
        if (a) red++;
        if (a !== b || (a && Math.abs(ours.data[i]! - theirs.data[i]!) > 16)) differ++;
      }
      expect(red).toBeGreaterThan(200 * 200 * 0.1);
      expect(differ / (200 * 200)).toBeLessThanOrEqual(0.03);
    });
});
