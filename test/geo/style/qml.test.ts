/** @module QML reader/writer tests on QGIS-made styles: every renderer type, labels, rasters. */
import { describe, expect, test } from "bun:test";
import type {
  LabelSymbolizer,
  MarkerSymbolizer,
  RasterStyle,
  StrokeSymbolizer,
  VectorStyle,
} from "../../../src/geo/style/model.ts";
import { matchingRules } from "../../../src/geo/style/model.ts";
import { parseQml, writeQml } from "../../../src/geo/style/qml.ts";

const fixture = (name: string) =>
  Bun.file(`${import.meta.dir}/../../fixtures/style/${name}`).text();
const vector = async (name: string) => {
  const { style, warnings } = parseQml(await fixture(name));
  expect(style.kind).toBe("vector");
  return { style: style as VectorStyle, warnings };
};
const raster = async (name: string) => {
  const { style, warnings } = parseQml(await fixture(name));
  expect(style.kind).toBe("raster");
  return { style: style as RasterStyle, warnings };
};
const MM = 96 / 25.4;
/** Colours travel as 8-bit alpha in QML, so opacities are compared to two decimals. */
function rounded(v: unknown): unknown {
  if (typeof v === "number") return Math.round(v * 100) / 100;
  if (Array.isArray(v)) return v.map(rounded);
  if (v instanceof Uint8Array) return v;
  if (v && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rounded(x)]));
  return v;
}

