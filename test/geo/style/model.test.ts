/** @module Tests of the style model's pure helpers: filter evaluation, scale ranges, defaults, colours. */
import { describe, expect, test } from "bun:test";
import { parseColor, toCssRgba, toQgisColor } from "../../../src/geo/style/color.ts";
import {
  defaultRasterStyle,
  defaultVectorStyle,
  evaluateFilter,
  type Filter,
  matchingRules,
  ruleApplies,
  scaleDenominatorForZoom,
  type VectorStyle,
} from "../../../src/geo/style/model.ts";

describe("evaluateFilter", () => {
  const f = { name: "Main St", lanes: "4", speed: 50, note: null };
  const cases: [Filter, boolean][] = [
    [{ op: "=", field: "lanes", value: 4 }, true],
    [{ op: "!=", field: "lanes", value: 4 }, false],
    [{ op: "<", field: "speed", value: 60 }, true],
    [{ op: ">=", field: "speed", value: 50 }, true],
    [{ op: ">", field: "speed", value: 50 }, false],
    [{ op: "=", field: "name", value: "Main St" }, true],
    [{ op: "in", field: "name", values: ["A", "Main St"] }, true],
    [{ op: "like", field: "name", pattern: "Main%" }, true],
    [{ op: "like", field: "name", pattern: "main%" }, false],
    [{ op: "like", field: "name", pattern: "main%", caseInsensitive: true }, true],
    [{ op: "like", field: "name", pattern: "Ma_n St" }, true],
    [{ op: "like", field: "name", pattern: "M.*" }, false],
    [{ op: "isnull", field: "note" }, true],
    [{ op: "isnull", field: "missing" }, true],
    [{ op: "isnull", field: "name" }, false],
    [{ op: "=", field: "note", value: "x" }, false],
    [{ op: "!=", field: "note", value: "x" }, false],
    [
      {
        op: "and",
        filters: [
          { op: ">", field: "speed", value: 10 },
          { op: "not", filter: { op: "=", field: "lanes", value: 2 } },
        ],
      },
      true,
    ],
    [
      {
        op: "or",
        filters: [
          { op: "=", field: "lanes", value: 2 },
          { op: "=", field: "lanes", value: 3 },
        ],
      },
      false,
    ],
  ];
  for (const [filter, want] of cases) {
    test(JSON.stringify(filter), () => expect(evaluateFilter(filter, f)).toBe(want));
  }
});

describe("rules and scales", () => {
  test("ruleApplies uses min inclusive, max exclusive", () => {
    expect(ruleApplies({ minScale: 1000, maxScale: 5000 }, 1000)).toBe(true);
    expect(ruleApplies({ minScale: 1000, maxScale: 5000 }, 5000)).toBe(false);
    expect(ruleApplies({ minScale: 1000 }, 999)).toBe(false);
    expect(ruleApplies({}, 1e9)).toBe(true);
  });
  test("zoom 0 scale denominator is the OGC well-known value", () => {
    expect(Math.round(scaleDenominatorForZoom(0))).toBe(559082264);
  });
  test("else rules apply only when no plain rule matched", () => {
    const style: VectorStyle = {
      kind: "vector",
      opacity: 1,
      renderer: { type: "rules" },
      rules: [
        { name: "a", filter: { op: "=", field: "k", value: "a" }, symbolizers: [] },
        {
          name: "far",
          filter: { op: "=", field: "k", value: "b" },
          minScale: 1e6,
          symbolizers: [],
        },
        { name: "else", else: true, symbolizers: [] },
      ],
    };
    expect(matchingRules(style, { k: "a" }, 1000).map((r) => r.name)).toEqual(["a"]);
    expect(matchingRules(style, { k: "b" }, 1000).map((r) => r.name)).toEqual(["else"]);
    expect(matchingRules(style, { k: "b" }, 2e6).map((r) => r.name)).toEqual(["far"]);
  });
});

describe("defaults", () => {
  test("vector defaults follow the geometry type", () => {
    expect(defaultVectorStyle("MULTIPOLYGON").rules[0]!.symbolizers.map((s) => s.kind)).toEqual([
      "fill",
      "stroke",
    ]);
    expect(defaultVectorStyle("LINESTRINGZ").rules[0]!.symbolizers.map((s) => s.kind)).toEqual([
      "stroke",
    ]);
    expect(defaultVectorStyle("POINT").rules[0]!.symbolizers.map((s) => s.kind)).toEqual([
      "marker",
    ]);
  });
  test("raster defaults", () => {
    expect(defaultRasterStyle(4, "Byte").bands).toMatchObject({ type: "rgb", alpha: 4 });
    expect(defaultRasterStyle(1, "Float32").bands).toEqual({ type: "gray", gray: { band: 1 } });
  });
});

describe("colours", () => {
  test("QGIS, hex and rgba forms", () => {
    expect(parseColor("255,0,0,128")).toEqual({ color: "#ff0000", opacity: 128 / 255 });
    expect(parseColor("#0f0")).toEqual({ color: "#00ff00", opacity: 1 });
    expect(parseColor("#11223380")!.opacity).toBeCloseTo(0.502, 3);
    expect(parseColor("rgba(1,2,3,0.5)")).toEqual({ color: "#010203", opacity: 0.5 });
    expect(parseColor("35,35,35,255,rgb:0.137,0.137,0.137,1")!.color).toBe("#232323");
    expect(parseColor("nonsense")).toBeNull();
    expect(toQgisColor("#ff8000", 0.5)).toBe("255,128,0,128");
    expect(toCssRgba("#ff8000", 0.5)).toBe("rgba(255,128,0,0.5)");
  });
});
