/** @module Tests of the SRS engine: known coordinates, boxes, .prj and CRS name recognition. */
import { describe, expect, test } from "bun:test";
import { parseWkt } from "../../../src/geo/geometry/wkt.ts";
import {
  hasSrs,
  parseCrsName,
  parsePrj,
  reprojectBBox,
  reprojectGeometry,
  srsDef,
  srsWkt,
  transformer,
} from "../../../src/geo/srs/index.ts";

const near = (a: number[], b: number[], tol: number) => {
  expect(Math.abs(a[0]! - b[0]!)).toBeLessThan(tol);
  expect(Math.abs(a[1]! - b[1]!)).toBeLessThan(tol);
};

describe("EPSG table", () => {
  test("has the codes users meet", () => {
    for (const c of [
      4326, 3857, 4269, 4258, 4283, 4167, 4674, 3035, 2154, 27700, 28992, 31370, 5514, 3006, 2180,
      3067, 3395, 3413, 3031, 3576, 102100, 900913,
    ]) {
      expect(hasSrs(c)).toBe(true);
    }
    for (let z = 1; z <= 60; z++) {
      expect(hasSrs(32600 + z) && hasSrs(32700 + z)).toBe(true);
    }
    for (let z = 1; z <= 23; z++) expect(hasSrs(26900 + z)).toBe(true);
    for (let z = 28; z <= 38; z++) expect(hasSrs(25800 + z)).toBe(true);
    for (let c = 28404; c <= 28432; c++) expect(hasSrs(c)).toBe(true);
    expect(hasSrs(2463) && hasSrs(2491)).toBe(true);
    expect(hasSrs(12345678)).toBe(false);
    expect(() => srsDef(999999)).toThrow(/Unknown spatial reference system/);
  });
});

describe("transform", () => {
  test("4326 <-> 3857", () => {
    const t = transformer(4326, 3857);
    near(t([37.6173, 55.7558]), [4187538.681, 7509955.142], 0.01); // PROJ cs2cs
    near(transformer(3857, 4326)([20037508.342789244, 0]), [180, 0], 1e-9);
    expect(t([10, 20, 123])[2]).toBe(123);
    expect(t([0, 90])[1]).toBeCloseTo(20037508.34, 1); // clamped, not Infinity
    expect(transformer(4326, 4326)([1, 2])).toEqual([1, 2]);
  });
  test("UTM 33N: Berlin", () => {
    // Brandenburg Gate, WGS 84 -> UTM 33N; expected values from PROJ 9 cs2cs
    near(transformer(4326, 32633)([13.377704, 52.516275]), [389918.042, 5819699.132], 0.01);
  });
  test("British National Grid within 1 m", () => {
    const t = transformer(4326, 27700);
    // Expected values from PROJ 9 cs2cs EPSG:4326 -> EPSG:27700 (OSGB36 Helmert, EPSG:1314).
    // Royal Observatory Greenwich
    near(t([-0.001475, 51.477811]), [538884.861, 177321.577], 1);
    // Big Ben
    near(t([-0.124625, 51.500694]), [530268.184, 179640.006], 1);
    // and back within 1 m through the inverse
    const back = transformer(27700, 4326)(t([-0.124625, 51.500694]));
    near(back, [-0.124625, 51.500694], 1e-5);
  });
  // Expected values from PROJ 9.1 cs2cs (easting first; PROJ prints northing first for the
  // CRSs whose EPSG axis order is north-east). Datum shifts use the Helmert PROJ ranks first.
  test.each([
    [2154, [2.2945, 48.8584], [648237.302, 6862271.682], 0.01],
    [3035, [10, 50], [4321000.0, 2987510.567], 0.01],
    [2180, [21.0122, 52.2297], [637382.204, 486757.209], 0.01],
    [3006, [18.0686, 59.3293], [674571.866, 6580743.008], 0.01],
    [3413, [-40, 75], [142401.981, -1627662.093], 0.01],
    [28992, [4.8922, 52.3731], [121290.514, 487362.277], 1],
    [31370, [4.3525, 50.8467], [148855.423, 170699.676], 1],
    // Here cs2cs picks another EPSG transformation than the one embedded (3-parameter S-JTSK,
    // Pulkovo 1942 (16)); the published transformations differ by metres.
    [5514, [14.4213, 50.0875], [-742805.835, -1043009.501], 10],
    [28407, [37.6173, 55.7558], [7413305.557, 6182341.067], 20],
  ])("EPSG:%i against PROJ", (code, lonlat, want, tol) => {
    near(transformer(4326, code)(lonlat), want, tol);
    near(transformer(code, 4326)(transformer(4326, code)(lonlat)), lonlat, 1e-7);
  });

  test("geometry and bbox", () => {
    const g = reprojectGeometry(parseWkt("MULTIPOINT Z ((0 0 5), (1 1 6))"), 4326, 3857);
    expect(g.type).toBe("MultiPoint");
    const b = reprojectBBox([-180, -85, 180, 85], 4326, 3857);
    expect(b[0]).toBeCloseTo(-20037508.34, 1);
    expect(b[3]).toBeGreaterThan(19e6);
    // A UTM box becomes wider at its top in lon/lat: densified edges catch the bulge.
    const u = reprojectBBox([166021, 0, 833978, 9329005], 32633, 4326);
    expect(u[0]).toBeLessThan(12);
    expect(u[2]).toBeGreaterThan(18);
  });
});