describe("parseQml vector", () => {
  test("categorized: one = rule per rendered category, else for the empty value", async () => {
    const { style } = await vector("categorized-points.qml");
    expect(style.renderer).toEqual({ type: "categorized", field: "name" });
    expect(style.rules.map((r) => r.filter ?? (r.else ? "else" : null))).toEqual([
      { op: "=", field: "name", value: "red" },
      { op: "=", field: "name", value: "blue" },
      "else",
    ]);
    expect(style.rules[0]!.title).toBe("Red");
    const red = style.rules[0]!.symbolizers[0] as MarkerSymbolizer;
    expect(red).toMatchObject({ kind: "marker", shape: "circle", fill: "#ff0000", stroke: null });
    expect(red.size).toBeCloseTo(10 * MM, 2);
    const blue = style.rules[1]!.symbolizers[0] as MarkerSymbolizer;
    expect(blue).toMatchObject({
      shape: "triangle",
      rotation: 90,
      stroke: "#232323",
      strokeWidth: 2,
    });
    expect(blue.size).toBeCloseTo(16, 2); // 12 pt
    const other = style.rules[2]!.symbolizers[0] as MarkerSymbolizer;
    expect(other.shape).toBe("x");
    expect(other.fillOpacity).toBeCloseTo(0.5, 3); // symbol alpha
    expect(matchingRules(style, { name: "green" }, 1000).map((r) => r.else)).toEqual([true]);
  });

  test("rule renderer: filters, nested rules, ELSE, scales, unsupported parts warn", async () => {
    const { style, warnings } = await vector("rules-lines.qml");
    expect(style.renderer.type).toBe("rules");
    expect(style.opacity).toBe(0.75);
    expect(style.minScale).toBe(1000);
    expect(style.maxScale).toBe(100000);
    const names = style.rules.map((r) => r.name);
    expect(names).toEqual(["federal", "primary", "wide", "odd", "other"]);
    const [federal, primary, wide, odd, other] = style.rules;
    expect(federal!.filter).toEqual({
      op: "in",
      field: "HIGHWAY",
      values: ["trunk", "trunk_link", "motorway", "motorway_link"],
    });
    expect(federal!.symbolizers).toHaveLength(2);
    const casing = federal!.symbolizers[0] as StrokeSymbolizer;
    expect(casing).toMatchObject({ color: "#e31a1c", join: "round", cap: "round" });
    expect(casing.width).toBeCloseTo(MM, 3);
    expect(primary).toMatchObject({ minScale: 1000, maxScale: 50000000 });
    expect((primary!.symbolizers[0] as StrokeSymbolizer).dash).toEqual([8, 4]);
    expect(wide!.filter).toEqual({
      op: "and",
      filters: [
        { op: ">=", field: "LANES", value: 2 },
        {
          op: "and",
          filters: [
            { op: ">", field: "LANES", value: 4 },
            { op: "not", filter: { op: "isnull", field: "NAME" } },
          ],
        },
      ],
    });
    expect(wide!.maxScale).toBe(25000);
    const w = wide!.symbolizers[0] as StrokeSymbolizer;
    expect(w).toMatchObject({ dash: [5, 2], cap: "butt", join: "miter", width: 3 });
    expect(w.opacity).toBeCloseTo(0.8, 3);
    expect(odd!.filter).toBeUndefined();
    expect(other!.else).toBe(true);
    expect(warnings.some((m) => m.includes("% 2"))).toBe(true);
    expect(warnings.some((m) => m.includes("MarkerLine"))).toBe(true);
  });

  test("graduated: inclusive first range, shared bounds go to the lower range; labels", async () => {
    const { style, warnings } = await vector("graduated-polygons.qml");
    expect(style.renderer).toEqual({ type: "graduated", field: "population" });
    const draw = style.rules.filter((r) => r.symbolizers.some((s) => s.kind !== "label"));
    expect(draw).toHaveLength(3);
    const hit = (v: number) =>
      matchingRules(style, { population: v, name: "x" }, 1000)
        .filter((r) => r.title)
        .map((r) => r.title);
    expect(hit(0)).toEqual(["0 - 1000"]);
    expect(hit(1000)).toEqual(["0 - 1000"]);
    expect(hit(1001)).toEqual(["1000 - 50000"]);
    expect(draw[0]!.symbolizers.map((s) => s.kind)).toEqual(["fill", "stroke"]);
    expect(draw[2]!.symbolizers.map((s) => s.kind)).toEqual(["fill"]);
    expect(warnings.some((m) => m.includes("b_diagonal"))).toBe(true);
    const label = style.rules.at(-1)!.symbolizers[0] as LabelSymbolizer;
    expect(label).toMatchObject({
      kind: "label",
      field: "name",
      placement: "centroid",
      color: "#323232",
    });
    expect(label.font).toEqual({ family: "Open Sans", weight: "bold", style: "normal" });
    expect(label.size).toBeCloseTo(10 * (96 / 72), 2);
    expect(label.halo!.width).toBeCloseTo(MM, 3);
    expect(label.halo!.opacity).toBe(0.8);
  });

  test("SVG markers: embedded base64 kept as bytes, library names kept as hrefs", async () => {
    const { style } = await vector("svg-marker.qml");
    const [embedded, named] = style.rules[0]!.symbolizers as MarkerSymbolizer[];
    expect(embedded!.icon!.mimeType).toBe("image/svg+xml");
    expect(new TextDecoder().decode(embedded!.icon!.data)).toContain("<svg");
    expect(embedded!.rotation).toBe(45);
    expect(named!.icon).toEqual({
      href: "transport/amenity=airport.svg",
      mimeType: "image/svg+xml",
    });
  });
});

describe("parseQml raster", () => {
  test("multibandcolor with stretch, alpha band, bilinear, opacity", async () => {
    const { style } = await raster("raster-rgb.qml");
    expect(style).toMatchObject({ opacity: 0.9, resampling: "bilinear", nodataTransparent: true });
    expect(style.bands).toEqual({
      type: "rgb",
      red: { band: 1, min: 10, max: 240 },
      green: { band: 2 },
      blue: { band: 3 },
      alpha: 4,
    });
  });
  test("pseudocolor discrete with an open upper class", async () => {
    const { style } = await raster("raster-pseudocolor-discrete.qml");
    const b = style.bands;
    if (b.type !== "pseudocolor") throw new Error("wrong bands");
    expect(b.ramp.type).toBe("discrete");
    expect(b.ramp.stops).toHaveLength(7);
    expect(b.ramp.stops[0]).toMatchObject({ color: "#d7191c", label: "<= 464" });
    expect(b.ramp.stops[6]!.value).toBe(Infinity);
    expect(style.resampling).toBe("nearest");
  });
  test("paletted → exact ramp; singlebandgray WhiteToBlack → inverted stretch", async () => {
    const pal = (await raster("raster-paletted.qml")).style.bands;
    expect(pal).toMatchObject({ type: "pseudocolor", band: 1, ramp: { type: "exact" } });
    if (pal.type === "pseudocolor") expect(pal.ramp.stops[2]!.opacity).toBeCloseTo(128 / 255, 3);
    const gray = (await raster("raster-gray.qml")).style.bands;
    expect(gray).toEqual({ type: "gray", gray: { band: 1, min: 3250, max: -12.5 } });
  });
});

