/** @module Tests of bbox, validity checks, strict GeoJSON reading, measures and intersects. */
import { describe, expect, test } from "bun:test";
import { bboxIntersects, bboxOf, bboxUnion } from "../../../src/geo/geometry/bbox.ts";
import { GeometryError } from "../../../src/geo/geometry/errors.ts";
import { parseGeoJsonGeometry } from "../../../src/geo/geometry/geojson.ts";
import { geometryIntersects } from "../../../src/geo/geometry/intersects.ts";
import { area, geodesicArea, geodesicLength, length } from "../../../src/geo/geometry/measure.ts";
import {
  forceSingle,
  type Geometry,
  geometryTypeOf,
  toMulti,
} from "../../../src/geo/geometry/types.ts";
import { checkLonLat, validateGeometry } from "../../../src/geo/geometry/validate.ts";
import { parseWkt } from "../../../src/geo/geometry/wkt.ts";

const W = parseWkt;

describe("bbox", () => {
  test("of every type, empty is null", () => {
    expect(bboxOf(W("POINT (1 2)"))).toEqual([1, 2, 1, 2]);
    expect(bboxOf(W("MULTIPOLYGON (((0 0, 5 0, 5 3, 0 0)), ((-1 -2, 1 1, 0 1, -1 -2)))"))).toEqual([
      -1, -2, 5, 3,
    ]);
    expect(bboxOf(W("GEOMETRYCOLLECTION (POINT (9 9), LINESTRING (0 0, 1 -1))"))).toEqual([
      0, -1, 9, 9,
    ]);
    expect(bboxOf(W("POINT EMPTY"))).toBeNull();
    expect(bboxIntersects([0, 0, 1, 1], [1, 1, 2, 2])).toBe(true);
    expect(bboxIntersects([0, 0, 1, 1], [1.01, 0, 2, 2])).toBe(false);
    expect(bboxUnion([0, 0, 1, 1], [2, -1, 3, 0])).toEqual([0, -1, 3, 1]);
    expect(bboxUnion(null, null)).toBeNull();
  });
});

describe("types helpers", () => {
  test("multi and single", () => {
    expect(geometryTypeOf(W("POLYGON Z ((0 0 1, 1 0 1, 1 1 1, 0 0 1))"))).toBe("POLYGONZ");
    expect(toMulti(W("POINT (1 2)"))).toEqual(W("MULTIPOINT (1 2)"));
    expect(forceSingle(W("MULTILINESTRING ((0 0, 1 1))"))).toEqual(W("LINESTRING (0 0, 1 1)"));
    expect(forceSingle(W("MULTIPOINT (0 0, 1 1)"))).toBeNull();
  });
});

describe("validate", () => {
  test("accepts valid geometry", () => {
    validateGeometry(W("POLYGON ((0 0, 1 0, 1 1, 0 0), (0.1 0.1, 0.2 0.1, 0.2 0.2, 0.1 0.1))"));
    validateGeometry(W("MULTIPOLYGON EMPTY"));
    checkLonLat(W("LINESTRING (-180 -90, 180 90)"));
  });
  test.each([
    [{ type: "Point", coordinates: [Number.NaN, 1] }, /not finite/],
    [{ type: "Point", coordinates: [1, Number.POSITIVE_INFINITY] }, /not finite/],
    [{ type: "LineString", coordinates: [[0, 0]] }, /at least 2 points/],
    [
      {
        type: "Polygon",
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [0, 0],
          ],
        ],
      },
      /at least 4 points/,
    ],
    [
      {
        type: "Polygon",
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 1],
          ],
        ],
      },
      /not closed/,
    ],
    [{ type: "MultiPolygon", coordinates: [[]] }, /no rings/],
    [{ type: "MultiLineString", coordinates: [[]] }, /at least 2 points/],
    [{ type: "Point", coordinates: [1, "2"] }, /not a number/],
    [{ type: "Polygon", coordinates: [[1, 2]] }, /ring needs at least 4/],
  ])("rejects %j", (g, re) => {
    expect(() => validateGeometry(g as Geometry)).toThrow(re);
  });
  test("lon/lat range", () => {
    expect(() => checkLonLat(W("POINT (181 0)"))).toThrow(/Longitude 181/);
    expect(() => checkLonLat(W("POINT (0 -90.5)"))).toThrow(/Latitude -90.5/);
  });
});

