/** @module GeoPackage geometry blob headers: every envelope type, both byte orders, the empty flag. */
import { expect, test } from "bun:test";
import { decodeGpkgGeometry, encodeGpkgGeometry } from "../../../src/geo/formats/gpkg-geom.ts";
import type { Geometry } from "../../../src/geo/geometry/types.ts";
import { encodeWkb } from "../../../src/geo/geometry/wkb.ts";

const poly: Geometry = {
  type: "Polygon",
  coordinates: [
    [
      [0, 0, 1],
      [4, 0, 2],
      [4, 3, 3],
      [0, 0, 1],
    ],
  ],
};

function blob(envType: number, bigEndianHeader: boolean, empty = false): Uint8Array {
  const envBytes = [0, 32, 48, 48, 64][envType]!;
  const wkb = encodeWkb(poly);
  const out = new Uint8Array(8 + envBytes + wkb.length);
  const dv = new DataView(out.buffer);
  out.set([0x47, 0x50, 0, (bigEndianHeader ? 0 : 1) | (envType << 1) | (empty ? 0x10 : 0)]);
  dv.setInt32(4, 4326, !bigEndianHeader);
  for (let i = 0; i < envBytes / 8; i++) dv.setFloat64(8 + 8 * i, i, !bigEndianHeader);
  out.set(wkb, 8 + envBytes);
  return out;
}

test("envelope types 0-4 in both header byte orders decode to the same geometry", () => {
  for (let t = 0; t <= 4; t++) {
    for (const be of [false, true]) expect(decodeGpkgGeometry(blob(t, be))).toEqual(poly);
  }
});

test("empty flag, bad magic, bad envelope type, truncation", () => {
  expect(decodeGpkgGeometry(blob(1, false, true))).toBeNull();
  expect(() => decodeGpkgGeometry(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]))).toThrow(
    /not a GeoPackage/,
  );
  const bad = blob(1, false);
  bad[3] = 1 | (6 << 1);
  expect(() => decodeGpkgGeometry(bad)).toThrow(/envelope type/);
  expect(() => decodeGpkgGeometry(blob(4, false).subarray(0, 40))).toThrow();
});

test("encoder writes an XY envelope (minx, maxx, miny, maxy) and round-trips", () => {
  const b = encodeGpkgGeometry(poly, 3857);
  const dv = new DataView(b.buffer);
  expect(b[3]).toBe(0b011);
  expect(dv.getInt32(4, true)).toBe(3857);
  expect([8, 16, 24, 32].map((o) => dv.getFloat64(o, true))).toEqual([0, 4, 0, 3]);
  expect(decodeGpkgGeometry(b)).toEqual(poly);
});
