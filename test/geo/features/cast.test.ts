/** @module Fitting geometries to a layer type with NGW's loader rules. */
import { expect, test } from "bun:test";
import { CastError, fitGeometry } from "../../../src/geo/features/cast.ts";

test("promotes single to multi and unwraps one-member multis", () => {
  expect(fitGeometry({ type: "Point", coordinates: [1, 2] }, "MULTIPOINT")).toEqual({
    type: "MultiPoint",
    coordinates: [[1, 2]],
  });
  expect(fitGeometry({ type: "MultiPoint", coordinates: [[1, 2]] }, "POINT")).toEqual({
    type: "Point",
    coordinates: [1, 2],
  });
  expect(() =>
    fitGeometry(
      {
        type: "MultiPoint",
        coordinates: [
          [1, 2],
          [3, 4],
        ],
      },
      "POINT",
    ),
  ).toThrow(CastError);
});

test("adds or drops Z to match the layer", () => {
  expect(fitGeometry({ type: "Point", coordinates: [1, 2] }, "POINTZ")).toEqual({
    type: "Point",
    coordinates: [1, 2, 0],
  });
  expect(fitGeometry({ type: "Point", coordinates: [1, 2, 3] }, "POINT")).toEqual({
    type: "Point",
    coordinates: [1, 2],
  });
});

test("a wrong family is a type error; unclosed rings need fix_errors", () => {
  let err: unknown;
  try {
    fitGeometry({ type: "Point", coordinates: [1, 2] }, "POLYGON", "NONE", 4);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(CastError);
  expect((err as CastError).wrongType).toBe(true);
  expect((err as CastError).message).toContain("Feature #4");
  const open = {
    type: "Polygon" as const,
    coordinates: [
      [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 1],
      ],
    ],
  };
  expect(() => fitGeometry(open, "POLYGON")).toThrow("unclosed rings");
  expect(fitGeometry(open, "POLYGON", "SAFE")).toEqual({
    type: "Polygon",
    coordinates: [
      [
        [0, 0],
        [1, 0],
        [1, 1],
        [0, 1],
        [0, 0],
      ],
    ],
  });
});

test("a one-member collection fits; a mixed one only with fix_errors", () => {
  const gc = {
    type: "GeometryCollection" as const,
    geometries: [
      { type: "Point" as const, coordinates: [1, 2] },
      {
        type: "LineString" as const,
        coordinates: [
          [0, 0],
          [1, 1],
        ],
      },
    ],
  };
  expect(() => fitGeometry(gc, "POINT")).toThrow(CastError);
  expect(fitGeometry(gc, "POINT", "SAFE")).toEqual({ type: "Point", coordinates: [1, 2] });
});
