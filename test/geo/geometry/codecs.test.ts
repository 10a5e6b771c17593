/** @module Tests of the WKB, EWKB and WKT codecs: round trips for every type and hostile input. */
import { describe, expect, test } from "bun:test";
import { GeometryError } from "../../../src/geo/geometry/errors.ts";
import type { Geometry } from "../../../src/geo/geometry/types.ts";
import { decodeEwkb, decodeWkb, encodeEwkb, encodeWkb } from "../../../src/geo/geometry/wkb.ts";
import { parseEwkt, parseWkt, toWkt } from "../../../src/geo/geometry/wkt.ts";

const sq = [
  [0, 0],
  [10, 0],
  [10, 10],
  [0, 10],
  [0, 0],
];
const hole = [
  [2, 2],
  [2, 3],
  [3, 3],
  [2, 2],
];
const SAMPLES: Geometry[] = [
  { type: "Point", coordinates: [1.5, -2.25] },
  { type: "Point", coordinates: [0.1, 0.2, 0.3] },
  { type: "Point", coordinates: [] },
  {
    type: "LineString",
    coordinates: [
      [1, 2],
      [3, 4],
      [5.000000000000001, 1e-9],
    ],
  },
  { type: "LineString", coordinates: [] },
  { type: "Polygon", coordinates: [sq, hole] },
  { type: "Polygon", coordinates: [sq.map(([x, y]) => [x!, y!, 7])] },
  {
    type: "MultiPoint",
    coordinates: [
      [1, 2],
      [3, 4],
    ],
  },
  { type: "MultiPoint", coordinates: [[1, 2, 3]] },
  {
    type: "MultiLineString",
    coordinates: [
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 8],
      ],
    ],
  },
  { type: "MultiPolygon", coordinates: [[sq, hole], [sq]] },
  { type: "MultiPolygon", coordinates: [] },
  {
    type: "GeometryCollection",
    geometries: [
      { type: "Point", coordinates: [1, 2] },
      {
        type: "GeometryCollection",
        geometries: [
          {
            type: "LineString",
            coordinates: [
              [0, 0],
              [1, 1],
            ],
          },
        ],
      },
    ],
  },
  { type: "GeometryCollection", geometries: [] },
];

describe("WKB", () => {
  test.each(SAMPLES.map((g) => [toWkt(g), g]))("round trip %s", (_name, g) => {
    expect(decodeWkb(encodeWkb(g))).toEqual(g);
    const e = decodeEwkb(encodeEwkb(g, 3857));
    expect(e.geometry).toEqual(g);
    expect(e.srid).toBe(3857);
  });

  test("reads big-endian ISO WKB and EWKB with Z flag", () => {
    // POINT Z (1 2 3), big-endian ISO (type 1001)
    const be = new Uint8Array(1 + 4 + 24);
    const v = new DataView(be.buffer);
    be[0] = 0;
    v.setUint32(1, 1001, false);
    v.setFloat64(5, 1, false);
    v.setFloat64(13, 2, false);
    v.setFloat64(21, 3, false);
    expect(decodeWkb(be)).toEqual({ type: "Point", coordinates: [1, 2, 3] });
    // The same as PostGIS hex EWKB: SRID=4326;POINT(1 2)
    const hex = "0101000020E6100000000000000000F03F0000000000000040";
    const r = decodeEwkb(Uint8Array.from(Buffer.from(hex, "hex")));
    expect(r).toEqual({ geometry: { type: "Point", coordinates: [1, 2] }, srid: 4326 });
  });

  test("drops M and keeps Z from ZM", () => {
    const b = new Uint8Array(1 + 4 + 32);
    const v = new DataView(b.buffer);
    b[0] = 1;
    v.setUint32(1, 3001, true);
    for (let i = 0; i < 4; i++) v.setFloat64(5 + i * 8, i + 1, true);
    expect(decodeWkb(b)).toEqual({ type: "Point", coordinates: [1, 2, 3] });
    v.setUint32(1, 2001, true);
    expect(() => decodeWkb(b)).toThrow(GeometryError); // XYM is 3 ordinates: 8 trailing bytes
  });

  test("hostile input throws GeometryError quickly", () => {
    const good = encodeWkb({ type: "Polygon", coordinates: [sq] });
    for (let n = 0; n < good.length; n++) {
      expect(() => decodeWkb(good.subarray(0, n))).toThrow(GeometryError);
    }
    const huge = new Uint8Array(9);
    huge[0] = 1;
    new DataView(huge.buffer).setUint32(1, 2, true);
    new DataView(huge.buffer).setUint32(5, 0xffffffff, true);
    expect(() => decodeWkb(huge)).toThrow(/exceeds/);
    expect(() => decodeWkb(new Uint8Array([7, 1, 0, 0, 0]))).toThrow(/byte order/);
    expect(() => decodeWkb(new Uint8Array([1, 99, 0, 0, 0]))).toThrow(/unknown geometry type/);
    // a multipolygon whose member is a point
    const bad = encodeWkb({ type: "MultiPoint", coordinates: [[1, 2]] });
    new DataView(bad.buffer).setUint32(1, 6, true);
    expect(() => decodeWkb(bad)).toThrow(GeometryError);
    // collections nested 1000 deep
    const deep: number[] = [];
    for (let i = 0; i < 1000; i++) deep.push(1, 7, 0, 0, 0, 1, 0, 0, 0);
    expect(() => decodeWkb(Uint8Array.from(deep))).toThrow(/too deep/);
    expect(() => decodeWkb(new Uint8Array([...good, 0]))).toThrow(/trailing/);
  });
});

