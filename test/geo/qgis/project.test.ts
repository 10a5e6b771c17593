/** @module Reading QGIS 3 project documents: layers, datasources, styles, CRS, extent, hostile XML. */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDatasource } from "../../../src/geo/qgis/datasource.ts";
import { parseProject } from "../../../src/geo/qgis/project.ts";

const fixture = join(import.meta.dir, "../../fixtures/qgis/world.qgs");

describe("parseProject", () => {
  const p = parseProject(readFileSync(fixture));

  test("title, project CRS as QGIS's user friendly identifier, WMS extent", () => {
    expect(p.title).toBe("World");
    expect(p.crs).toEqual({ authid: "EPSG:4326", epsg: 4326, label: "EPSG:4326 - WGS 84" });
    expect(p.extent).toEqual([-180, -90, 180, 90]);
    expect(p.version).toStartWith("3.28");
  });

  test("layers in layer-tree order with provider, datasource, CRS and checked state", () => {
    expect(p.layers.map((l) => [l.name, l.provider, l.visible])).toEqual([
      ["cities", "ogr", true],
      ["cities_csv", "delimitedtext", false],
      ["countries", "ogr", true],
      ["world", "gdal", false],
    ]);
    const countries = p.layers[2]!;
    expect(countries.datasource).toBe("./data/countries.gpkg|layername=countries");
    expect(countries.crs.label).toBe("EPSG:3857 - WGS 84 / Pseudo-Mercator");
    expect(countries.title).toBe("Countries");
  });

  test("the embedded renderer is read by the QML reader", () => {
    const countries = p.layers.find((l) => l.name === "countries")!;
    expect(countries.style?.kind).toBe("vector");
    const fill = (countries.style as any).rules[0].symbolizers[0];
    expect(fill).toMatchObject({ kind: "fill", color: "#e31a1c" });
    const cities = p.layers.find((l) => l.name === "cities")!;
    expect((cities.style as any).rules[0].symbolizers[0]).toMatchObject({
      kind: "marker",
      fill: "#0000ff",
    });
    expect(p.layers.find((l) => l.name === "world")!.style?.kind).toBe("raster");
  });

  test("not a project, entities and internal DTD subsets are refused", () => {
    expect(() => parseProject("<qgis/>")).toThrow(/projectlayers/);
    expect(() => parseProject("<foo><projectlayers/></foo>")).toThrow(/root element/);
    const xxe =
      '<!DOCTYPE qgis [<!ENTITY x SYSTEM "file:///etc/passwd">]><qgis><title>&x;</title><projectlayers/></qgis>';
    expect(() => parseProject(xxe)).toThrow(/ENTITY/);
  });

  test("a layer without a renderer has no style and says why", () => {
    const doc =
      "<qgis><projectlayers><maplayer type='vector'><id>a</id><layername>a</layername>" +
      "<datasource>a.shp</datasource><provider>ogr</provider></maplayer></projectlayers></qgis>";
    const l = parseProject(doc).layers[0]!;
    expect(l.style).toBeNull();
    expect(l.styleWarnings[0]).toMatch(/renderer/);
  });
});

describe("parseDatasource", () => {
  test("ogr files with a layer name, GeoTIFF through gdal, CSV through delimitedtext", () => {
    expect(parseDatasource("ogr", "./d/x.gpkg|layername=roads|subset=")).toEqual({
      ok: true,
      source: { kind: "vector", path: "./d/x.gpkg", sourceLayer: "roads" },
    });
    expect(parseDatasource("gdal", "/abs/dem.tif")).toEqual({
      ok: true,
      source: { kind: "raster", path: "/abs/dem.tif" },
    });
    const csv = parseDatasource(
      "delimitedtext",
      "file:///d/p%20t.csv?type=csv&xField=X&yField=Y&crs=EPSG:3857",
    );
    expect(csv).toEqual({
      ok: true,
      source: {
        kind: "vector",
        path: "/d/p t.csv",
        csv: { xField: "X", yField: "Y", wktField: undefined, delimiter: undefined },
        epsg: 3857,
      },
    });
  });

  test("databases, services and unknown files are unsupported", () => {
    expect(parseDatasource("postgres", "dbname='x' password='y'").ok).toBe(false);
    expect(parseDatasource("wms", "url=http://x").ok).toBe(false);
    expect(parseDatasource("ogr", "/etc/passwd").ok).toBe(false);
    expect(parseDatasource("gdal", "x.vrt").ok).toBe(false);
  });
});
