/**
 * @module Raster layers and rendering over HTTP: GDAL's NGW raster flow (upload, raster_layer,
 * raster_style, reading the style back through render/tile), render/tile against gdalwarp,
 * nd=200/204/404, render/image, legends, preview, download, and hostile input (bad TIFFs,
 * absurd tile and image parameters) answered with NGW 4xx JSON.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCanvas, loadImage } from "@napi-rs/canvas";
import { fromFile } from "geotiff";
import { tileBBox } from "../../../src/geo/render/view.ts";
import { startServer, type TestServer } from "../../helpers/server.ts";

const FIX = join(import.meta.dir, "../../fixtures/raster");
const RELIEF = join(FIX, "relief-utm.tif");
let s: TestServer;
const tmp = mkdtempSync(join(tmpdir(), "gisd-render-"));

beforeAll(async () => {
  s = await startServer();
});
afterAll(async () => {
  await s.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** Runs a command without blocking the event loop (the server answers it in this process). */
async function run(cmd: string[]) {
  const p = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
  ]);
  await p.exited;
  return { code: p.exitCode, out, err };
}

async function upload(path: string, name: string) {
  const fd = new FormData();
  fd.append("file", new Blob([readFileSync(path)]), name);
  const r = await s.json("/api/component/file_upload/upload", {
    method: "POST",
    body: fd,
    auth: s.admin,
  });
  expect(r.status).toBe(200);
  return r.body.upload_meta[0];
}

async function createRaster(path: string, name: string) {
  return s.json("/api/resource/", {
    method: "POST",
    auth: s.admin,
    body: {
      resource: { cls: "raster_layer", parent: { id: 0 }, display_name: name },
      raster_layer: { source: await upload(path, `${name}.tif`), srs: { id: 3857 } },
    },
  });
}

async function rgba(res: Response) {
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("image/png");
  const img = await loadImage(Buffer.from(await res.arrayBuffer()));
  const c = createCanvas(img.width, img.height);
  c.getContext("2d").drawImage(img, 0, 0);
  return { w: img.width, data: c.getContext("2d").getImageData(0, 0, img.width, img.height).data };
}

describe("GDAL's raster flow", () => {
  test("gdal_translate -of NGW creates raster_layer + raster_style; GDAL reads the style back", async () => {
    const up = await run(
      ["gdal_translate", "-q", "-of", "NGW", RELIEF, `NGW:${s.url}/resource/0/gdal relief`].concat([
        "--config",
        "NGW_USERPWD",
        s.admin,
      ]),
    );
    expect(up.code).toBe(0);
    const root = await s.json("/api/resource/?parent=0", { auth: s.admin });
    const layer = root.body.find((r: any) => r.resource.display_name === "gdal relief");
    expect(layer.resource.cls).toBe("raster_layer");
    expect(layer.raster_layer).toMatchObject({
      xsize: 78,
      ysize: 111,
      band_count: 3,
      dtype: "Byte",
    });
    const kids = await s.json(`/api/resource/?parent=${layer.resource.id}`, { auth: s.admin });
    const style = kids.body.find((r: any) => r.resource.cls === "raster_style");
    expect(style).toBeDefined();
    const ngw = `NGW:${s.url}/resource/${style.resource.id}`;
    // GDAL's TMS requests carry credentials only through GDAL_HTTP_USERPWD (GDAL 3.6).
    const auth = [
      "--config",
      "NGW_USERPWD",
      s.admin,
      "--config",
      "GDAL_HTTP_USERPWD",
      s.admin,
    ].concat([
      "--config",
      "GDAL_HTTP_AUTH",
      "BASIC",
      "--config",
      "GDAL_DEFAULT_WMS_CACHE_PATH",
      join(tmp, "wms"),
    ]);
    const info = await run(["gdalinfo", ngw, ...auth]);
    expect(info.code).toBe(0);
    expect(info.out).toContain("Driver: NGW/NextGIS Web");
    const out = join(tmp, "gdal-read.tif");
    // A window in the middle of Luxembourg (EPSG:3857 metres): every pixel has data.
    const read = await run(
      ["gdal_translate", "-q", "-projwin", "660000", "6420000", "690000", "6390000"].concat([
        "-outsize",
        "64",
        "64",
        ngw,
        out,
        ...auth,
      ]),
    );
    expect(read.code).toBe(0);
    const bands = (await (await fromFile(out)).getImage()).readRasters() as unknown as Promise<
      Uint8Array[]
    >;
    const [r, g, b, a] = await bands;
    expect(a!.every((v) => v === 255)).toBe(true);
    const mean = (x: Uint8Array) => x.reduce((s2, v) => s2 + v, 0) / x.length;
    // The relief ramp's greens and browns: red and green well above blue.
    expect(mean(r!)).toBeGreaterThan(60);
    expect(mean(g!)).toBeGreaterThan(mean(b!));
  });
});

