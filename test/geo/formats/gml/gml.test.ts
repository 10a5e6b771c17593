import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { parseSrsName, srsNameOf } from "../../../../src/geo/formats/gml/axis.ts";
import { GmlError, readGml } from "../../../../src/geo/formats/gml/reader.ts";
import {
  type GmlVersion,
  writeGml,
  writeGmlEnvelope,
} from "../../../../src/geo/formats/gml/writer.ts";
import type { Geometry } from "../../../../src/geo/geometry/types.ts";
import { parseXmlSafe } from "../../../../src/geo/xml.ts";

const NS = 'xmlns:gml="http://www.opengis.net/gml"';
const wrap = (s: string) => parseXmlSafe(s.replace(/^<gml:(\w+)/, `<gml:$1 ${NS}`));

describe("axis order of srsNames", () => {
  test("URN and URL 4326 are lat/lon, EPSG:4326 and CRS84 are x/y", () => {
    expect(parseSrsName("urn:ogc:def:crs:EPSG::4326").latFirst).toBe(true);
    expect(parseSrsName("urn:x-ogc:def:crs:EPSG:4326").latFirst).toBe(true);
    expect(parseSrsName("http://www.opengis.net/def/crs/EPSG/0/4326").latFirst).toBe(true);
    expect(parseSrsName("EPSG:4326").latFirst).toBe(false);
    expect(parseSrsName("http://www.opengis.net/gml/srs/epsg.xml#4326").latFirst).toBe(false);
    expect(parseSrsName("urn:ogc:def:crs:OGC:1.3:CRS84").latFirst).toBe(false);
    expect(parseSrsName("urn:ogc:def:crs:EPSG::3857").latFirst).toBe(false);
  });
  test("unknown names throw", () => {
    expect(() => parseSrsName("EPSG:999999")).toThrow();
    expect(() => parseSrsName("nonsense")).toThrow();
  });
  test("srsNameOf writes each style", () => {
    expect(srsNameOf(3857, "urn")).toBe("urn:ogc:def:crs:EPSG::3857");
    expect(srsNameOf(4326, "url")).toBe("http://www.opengis.net/def/crs/EPSG/0/4326");
  });
});

describe("GML writer", () => {
  const pt: Geometry = { type: "Point", coordinates: [10, 50] };
  test("GML 2 point in x/y", () => {
    expect(writeGml(pt, { version: "2", srsName: "EPSG:4326", latFirst: false })).toBe(
      '<gml:Point srsName="EPSG:4326"><gml:coordinates decimal="." cs="," ts=" ">10,50</gml:coordinates></gml:Point>',
    );
  });
  test("GML 3.2 point lat/lon with gml:id", () => {
    const s = writeGml(pt, {
      version: "3.2",
      srsName: "urn:ogc:def:crs:EPSG::4326",
      latFirst: true,
      id: "l.1.geom",
    });
    expect(s).toBe(
      '<gml:Point gml:id="l.1.geom" srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>50 10</gml:pos></gml:Point>',
    );
  });
  test("GML 3 multipolygon is a MultiSurface; Z adds srsDimension", () => {
    const g: Geometry = {
      type: "MultiPolygon",
      coordinates: [
        [
          [
            [0, 0, 1],
            [1, 0, 1],
            [1, 1, 1],
            [0, 0, 1],
          ],
        ],
      ],
    };
    const s = writeGml(g, { version: "3.1", srsName: "EPSG:3857", latFirst: false });
    expect(s).toContain("<gml:MultiSurface");
    expect(s).toContain('<gml:posList srsDimension="3">0 0 1 1 0 1 1 1 1 0 0 1</gml:posList>');
  });
  test("envelopes", () => {
    expect(
      writeGmlEnvelope([1, 2, 3, 4], { version: "3.1", srsName: "x", latFirst: true }),
    ).toContain("<gml:lowerCorner>2 1</gml:lowerCorner><gml:upperCorner>4 3</gml:upperCorner>");
  });
});

