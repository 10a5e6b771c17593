/**
 * @module The real client, geoserver-node-client (npm 1.4.6), against a gisd server in this
 * process: the smoke sequence of reference A.3 with the assertions of the client's own test suite
 * (meggsimum/geoserver-node-client test/test.js) where they apply to a file-based server.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { GeoServerRestClient } from "geoserver-node-client";
import { ADMIN_PASSWORD, startServer, type TestServer } from "../../helpers/server.ts";

let s: TestServer;
let grc: GeoServerRestClient;
let url: string;
const ws = "my-workspace";
const FIX = `${import.meta.dir}/../../fixtures/geoserver`;

const SLD = `<?xml version="1.0" encoding="UTF-8"?>
<StyledLayerDescriptor version="1.0.0" xsi:schemaLocation="http://www.opengis.net/sld StyledLayerDescriptor.xsd" xmlns="http://www.opengis.net/sld" xmlns:ogc="http://www.opengis.net/ogc" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <NamedLayer><Name>default_line</Name><UserStyle><Title>Default Line</Title>
    <FeatureTypeStyle><Rule><Name>rule1</Name><LineSymbolizer><Stroke>
      <CssParameter name="stroke">#0000FF</CssParameter></Stroke></LineSymbolizer></Rule></FeatureTypeStyle>
  </UserStyle></NamedLayer>
</StyledLayerDescriptor>
`;

beforeAll(async () => {
  s = await startServer({ GISD_IMPORT_ROOT: FIX });
  url = `${s.url}/geoserver/rest/`;
  grc = new GeoServerRestClient(url, "administrator", ADMIN_PASSWORD);
});
afterAll(async () => {
  await s.stop();
});

describe("About, reset, reload, settings", () => {
  test("exists and reports a version", async () => {
    expect(await grc.about.exists()).toBe(true);
    const v = await grc.about.getVersion();
    expect(typeof v.about.resource[0].Version).toBe("string");
  });
  test("reset and reload succeed", async () => {
    await grc.resetReload.reset();
    await grc.resetReload.reload();
  });
  test("settings and contact information are readable", async () => {
    const settings = await grc.settings.getSettings();
    expect(settings.global.settings.charset).toBeTruthy();
    expect(await grc.settings.getContactInformation()).toBeTruthy();
  });
  test("users list holds the administrator", async () => {
    const users = await grc.security.getAllUsers();
    expect(users.users.map((u: { userName: string }) => u.userName)).toContain("administrator");
  });
});

describe("Workspace", () => {
  test("has no workspace", async () => {
    expect((await grc.workspaces.getAll()).workspaces).toBe("");
  });
  test("creates one workspace", async () => {
    expect(await grc.workspaces.create(ws)).toBe(ws);
  });
  test("has one workspace", async () => {
    const all = await grc.workspaces.getAll();
    expect(all.workspaces.workspace.length).toBe(1);
    expect(all.workspaces.workspace[0].name).toBe(ws);
  });
  test("query dedicated workspace", async () => {
    expect((await grc.workspaces.get(ws)).workspace.name).toBe(ws);
    expect(await grc.workspaces.get("fantasyWorkspace")).toBeUndefined();
  });
  test("delete workspace", async () => {
    await grc.workspaces.delete(ws, true);
    expect((await grc.workspaces.getAll()).workspaces).toBe("");
  });
});

describe("Namespace", () => {
  test("create, query, delete", async () => {
    expect((await grc.namespaces.getAll()).namespaces).toBe("");
    await grc.namespaces.create("my-namespace", "http://www.example.com");
    const all = await grc.namespaces.getAll();
    expect(all.namespaces.namespace.length).toBe(1);
    expect(all.namespaces.namespace[0].name).toBe("my-namespace");
    const one = await grc.namespaces.get("my-namespace");
    expect(one.namespace.prefix).toBe("my-namespace");
    expect(one.namespace.uri).toBe("http://www.example.com");
    expect(await grc.namespaces.get("fantasyNamespace")).toBeUndefined();
    await grc.namespaces.delete("my-namespace");
    expect((await grc.namespaces.getAll()).namespaces).toBe("");
  });
});

describe("Stores, layers, styles, layer groups", () => {
  beforeAll(async () => {
    await grc.workspaces.create(ws);
  });

  test("a GeoPackage store from a server file inside the import root", async () => {
    await grc.datastores.createGpkgStore(ws, "my-gpkg-store", "iceland.gpkg");
    const ds = await grc.datastores.getDataStore(ws, "my-gpkg-store");
    expect(ds.dataStore.name).toBe("my-gpkg-store");
    expect(ds.dataStore.type).toBe("GeoPackage");
  });

  test("a PostGIS store whose database cannot be reached is refused; the client sees an error", async () => {
    // Port 1 on loopback refuses at once (postgis.test.ts here covers a live database).
    await expect(
      grc.datastores.createPostgisStore(
        ws,
        "http://x",
        "pg",
        "127.0.0.1",
        1,
        "u",
        "p",
        "public",
        "db",
        true,
      ),
    ).rejects.toThrow();
  });

  test("list=available names the unpublished tables of the store's file", async () => {
    const res = await s.fetch(
      `/geoserver/rest/workspaces/${ws}/datastores/my-gpkg-store/featuretypes.json?list=available`,
      { auth: s.admin },
    );
    expect(await res.json()).toEqual({ list: { string: ["iceland"] } });
    const xml = await s.fetch(
      `/geoserver/rest/workspaces/${ws}/datastores/my-gpkg-store/featuretypes.xml?list=available`,
      { auth: s.admin },
    );
    expect(await xml.text()).toBe("<list><featureTypeName>iceland</featureTypeName></list>");
  });

  test("publishing a feature type from the GeoPackage", async () => {
    await grc.layers.publishFeatureType(
      ws,
      "my-gpkg-store",
      "iceland",
      "iceland",
      "Iceland",
      "EPSG:4326",
      true,
      "Sample Abstract",
    );
    const ft = await grc.layers.getFeatureType(ws, "my-gpkg-store", "iceland");
    expect(ft.featureType.name).toBe("iceland");
    expect(ft.featureType.title).toBe("Iceland");
    expect(ft.featureType.abstract).toBe("Sample Abstract");
    expect(ft.featureType.latLonBoundingBox.minx).toBeCloseTo(-24.5399, 3);
    expect(ft.featureType.attributes.attribute).toBeDefined();
  });

  test("returns undefined for stores that do not exist", async () => {
    expect(await grc.datastores.getDataStore(ws, "fantasyStore")).toBeUndefined();
    expect(await grc.datastores.getCoverageStore(ws, "fantasyStore")).toBeUndefined();
  });

  test("a GeoTIFF upload creates a coverage store and a coverage layer", async () => {
    const text = await grc.datastores.createGeotiffFromFile(
      ws,
      "my-rasterstore",
      "my-raster-name",
      "My Raster Title",
      `${FIX}/world.tif`,
    );
    expect(text).toContain("<coverageStore>");
    const cs = await grc.datastores.getCoverageStores(ws);
    expect(cs.coverageStores.coverageStore.length).toBe(1);
    const cov = await grc.layers.getCoverage(ws, "my-rasterstore", "my-raster-name");
    expect(cov.coverage.name).toBe("my-raster-name");
    expect(
      await grc.layers.getCoverage(ws, "my-rasterstore", "non-existent-layer"),
    ).toBeUndefined();
  });

  test("renaming the four bands of the coverage", async () => {
    const names = ["one", "two", "three", "four"];
    await grc.layers.renameCoverageBands(ws, "my-rasterstore", "my-raster-name", names);
    const cov = await grc.layers.getCoverage(ws, "my-rasterstore", "my-raster-name");
    const dims = cov.coverage.dimensions.coverageDimension;
    expect(dims.length).toBe(4);
    expect(dims[3].name).toBe("four");
  });

  test("layers: list, get, modify attribution by PUTting the GET document back", async () => {
    const all = await grc.layers.getAll();
    expect(all.layers.layer.length).toBe(2);
    expect((await grc.layers.getLayers(ws)).layers.layer.length).toBe(2);
    expect((await grc.layers.getLayers("fantasy-workspace")).layers).toBe("");
    expect(await grc.layers.get(ws, "non-existent-layer")).toBeUndefined();
    await grc.layers.modifyAttribution(
      ws,
      "iceland",
      "sample attribution",
      "http://www.example.com",
    );
    const l = await grc.layers.get(ws, "iceland");
    expect(l.layer.attribution.title).toBe("sample attribution");
    expect(l.layer.attribution.href).toBe("http://www.example.com");
    expect(l.layer.defaultStyle.name).toBe("polygon");
  });

  test("styles: five defaults, publish, assign as extra and as default, delete", async () => {
    expect((await grc.styles.getDefaults()).styles.style.length).toBe(5);
    await grc.styles.publish(ws, "my-style-name", SLD);
    expect((await grc.styles.getAll()).length).toBe(6);
    expect((await grc.styles.getInWorkspace(ws)).styles.style.length).toBe(1);
    const before = (await grc.layers.get(ws, "iceland")).layer.defaultStyle.name;
    await grc.styles.assignStyleToLayer(ws, "iceland", ws, "my-style-name", false);
    const l2 = (await grc.layers.get(ws, "iceland")).layer;
    expect(l2.defaultStyle.name).toBe(before);
    const extra = Array.isArray(l2.styles.style) ? l2.styles.style[0].name : l2.styles.style.name;
    expect(extra).toBe(`${ws}:my-style-name`);
    await grc.styles.assignStyleToLayer(ws, "iceland", ws, "my-style-name");
    expect((await grc.layers.get(ws, "iceland")).layer.defaultStyle.name).toBe(
      `${ws}:my-style-name`,
    );
    expect((await grc.styles.getStyleInformation(ws, "my-style-name")).style.name).toBe(
      "my-style-name",
    );
    expect(await grc.styles.getStyleInformation(ws, "fantasyStyle")).toBeUndefined();
    await expect(grc.styles.delete(ws, "my-style-name", false, false)).rejects.toThrow();
    await grc.styles.delete(ws, "my-style-name", true, false);
    expect((await grc.layers.get(ws, "iceland")).layer.defaultStyle.name).toBe("polygon");
  });

  test("layer groups: Location without workspace, bounds kept exactly", async () => {
    const loc = await grc.layergroups.create(ws, "testLayerGroup", ["my-raster-name"]);
    expect(loc).toBe(`${url}layergroups/testLayerGroup`);
    expect(await grc.layergroups.get(ws, "non-existent-layer-group")).toBeUndefined();
    expect(await grc.layergroups.get(ws, "testLayerGroup")).toBeDefined();
    const bounds = {
      minx: -20037508.34,
      maxx: -20048966.1,
      miny: 20037508.34,
      maxy: 20048966.1,
      crs: "EPSG:3857",
    };
    await grc.layergroups.create(ws, "testLayerGroup2", ["my-raster-name"], { bounds });
    const g = await grc.layergroups.get(ws, "testLayerGroup2");
    expect(g.layerGroup.bounds.minx).toBe(bounds.minx);
    expect(g.layerGroup.publishables.published.name).toBe(`${ws}:my-raster-name`);
  });

  test("recursive workspace delete removes everything", async () => {
    await grc.workspaces.delete(ws, true);
    expect((await grc.layers.getAll()).layers).toBe("");
    expect(await grc.workspaces.get(ws)).toBeUndefined();
  });
});