test("gdal_translate -co RASTER_QML_PATH= creates a qgis_raster_style from the QML", async () => {
  const qml = join(tmp, "relief.qml");
  writeFileSync(
    qml,
    `<qgis version="3.28.0"><pipe><rasterrenderer type="multibandcolor" opacity="1" redBand="1"
      greenBand="2" blueBand="3" alphaBand="-1"/>
      <rasterresampler zoomedInResampler="bilinear"/></pipe></qgis>`,
  );
  const up = await run(
    ["gdal_translate", "-q", "-of", "NGW", "-co", `RASTER_QML_PATH=${qml}`, RELIEF].concat([
      `NGW:${s.url}/resource/0/gdal qml`,
      "--config",
      "NGW_USERPWD",
      s.admin,
    ]),
  );
  expect(up.code).toBe(0);
  const root = await s.json("/api/resource/?parent=0", { auth: s.admin });
  const layer = root.body.find((r: any) => r.resource.display_name === "gdal qml");
  const kids = await s.json(`/api/resource/?parent=${layer.resource.id}`, { auth: s.admin });
  const style = kids.body.find((r: any) => r.resource.cls === "qgis_raster_style");
  expect(style).toBeDefined();
  const t = await s.fetch(
    `/api/component/render/tile?z=10&x=529&y=346&resource=${style.resource.id}`,
    { auth: s.admin },
  );
  expect(t.status).toBe(200);
  expect(t.headers.get("content-type")).toBe("image/png");
});