describe("GML reader", () => {
  test("GML 2 polygon with a hole and custom separators", () => {
    const el = wrap(
      `<gml:Polygon srsName="EPSG:4326"><gml:outerBoundaryIs><gml:LinearRing><gml:coordinates cs=";" ts="|">0;0|10;0|10;10|0;10|0;0</gml:coordinates></gml:LinearRing></gml:outerBoundaryIs><gml:innerBoundaryIs><gml:LinearRing><gml:coordinates>1,1 2,1 2,2 1,1</gml:coordinates></gml:LinearRing></gml:innerBoundaryIs></gml:Polygon>`,
    );
    const r = readGml(el);
    expect(r.srs).toBe(4326);
    expect(r.geometry).toEqual({
      type: "Polygon",
      coordinates: [
        [
          [0, 0],
          [10, 0],
          [10, 10],
          [0, 10],
          [0, 0],
        ],
        [
          [1, 1],
          [2, 1],
          [2, 2],
          [1, 1],
        ],
      ],
    });
  });
  test("URN 4326 swaps to x/y; default srsName applies when none is given", () => {
    const el = wrap(
      `<gml:Point srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>50 10</gml:pos></gml:Point>`,
    );
    expect(readGml(el).geometry).toEqual({ type: "Point", coordinates: [10, 50] });
    const bare = wrap(`<gml:Point><gml:pos>50 10</gml:pos></gml:Point>`);
    expect(readGml(bare, { defaultSrsName: "urn:ogc:def:crs:EPSG::4326" })).toEqual({
      geometry: { type: "Point", coordinates: [10, 50] },
      srs: 4326,
    });
    expect(readGml(bare).srs).toBeNull();
  });
  test("MultiSurface of Surfaces with PolygonPatch, MultiCurve of Curves", () => {
    const ms = wrap(
      `<gml:MultiSurface srsName="EPSG:3857"><gml:surfaceMember><gml:Surface><gml:patches><gml:PolygonPatch><gml:exterior><gml:LinearRing><gml:posList>0 0 1 0 1 1 0 0</gml:posList></gml:LinearRing></gml:exterior></gml:PolygonPatch></gml:patches></gml:Surface></gml:surfaceMember></gml:MultiSurface>`,
    );
    expect(readGml(ms).geometry.type).toBe("MultiPolygon");
    const mc = wrap(
      `<gml:MultiCurve><gml:curveMember><gml:Curve><gml:segments><gml:LineStringSegment><gml:posList>0 0 1 1</gml:posList></gml:LineStringSegment><gml:LineStringSegment><gml:posList>1 1 2 0</gml:posList></gml:LineStringSegment></gml:segments></gml:Curve></gml:curveMember></gml:MultiCurve>`,
    );
    expect(readGml(mc).geometry).toEqual({
      type: "MultiLineString",
      coordinates: [
        [
          [0, 0],
          [1, 1],
          [1, 1],
          [2, 0],
        ],
      ],
    });
  });
  test("Envelope and Box become polygons", () => {
    const env = wrap(
      `<gml:Envelope srsName="EPSG:4326"><gml:lowerCorner>1 2</gml:lowerCorner><gml:upperCorner>3 4</gml:upperCorner></gml:Envelope>`,
    );
    expect(readGml(env).geometry).toEqual({
      type: "Polygon",
      coordinates: [
        [
          [1, 2],
          [3, 2],
          [3, 4],
          [1, 4],
          [1, 2],
        ],
      ],
    });
    const box = wrap(`<gml:Box><gml:coordinates>1,2 3,4</gml:coordinates></gml:Box>`);
    expect(readGml(box).geometry.type).toBe("Polygon");
  });
  test.each([
    [`<gml:Point><gml:pos>NaN 1</gml:pos></gml:Point>`],
    [`<gml:Point><gml:pos>Infinity 1</gml:pos></gml:Point>`],
    [`<gml:Point><gml:pos>1e999 1</gml:pos></gml:Point>`],
    [`<gml:Point><gml:pos>1 2 3</gml:pos></gml:Point>`],
    [`<gml:LineString><gml:posList>1 2</gml:posList></gml:LineString>`],
    [
      `<gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>0 0 1 1 0 0</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>`,
    ],
    [`<gml:Point srsName="EPSG:0"><gml:pos>1 2</gml:pos></gml:Point>`],
    [`<gml:Circle><gml:pos>1 2</gml:pos></gml:Circle>`],
    [
      `<gml:MultiPoint><gml:pointMember><gml:LineString><gml:posList>0 0 1 1</gml:posList></gml:LineString></gml:pointMember></gml:MultiPoint>`,
    ],
  ])("refuses %s", (xml) => {
    expect(() => readGml(wrap(xml))).toThrow(GmlError);
  });
});

// -0 is written as "0" (String(-0)); the reader cannot tell them apart and need not.
const coord = fc
  .double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true })
  .map((x) => (Object.is(x, -0) ? 0 : x));
const pos = fc.tuple(coord, coord).map(([x, y]) => [x, y]);
const ringArb = fc.array(pos, { minLength: 3, maxLength: 8 }).map((ps) => [...ps, ps[0]!]);
const geomArb: fc.Arbitrary<Geometry> = fc.oneof(
  pos.map((p) => ({ type: "Point", coordinates: p }) as Geometry),
  fc
    .array(pos, { minLength: 2, maxLength: 6 })
    .map((c) => ({ type: "LineString", coordinates: c }) as Geometry),
  fc
    .array(ringArb, { minLength: 1, maxLength: 3 })
    .map((c) => ({ type: "Polygon", coordinates: c }) as Geometry),
  fc
    .array(pos, { minLength: 1, maxLength: 4 })
    .map((c) => ({ type: "MultiPoint", coordinates: c }) as Geometry),
  fc
    .array(fc.array(pos, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 3 })
    .map((c) => ({ type: "MultiLineString", coordinates: c }) as Geometry),
  fc
    .array(fc.array(ringArb, { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 3 })
    .map((c) => ({ type: "MultiPolygon", coordinates: c }) as Geometry),
);

describe("GML round trips (fast-check)", () => {
  test("write then read gives the geometry back, every version and axis order", () => {
    fc.assert(
      fc.property(
        geomArb,
        fc.constantFrom<GmlVersion>("2", "3.1", "3.2"),
        fc.constantFrom(
          "EPSG:4326",
          "urn:ogc:def:crs:EPSG::4326",
          "http://www.opengis.net/def/crs/EPSG/0/3857",
        ),
        (g, version, srsName) => {
          const latFirst = parseSrsName(srsName).latFirst;
          const xml = writeGml(g, { version, srsName, latFirst, id: "f.1" });
          const back = readGml(parseXmlSafe(`<r ${NS}>${xml}</r>`).children[0]!);
          expect(back.geometry).toEqual(g);
        },
      ),
      { numRuns: 300 },
    );
  });
  test("random text inside coordinates only ever raises GmlError", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }),
        fc.constantFrom("pos", "posList", "coordinates"),
        (s, tag) => {
          const esc = s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
          const el = wrap(`<gml:LineString><gml:${tag}>${esc}</gml:${tag}></gml:LineString>`);
          try {
            const g = readGml(el).geometry;
            expect(g.type).toBe("LineString");
          } catch (err) {
            expect(err).toBeInstanceOf(GmlError);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