describe("GeoJSON", () => {
  test("reads every type", () => {
    expect(parseGeoJsonGeometry({ type: "Point", coordinates: [1, 2, 3, 4] })).toEqual(
      W("POINT Z (1 2 3)"),
    );
    const gc = {
      type: "GeometryCollection",
      geometries: [{ type: "MultiPoint", coordinates: [[1, 2]] }],
    };
    expect(parseGeoJsonGeometry(gc)).toEqual(W("GEOMETRYCOLLECTION (MULTIPOINT (1 2))"));
  });
  test.each(
    [
      null,
      "POINT (1 2)",
      [],
      { type: "Circle", coordinates: [1, 2] },
      { type: "Point" },
      { type: "Point", coordinates: [1] },
      { type: "Point", coordinates: [1, null] },
      { type: "LineString", coordinates: [1, 2] },
      {
        type: "Polygon",
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 0.5],
          ],
        ],
      },
      {
        type: "MultiPolygon",
        coordinates: [
          [
            [
              [0, 0],
              [1, 0],
              [1, 1],
            ],
          ],
        ],
      },
      { type: "GeometryCollection" },
    ].map((x) => [x]),
  )("rejects %j", (obj) => {
    expect(() => parseGeoJsonGeometry(obj)).toThrow(GeometryError);
  });
  test("bounded nesting", () => {
    let g: unknown = { type: "Point", coordinates: [0, 0] };
    for (let i = 0; i < 100; i++) g = { type: "GeometryCollection", geometries: [g] };
    expect(() => parseGeoJsonGeometry(g)).toThrow(/too deep/);
  });
});

describe("measure", () => {
  test("planar and geodesic", () => {
    expect(area(W("POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 2 1, 2 2, 1 2, 1 1))"))).toBe(15);
    expect(length(W("MULTILINESTRING ((0 0, 3 4), (0 0, 0 1))"))).toBe(6);
    // One degree of longitude on the equator is ~111.32 km on the WGS 84 sphere.
    expect(geodesicLength(W("LINESTRING (0 0, 1 0)"))).toBeCloseTo(111319.49, 1);
    // A 1x1 degree cell at the equator is about 12,364 km².
    const a = geodesicArea(W("POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))"));
    expect(a / 1e6).toBeGreaterThan(12300);
    expect(a / 1e6).toBeLessThan(12400);
  });
});

describe("intersects", () => {
  const square = "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (4 4, 6 4, 6 6, 4 6, 4 4))";
  test.each([
    ["POINT (1 1)", square, true],
    ["POINT (5 5)", square, false], // in the hole
    ["POINT (4 5)", square, true], // on the hole's boundary
    ["POINT (10 5)", square, true], // on the shell
    ["POINT (11 5)", square, false],
    ["POINT (1 1)", "POINT (1 1)", true],
    ["POINT (1 1)", "POINT (1 2)", false],
    ["POINT (1 1)", "LINESTRING (0 0, 2 2)", true],
    ["POINT (1 1.1)", "LINESTRING (0 0, 2 2)", false],
    ["LINESTRING (0 2, 2 0)", "LINESTRING (0 0, 2 2)", true],
    ["LINESTRING (0 0, 1 0)", "LINESTRING (2 0, 3 0)", false],
    ["LINESTRING (0 0, 2 0)", "LINESTRING (1 0, 3 0)", true], // collinear overlap
    ["LINESTRING (4.5 4.5, 5.5 5.5)", square, false], // inside the hole
    ["LINESTRING (5 5, 8 8)", square, true], // leaves the hole
    ["LINESTRING (1 1, 2 2)", square, true], // wholly inside
    ["LINESTRING (-1 -1, -1 20)", square, false],
    ["POLYGON ((4.5 4.5, 5.5 4.5, 5.5 5.5, 4.5 4.5))", square, false], // in the hole
    ["POLYGON ((-5 -5, 20 -5, 20 20, -5 20, -5 -5))", square, true], // contains
    ["POLYGON ((1 1, 2 1, 2 2, 1 1))", square, true], // contained
    ["POLYGON ((10 10, 12 10, 12 12, 10 10))", square, true], // touches a corner
    ["POLYGON ((11 11, 12 11, 12 12, 11 11))", square, false],
    ["MULTIPOINT ((50 50), (5 5), (1 1))", square, true],
    ["GEOMETRYCOLLECTION (POINT (50 50), LINESTRING (9 9, 20 20))", square, true],
    ["GEOMETRYCOLLECTION EMPTY", square, false],
    [
      "MULTIPOLYGON (((20 20, 30 20, 30 30, 20 20)), ((-3 -3, -1 -3, -1 -1, -3 -3)))",
      square,
      false,
    ],
  ])("%s ∩ %s = %p", (a, b, expected) => {
    expect(geometryIntersects(W(a), W(b))).toBe(expected);
    expect(geometryIntersects(W(b), W(a))).toBe(expected);
  });
});