describe("raster_layer and render endpoints", () => {
  let id = 0;
  beforeAll(async () => {
    const r = await createRaster(RELIEF, "relief");
    expect(r.status).toBe(201);
    id = r.body.id;
  });

  test("resource JSON and download of the original", async () => {
    const r = await s.json(`/api/resource/${id}`, { auth: s.admin });
    expect(r.body.resource.interfaces).toContain("IBboxLayer");
    expect(r.body.raster_layer).toMatchObject({
      srs: { id: 32632 },
      xsize: 78,
      ysize: 111,
      band_count: 3,
      dtype: "Byte",
      cog: false,
      color_interpretation: ["Red", "Green", "Blue"],
    });
    expect(r.body.raster_layer.geo_transform[1]).toBeCloseTo(772.033, 2);
    const ext = await s.json(`/api/resource/${id}/extent`, { auth: s.admin });
    // Luxembourg, from the UTM corners of the raster.
    expect(ext.body.extent.minLon).toBeGreaterThan(5.5);
    expect(ext.body.extent.maxLon).toBeLessThan(6.8);
    expect(ext.body.extent.minLat).toBeGreaterThan(49.3);
    expect(ext.body.extent.maxLat).toBeLessThan(50.3);
    const d = await s.fetch(`/api/resource/${id}/download`, { auth: s.admin });
    expect(d.status).toBe(200);
    expect(new Uint8Array(await d.arrayBuffer())).toEqual(new Uint8Array(readFileSync(RELIEF)));
    expect((await s.fetch(`/api/resource/${id}/download`)).status).toBe(403);
  });

  test("render/tile of the layer matches gdalwarp -r near per pixel", async () => {
    const [z, x, y] = [10, 529, 346];
    const { data } = await rgba(
      await s.fetch(`/api/component/render/tile?z=${z}&x=${x}&y=${y}&resource=${id}`, {
        auth: s.admin,
      }),
    );
    const ref = join(tmp, "ref.tif");
    const te = tileBBox(z, x, y).map(String);
    const w = await run(
      [
        "gdalwarp",
        "-q",
        "-overwrite",
        "-t_srs",
        "EPSG:3857",
        "-te",
        ...te,
        "-ts",
        "256",
        "256",
      ].concat(["-r", "near", "-et", "0", "-dstalpha", RELIEF, ref]),
    );
    expect(w.code).toBe(0);
    const bands = (await (
      await (await fromFile(ref)).getImage()
    ).readRasters()) as unknown as Uint8Array[];
    let both = 0;
    let alphaDiff = 0;
    let maxDiff = 0;
    for (let i = 0; i < 256 * 256; i++) {
      const refA = bands[3]![i]! > 0;
      const ourA = data[i * 4 + 3]! > 0;
      if (refA !== ourA) alphaDiff++;
      if (!refA || !ourA) continue;
      both++;
      for (let b = 0; b < 3; b++)
        maxDiff = Math.max(maxDiff, Math.abs(bands[b]![i]! - data[i * 4 + b]!));
    }
    // Stated tolerance: identical colours (nearest picks the same source pixel) and at most
    // 0.5 % of pixels differing in coverage at the raster's edge.
    expect(both).toBeGreaterThan(20000);
    expect(maxDiff).toBe(0);
    expect(alphaDiff).toBeLessThan(65536 * 0.005);
  });

  test("a QML raster style with bilinear resampling matches gdalwarp -r bilinear", async () => {
    const ce = (c: string) =>
      `<${c}ContrastEnhancement><minValue>0</minValue><maxValue>255</maxValue>` +
      `<algorithm>StretchToMinimumMaximum</algorithm></${c}ContrastEnhancement>`;
    const qml = `<qgis version="3.28.0"><pipe>
      <rasterrenderer type="multibandcolor" opacity="1" redBand="1" greenBand="2" blueBand="3"
        alphaBand="-1">${ce("red")}${ce("green")}${ce("blue")}</rasterrenderer>
      <rasterresampler zoomedInResampler="bilinear" zoomedOutResampler="bilinear"/>
    </pipe></qgis>`;
    const fd = new FormData();
    fd.append("file", new Blob([qml]), "relief.qml");
    const up = await s.json("/api/component/file_upload/upload", {
      method: "POST",
      body: fd,
      auth: s.admin,
    });
    const st = await s.json("/api/resource/", {
      method: "POST",
      auth: s.admin,
      body: {
        resource: { cls: "qgis_raster_style", parent: { id }, display_name: "bilinear" },
        qgis_raster_style: { file_upload: up.body.upload_meta[0] },
      },
    });
    expect([st.status, st.body.message]).toEqual([201, undefined]);
    const [z, x, y] = [11, 1058, 693];
    const { data } = await rgba(
      await s.fetch(`/api/component/render/tile?z=${z}&x=${x}&y=${y}&resource=${st.body.id}`, {
        auth: s.admin,
      }),
    );
    const ref = join(tmp, "ref-bilinear.tif");
    const w = await run(
      [
        "gdalwarp",
        "-q",
        "-overwrite",
        "-t_srs",
        "EPSG:3857",
        "-te",
        ...tileBBox(z, x, y).map(String),
      ].concat(["-ts", "256", "256", "-r", "bilinear", "-et", "0", "-dstalpha", RELIEF, ref]),
    );
    expect(w.code).toBe(0);
    const bands = (await (
      await (await fromFile(ref)).getImage()
    ).readRasters()) as unknown as Uint8Array[];
    let both = 0;
    let maxDiff = 0;
    for (let i = 0; i < 256 * 256; i++) {
      if (bands[3]![i] !== 255 || data[i * 4 + 3] !== 255) continue;
      both++;
      for (let b = 0; b < 3; b++)
        maxDiff = Math.max(maxDiff, Math.abs(bands[b]![i]! - data[i * 4 + b]!));
    }
    // Stated tolerance: 1 level per channel (GDAL rounds, we truncate to 8 bits).
    expect(both).toBeGreaterThan(60000);
    expect(maxDiff).toBeLessThanOrEqual(1);
  });

  test("empty tiles: nd=200 transparent PNG, 204 no content, 404 empty", async () => {
    const q = `/api/component/render/tile?z=5&x=0&y=0&resource=${id}`;
    const { data } = await rgba(await s.fetch(q, { auth: s.admin }));
    expect(data.every((v, i) => i % 4 !== 3 || v === 0)).toBe(true);
    expect((await s.fetch(`${q}&nd=204`, { auth: s.admin })).status).toBe(204);
    const nf = await s.fetch(`${q}&nd=404`, { auth: s.admin });
    expect(nf.status).toBe(404);
    expect((await nf.arrayBuffer()).byteLength).toBe(0);
    const tms = await s.fetch(`/resource/${id}/tms?z=10&x=529&y=346`, { auth: s.admin });
    expect((await rgba(tms)).data.some((v, i) => i % 4 === 3 && v === 255)).toBe(true);
  });

  test("render/image, legend, legend_symbols, preview", async () => {
    const ext = tileBBox(9, 264, 173).join(",");
    const img = await rgba(
      await s.fetch(`/api/component/render/image?resource=${id}&extent=${ext}&size=300,200`, {
        auth: s.admin,
      }),
    );
    expect(img.w).toBe(300);
    expect(img.data.some((v, i) => i % 4 === 3 && v === 255)).toBe(true);
    // Taller than one warp strip (512 rows): both halves carry the raster.
    const tall = await rgba(
      await s.fetch(`/api/component/render/image?resource=${id}&extent=${ext}&size=700,1100`, {
        auth: s.admin,
      }),
    );
    const opaqueRows = new Set<number>();
    for (let i = 3; i < tall.data.length; i += 4)
      if (tall.data[i] === 255) opaqueRows.add(Math.floor(i / 4 / 700));
    expect([...opaqueRows].some((r) => r < 512)).toBe(true);
    expect([...opaqueRows].some((r) => r > 600)).toBe(true);
    const ll = `/api/component/render/image?resource=${id}&extent=5.7,49.4,6.6,50.2&size=64,64&srs=4326`;
    expect((await rgba(await s.fetch(ll, { auth: s.admin }))).w).toBe(64);
    await rgba(await s.fetch(`/api/resource/${id}/legend`, { auth: s.admin }));
    const sym = await s.json(`/api/resource/${id}/legend_symbols?icon_size=20`, { auth: s.admin });
    expect(sym.status).toBe(200);
    expect(sym.body[0]).toMatchObject({ index: 0, icon: { format: "png" } });
    expect(Buffer.from(sym.body[0].icon.data, "base64").subarray(1, 4).toString()).toBe("PNG");
    const prev = await rgba(await s.fetch(`/api/resource/${id}/preview.png`, { auth: s.admin }));
    expect(prev.data.some((v, i) => i % 4 === 3 && v === 255)).toBe(true);
  });

  test("route names are published for ngw-connector", async () => {
    const r = await s.json("/api/component/pyramid/route");
    expect(r.body["render.tile"]).toEqual(["/api/component/render/tile"]);
    expect(r.body["render.image"]).toEqual(["/api/component/render/image"]);
    expect(r.body["render.legend"]).toEqual(["/api/resource/{0}/legend", "id"]);
    expect(r.body["render.legend_symbols"]).toEqual(["/api/resource/{0}/legend_symbols", "id"]);
    expect(r.body["raster_layer.download"]).toEqual(["/api/resource/{0}/download", "id"]);
  });

  test("bad parameters are NGW 4xx JSON", async () => {
    const bad: [string, number][] = [
      [`/api/component/render/tile?z=25&x=0&y=0&resource=${id}`, 422],
      [`/api/component/render/tile?z=2&x=4&y=0&resource=${id}`, 422],
      [`/api/component/render/tile?z=2&x=-1&y=0&resource=${id}`, 422],
      [`/api/component/render/tile?z=2&x=0&y=0&resource=abc`, 422],
      [`/api/component/render/tile?z=2&x=0&y=0`, 422],
      [`/api/component/render/tile?z=2&x=0&y=0&resource=${id}&nd=500`, 422],
      [`/api/component/render/tile?z=2&x=0&y=0&resource=999999`, 404],
      [`/api/component/render/tile?z=2&x=0&y=0&resource=0`, 422],
      [`/api/component/render/image?resource=${id}&extent=0,0,1,1&size=99999,10`, 422],
      [`/api/component/render/image?resource=${id}&extent=NaN,0,1,1&size=10,10`, 422],
      [`/api/component/render/image?resource=${id}&extent=1,0,0,1&size=10,10`, 422],
      [`/api/component/render/image?resource=${id}&extent=0,0,1&size=10,10`, 422],
      [`/api/resource/${id}/legend_symbols?icon_size=100000`, 422],
      [`/api/resource/999999/legend`, 404],
    ];
    for (const [url, status] of bad) {
      const r = await s.json(url, { auth: s.admin });
      expect([url, r.status]).toEqual([url, status]);
      expect(typeof r.body.message).toBe("string");
      expect(r.body.status_code).toBe(status);
    }
    const guest = await s.json(`/api/component/render/tile?z=2&x=0&y=0&resource=${id}`);
    expect(guest.status).toBe(403);
  });
});