describe("WKT", () => {
  test.each(SAMPLES.map((g) => [toWkt(g), g]))("round trip %s", (text, g) => {
    expect(parseWkt(text)).toEqual(g);
  });

  test("writes shapely-style text with exact numbers", () => {
    expect(toWkt({ type: "Point", coordinates: [0.1, 1 / 3, -0] })).toBe(
      "POINT Z (0.1 0.3333333333333333 0)",
    );
    expect(toWkt({ type: "MultiPolygon", coordinates: [[sq]] })).toBe(
      "MULTIPOLYGON (((0 0, 10 0, 10 10, 0 10, 0 0)))",
    );
    expect(
      toWkt({
        type: "MultiPoint",
        coordinates: [
          [1, 2],
          [3, 4],
        ],
      }),
    ).toBe("MULTIPOINT ((1 2), (3 4))");
    expect(toWkt({ type: "Point", coordinates: [] })).toBe("POINT EMPTY");
  });

  test("accepts common dialects", () => {
    expect(parseEwkt("SRID=4326;point(1 2)")).toEqual({
      geometry: { type: "Point", coordinates: [1, 2] },
      srid: 4326,
    });
    expect(parseWkt("MULTIPOINT (1 2, 3 4)")).toEqual({
      type: "MultiPoint",
      coordinates: [
        [1, 2],
        [3, 4],
      ],
    });
    expect(parseWkt("POINTZ(1 2 3)")).toEqual({ type: "Point", coordinates: [1, 2, 3] });
    expect(parseWkt("POINT M (1 2 3)")).toEqual({ type: "Point", coordinates: [1, 2] });
    expect(parseWkt("POINT ZM (1 2 3 4)")).toEqual({ type: "Point", coordinates: [1, 2, 3] });
    expect(parseWkt(" linestring ( 1e3 -2.5E-1 , .5 +4 ) ")).toEqual({
      type: "LineString",
      coordinates: [
        [1000, -0.25],
        [0.5, 4],
      ],
    });
    expect(parseWkt("GEOMETRYCOLLECTION EMPTY")).toEqual({
      type: "GeometryCollection",
      geometries: [],
    });
  });

  test("rejects bad text with GeometryError", () => {
    for (const bad of [
      "",
      "POINT",
      "POINT (1)",
      "POINT (NaN 1)",
      "POINT (1 2",
      "POINT (1 2) x",
      "CIRCLE (1 2)",
      "POINT (1e999 2)",
      "POLYGON ((1 2, 3 4)",
      "POINT ZM (1 2 3)",
      "POINT (1 2 3 4 5)",
      `${"GEOMETRYCOLLECTION (".repeat(5000)}POINT (1 2)${")".repeat(5000)}`,
    ]) {
      expect(() => parseWkt(bad)).toThrow(GeometryError);
    }
  });
});
