/** @module Every reader against the same sources of truth (GeoJSON made into each format by ogr2ogr). */
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { openVectorFile } from "../../../src/geo/formats/reader.ts";
import { collect, expectSameFeatures, FIX, truth } from "./helpers.ts";

const CITY_FIELDS = ["name", "name_ascii", "country", "population", "timezone", "geonameid"];

describe("cities (points) in every format", () => {
  const cases: [string, string, Record<string, unknown>?][] = [
    ["cities.geojson", "GeoJSON"],
    ["cities.geojsons", "GeoJSON"],
    ["cities.geojsonl", "GeoJSON"],
    ["cities_shp.zip", "ESRI Shapefile"],
    ["natural_earth.gpkg", "GPKG", { sourceLayer: "cities" }],
    ["cities.fgb", "FlatGeobuf"],
    ["cities.kml", "KML"],
    ["cities.csv", "CSV"],
  ];
  for (const [file, format, opts] of cases) {
    test(file, async () => {
      const r = await openVectorFile(join(FIX, file), opts);
      try {
        expect(r.format).toBe(format);
        expect(r.info.geometryType).toBe("POINT");
        expect(r.info.count).toBe(40);
        if (format !== "CSV") expect(r.info.srs).toBe(4326);
        const types = Object.fromEntries(r.info.fields.map((f) => [f.keyname, f.datatype]));
        expect(types.name).toBe("STRING");
        expect(["INTEGER", "BIGINT"]).toContain(types.population as string);
        const got = await collect(r);
        const fgb = format === "FlatGeobuf";
        expectSameFeatures(got, await truth("cities.geojson"), CITY_FIELDS.concat("capital"), fgb);
        expect(got.map((f) => f.index)).toEqual([...Array(40).keys()]);
      } finally {
        await r.close();
      }
    });
  }
  test("GeoJSON infers BOOLEAN and keeps feature order", async () => {
    const r = await openVectorFile(join(FIX, "cities.geojson"));
    expect(r.info.fields.find((f) => f.keyname === "capital")?.datatype).toBe("BOOLEAN");
    const got = await collect(r);
    expect(got[0]!.fields.name).toBe("İstanbul");
  });
});

describe("countries (polygons with holes, multipolygons)", () => {
  const cases: [string, string, Record<string, unknown>?][] = [
    ["countries.geojson", "GeoJSON"],
    ["countries_shp.zip", "ESRI Shapefile"],
    ["natural_earth.gpkg", "GPKG"],
    ["countries.fgb", "FlatGeobuf"],
    ["countries_wkt.csv", "CSV"],
  ];
  for (const [file, format, opts] of cases) {
    test(file, async () => {
      const r = await openVectorFile(join(FIX, file), opts);
      try {
        expect(r.format).toBe(format);
        expect(r.layer).toStartWith("countries");
        expect(r.info.count).toBe(15);
        // iso_n3 has leading zeros ("036"): it must stay text everywhere.
        expect(r.info.fields.find((f) => f.keyname === "iso_n3")?.datatype).toBe("STRING");
        const got = await collect(r);
        expectSameFeatures(
          got,
          await truth("countries.geojson"),
          ["name", "iso_n3"],
          format === "FlatGeobuf",
        );
        const za = got.find((f) => f.fields.name === "South Africa")!;
        expect(za.geom?.type).toBe("Polygon");
        expect((za.geom as { coordinates: unknown[] }).coordinates.length).toBe(2);
      } finally {
        await r.close();
      }
    });
  }
  test("GeoPackage lists both layers", async () => {
    const r = await openVectorFile(join(FIX, "natural_earth.gpkg"));
    expect(r.layers).toEqual(["countries", "cities"]);
    // ogr2ogr declared GEOMETRY (polygons and multipolygons mixed): the importer decides.
    expect(r.info.geometryType).toBeNull();
    await r.close();
  });
});

test("shapefile in cp1251 (from .cpg) decodes Cyrillic names", async () => {
  const r = await openVectorFile(join(FIX, "ru_cities_cp1251_shp.zip"));
  const got = await collect(r);
  await r.close();
  expectSameFeatures(got, await truth("ru_cities.geojson"), ["name", "name_ascii", "population"]);
  expect(got[0]!.fields.name).toBe("Москва");
});