describe("bad TIFFs", () => {
  test("truncated, absurd or junk files are 422 and leave nothing behind", async () => {
    const bytes = readFileSync(RELIEF);
    const cut = join(tmp, "cut.tif");
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const huge = join(tmp, "huge.tif");
    // A TIFF header whose only directory claims 200000 × 200000 pixels.
    const h = Buffer.alloc(8 + 2 + 9 * 12 + 4);
    h.write("II", 0, "latin1");
    h.writeUInt16LE(42, 2);
    h.writeUInt32LE(8, 4);
    h.writeUInt16LE(9, 8);
    const tags: [number, number, number][] = [
      [256, 4, 200000],
      [257, 4, 200000],
      [258, 3, 8],
      [259, 3, 1],
      [262, 3, 1],
      [273, 4, 0],
      [277, 3, 1],
      [278, 4, 200000],
      [279, 4, 0],
    ];
    tags.forEach(([tag, type, v], i) => {
      const o = 10 + i * 12;
      h.writeUInt16LE(tag, o);
      h.writeUInt16LE(type, o + 2);
      h.writeUInt32LE(1, o + 4);
      if (type === 3) h.writeUInt16LE(v, o + 8);
      else h.writeUInt32LE(v, o + 8);
    });
    writeFileSync(huge, h);
    const junk = join(tmp, "junk.tif");
    writeFileSync(junk, "<?xml version='1.0'?><x/>");
    const before = (await s.json("/api/resource/?parent=0", { auth: s.admin })).body.length;
    for (const [path, name] of [
      [cut, "cut"],
      [huge, "huge"],
      [junk, "junk"],
    ] as const) {
      const r = await createRaster(path, name);
      expect([name, r.status]).toEqual([name, 422]);
      expect(r.body.exception).toBe("nextgisweb.core.exception.ValidationError");
    }
    expect((await s.json("/api/resource/?parent=0", { auth: s.admin })).body.length).toBe(before);
  });

  test("a raster is deleted with its blocks and file", async () => {
    const r = await createRaster(join(FIX, "elev.tif"), "to delete");
    expect(r.status).toBe(201);
    const del = await s.json(`/api/resource/${r.body.id}`, { method: "DELETE", auth: s.admin });
    expect(del.status).toBe(200);
    const t = await s.json(`/api/component/render/tile?z=9&x=264&y=173&resource=${r.body.id}`, {
      auth: s.admin,
    });
    expect(t.status).toBe(404);
  });
});
