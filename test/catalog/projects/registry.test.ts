/** @module The project cache: listing, loading, mtime reload, eviction, .qgz, hostile paths. */
import { afterAll, describe, expect, test } from "bun:test";
import {
  cpSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zipSync } from "fflate";
import { mapKey } from "../../../src/catalog/projects/paths.ts";
import { ProjectRegistry } from "../../../src/catalog/projects/registry.ts";

const fixtures = join(import.meta.dir, "../../fixtures/qgis");
const dir = mkdtempSync(join(tmpdir(), "gisd-projects-"));
cpSync(fixtures, dir, { recursive: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const world = readFileSync(join(fixtures, "world.qgs"), "utf8");

describe("ProjectRegistry", () => {
  const reg = new ProjectRegistry(dir);

  test("lists project files by key and loads one on demand", async () => {
    expect((await reg.files()).map((f) => f.key)).toEqual(["world"]);
    expect(reg.loaded()).toEqual([]);
    const p = await reg.get("world");
    expect(p.project.title).toBe("World");
    expect(p.layers.every((l) => l.valid)).toBe(true);
    expect(p.layers[0]!.source).toBe(join(dir, "data/cities.geojson"));
    expect(reg.loaded().map((l) => l.key)).toEqual(["world"]);
    expect(await reg.get("world")).toBe(p);
  });

  test("every supported datasource opens: GeoJSON, GeoPackage, CSV, GeoTIFF", async () => {
    const p = await reg.get("world");
    const counts: Record<string, number> = {};
    for (const l of p.layers) {
      const d = await p.data(l);
      counts[l.name] = d.kind === "vector" ? await d.source.count() : d.info.width;
    }
    expect(counts).toEqual({ cities: 20, cities_csv: 20, countries: 6, world: 40 });
  });

  test("a changed file is reloaded; evict drops it", async () => {
    const first = await reg.get("world");
    const file = join(dir, "world.qgs");
    writeFileSync(file, world.replace("<title>World</title>", "<title>World 2</title>"));
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const second = await reg.get("world");
    expect(second).not.toBe(first);
    expect(second.project.title).toBe("World 2");
    expect(reg.evict("world")).toBe(true);
    expect(reg.loaded()).toEqual([]);
    writeFileSync(file, world);
  });

  test("a .qgz project is unpacked and its relative paths resolve beside it", async () => {
    writeFileSync(
      join(dir, "zipped.qgz"),
      zipSync({ "zipped.qgs": new TextEncoder().encode(world) }),
    );
    const p = await reg.get("zipped");
    expect(p.filename).toBe(join(dir, "zipped.qgz"));
    expect(p.layers.filter((l) => l.valid)).toHaveLength(4);
  });

  test("a .qgz with a zip-slip entry or two projects is refused", async () => {
    writeFileSync(
      join(dir, "slip.qgz"),
      zipSync({ "../slip.qgs": new TextEncoder().encode(world) }),
    );
    await expect(reg.get("slip")).rejects.toThrow(/cannot be read/);
    writeFileSync(
      join(dir, "two.qgz"),
      zipSync({
        "a.qgs": new TextEncoder().encode(world),
        "b.qgs": new TextEncoder().encode(world),
      }),
    );
    await expect(reg.get("two")).rejects.toThrow(/exactly one/);
  });

  test("datasources escaping the folder are invalid and never opened", async () => {
    const outside = mkdtempSync(join(tmpdir(), "gisd-outside-"));
    writeFileSync(join(outside, "secret.geojson"), '{"type":"FeatureCollection","features":[]}');
    symlinkSync(join(outside, "secret.geojson"), join(dir, "data/link.geojson"));
    const hostile = world
      .replace("./data/cities.geojson</datasource>", "../../../../etc/passwd.geojson</datasource>")
      .replace(
        "./data/countries.gpkg|layername=countries</datasource>",
        "./data/link.geojson</datasource>",
      )
      .replace("./data/world.tif</datasource>", `${outside}/x.tif</datasource>`);
    writeFileSync(join(dir, "hostile.qgs"), hostile);
    const p = await reg.get("hostile");
    const bad = p.layers.filter((l) => !l.valid).map((l) => l.name);
    expect(bad.sort()).toEqual(["cities", "countries", "world"]);
    expect(p.layers.find((l) => l.name === "cities")!.error).toMatch(/outside/);
    await expect(async () => p.data(p.layers[0]!)).toThrow(/not valid/);
    rmSync(outside, { recursive: true, force: true });
  });

  test("the cache keeps at most `capacity` projects, least recently used out first", async () => {
    const small = new ProjectRegistry(dir, 2);
    await small.get("world");
    await small.get("zipped");
    await small.get("world"); // now the most recently used
    await small.get("hostile");
    expect(small.loaded().map((p) => p.key)).toEqual(["world", "hostile"]);
  });

  test("unknown projects are 404 'not in cache'", async () => {
    await expect(reg.get("nope")).rejects.toMatchObject({
      status: 404,
      message: "Project 'nope' not in cache",
    });
  });
});

describe("mapKey", () => {
  test("accepts a key, a file name or an absolute path inside the folder", () => {
    expect(mapKey(dir, "world")).toBe("world");
    expect(mapKey(dir, "world.qgs")).toBe("world");
    expect(mapKey(dir, join(dir, "world.qgs"))).toBe("world");
  });

  test("refuses anything that could name another file", () => {
    for (const bad of [
      "../../etc/passwd",
      "/etc/passwd",
      "data/../world.qgs",
      join(dir, "data/x.qgs"),
      ".hidden",
      "a\0b",
      "",
      "..",
      "%2e%2e/world",
    ])
      expect(() => mapKey(dir, bad)).toThrow();
  });
});

describe("projectOwsSet", () => {
  test("publishes valid layers with WGS 84 boxes, kinds, read-only sources and pool drawing", async () => {
    const { ProjectService } = await import("../../../src/catalog/projects/service.ts");
    const { projectOwsSet } = await import("../../../src/catalog/projects/layer-set.ts");
    const { viewOf } = await import("../../../src/geo/render/view.ts");
    const svc = new ProjectService({ projectsDir: fixtures, workers: 1 });
    try {
      const set = await projectOwsSet(svc, "world");
      expect(set.title).toBe("World");
      expect(set.wgs84).toEqual([-180, -90, 180, 90]);
      expect(set.layers.map((l) => [l.name, l.kind, l.srs])).toEqual([
        ["cities", "vector", 4326],
        ["cities_csv", "vector", 4326],
        ["countries", "vector", 3857],
        ["world", "raster", 4326],
      ]);
      const countries = set.layers[2]!;
      expect(countries.wgs84![0]).toBeCloseTo(-180, 3);
      expect(countries.wgs84![3]).toBeGreaterThan(80);
      const src = await countries.source();
      expect(await src.count()).toBe(6);
      expect("batch" in src).toBe(false);
      const img = await set.render(["countries"], viewOf([-2e7, -2e7, 2e7, 2e7], 32, 32));
      expect(img.empty).toBe(false);
    } finally {
      await svc.close();
    }
  });
});