describe("names", () => {
  test("parseCrsName", () => {
    for (const [s, c] of [
      ["EPSG:4326", 4326],
      ["epsg:3857", 3857],
      ["urn:ogc:def:crs:EPSG::4326", 4326],
      ["urn:ogc:def:crs:EPSG:6.6:32633", 32633],
      ["urn:x-ogc:def:crs:EPSG:27700", 27700],
      ["http://www.opengis.net/def/crs/EPSG/0/3857", 3857],
      ["http://www.opengis.net/gml/srs/epsg.xml#4326", 4326],
      ["http://www.opengis.net/def/crs/OGC/1.3/CRS84", 4326],
      ["CRS84", 4326],
      ["urn:ogc:def:crs:OGC:1.3:CRS84", 4326],
      ["EPSG:900913", 3857],
      ["3857", 3857],
    ] as const) {
      expect(parseCrsName(s)).toBe(c);
    }
    for (const s of ["", "EPSG:", "EPSG:abc", "EPSG:4326; DROP TABLE x", "foo"]) {
      expect(parseCrsName(s)).toBeNull();
    }
  });
  test("parsePrj and srsWkt", () => {
    for (const c of [4326, 3857, 32633, 32760, 27700, 2154, 28992, 3035]) {
      const wkt = srsWkt(c);
      expect(wkt).toBeString();
      expect(parsePrj(wkt!)).toBe(c);
    }
    expect(srsWkt(4326)).toStartWith('GEOGCS["GCS_WGS_1984"');
    const authority =
      'PROJCS["WGS 84 / UTM zone 33N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],AUTHORITY["EPSG","4326"]],PROJECTION["Transverse_Mercator"],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AUTHORITY["EPSG","32633"]]';
    expect(parsePrj(authority)).toBe(32633);
    expect(parsePrj(authority.replace(',AUTHORITY["EPSG","32633"]]', "]"))).toBe(32633);
    expect(
      parsePrj('PROJCS["UTM Zone 35, Southern Hemisphere",GEOGCS["WGS 84",DATUM["WGS_1984"]]]'),
    ).toBe(32735);
    expect(parsePrj('PROJCS["NAD_1983_UTM_Zone_10N",GEOGCS["GCS_North_American_1983"]]')).toBe(
      26910,
    );
    expect(parsePrj("garbage")).toBeNull();
  });
});
