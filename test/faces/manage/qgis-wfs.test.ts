/**
 * @module WFS on a QGIS project through `/qgis/?MAP=` on the management listener, judged by real
 * clients: OWSLib (Debian python3-owslib) reads every city with its attributes, GDAL's WFS driver
 * lists and reads the layers; a Transaction on a project layer is refused (projects are
 * read-only); hostile MAP values get an exception report and a 4xx.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gdal, hasGdal } from "../../helpers/gdal.ts";
import { type Managed, startManaged } from "./helpers.ts";

const PYTHON = "/usr/bin/python3";
const hasOwslib =
  existsSync(PYTHON) && Bun.spawnSync([PYTHON, "-c", "import owslib.wfs"]).exitCode === 0;

let m: Managed;
let wfs: string;
beforeAll(async () => {
  m = await startManaged();
  wfs = `${m.base}/qgis/?MAP=world`;
});
afterAll(() => m.stop());

const cities = JSON.parse(
  readFileSync(join(import.meta.dir, "../../fixtures/qgis/data/cities.geojson"), "utf8"),
).features.map((f: { properties: { name: string } }) => f.properties.name);

const SCRIPT = `
import sys, json
import xml.etree.ElementTree as ET
from owslib.wfs import WebFeatureService
url, version = sys.argv[1], sys.argv[2]
w = WebFeatureService(url, version=version, timeout=60)
# POST: the advertised GET URL of MAP endpoints is not usable yet (see docs/manage.md).
root = ET.fromstring(w.getfeature(typename=["qgs:cities"], method="Post").read())
names = [p.text for p in root.iter("{http://www.qgis.org/gml}name")]
print(json.dumps({"types": sorted(w.contents), "names": names}))
`;

describe.skipIf(!hasOwslib)("OWSLib WebFeatureService on a project", () => {
  // 1.1.0 only, by POST: the shared WFS face advertises `…/ows?MAP=world?` as the GET URL of MAP
  // endpoints, and refuses OWSLib's 2.0.0 POST GetFeature (docs/manage.md, "known gaps").
  test.each(["1.1.0"])("%s: the vector layers and every city", async (v) => {
    const proc = Bun.spawn([PYTHON, "-c", SCRIPT, wfs, v], { stdout: "pipe", stderr: "pipe" });
    const [out, err, code] = await Promise.all([
      new Response(proc.stdout).text(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    if (code !== 0) throw new Error(`OWSLib failed: ${err.slice(-1500)}`);
    const r = JSON.parse(out);
    expect(r.types).toEqual(["qgs:cities", "qgs:cities_csv", "qgs:countries"]);
    expect(r.names).toEqual(cities);
  });
});

describe.skipIf(!hasGdal)("GDAL WFS driver on a project", () => {
  test("ogrinfo lists the layers and reads the countries", async () => {
    const list = await gdal("ogrinfo", ["-ro", "-q", `WFS:${wfs}&VERSION=2.0.0`]);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain("qgs:countries");
    const one = await gdal("ogrinfo", [
      "-ro",
      "-al",
      "-so",
      `WFS:${wfs}&VERSION=2.0.0`,
      "qgs:countries",
    ]);
    expect(one.stdout).toContain("Feature Count: 6");
  });
});

describe("WFS refusals", () => {
  test("GeoJSON GetFeature works; a Transaction is refused; hostile MAP is a 4xx report", async () => {
    const gj = await fetch(
      `${wfs}&SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=qgs:countries&OUTPUTFORMAT=application/json`,
    );
    expect(gj.status).toBe(200);
    expect((await gj.json()).features).toHaveLength(6);
    const tx =
      '<wfs:Transaction service="WFS" version="2.0.0" xmlns:wfs="http://www.opengis.net/wfs/2.0" ' +
      'xmlns:fes="http://www.opengis.net/fes/2.0"><wfs:Delete typeName="qgs:countries">' +
      '<fes:Filter><fes:ResourceId rid="countries.1"/></fes:Filter></wfs:Delete></wfs:Transaction>';
    const t = await fetch(`${wfs}&SERVICE=WFS`, { method: "POST", body: tx });
    expect(t.status).toBeGreaterThanOrEqual(400);
    expect(t.status).toBeLessThan(500);
    const bad = await fetch(
      `${m.base}/qgis/?SERVICE=WFS&REQUEST=GetCapabilities&MAP=../../etc/passwd`,
    );
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("Exception");
  });
});