describe("writeQml round trips", () => {
  for (const name of [
    "categorized-points.qml",
    "rules-lines.qml",
    "graduated-polygons.qml",
    "svg-marker.qml",
    "raster-rgb.qml",
    "raster-pseudocolor-discrete.qml",
    "raster-paletted.qml",
    "raster-gray.qml",
  ]) {
    test(name, async () => {
      const first = parseQml(await fixture(name)).style;
      const xml = writeQml(first);
      expect(xml.startsWith("<!DOCTYPE qgis")).toBe(true);
      const again = parseQml(xml);
      expect(rounded(again.style)).toEqual(rounded(first));
    });
  }
  test("categorized stays categorized, graduated stays graduated", async () => {
    const cat = parseQml(await fixture("categorized-points.qml")).style;
    expect(writeQml(cat)).toContain('type="categorizedSymbol"');
    const grad = parseQml(await fixture("graduated-polygons.qml")).style;
    expect(writeQml(grad)).toContain('type="graduatedSymbol"');
  });
});

describe("hostile and broken QML", () => {
  test("XXE, billion laughs, not QGIS, truncated", () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE qgis [<!ENTITY x SYSTEM "file:///etc/passwd">]><qgis>&x;</qgis>`;
    expect(() => parseQml(xxe)).toThrow(/ENTITY/);
    const lol = `<!DOCTYPE qgis [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><qgis>&b;</qgis>`;
    expect(() => parseQml(lol)).toThrow(/ENTITY/);
    expect(() => parseQml("<StyledLayerDescriptor/>")).toThrow(/not <qgis>/);
    expect(() => parseQml("<qgis><renderer-v2 type=")).toThrow();
    expect(() => parseQml("<qgis/>")).toThrow(/neither/);
  });
  test("unknown renderer imports with a warning", () => {
    const { style, warnings } = parseQml(
      `<qgis><renderer-v2 type="heatmapRenderer"><symbols/></renderer-v2></qgis>`,
    );
    expect(style.kind).toBe("vector");
    expect(warnings[0]).toContain("heatmapRenderer");
  });
});

describe("QGIS 2 layer settings", () => {
  test("transparency in percent, ordinary scale attributes, custom-property labels warned", () => {
    const { style, warnings } = parseQml(
      `<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'><qgis version="2.18.28" scaleBasedVisibilityFlag="1" minimumScale="500" maximumScale="250000"><renderer-v2 type="singleSymbol"><symbols><symbol alpha="1" type="fill" name="0"><layer class="SimpleFill" locked="0" pass="0"><prop k="color" v="10,20,30,255"/><prop k="outline_style" v="no"/><prop k="style" v="solid"/></layer></symbol></symbols></renderer-v2><customproperties><property key="labeling/enabled" value="true"/></customproperties><layerTransparency>25</layerTransparency></qgis>`,
    );
    expect(style).toMatchObject({ kind: "vector", opacity: 0.75, minScale: 500, maxScale: 250000 });
    expect((style as VectorStyle).rules[0]!.symbolizers).toEqual([
      { kind: "fill", color: "#0a141e", opacity: 1 },
    ]);
    expect(warnings.some((w) => w.includes("QGIS 2 labels"))).toBe(true);
  });
  test("an empty layerOpacity does not make the layer invisible", () => {
    const { style } = parseQml(
      `<qgis><renderer-v2 type="singleSymbol"><symbols/></renderer-v2><layerOpacity></layerOpacity></qgis>`,
    );
    expect((style as VectorStyle).opacity).toBe(1);
  });
});
