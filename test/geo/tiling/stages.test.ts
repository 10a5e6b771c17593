/** @module The pipeline stages one by one: clipping, simplification, winding, encoding types. */
import { describe, expect, test } from "bun:test";
import { clip } from "../../../src/geo/tiling/clip.ts";
import { encode } from "../../../src/geo/tiling/encode.ts";
import { area, simplify } from "../../../src/geo/tiling/simplify.ts";
import { decode } from "./helpers.ts";

describe("clip", () => {
  test("a line leaving and re-entering becomes two parts", () => {
    const g = clip({ type: 2, lines: [[10, 10, 200, 10, 200, 50, 10, 50]] }, 0, 100);
    expect(g).toEqual({
      type: 2,
      lines: [
        [10, 10, 100, 10],
        [100, 50, 10, 50],
      ],
    });
  });
  test("a line crossing the whole box keeps the crossing segment", () => {
    const g = clip({ type: 2, lines: [[-50, 50, 150, 50]] }, 0, 100);
    expect(g).toEqual({ type: 2, lines: [[0, 50, 100, 50]] });
  });
  test("polygons are cut with Sutherland–Hodgman; holes outside vanish", () => {
    const g = clip(
      {
        type: 3,
        polygons: [
          [
            [-50, -50, 150, -50, 150, 150, -50, 150],
            [120, 120, 130, 120, 130, 130],
          ],
        ],
      },
      0,
      100,
    );
    expect(g?.type).toBe(3);
    if (g?.type !== 3) return;
    expect(g.polygons).toHaveLength(1);
    expect(g.polygons[0]).toHaveLength(1);
    expect(Math.abs(area(g.polygons[0]![0]!))).toBe(10000);
  });
  test("points outside are dropped; geometry fully outside is null", () => {
    expect(clip({ type: 1, points: [5, 5, 500, 5] }, 0, 100)).toEqual({ type: 1, points: [5, 5] });
    expect(clip({ type: 2, lines: [[200, 200, 300, 300]] }, 0, 100)).toBeNull();
  });
});

describe("simplify", () => {
  test("exterior rings end up clockwise on screen (positive area), holes opposite", () => {
    const ccwOuter = [0, 0, 0, 100, 100, 100, 100, 0]; // counter-clockwise with y down
    const cwHole = [20, 20, 40, 20, 40, 40, 20, 40];
    const g = simplify({ type: 3, polygons: [[ccwOuter, cwHole]] }, 0);
    if (g?.type !== 3) throw new Error("expected a polygon");
    expect(area(g.polygons[0]![0]!)).toBeGreaterThan(0);
    expect(area(g.polygons[0]![1]!)).toBeLessThan(0);
  });
  test("degenerate and sub-tolerance parts are dropped", () => {
    expect(simplify({ type: 3, polygons: [[[0, 0, 0.2, 0, 0.2, 0.2]]] }, 0)).toBeNull();
    expect(simplify({ type: 3, polygons: [[[0, 0, 3, 0, 3, 3, 0, 3]]] }, 8)).toBeNull();
    expect(simplify({ type: 2, lines: [[0, 0, 0.3, 0.1]] }, 0)).toBeNull();
    expect(simplify({ type: 2, lines: [[0, 0, 4, 0]] }, 8)).toBeNull();
  });
  test("Douglas–Peucker removes vertices within the tolerance and keeps the rest", () => {
    const g = simplify({ type: 2, lines: [[0, 0, 50, 1, 100, 0, 100, 100]] }, 2);
    expect(g).toEqual({ type: 2, lines: [[0, 0, 100, 0, 100, 100]] });
  });
});

test("encode writes typed values that @mapbox/vector-tile reads back", () => {
  const data = encode(
    [
      {
        name: "ngw:1",
        fields: [
          { keyname: "i", datatype: "INTEGER" },
          { keyname: "r", datatype: "REAL" },
          { keyname: "s", datatype: "STRING" },
          { keyname: "b", datatype: "BOOLEAN" },
          { keyname: "d", datatype: "DATE" },
          { keyname: "j", datatype: "JSON" },
          { keyname: "big", datatype: "BIGINT" },
          { keyname: "n", datatype: "STRING" },
        ],
        features: [
          {
            id: 42,
            size: 0,
            geom: { type: 1, points: [10, 20] },
            props: {
              i: -7,
              r: 2.5,
              s: "héllo",
              b: true,
              d: "2024-02-29",
              j: { a: [1, 2] },
              big: 9007199254740991,
              n: null,
            },
          },
          {
            id: 43,
            size: 0,
            geom: { type: 3, polygons: [[[0, 0, 10, 0, 10, 10, 0, 10]]] },
            props: { i: 7, r: 3 },
          },
        ],
      },
    ],
    4096,
  );
  const layers = decode(data!);
  const [a, b] = layers["ngw:1"]!;
  expect(a!.id).toBe(42);
  expect(a!.props).toEqual({
    i: -7,
    r: 2.5,
    s: "héllo",
    b: true,
    d: "2024-02-29",
    j: '{"a":[1,2]}',
    big: 9007199254740991,
  });
  expect(a!.rings).toEqual([[{ x: 10, y: 20 }]]);
  expect(b!.props).toEqual({ i: 7, r: 3 });
  expect(b!.rings[0]).toEqual([
    { x: 0, y: 0 },
    { x: 10, y: 0 },
    { x: 10, y: 10 },
    { x: 0, y: 10 },
    { x: 0, y: 0 },
  ]);
  expect(encode([{ name: "x", fields: [], features: [] }], 4096)).toBeNull();
});
