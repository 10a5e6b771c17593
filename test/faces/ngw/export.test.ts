/** Feature layer exports: every format read back, parameters, CSV injection, /fgb Range reads. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import { deserialize } from "flatgeobuf/lib/mjs/geojson.js";
import Papa from "papaparse";
import { startServer, type TestServer } from "../../helpers/server.ts";
import {
  addPoint,
  CITIES,
  emptyLayer,
  hasTool,
  importLayer,
  sourceCities,
} from "./extras-helpers.ts";

let s: TestServer;
let layer: number;
let tmp: string;
const src = sourceCities();

beforeAll(async () => {
  s = await startServer();
  layer = await importLayer(s, CITIES, "cities");
  tmp = mkdtempSync(join(tmpdir(), "gisd-export-test-"));
});
afterAll(async () => {
  await s.stop();
  rmSync(tmp, { recursive: true, force: true });
});

async function get(path: string, auth: string | undefined = s.admin) {
  const r = await s.fetch(path, { auth });
  return { res: r, bytes: new Uint8Array(await r.arrayBuffer()) };
}

function ogrCount(path: string): number {
  const p = Bun.spawnSync(["ogrinfo", "-ro", "-so", "-al", path]);
  const m = /Feature Count: (\d+)/.exec(p.stdout.toString());
  return m ? Number(m[1]) : -1;
}

const close = (a: number[], b: number[]) =>
  Math.abs(a[0]! - b[0]!) < 1e-6 && Math.abs(a[1]! - b[1]!) < 1e-6;

describe("exports", () => {
  test("/geojson is the whole layer in EPSG:4326, equal to the source", async () => {
    const { res, bytes } = await get(`/api/resource/${layer}/geojson`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toStartWith("application/json");
    expect(res.headers.get("content-disposition")).toContain(`filename="${layer}.geojson"`);
    const fc = JSON.parse(new TextDecoder().decode(bytes));
    expect(fc.features).toHaveLength(src.length);
    for (const [i, f] of fc.features.entries()) {
      expect(f.properties.name).toBe(src[i]!.name);
      expect(close(f.geometry.coordinates, src[i]!.coordinates)).toBe(true);
    }
  });

  test("export?format=GeoJSON is zipped by default; srs, fields, fid and display_name apply", async () => {
    const z = await get(`/api/resource/${layer}/export?format=GeoJSON`);
    expect(z.res.headers.get("content-type")).toBe("application/zip");
    expect(z.res.headers.get("content-disposition")).toContain(`${layer}.geojson.zip`);
    const files = unzipSync(z.bytes);
    expect(Object.keys(files)).toEqual([`${layer}.geojson`]);
    expect(JSON.parse(new TextDecoder().decode(files[`${layer}.geojson`]!)).features).toHaveLength(
      src.length,
    );

    const m = await get(
      `/api/resource/${layer}/export?format=GeoJSON&zipped=false&srs=3857&fields=population,name&fid=fid`,
    );
    const fc = JSON.parse(new TextDecoder().decode(m.bytes));
    const f0 = fc.features[0];
    expect(Object.keys(f0.properties).sort()).toEqual(["fid", "name", "population"]);
    expect(Math.abs(f0.geometry.coordinates[0])).toBeGreaterThan(1000); // metres, not degrees
    expect(f0.properties.fid).toBe(f0.id);
  });

  test("intersects (with intersects_srs) and ilike filter the export", async () => {
    const wkt = "POLYGON((-10 35,40 35,40 60,-10 60,-10 35))";
    const { bytes } = await get(
      `/api/resource/${layer}/export?format=GeoJSON&zipped=false&intersects_srs=4326&intersects=${encodeURIComponent(wkt)}`,
    );
    const got = JSON.parse(new TextDecoder().decode(bytes))
      .features.map((f: any) => f.properties.name)
      .sort();
    const want = src
      .filter(
        (c) =>
          c.coordinates[0] >= -10 &&
          c.coordinates[0] <= 40 &&
          c.coordinates[1] >= 35 &&
          c.coordinates[1] <= 60,
      )
      .map((c) => c.name)
      .sort();
    expect(want.length).toBeGreaterThan(10);
    expect(got).toEqual(want);
    const il = await get(`/api/resource/${layer}/export?format=GeoJSON&zipped=false&ilike=MOSC`);
    const props = JSON.parse(new TextDecoder().decode(il.bytes)).features.map(
      (f: any) => f.properties,
    );
    expect(props.map((p: any) => p.name)).toContain("Moscow");
    // ilike searches every text field: "Europe/Moscow" in timezone matches too.
    const hit = (p: any) => Object.values(p).some((v) => typeof v === "string" && /mosc/i.test(v));
    expect(props.every(hit)).toBe(true);
    expect(props.length).toBeLessThan(src.length);
  });

  test("CSV (/csv and export) reads back with WKT geometry", async () => {
    const { res, bytes } = await get(`/api/resource/${layer}/csv`);
    expect(res.headers.get("content-type")).toStartWith("text/csv");
    const text = new TextDecoder().decode(bytes).replace(/^\uFEFF/, "");
    const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
    expect(parsed.data).toHaveLength(src.length);
    expect(parsed.data.map((r) => r.name)).toEqual(src.map((c) => c.name));
    const geomKey = Object.keys(parsed.data[0]!).find((k) => /^(geom|wkt)$/i.test(k))!;
    expect(parsed.data[0]![geomKey]).toStartWith("POINT");
  });

  test("CSV is safe against formula injection", async () => {
    const l = await emptyLayer(s, "csv-injection");
    for (const [i, v] of ['=HYPERLINK("http://x")', "+1+1", "-2", "@SUM(A1)", "plain"].entries())
      await addPoint(s, l, i, i, v);
    const { bytes } = await get(`/api/resource/${l}/export?format=CSV&zipped=false`);
    const text = new TextDecoder().decode(bytes).replace(/^\uFEFF/, "");
    const rows = Papa.parse<Record<string, string>>(text, {
      header: true,
      skipEmptyLines: true,
    }).data;
    expect(rows.map((r) => r.name)).toEqual([
      '\'=HYPERLINK("http://x")',
      "'+1+1",
      "'-2",
      "'@SUM(A1)",
      "plain",
    ]);
  });

  test("GPKG, FlatGeobuf and Shapefile read back", async () => {
    const g = await get(`/api/resource/${layer}/export?format=GPKG&zipped=false`);
    expect(g.res.headers.get("content-disposition")).toContain(`${layer}.gpkg`);
    expect(new TextDecoder().decode(g.bytes.slice(0, 15))).toBe("SQLite format 3");
    const fgb = await get(`/api/resource/${layer}/export?format=FlatGeobuf&zipped=false`);
    expect([...fgb.bytes.slice(0, 3)]).toEqual([0x66, 0x67, 0x62]);
    let n = 0;
    for await (const _f of deserialize(fgb.bytes)) n++;
    expect(n).toBe(src.length);
    const shp = await get(`/api/resource/${layer}/export?format=ESRI%20Shapefile&zipped=false`);
    expect(shp.res.headers.get("content-type")).toBe("application/zip");
    const files = unzipSync(shp.bytes);
    const names = Object.keys(files).sort();
    for (const ext of [".dbf", ".prj", ".shp", ".shx"]) expect(names).toContain(`${layer}${ext}`);
    if (hasTool("ogrinfo")) {
      const gp = join(tmp, "x.gpkg");
      writeFileSync(gp, g.bytes);
      expect(ogrCount(gp)).toBe(src.length);
      for (const [k, v] of Object.entries(files)) writeFileSync(join(tmp, k), v);
      expect(ogrCount(join(tmp, `${layer}.shp`))).toBe(src.length);
      const fp = join(tmp, "x.fgb");
      writeFileSync(fp, fgb.bytes);
      expect(ogrCount(fp)).toBe(src.length);
    }
  });

  test("display_name names fields by alias; encoding sets the DBF code page", async () => {
    const l = await emptyLayer(s, "aliases");
    await addPoint(s, l, 5, 5, "Москва");
    const meta = await s.json(`/api/resource/${l}`, { auth: s.admin });
    const field = meta.body.feature_layer.fields[0];
    const put = await s.json(`/api/resource/${l}`, {
      method: "PUT",
      auth: s.admin,
      body: { feature_layer: { fields: [{ id: field.id, display_name: "Title" }] } },
    });
    expect(put.status).toBe(200);
    const g = await get(`/api/resource/${l}/export?format=GeoJSON&zipped=false&display_name=true`);
    expect(JSON.parse(new TextDecoder().decode(g.bytes)).features[0].properties).toEqual({
      Title: "Москва",
    });
    const z = await get(`/api/resource/${l}/export?format=ESRI%20Shapefile&encoding=CP1251`);
    const files = unzipSync(z.bytes);
    expect(new TextDecoder().decode(files[`${l}.cpg`]!)).toMatch(/1251/);
    // "Москва" in CP1251 is CC EE F1 EA E2 E0.
    const dbf = Buffer.from(files[`${l}.dbf`]!);
    expect(dbf.includes(Buffer.from([0xcc, 0xee, 0xf1, 0xea, 0xe2, 0xe0]))).toBe(true);
  });

  test("a layer without geometry exports, or is refused with a 4xx, never a 5xx", async () => {
    const r = await s.json("/api/resource/", {
      method: "POST",
      auth: s.admin,
      body: {
        resource: { cls: "vector_layer", parent: { id: 0 }, display_name: "table only" },
        vector_layer: { geometry_type: "NONE", fields: [{ keyname: "k", datatype: "STRING" }] },
      },
    });
    expect(r.status).toBe(201);
    const f = await s.json(`/api/resource/${r.body.id}/feature/`, {
      method: "POST",
      auth: s.admin,
      body: { fields: { k: "v" } },
    });
    expect(f.status).toBe(200);
    for (const fmt of ["GeoJSON", "CSV", "GPKG", "FlatGeobuf", "ESRI%20Shapefile", "KML"]) {
      const e = await s.fetch(`/api/resource/${r.body.id}/export?format=${fmt}&zipped=false`, {
        auth: s.admin,
      });
      await e.arrayBuffer().catch(() => {});
      expect(e.status).toBeLessThan(500);
    }
    const fgb = await s.fetch(`/api/resource/${r.body.id}/fgb`, { auth: s.admin });
    expect(fgb.status).toBeLessThan(500);
  });

  test("bad parameters are 422, guests 403, non-layers 404", async () => {
    for (const q of [
      "format=XLS",
      "format=GeoJSON&fields=nope",
      "format=GeoJSON&intersects=BLOB(1)",
      "format=GeoJSON&zipped=maybe",
      "format=GeoJSON&srs=-5",
      "format=GeoJSON&fid=name&fields=name",
    ]) {
      const r = await s.json(`/api/resource/${layer}/export?${q}`, { auth: s.admin });
      expect(r.status).toBe(422);
    }
    expect((await s.json(`/api/resource/${layer}/export?format=GeoJSON`)).status).toBe(403);
    expect((await s.json(`/api/resource/${layer}/geojson`)).status).toBe(403);
    expect((await s.json(`/api/resource/0/export?format=GeoJSON`, { auth: s.admin })).status).toBe(
      404,
    );
  });
});

describe("/fgb", () => {
  test("serves a FlatGeobuf with Range support, readable by bounding box over HTTP", async () => {
    const full = await get(`/api/resource/${layer}/fgb`);
    expect(full.res.status).toBe(200);
    expect(full.res.headers.get("accept-ranges")).toBe("bytes");
    const size = full.bytes.length;
    const head = await s.fetch(`/api/resource/${layer}/fgb`, {
      auth: s.admin,
      headers: { Range: "bytes=0-7" },
    });
    expect(head.status).toBe(206);
    expect(head.headers.get("content-range")).toBe(`bytes 0-7/${size}`);
    expect([...new Uint8Array(await head.arrayBuffer())]).toEqual([...full.bytes.slice(0, 8)]);
    const tail = await s.fetch(`/api/resource/${layer}/fgb`, {
      auth: s.admin,
      headers: { Range: "bytes=-10" },
    });
    expect(tail.status).toBe(206);
    expect([...new Uint8Array(await tail.arrayBuffer())]).toEqual([...full.bytes.slice(size - 10)]);
    const bad = await s.fetch(`/api/resource/${layer}/fgb`, {
      auth: s.admin,
      headers: { Range: `bytes=${size}-` },
    });
    expect(bad.status).toBe(416);

    // A browser-style client: flatgeobuf's HTTP reader fetches the header, index and features
    // with Range requests. The layer is stored in EPSG:3857, so the box is in metres.
    const box = { minX: 3_900_000, minY: 7_400_000, maxX: 4_500_000, maxY: 7_700_000 };
    const got: string[] = [];
    const headers = { Authorization: `Basic ${Buffer.from(s.admin).toString("base64")}` };
    for await (const f of deserialize(`${s.url}/api/resource/${layer}/fgb`, { rect: box, headers }))
      got.push(String(f.properties?.name));
    expect(got).toContain("Moscow");
    expect(got.length).toBeLessThan(10);
  });

  test("an edit makes a new file (new ETag); guests are refused", async () => {
    const l = await emptyLayer(s, "fgb-edit");
    await addPoint(s, l, 1, 1, "a");
    const a = await s.fetch(`/api/resource/${l}/fgb`, { auth: s.admin });
    const etag = a.headers.get("etag");
    const n1 = (await a.arrayBuffer()).byteLength;
    await addPoint(s, l, 2, 2, "b");
    const b = await s.fetch(`/api/resource/${l}/fgb`, { auth: s.admin });
    expect(b.headers.get("etag")).not.toBe(etag);
    let n = 0;
    for await (const _f of deserialize(new Uint8Array(await b.arrayBuffer()))) n++;
    expect(n).toBe(2);
    expect(n1).toBeGreaterThan(0);
    expect((await s.fetch(`/api/resource/${l}/fgb`)).status).toBe(403);
  });
});
