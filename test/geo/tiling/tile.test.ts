/** @module Tile math: validation of z/x/y and 3857 bounds. */
import { describe, expect, test } from "bun:test";
import {
  bufferedBBox,
  parseTile,
  TileRangeError,
  tileBBox,
  WORLD_HALF,
} from "../../../src/geo/tiling/tile.ts";

describe("parseTile", () => {
  test("accepts in-range integers as strings or numbers", () => {
    expect(parseTile("0", "0", "0")).toEqual({ z: 0, x: 0, y: 0 });
    expect(parseTile(3, 7, 5)).toEqual({ z: 3, x: 7, y: 5 });
    expect(parseTile("24", String(2 ** 24 - 1), "0")).toEqual({ z: 24, x: 2 ** 24 - 1, y: 0 });
  });
  for (const [z, x, y] of [
    ["-1", "0", "0"],
    ["1", "-1", "0"],
    ["25", "0", "0"],
    ["2", "4", "0"],
    ["2", "0", "4"],
    ["a", "0", "0"],
    ["1.5", "0", "0"],
    ["1", "1e3", "0"],
    ["1", "", "0"],
    ["1", "99999999999999999999999", "0"],
    [undefined, "0", "0"],
    ["NaN", "0", "0"],
    ["Infinity", "0", "0"],
  ]) {
    test(`rejects z=${z} x=${x} y=${y}`, () => {
      expect(() => parseTile(z, x, y)).toThrow(TileRangeError);
    });
  }
});

test("tile bounds tile the Mercator square", () => {
  expect(tileBBox({ z: 0, x: 0, y: 0 })).toEqual([
    -WORLD_HALF,
    -WORLD_HALF,
    WORLD_HALF,
    WORLD_HALF,
  ]);
  const [minX, minY, maxX, maxY] = tileBBox({ z: 1, x: 1, y: 0 });
  expect([minX, minY, maxX, maxY]).toEqual([0, 0, WORLD_HALF, WORLD_HALF]);
  const b = bufferedBBox({ z: 1, x: 1, y: 0 }, 4096, 409.6);
  expect(b[0]).toBeCloseTo(-WORLD_HALF / 10, 3);
  expect(b[3]).toBeCloseTo(WORLD_HALF * 1.1, 3);
});
