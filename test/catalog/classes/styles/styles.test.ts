/**
 * @module Style resources through the NGW API: qgis_vector_style / qgis_raster_style from QML
 * and SLD uploads, /qml byte-exact, formats, copy_from, default styles, legacy classes, hostile
 * XML refused with nothing read outside the data folder, and loadStyle's cache.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadStyle, styleSld } from "../../../../src/catalog/classes/styles/index.ts";
import { parseQml } from "../../../../src/geo/style/qml.ts";
import { emptyLayer, upload } from "../../../faces/ngw/extras-helpers.ts";
import { gdal, hasGdal } from "../../../helpers/gdal.ts";
import { startServer, type TestServer } from "../../../helpers/server.ts";

const FIX = `${import.meta.dir}/../../../fixtures/style`;
let s: TestServer;
let layer: number;
let outside: string;
beforeAll(async () => {
  s = await startServer();
  layer = await emptyLayer(s, "points");
  outside = mkdtempSync(join(tmpdir(), "gisd-secret-"));
  writeFileSync(join(outside, "secret.txt"), "TOP-SECRET-CONTENT");
});
afterAll(async () => {
  await s.stop();
  rmSync(outside, { recursive: true, force: true });
});

async function uploadFile(name: string) {
  return upload(s, name, Bun.file(`${FIX}/${name}`));
}

async function createStyle(cls: string, parent: number, name: string, key?: unknown) {
  const body: Record<string, unknown> = {
    resource: { cls, parent: { id: parent }, display_name: name },
  };
  if (key !== undefined) body[cls] = key;
  return s.json("/api/resource/", { method: "POST", auth: s.admin, body });
}

const row = async (id: number) => (await s.server.ctx.catalog.resources.row(id))!;

describe("qgis_vector_style", () => {
  test("from a QML upload: JSON, /qml byte-exact, processed QML, rendering model", async () => {
    const up = await uploadFile("categorized-points.qml");
    const r = await createStyle("qgis_vector_style", layer, "qml", { file_upload: { id: up } });
    expect(r.status).toBe(201);
    const id = r.body.id as number;
    const g = await s.json(`/api/resource/${id}`, { auth: s.admin });
    expect(g.body.qgis_vector_style).toEqual({
      format: "qml_file",
      sld: null,
      svg_marker_library: null,
    });
    expect(g.body.resource.interfaces).toContain("IRenderableStyle");

    const original = new Uint8Array(await Bun.file(`${FIX}/categorized-points.qml`).arrayBuffer());
    for (const q of ["", "?original=prefer", "?original=require"]) {
      const res = await s.fetch(`/api/resource/${id}/qml${q}`, { auth: s.admin });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-disposition")).toBe(`attachment; filename=${id}.qml`);
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(original);
    }
    const processed = await s.fetch(`/api/resource/${id}/qml?original=process`, { auth: s.admin });
    const text = await processed.text();
    expect(text).not.toBe(new TextDecoder().decode(original));
    expect(parseQml(text).style).toMatchObject({
      renderer: { type: "categorized", field: "name" },
    });
    const bad = await s.json(`/api/resource/${id}/qml?original=maybe`, { auth: s.admin });
    expect(bad.status).toBe(422);

    const loaded = await loadStyle(s.server.ctx.catalog.deps, await row(id));
    expect(loaded.kind).toBe("vector");
    expect(loaded.layerId).toBe(layer);
    expect(loaded.style.kind === "vector" && loaded.style.rules.length).toBe(3);
    // Same version: the cached model; guests get nothing.
    expect(await loadStyle(s.server.ctx.catalog.deps, await row(id))).toBe(loaded);
    expect((await s.fetch(`/api/resource/${id}/qml`)).status).toBeGreaterThanOrEqual(401);
  });

  test("from an SLD upload: format sld_file, original=require refused, SLD byte-exact", async () => {
    const up = await uploadFile("points-sld10.sld");
    const r = await createStyle("qgis_vector_style", layer, "sld", { file_upload: { id: up } });
    expect(r.status).toBe(201);
    const id = r.body.id as number;
    const g = await s.json(`/api/resource/${id}`, { auth: s.admin });
    expect(g.body.qgis_vector_style.format).toBe("sld_file");
    const req = await s.json(`/api/resource/${id}/qml?original=require`, { auth: s.admin });
    expect(req.status).toBe(422);
    expect(req.body.message).toContain("sld_file");
    const qml = await s.fetch(`/api/resource/${id}/qml`, { auth: s.admin });
    expect(qml.status).toBe(200);
    const parsed = parseQml(await qml.text()).style;
    expect(parsed.kind === "vector" && parsed.rules[0]!.symbolizers[0]).toMatchObject({
      kind: "marker",
      shape: "star",
    });
    const sld = await styleSld(s.server.ctx.catalog.deps, await row(id));
    expect(sld).toEqual(new Uint8Array(await Bun.file(`${FIX}/points-sld10.sld`).arrayBuffer()));
  });

  test("no file: default style; /qml generated from the layer's geometry", async () => {
    const r = await createStyle("qgis_vector_style", layer, "default");
    expect(r.status).toBe(201);
    const g = await s.json(`/api/resource/${r.body.id}`, { auth: s.admin });
    expect(g.body.qgis_vector_style.format).toBe("default");
    const loaded = await loadStyle(s.server.ctx.catalog.deps, await row(r.body.id));
    expect(loaded.style.kind === "vector" && loaded.style.rules[0]!.symbolizers[0]!.kind).toBe(
      "marker",
    );
    const qml = await s.fetch(`/api/resource/${r.body.id}/qml`, { auth: s.admin });
    expect(await qml.text()).toContain('type="marker"');
    const req = await s.json(`/api/resource/${r.body.id}/qml?original=require`, { auth: s.admin });
    expect(req.status).toBe(422);
  });

  test("format checks as nextgisweb_qgis: mismatches and missing files are 422", async () => {
    const qml = await uploadFile("categorized-points.qml");
    const sld = await uploadFile("highway-se11.sld");
    const cases: [unknown, number][] = [
      [{ format: "qml_file", file_upload: { id: qml } }, 201],
      [{ format: "default", file_upload: { id: qml } }, 422],
      [{ format: "sld_file", file_upload: { id: qml } }, 422],
      [{ format: "sld_file", file_upload: { id: sld } }, 201],
      [{ format: "qml_file", file_upload: { id: sld } }, 422],
      [{ format: "default" }, 201],
      [{ format: "qml_file" }, 422],
      [{ format: "nonsense" }, 422],
      [{ file_upload: { id: "../../etc/passwd" } }, 422],
      ["not an object", 422],
    ];
    let n = 0;
    for (const [body, status] of cases) {
      const r = await createStyle("qgis_vector_style", layer, `fmt${n++}`, body);
      expect({ body, status: r.status }).toEqual({ body, status });
      if (status === 422) expect(r.body.exception).toBeDefined();
    }
  });

  test("wrong kind, wrong parent, non-style XML", async () => {
    const raster = await uploadFile("raster-rgb.qml");
    const r1 = await createStyle("qgis_vector_style", layer, "rq", { file_upload: { id: raster } });
    expect(r1.status).toBe(422);
    const r2 = await createStyle("qgis_vector_style", 0, "root");
    expect(r2.status).toBe(422);
    const lines = await uploadFile("rules-lines.qml");
    const r5 = await createStyle("qgis_vector_style", layer, "lq", { file_upload: { id: lines } });
    expect(r5.status).toBe(422);
    expect(r5.body.message).toContain("POINT");
    const other = await upload(s, "x.xml", "<html><body/></html>");
    const r3 = await createStyle("qgis_vector_style", layer, "html", {
      file_upload: { id: other },
    });
    expect(r3.status).toBe(422);
    const garbage = await upload(s, "x.qml", "\u0000\u0001 not xml");
    const r4 = await createStyle("qgis_vector_style", layer, "bin", {
      file_upload: { id: garbage },
    });
    expect(r4.status).toBe(422);
  });

  test("copy_from copies the file; update replaces it and bumps the model", async () => {
    const up = await uploadFile("categorized-points.qml");
    const a = await createStyle("qgis_vector_style", layer, "orig", { file_upload: { id: up } });
    const b = await createStyle("qgis_vector_style", layer, "copy", {
      copy_from: { id: a.body.id },
    });
    expect(b.status).toBe(201);
    const qa = await (await s.fetch(`/api/resource/${a.body.id}/qml`, { auth: s.admin })).text();
    const qb = await (await s.fetch(`/api/resource/${b.body.id}/qml`, { auth: s.admin })).text();
    expect(qb).toBe(qa);
    const bad = await createStyle("qgis_vector_style", layer, "copy2", {
      copy_from: { id: layer },
    });
    expect(bad.status).toBe(422);

    const before = await loadStyle(s.server.ctx.catalog.deps, await row(b.body.id));
    const up2 = await uploadFile("svg-marker.qml");
    const put = await s.json(`/api/resource/${b.body.id}`, {
      method: "PUT",
      auth: s.admin,
      body: { qgis_vector_style: { file_upload: { id: up2 } } },
    });
    expect(put.status).toBe(200);
    const qml = await (await s.fetch(`/api/resource/${b.body.id}/qml`, { auth: s.admin })).text();
    expect(qml).toBe(await Bun.file(`${FIX}/svg-marker.qml`).text());
    const after = await loadStyle(s.server.ctx.catalog.deps, await row(b.body.id));
    expect(after).not.toBe(before);
    expect(after.style.kind === "vector" && after.style.renderer.type).toBe("single");
  });

  test("NGW's simple-style JSON (format sld): stored as sent, drawn, validated", async () => {
    const sld = {
      rules: [
        {
          symbolizers: [
            {
              type: "point",
              graphic: {
                size: 10,
                mark: { well_known_name: "circle", fill: { color: "#FF0000", opacity: 0.5 } },
              },
            },
          ],
        },
        { symbolizers: [{ type: "text", field: "name", font_size: 12, halo: { radius: 2 } }] },
      ],
    };
    const r = await createStyle("qgis_vector_style", layer, "json", { format: "sld", sld });
    expect(r.status).toBe(201);
    const g = await s.json(`/api/resource/${r.body.id}`, { auth: s.admin });
    expect(g.body.qgis_vector_style).toEqual({ format: "sld", sld, svg_marker_library: null });
    const loaded = await loadStyle(s.server.ctx.catalog.deps, await row(r.body.id));
    expect(
      loaded.style.kind === "vector" && loaded.style.rules.map((x) => x.symbolizers[0]),
    ).toEqual([
      {
        kind: "marker",
        shape: "circle",
        size: 10,
        fill: "#ff0000",
        fillOpacity: 0.5,
        stroke: null,
        strokeOpacity: 1,
        strokeWidth: 0,
        rotation: 0,
      },
      expect.objectContaining({ kind: "label", field: "name", size: 12 }),
    ]);
    const qml = await s.fetch(`/api/resource/${r.body.id}/qml`, { auth: s.admin });
    expect(await qml.text()).toContain('type="marker"');
    for (const bad of [
      { rules: [] },
      { rules: [{ symbolizers: [{ type: "polygon", fill: { color: "red" } }] }] },
      { rules: [{ symbolizers: [{ type: "line", stroke: { width: -1 } }] }] },
      { rules: [{ symbolizers: [{ type: "blob" }] }] },
      "not json",
    ]) {
      const b = await createStyle("qgis_vector_style", layer, "badjson", {
        format: "sld",
        sld: bad,
      });
      expect({ bad, status: b.status }).toEqual({ bad, status: 422 });
    }
  });

  test("PUT of the JSON a client read back changes nothing", async () => {
    const up = await uploadFile("categorized-points.qml");
    const r = await createStyle("qgis_vector_style", layer, "rt", { file_upload: { id: up } });
    const g = await s.json(`/api/resource/${r.body.id}`, { auth: s.admin });
    const put = await s.json(`/api/resource/${r.body.id}`, {
      method: "PUT",
      auth: s.admin,
      body: { qgis_vector_style: g.body.qgis_vector_style },
    });
    expect(put.status).toBe(200);
    const qml = await s.fetch(`/api/resource/${r.body.id}/qml?original=require`, { auth: s.admin });
    expect(await qml.text()).toBe(await Bun.file(`${FIX}/categorized-points.qml`).text());
  });

  test("delete removes the stored files", async () => {
    const up = await uploadFile("categorized-points.qml");
    const r = await createStyle("qgis_vector_style", layer, "gone", { file_upload: { id: up } });
    const dir = join(s.dataDir, "files", "style", String(r.body.id));
    expect(readdirSync(dir).length).toBe(1);
    const d = await s.json(`/api/resource/${r.body.id}`, { method: "DELETE", auth: s.admin });
    expect(d.status).toBe(200);
    expect(existsSync(dir)).toBe(false);
  });
});

describe("hostile XML", () => {
  const secret = () => join(outside, "secret.txt");
  const docs = () => ({
    "xxe.qml": `<?xml version="1.0"?><!DOCTYPE qgis [<!ENTITY x SYSTEM "file://${secret()}">]><qgis><renderer-v2 type="singleSymbol"><symbols/></renderer-v2><layerOpacity>&x;</layerOpacity></qgis>`,
    "xxe.sld": `<?xml version="1.0"?><!DOCTYPE StyledLayerDescriptor [<!ENTITY x SYSTEM "file://${secret()}">]><StyledLayerDescriptor><NamedLayer><Name>&x;</Name></NamedLayer></StyledLayerDescriptor>`,
    "dtd.qml": `<?xml version="1.0"?><!DOCTYPE qgis SYSTEM "file://${secret()}"><qgis>&x;</qgis>`,
    "lol.qml": `<?xml version="1.0"?><!DOCTYPE qgis [<!ENTITY a "aaaaaaaaaaaaaaaaaaaa">${Array.from({ length: 9 }, (_, i) => `<!ENTITY ${String.fromCharCode(98 + i)} "${`&${String.fromCharCode(97 + i)};`.repeat(10)}">`).join("")}]><qgis>&j;</qgis>`,
    "lol.sld": `<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><StyledLayerDescriptor>&b;</StyledLayerDescriptor>`,
  });
  test("XXE and billion laughs are 422 and nothing outside the data folder is read", async () => {
    for (const [name, text] of Object.entries(docs())) {
      const up = await upload(s, name, text);
      const t0 = performance.now();
      const r = await createStyle("qgis_vector_style", layer, `evil-${name}`, {
        file_upload: { id: up },
      });
      expect({ name, status: r.status }).toEqual({ name, status: 422 });
      expect(performance.now() - t0).toBeLessThan(2000);
      expect(JSON.stringify(r.body)).not.toContain("TOP-SECRET");
    }
    const list = await s.json(`/api/resource/?parent=${layer}`, { auth: s.admin });
    expect(list.body.some((x: any) => x.resource.display_name.startsWith("evil-"))).toBe(false);
  });
  test("oversized style files are refused", async () => {
    const big = `<qgis>${" ".repeat(11 * 1024 * 1024)}</qgis>`;
    const up = await upload(s, "big.qml", big);
    const r = await createStyle("qgis_vector_style", layer, "big", { file_upload: { id: up } });
    expect(r.status).toBe(422);
  });
});

describe("raster styles and legacy classes", () => {
  let raster: number;
  beforeAll(async () => {
    const up = await upload(
      s,
      "elev.tif",
      Bun.file(`${import.meta.dir}/../../../fixtures/raster/elev.tif`),
    );
    const r = await s.json("/api/resource/", {
      method: "POST",
      auth: s.admin,
      body: {
        resource: { cls: "raster_layer", parent: { id: 0 }, display_name: "elev" },
        raster_layer: { source: { id: up }, srs: { id: 3857 } },
      },
    });
    expect(r.status).toBe(201);
    raster = r.body.id;
  });

  test("raster_style has no key and draws the default band mapping", async () => {
    const r = await createStyle("raster_style", raster, "rs");
    expect(r.status).toBe(201);
    const g = await s.json(`/api/resource/${r.body.id}`, { auth: s.admin });
    expect(Object.keys(g.body).sort()).toEqual(["resmeta", "resource"]);
    const loaded = await loadStyle(s.server.ctx.catalog.deps, await row(r.body.id));
    expect(loaded.style).toMatchObject({
      kind: "raster",
      bands: { type: "gray", gray: { band: 1 } },
    });
    expect((await createStyle("raster_style", layer, "rs-on-vector")).status).toBe(422);
  });

  test("qgis_raster_style from a paletted QML; vector QML refused", async () => {
    const up = await uploadFile("raster-paletted.qml");
    const r = await createStyle("qgis_raster_style", raster, "pal", { file_upload: { id: up } });
    expect(r.status).toBe(201);
    const g = await s.json(`/api/resource/${r.body.id}`, { auth: s.admin });
    expect(g.body.qgis_raster_style).toEqual({ format: "qml_file", sld: null });
    const qml = await s.fetch(`/api/resource/${r.body.id}/qml`, { auth: s.admin });
    expect(await qml.text()).toBe(await Bun.file(`${FIX}/raster-paletted.qml`).text());
    const loaded = await loadStyle(s.server.ctx.catalog.deps, await row(r.body.id));
    expect(loaded.style).toMatchObject({ kind: "raster", bands: { ramp: { type: "exact" } } });
    const vq = await uploadFile("categorized-points.qml");
    const bad = await createStyle("qgis_raster_style", raster, "vq", { file_upload: { id: vq } });
    expect(bad.status).toBe(422);
    const sld = await uploadFile("dem-raster.sld");
    const ok = await createStyle("qgis_raster_style", raster, "sld", { file_upload: { id: sld } });
    expect(ok.status).toBe(201);
  });

  test("vector_style and mapserver_style are readable; /qml is only for QGIS styles", async () => {
    const v = await createStyle("vector_style", layer, "legacy");
    expect(v.status).toBe(201);
    expect((await loadStyle(s.server.ctx.catalog.deps, await row(v.body.id))).kind).toBe("vector");
    const xml = "<map><layer name='x'/></map>";
    const m = await createStyle("mapserver_style", layer, "ms", { xml });
    expect(m.status).toBe(201);
    const g = await s.json(`/api/resource/${m.body.id}`, { auth: s.admin });
    expect(g.body.mapserver_style).toEqual({ xml });
    const bad = await createStyle("mapserver_style", layer, "ms2", {
      xml: `<!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]><map>&x;</map>`,
    });
    expect(bad.status).toBe(422);
    expect((await s.json(`/api/resource/${m.body.id}/qml`, { auth: s.admin })).status).toBe(404);
  });
});

test.skipIf(!hasGdal)(
  "GDAL's NGW driver uploads a raster with RASTER_QML_PATH: a qgis_raster_style, QML byte-exact",
  async () => {
    const qml = `${FIX}/raster-paletted.qml`;
    const tif = `${import.meta.dir}/../../../fixtures/raster/elev.tif`;
    const r = await gdal("gdal_translate", [
      "-of",
      "NGW",
      "-co",
      `RASTER_QML_PATH=${qml}`,
      "--config",
      "NGW_USERPWD",
      s.admin,
      tif,
      `NGW:${s.url}/resource/0/gdal-elev`,
    ]);
    expect(r.code).toBe(0);
    const list = await s.json("/api/resource/?parent=0", { auth: s.admin });
    const layer = list.body.find((x: any) => x.resource.display_name === "gdal-elev");
    expect(layer.resource.cls).toBe("raster_layer");
    const kids = await s.json(`/api/resource/?parent=${layer.resource.id}`, { auth: s.admin });
    const style = kids.body.find((x: any) => x.resource.cls === "qgis_raster_style");
    expect(style.qgis_raster_style.format).toBe("qml_file");
    const got = await s.fetch(`/api/resource/${style.resource.id}/qml`, { auth: s.admin });
    expect(await got.text()).toBe(await Bun.file(qml).text());
  },
);
