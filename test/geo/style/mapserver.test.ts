/**
 * @module A real SLD reader checks writeSld: MapServer (Debian's mapserver-bin, when installed)
 * draws a small GeoJSON with our SLD 1.0 through WMS SLD_BODY, and the pixel colours must be
 * the ones the model says. Skipped when mapserv is absent.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCanvas, loadImage } from "@napi-rs/canvas";
import type { VectorStyle } from "../../../src/geo/style/model.ts";
import { parseQml } from "../../../src/geo/style/qml.ts";
import { writeSld } from "../../../src/geo/style/sld.ts";

const mapserv = Bun.which("mapserv");
let dir = "";

const square = (x: number, y: number) => [
  [
    [x, y],
    [x + 4, y],
    [x + 4, y + 4],
    [x, y + 4],
    [x, y],
  ],
];

beforeAll(() => {
  if (!mapserv) return;
  dir = mkdtempSync(join(tmpdir(), "gisd-ms-"));
  const features = [
    { kind: "a", population: 500, at: [0, 0] },
    { kind: "b", population: 20000, at: [6, 0] },
    { kind: "c", population: 5e6, at: [0, 6] },
  ].map((f) => ({
    type: "Feature",
    properties: { kind: f.kind, population: f.population, name: f.kind },
    geometry: { type: "Polygon", coordinates: square(f.at[0]!, f.at[1]!) },
  }));
  writeFileSync(join(dir, "d.geojson"), JSON.stringify({ type: "FeatureCollection", features }));
  writeFileSync(join(dir, "ms.conf"), 'CONFIG\n  ENV\n    MS_MAP_PATTERN "."\n  END\nEND\n');
  writeFileSync(
    join(dir, "m.map"),
    `MAP
  SIZE 100 100
  EXTENT 0 0 10 10
  PROJECTION "init=epsg:4326" END
  WEB METADATA "wms_enable_request" "*" "wms_srs" "EPSG:4326" "wms_title" "t" END END
  LAYER
    NAME "shapes"
    TYPE POLYGON
    STATUS ON
    CONNECTIONTYPE OGR
    CONNECTION "${join(dir, "d.geojson")}"
    PROJECTION "init=epsg:4326" END
    METADATA "wms_title" "shapes" "gml_include_items" "all" END
    CLASS STYLE COLOR 0 0 0 END END
  END
END
`,
  );
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Renders the layer with an SLD body; returns RGBA pixels of the 100×100 image. */
async function render(sld: string): Promise<Uint8ClampedArray> {
  const q = new URLSearchParams({
    map: join(dir, "m.map"),
    SERVICE: "WMS",
    VERSION: "1.1.1",
    REQUEST: "GetMap",
    LAYERS: "shapes",
    STYLES: "",
    SRS: "EPSG:4326",
    BBOX: "0,0,10,10",
    WIDTH: "100",
    HEIGHT: "100",
    FORMAT: "image/png",
    TRANSPARENT: "TRUE",
    SLD_BODY: sld,
  });
  const p = Bun.spawnSync([mapserv!], {
    env: {
      MAPSERVER_CONFIG_FILE: join(dir, "ms.conf"),
      REQUEST_METHOD: "GET",
      QUERY_STRING: q.toString(),
    },
  });
  const out = p.stdout;
  const sep = out.indexOf("\r\n\r\n");
  const head = new TextDecoder().decode(out.subarray(0, sep));
  expect(head).toContain("image/png");
  const img = await loadImage(out.subarray(sep + 4));
  const c = createCanvas(100, 100);
  const ctx = c.getContext("2d");
  ctx.drawImage(img, 0, 0);
  return ctx.getImageData(0, 0, 100, 100).data;
}

const px = (d: Uint8ClampedArray, x: number, y: number) =>
  Array.from(d.subarray((y * 100 + x) * 4, (y * 100 + x) * 4 + 4));

test.skipIf(!mapserv)(
  "MapServer draws writeSld output with the model's colours and filters",
  async () => {
    const style: VectorStyle = {
      kind: "vector",
      opacity: 1,
      renderer: { type: "rules" },
      rules: [
        {
          name: "a",
          filter: { op: "=", field: "kind", value: "a" },
          symbolizers: [{ kind: "fill", color: "#ff0000", opacity: 1 }],
        },
        {
          name: "b",
          filter: { op: "in", field: "kind", values: ["b", "x"] },
          symbolizers: [{ kind: "fill", color: "#0000ff", opacity: 1 }],
        },
        {
          name: "else",
          else: true,
          symbolizers: [{ kind: "fill", color: "#00ff00", opacity: 1 }],
        },
      ],
    };
    const d = await render(writeSld(style, "shapes"));
    expect(px(d, 20, 80)).toEqual([255, 0, 0, 255]); // kind a, lower left
    expect(px(d, 80, 80)).toEqual([0, 0, 255, 255]); // kind b, lower right
    expect(px(d, 20, 20)).toEqual([0, 255, 0, 255]); // kind c, upper left: the else rule
    expect(px(d, 80, 20)[3]).toBe(0); // nothing there
  },
);

test.skipIf(!mapserv)("a QGIS graduated QML, written as SLD, classifies in MapServer", async () => {
  const qml = await Bun.file(
    `${import.meta.dir}/../../fixtures/style/graduated-polygons.qml`,
  ).text();
  const style = parseQml(qml).style as VectorStyle;
  // Observed with MapServer 8.0: its SLD import turns a filterless label-only rule (how QGIS
  // labels arrive) into a class that takes every feature and hides the fills; GeoServer draws
  // every matching rule, as SLD says. So the labels are left out for this check.
  const noLabels = {
    ...style,
    rules: style.rules.filter((r) => r.symbolizers[0]?.kind !== "label"),
  };
  expect(noLabels.rules).toHaveLength(3);
  const d = await render(writeSld(noLabels, "shapes"));
  expect(px(d, 8, 92).slice(0, 3)).toEqual([255, 245, 240]); // 500 → first class (off the label)
  expect(px(d, 68, 92).slice(0, 3)).toEqual([251, 106, 74]); // 20000 → second class
  expect(px(d, 8, 32).slice(0, 3)).toEqual([103, 0, 13]); // 5e6 → third class
});
