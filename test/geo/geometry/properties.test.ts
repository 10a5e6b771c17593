/** @module Property tests: WKB, EWKB, WKT and GeoJSON round-trip any generated geometry exactly. */
import { expect, test } from "bun:test";
import fc from "fast-check";
import { bboxOf } from "../../../src/geo/geometry/bbox.ts";
import { parseGeoJsonGeometry } from "../../../src/geo/geometry/geojson.ts";
import { geometryIntersects } from "../../../src/geo/geometry/intersects.ts";
import type { Geometry, Position } from "../../../src/geo/geometry/types.ts";
import { decodeEwkb, decodeWkb, encodeEwkb, encodeWkb } from "../../../src/geo/geometry/wkb.ts";
import { parseWkt, toWkt } from "../../../src/geo/geometry/wkt.ts";

// Any finite double, -0 excluded (WKT prints it as 0, as PostGIS does).
const num = fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (n === 0 ? 0 : n));

function geometry(z: boolean): fc.Arbitrary<Geometry> {
  const pos: fc.Arbitrary<Position> = fc
    .tuple(num, num, num)
    .map(([x, y, h]) => (z ? [x, y, h] : [x, y]));
  const line = fc.array(pos, { minLength: 2, maxLength: 6 });
  const ring = fc.array(pos, { minLength: 3, maxLength: 6 }).map((r) => [...r, r[0]!]);
  const poly = fc.array(ring, { minLength: 1, maxLength: 3 });
  const single = fc.oneof(
    pos.map((c): Geometry => ({ type: "Point", coordinates: c })),
    line.map((c): Geometry => ({ type: "LineString", coordinates: c })),
    poly.map((c): Geometry => ({ type: "Polygon", coordinates: c })),
    fc.array(pos, { maxLength: 4 }).map((c): Geometry => ({ type: "MultiPoint", coordinates: c })),
    fc
      .array(line, { maxLength: 3 })
      .map((c): Geometry => ({ type: "MultiLineString", coordinates: c })),
    fc
      .array(poly, { maxLength: 3 })
      .map((c): Geometry => ({ type: "MultiPolygon", coordinates: c })),
  );
  return fc.oneof(
    { weight: 5, arbitrary: single },
    fc
      .array(single, { maxLength: 3 })
      .map((g): Geometry => ({ type: "GeometryCollection", geometries: g })),
  );
}

test("codecs round-trip every geometry exactly (2D and Z)", () => {
  for (const z of [false, true]) {
    fc.assert(
      fc.property(geometry(z), fc.integer({ min: 1, max: 999999 }), (g, srid) => {
        expect(decodeWkb(encodeWkb(g))).toEqual(g);
        expect(decodeEwkb(encodeEwkb(g, srid))).toEqual({ geometry: g, srid });
        expect(parseWkt(toWkt(g))).toEqual(g);
        expect(parseGeoJsonGeometry(JSON.parse(JSON.stringify(g)))).toEqual(g);
      }),
      { numRuns: 300 },
    );
  }
});

test("random bytes never hang or crash the WKB decoder with anything but GeometryError", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      try {
        decodeWkb(bytes);
      } catch (e) {
        expect((e as Error).name).toBe("GeometryError");
      }
    }),
    { numRuns: 2000 },
  );
});

test("a geometry intersects itself and its own bbox corners decide disjointness", () => {
  fc.assert(
    fc.property(geometry(false), (g) => {
      const b = bboxOf(g);
      if (!b) return;
      expect(geometryIntersects(g, g)).toBe(true);
      const far: Geometry = {
        type: "Point",
        coordinates: [b[2] + 1 + Math.abs(b[2]), b[3] + 1 + Math.abs(b[3])],
      };
      if (Number.isFinite(far.coordinates[0]!) && Number.isFinite(far.coordinates[1]!)) {
        expect(geometryIntersects(g, far)).toBe(false);
      }
    }),
    { numRuns: 300 },
  );
});
