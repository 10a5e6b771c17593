/**
 * @module WFS judged by real clients: OWSLib (Debian python3-owslib, run by /usr/bin/python3)
 * reading capabilities and every feature with its attributes in 1.1.0 and 2.0.0, and GDAL's WFS
 * driver (ogrinfo WFS:…) opening the service and reading features.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gdal, hasGdal } from "../../helpers/gdal.ts";
import { POINTS, type WfsFixture, wfsFixture } from "./wfs-fixture.ts";

const PYTHON = "/usr/bin/python3";
const hasOwslib =
  existsSync(PYTHON) && Bun.spawnSync([PYTHON, "-c", "import owslib.wfs"]).exitCode === 0;
if (!hasOwslib)
  console.warn("OWSLib tests skipped: python3-owslib not installed (scripts/setup-test-deps.sh)");

let f: WfsFixture;
beforeAll(async () => {
  f = await wfsFixture();
});
afterAll(() => f.stop());

// Reads the service with OWSLib and prints, as JSON, the type names and each feature's
// properties parsed from the GML OWSLib returned (GML 3.1 for 1.1.0, GML 3.2 for 2.0.0).
const SCRIPT = `
import sys, json
import xml.etree.ElementTree as ET
from owslib.wfs import WebFeatureService
url, version, ns = sys.argv[1], sys.argv[2], sys.argv[3]
wfs = WebFeatureService(url, version=version, timeout=60)
out = {"types": sorted(wfs.contents), "features": {}, "crs": {}}
for name in sorted(wfs.contents):
    out["crs"][name] = str(wfs.contents[name].crsOptions[0])
    root = ET.fromstring(wfs.getfeature(typename=[name]).read())
    feats = []
    for el in root.iter("{" + ns + "}" + name.split(":")[1]):
        props = {}
        for p in el:
            tag = p.tag.split("}")[1]
            if tag == "geom":
                pos = [x.text for x in p.iter() if x.tag.endswith("}pos")]
                props[tag] = pos[0] if pos else "other"
            else:
                props[tag] = p.text
        feats.append(props)
    out["features"][name] = feats
post = ET.fromstring(wfs.getfeature(typename=["ngw:places"], method="POST").read())
out["post"] = len(list(post.iter("{" + ns + "}places")))
if version == "2.0.0":
    gj = json.loads(wfs.getfeature(typename=["ngw:places"], outputFormat="application/json").read())
    out["geojson"] = [f["properties"]["name"] for f in gj["features"]]
print(json.dumps(out))
`;

async function owslib(version: string) {
  const proc = Bun.spawn([PYTHON, "-c", SCRIPT, f.wfs, version, f.ns], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) throw new Error(`OWSLib failed (${code}): ${err.slice(-2000)}`);
  return JSON.parse(out);
}

const expected = POINTS.map((p) => {
  const [x, y] = p.geom
    .replace(/[^\d\s.-]/g, "")
    .trim()
    .split(/\s+/);
  const props: Record<string, string> = { geom: `${y} ${x}`, name: p.name };
  if (p.pop !== null) props.pop = String(p.pop);
  if (p.area !== null) props.area = String(p.area);
  if (p.founded !== null) props.founded = p.founded;
  return props;
});

describe.skipIf(!hasOwslib)("OWSLib WebFeatureService", () => {
  test.each(["1.1.0", "2.0.0"])(
    "%s: every feature with the right attributes (lat/lon)",
    async (v) => {
      const r = await owslib(v);
      expect(r.types).toEqual(["ngw:parcels", "ngw:places"]);
      expect(r.crs["ngw:places"]).toContain("4326");
      expect(r.features["ngw:places"]).toEqual(expected);
      expect(r.features["ngw:parcels"]).toEqual([{ geom: "other", code: "P-1" }]);
      // XML POST (OWSLib 2.0.0 writes Query@typenames in lower case)
      expect(r.post).toBe(POINTS.length);
      if (v === "2.0.0") expect(r.geojson).toEqual(POINTS.map((p) => p.name));
    },
  );
});

describe.skipIf(!hasGdal)("GDAL WFS driver", () => {
  test.each(["1.1.0", "2.0.0"])("ogrinfo WFS:%s lists the layers and reads features", async (v) => {
    const list = await gdal("ogrinfo", ["-ro", "-q", `WFS:${f.wfs}?VERSION=${v}`]);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain("ngw:places");
    expect(list.stdout).toContain("ngw:parcels");
    const read = await gdal("ogrinfo", ["-ro", "-al", `WFS:${f.wfs}?VERSION=${v}`, "ngw:places"]);
    expect(read.code).toBe(0);
    expect(read.stdout).toContain("Feature Count: 4");
    for (const p of POINTS) expect(read.stdout).toContain(`name (String) = ${p.name}`);
    expect(read.stdout).toContain("pop (Integer) = 400");
    expect(read.stdout).toContain("POINT (10 50)");
  });
  test("ogrinfo with an attribute filter (pushed to the server as FILTER)", async () => {
    const r = await gdal("ogrinfo", [
      "-ro",
      "-al",
      "-where",
      "pop > 150",
      `WFS:${f.wfs}`,
      "ngw:places",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Feature Count: 2");
    expect(r.stdout).toContain("name (String) = Дельта");
    expect(r.stdout).not.toContain("name (String) = Alpha");
  });
  test("WFS-T through GDAL: ogr2ogr -append inserts, DELETE FROM deletes, as NGW's API sees", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gisd-wfst-"));
    const src = join(dir, "in.geojson");
    writeFileSync(
      src,
      JSON.stringify({
        type: "FeatureCollection",
        features: [
          {
            type: "Feature",
            properties: { name: "from GDAL", pop: 9 },
            geometry: { type: "Point", coordinates: [7, 45] },
          },
        ],
      }),
    );
    const admin = { GDAL_HTTP_USERPWD: f.s.admin, GDAL_HTTP_AUTH: "BASIC" };
    const ngw = async () =>
      (await f.s.json(`/api/resource/${f.points}/feature/?srs=4326`, { auth: f.s.admin })).body as {
        geom: string;
        fields: Record<string, unknown>;
      }[];
    try {
      const guest = await gdal("ogr2ogr", [
        "-append",
        "-update",
        `WFS:${f.wfs}?VERSION=1.1.0`,
        src,
        "-nln",
        "ngw:places",
      ]);
      expect(guest.code).not.toBe(0);
      expect((await ngw()).length).toBe(POINTS.length);
      const ins = await gdal(
        "ogr2ogr",
        ["-append", "-update", `WFS:${f.wfs}?VERSION=1.1.0`, src, "-nln", "ngw:places"],
        admin,
      );
      expect(ins.code).toBe(0);
      const added = (await ngw()).find((x) => x.fields.name === "from GDAL");
      expect(added?.geom).toBe("POINT (7 45)");
      expect(added?.fields.pop).toBe(9);
      const del = await gdal(
        "ogrinfo",
        [`WFS:${f.wfs}?VERSION=1.1.0`, "-sql", "DELETE FROM ngw:places WHERE name = 'from GDAL'"],
        admin,
      );
      expect(del.code).toBe(0);
      expect((await ngw()).some((x) => x.fields.name === "from GDAL")).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
