/** @module SLD/SE reader and writer tests, QML→model→SLD→model round trips, MapLibre output. */
import { describe, expect, test } from "bun:test";
import { featureFilter, validateStyleMin } from "@maplibre/maplibre-gl-style-spec";
import { toMapLibreLayers } from "../../../src/geo/style/maplibre.ts";
import type {
  LabelSymbolizer,
  MarkerSymbolizer,
  RasterStyle,
  StrokeSymbolizer,
  Style,
  VectorStyle,
} from "../../../src/geo/style/model.ts";
import { evaluateFilter } from "../../../src/geo/style/model.ts";
import { parseQml } from "../../../src/geo/style/qml.ts";
import { parseSld, writeSld } from "../../../src/geo/style/sld.ts";

const fixture = (name: string) =>
  Bun.file(`${import.meta.dir}/../../fixtures/style/${name}`).text();
const vec = (s: Style) => {
  if (s.kind !== "vector") throw new Error("expected a vector style");
  return s;
};

function rounded(v: unknown): unknown {
  if (typeof v === "number") return Math.round(v * 100) / 100;
  if (Array.isArray(v)) return v.map(rounded);
  if (v instanceof Uint8Array) return v;
  if (v && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rounded(x)]));
  return v;
}

describe("parseSld", () => {
  test("SE 1.1 (QGIS export): filters, Or, scales, dashes, ElseFilter, uom warning", async () => {
    const { style, warnings } = parseSld(await fixture("highway-se11.sld"));
    const v = vec(style);
    expect(v.name).toBe("highway");
    expect(v.rules.map((r) => r.name)).toEqual(["trunk", "primary", "other"]);
    expect(v.rules[0]!.title).toBe("trunk");
    expect(v.rules[0]!.filter).toEqual({ op: "=", field: "HIGHWAY", value: "trunk" });
    expect(v.rules[0]!.symbolizers[0]).toEqual({
      kind: "stroke",
      color: "#33a02c",
      width: 4,
      opacity: 1,
      join: "bevel",
      cap: "square",
    });
    expect(v.rules[1]).toMatchObject({ minScale: 1000, maxScale: 50000000 });
    expect(v.rules[1]!.filter).toEqual({
      op: "in",
      field: "HIGHWAY",
      values: ["primary", "primary_link"],
    });
    expect(v.rules[1]!.symbolizers[0]).toMatchObject({ dash: [8, 4], opacity: 0.5, cap: "round" });
    expect(v.rules[2]!.else).toBe(true);
    expect(warnings.some((w) => w.includes("metre"))).toBe(true);
  });

  test("SLD 1.0 (GeoServer popshade): comparisons, between, labels with halo", async () => {
    const v = vec(parseSld(await fixture("popshade-sld10.sld")).style);
    expect(v.rules).toHaveLength(4);
    const [small, mid, big, boundary] = v.rules;
    expect(small!.filter).toEqual({ op: "<", field: "PERSONS", value: 2000000 });
    expect(evaluateFilter(mid!.filter!, { PERSONS: 3e6 })).toBe(true);
    expect(evaluateFilter(mid!.filter!, { PERSONS: 5e6 })).toBe(false);
    expect(big!.symbolizers[0]).toEqual({ kind: "fill", color: "#4d4dff", opacity: 0.7 });
    expect(small!.title).toBe("< 2M");
    const [line, label] = boundary!.symbolizers as [StrokeSymbolizer, LabelSymbolizer];
    expect(line).toMatchObject({ color: "#000000", width: 0.2 });
    expect(label).toMatchObject({
      kind: "label",
      field: "STATE_ABBR",
      size: 14,
      font: { family: "Times New Roman", weight: "bold", style: "normal" },
      halo: { color: "#ffffff", width: 2, opacity: 1 },
    });
  });

  test("points: Mark, LIKE with custom wildcards, Not/IsNull, ExternalGraphic not fetched", async () => {
    const { style, warnings } = parseSld(await fixture("points-sld10.sld"));
    const v = vec(style);
    const star = v.rules[0]!.symbolizers[0] as MarkerSymbolizer;
    expect(star).toMatchObject({
      shape: "star",
      size: 12,
      rotation: 30,
      fill: "#b70606",
      stroke: "#094a7e",
      strokeWidth: 2,
    });
    expect(v.rules[0]!.maxScale).toBe(5000000);
    const f = v.rules[0]!.filter!;
    expect(evaluateFilter(f, { NAME: "San Diego", POP: 1 })).toBe(true);
    expect(evaluateFilter(f, { NAME: "Sa Diego", POP: 1 })).toBe(false);
    expect(evaluateFilter(f, { NAME: "San Diego", POP: null })).toBe(false);
    const icon = v.rules[1]!.symbolizers[0] as MarkerSymbolizer;
    expect(icon.icon).toEqual({
      href: "http://example.invalid/icons/pin.png",
      mimeType: "image/png",
    });
    expect(warnings.some((w) => w.includes("not fetched"))).toBe(true);
  });

  test("raster ColorMap", async () => {
    const { style } = parseSld(await fixture("dem-raster.sld"));
    expect(style.kind).toBe("raster");
    const r = style as RasterStyle;
    expect(r.opacity).toBe(0.8);
    if (r.bands.type !== "pseudocolor") throw new Error("bands");
    expect(r.bands.ramp.type).toBe("interpolated");
    expect(r.bands.ramp.stops[0]).toMatchObject({ value: -500, opacity: 0, label: "nodata" });
    expect(r.bands.ramp.stops).toHaveLength(6);
  });

  test("hostile SLD is refused", () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE sld [<!ENTITY x SYSTEM "file:///etc/passwd">]><StyledLayerDescriptor>&x;</StyledLayerDescriptor>`;
    expect(() => parseSld(xxe)).toThrow(/ENTITY/);
    expect(() => parseSld("<StyledLayerDescriptor/>")).toThrow(/no UserStyle/);
    expect(() => parseSld("x".repeat(11 * 1024 * 1024))).toThrow(/larger/);
  });
});

describe("round trips", () => {
  for (const name of [
    "highway-se11.sld",
    "popshade-sld10.sld",
    "points-sld10.sld",
    "dem-raster.sld",
  ]) {
    test(`SLD ${name} → model → SLD 1.0 → model`, async () => {
      const first = parseSld(await fixture(name)).style;
      const again = parseSld(writeSld(first)).style;
      expect(rounded(again)).toEqual(rounded(first));
    });
  }

  for (const name of ["categorized-points.qml", "rules-lines.qml", "graduated-polygons.qml"]) {
    test(`QML ${name} → model → SLD → model keeps colours, widths, filters`, async () => {
      const q = vec(parseQml(await fixture(name)).style);
      const s = vec(parseSld(writeSld(q)).style);
      expect(s.rules.length).toBe(q.rules.length);
      q.rules.forEach((qr, i) => {
        const sr = s.rules[i]!;
        expect(sr.filter).toEqual(qr.filter);
        expect(!!sr.else).toBe(!!qr.else);
        // SLD has no layer range: it is folded into every rule.
        expect(sr.minScale).toBe(Math.max(qr.minScale ?? 0, q.minScale ?? 0) || undefined);
        expect(sr.symbolizers.map((x) => x.kind)).toEqual(qr.symbolizers.map((x) => x.kind));
        qr.symbolizers.forEach((qs, j) => {
          const ss = sr.symbolizers[j]!;
          if ("color" in qs && "color" in ss) expect(ss.color).toBe(qs.color);
          if (qs.kind === "stroke" && ss.kind === "stroke") {
            expect(ss.width).toBeCloseTo(qs.width, 3);
            expect(ss.dash).toEqual(qs.dash);
            expect(ss.opacity).toBeCloseTo(qs.opacity * q.opacity, 3);
          }
          if (qs.kind === "marker" && ss.kind === "marker") {
            expect(ss.fill).toBe(qs.fill);
            expect(ss.size).toBeCloseTo(qs.size, 3);
            expect(ss.shape).toBe(qs.shape);
          }
        });
      });
    });
  }
});

describe("toMapLibreLayers", () => {
  const glyphs = "http://127.0.0.1/fonts/{fontstack}/{range}.pbf";
  const validate = (layers: unknown[]) =>
    validateStyleMin({
      version: 8,
      glyphs,
      sources: {
        src: { type: "vector", tiles: ["http://127.0.0.1/{z}/{x}/{y}.pbf"] },
        ras: { type: "raster", tiles: ["http://127.0.0.1/{z}/{x}/{y}.png"], tileSize: 256 },
      },
      layers,
    } as never);

  for (const [name, read] of [
    ["rules-lines.qml", parseQml],
    ["graduated-polygons.qml", parseQml],
    ["categorized-points.qml", parseQml],
    ["svg-marker.qml", parseQml],
    ["popshade-sld10.sld", parseSld],
    ["points-sld10.sld", parseSld],
  ] as const) {
    test(`${name} validates against the MapLibre style spec`, async () => {
      const style = read(await fixture(name)).style;
      const layers = toMapLibreLayers(style, "src", "layer");
      expect(layers.length).toBeGreaterThan(0);
      expect(validate(layers)).toEqual([]);
    });
  }

  test("raster layer", async () => {
    const style = parseQml(await fixture("raster-rgb.qml")).style;
    const layers = toMapLibreLayers(style, "ras");
    expect(layers[0]).toMatchObject({ type: "raster", paint: { "raster-resampling": "linear" } });
    expect(validate(layers)).toEqual([]);
  });

  test("filters behave in MapLibre as in the model; scales become zooms", async () => {
    const style = vec(parseQml(await fixture("rules-lines.qml")).style);
    const layers = toMapLibreLayers(style, "src", "roads");
    const primary = layers.find((l) => l.id === "roads-1-0")!;
    // 1:50,000,000 is about 256-tile zoom 3.48, MapLibre zoom 2.48; layer range caps at 1:100,000.
    expect(primary.minzoom as number).toBeCloseTo(Math.log2(559082264.0287178 / 100000) - 1, 2);
    const features = [
      { HIGHWAY: "primary", LANES: 2, NAME: "A" },
      { HIGHWAY: "trunk", LANES: 6, NAME: "B" },
      { HIGHWAY: "track", LANES: 6 },
      { HIGHWAY: "track", LANES: 1, NAME: "C" },
    ];
    for (const [ri, rule] of style.rules.entries()) {
      const layer = layers.find((l) => l.id === `roads-${ri}-0`)!;
      const ff = featureFilter(layer.filter as never, `layers[${ri}].filter`);
      for (const props of features) {
        const ml = ff.filter(
          { zoom: 14 } as never,
          {
            type: 2,
            properties: props,
            geometry: [],
          } as never,
        );
        const model = rule.else
          ? !style.rules.some((r) => !r.else && (!r.filter || evaluateFilter(r.filter, props)))
          : !rule.filter || evaluateFilter(rule.filter, props);
        expect({ rule: rule.name, props, ml }).toEqual({ rule: rule.name, props, ml: model });
      }
    }
  });
});

describe("SLD writer output", () => {
  test("SLD 1.0 with layer opacity folded in", async () => {
    const v = vec(parseQml(await fixture("rules-lines.qml")).style) as VectorStyle;
    const xml = writeSld(v, "roads");
    expect(xml).toContain('version="1.0.0"');
    expect(xml).toContain("<Name>roads</Name>");
    expect(xml).toContain('<CssParameter name="stroke-opacity">0.75</CssParameter>');
  });
});

describe("SE 1.1 raster colour maps", () => {
  const doc = (map: string) =>
    `<StyledLayerDescriptor version="1.1.0" xmlns="http://www.opengis.net/sld" xmlns:se="http://www.opengis.net/se"><NamedLayer><se:Name>dem</se:Name><UserStyle><se:CoverageStyle><se:Rule><se:RasterSymbolizer><se:Opacity>1</se:Opacity><se:ColorMap>${map}</se:ColorMap></se:RasterSymbolizer></se:Rule></se:CoverageStyle></UserStyle></NamedLayer></StyledLayerDescriptor>`;
  test("Interpolate → interpolated ramp", () => {
    const { style } = parseSld(
      doc(
        `<se:Interpolate fallbackValue="#000000"><se:LookupValue>Rasterdata</se:LookupValue><se:InterpolationPoint><se:Data>100</se:Data><se:Value>#ffffff</se:Value></se:InterpolationPoint><se:InterpolationPoint><se:Data>0</se:Data><se:Value>#000000</se:Value></se:InterpolationPoint></se:Interpolate>`,
      ),
    );
    expect((style as RasterStyle).bands).toEqual({
      type: "pseudocolor",
      band: 1,
      ramp: {
        type: "interpolated",
        stops: [
          { value: 0, color: "#000000", opacity: 1 },
          { value: 100, color: "#ffffff", opacity: 1 },
        ],
      },
    });
  });
  test("Categorize → discrete ramp with an open last class; malformed → gray with a warning", () => {
    const { style } = parseSld(
      doc(
        `<se:Categorize><se:LookupValue>Rasterdata</se:LookupValue><se:Value>#ff0000</se:Value><se:Threshold>10</se:Threshold><se:Value>#00ff00</se:Value><se:Threshold>20</se:Threshold><se:Value>#0000ff</se:Value></se:Categorize>`,
      ),
    );
    const b = (style as RasterStyle).bands;
    if (b.type !== "pseudocolor") throw new Error("bands");
    expect(b.ramp.type).toBe("discrete");
    expect(b.ramp.stops.map((x) => [x.value, x.color])).toEqual([
      [10, "#ff0000"],
      [20, "#00ff00"],
      [Infinity, "#0000ff"],
    ]);
    const bad = parseSld(
      doc(
        `<se:Categorize><se:Value>#ff0000</se:Value><se:Threshold>x</se:Threshold></se:Categorize>`,
      ),
    );
    expect((bad.style as RasterStyle).bands.type).toBe("gray");
    expect(bad.warnings.length).toBe(1);
  });
});
