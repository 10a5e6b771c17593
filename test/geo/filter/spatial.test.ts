/** @module Spatial filter operators checked against box arithmetic (fast-check): for axis-aligned boxes and points, Within/Contains/Intersects/Disjoint/DWithin have closed forms. */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { spatialTest } from "../../../src/geo/filter/spatial.ts";
import { bboxToPolygon } from "../../../src/geo/geometry/bbox.ts";
import type { Geometry } from "../../../src/geo/geometry/types.ts";

type Box = [number, number, number, number];
const box = (b: Box): Geometry => bboxToPolygon(b);
const int = fc.integer({ min: -20, max: 20 });
const boxArb = fc
  .tuple(int, int, fc.integer({ min: 1, max: 15 }), fc.integer({ min: 1, max: 15 }))
  .map(([x, y, w, h]): Box => [x, y, x + w, y + h]);
const pointArb = fc.tuple(int, int);

const inside = (p: [number, number], b: Box) =>
  p[0] >= b[0] && p[0] <= b[2] && p[1] >= b[1] && p[1] <= b[3];
const boxIn = (a: Box, b: Box) => a[0] >= b[0] && a[2] <= b[2] && a[1] >= b[1] && a[3] <= b[3];
const overlap = (a: Box, b: Box) => a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];

describe("spatial operators against box arithmetic", () => {
  test("points: within, intersects, disjoint", () => {
    fc.assert(
      fc.property(pointArb, boxArb, (p, b) => {
        const g: Geometry = { type: "Point", coordinates: p };
        expect(spatialTest("within", box(b))(g)).toBe(inside(p, b));
        expect(spatialTest("intersects", box(b))(g)).toBe(inside(p, b));
        expect(spatialTest("disjoint", box(b))(g)).toBe(!inside(p, b));
      }),
      { numRuns: 500 },
    );
  });
  test("boxes: within, contains, intersects", () => {
    fc.assert(
      fc.property(boxArb, boxArb, (a, b) => {
        expect(spatialTest("within", box(b))(box(a))).toBe(boxIn(a, b));
        expect(spatialTest("contains", box(b))(box(a))).toBe(boxIn(b, a));
        expect(spatialTest("bbox", box(b))(box(a))).toBe(overlap(a, b));
      }),
      { numRuns: 500 },
    );
  });
  test("points: dwithin and beyond a point", () => {
    fc.assert(
      fc.property(pointArb, pointArb, fc.integer({ min: 0, max: 30 }), (p, q, d) => {
        const g: Geometry = { type: "Point", coordinates: p };
        const near = Math.hypot(p[0] - q[0], p[1] - q[1]) <= d;
        expect(spatialTest("dwithin", { type: "Point", coordinates: q }, d)(g)).toBe(near);
        expect(spatialTest("beyond", { type: "Point", coordinates: q }, d)(g)).toBe(!near);
      }),
      { numRuns: 500 },
    );
  });
  test("a line crossing out of a polygon is not within it", () => {
    const line: Geometry = {
      type: "LineString",
      coordinates: [
        [1, 1],
        [5, 5],
        [15, 5],
      ],
    };
    expect(spatialTest("within", box([0, 0, 10, 10]))(line)).toBe(false);
    expect(spatialTest("within", box([0, 0, 20, 10]))(line)).toBe(true);
    expect(spatialTest("dwithin", box([20, 0, 30, 10]), 5)(line)).toBe(true);
    expect(spatialTest("dwithin", box([20, 0, 30, 10]), 4.9)(line)).toBe(false);
  });
});
