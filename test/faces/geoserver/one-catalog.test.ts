/**
 * @module One catalog, two faces: a shapefile uploaded through GeoServer REST is read with the
 * NGW feature API and drawn as an MVT tile; a layer made with the NGW API is listed by GeoServer
 * under the workspace of its group; a recursive workspace delete removes it from every face.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { VectorTile } from "@mapbox/vector-tile";
import { PbfReader } from "pbf";
import { startServer, type TestServer } from "../../helpers/server.ts";

let s: TestServer;
const R = "/geoserver/rest";
const FIX = `${import.meta.dir}/../../fixtures/geoserver`;

async function gs(method: string, path: string, body?: BodyInit, type = "application/json") {
  const res = await s.fetch(R + path, {
    method,
    auth: s.admin,
    body,
    headers: body === undefined ? {} : { "Content-Type": type },
  });
  return { status: res.status, text: await res.text(), res };
}

/** Tile x/y of a lon/lat at zoom z (Web Mercator). */
function tileOf(lon: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const r = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return [x, y];
}

beforeAll(async () => {
  s = await startServer({ GISD_FETCH_ALLOW_HOSTS: "127.0.0.1" });
  expect(
    (await gs("POST", "/workspaces", JSON.stringify({ workspace: { name: "demo" } }))).status,
  ).toBe(201);
});
afterAll(async () => {
  await s.stop();
});

describe("GeoServer → NGW", () => {
  let id = 0;

  test("a zipped shapefile PUT to file.shp creates the store, feature type and layer", async () => {
    const zip = await Bun.file(`${FIX}/places-shp.zip`).arrayBuffer();
    const r = await gs(
      "PUT",
      "/workspaces/demo/datastores/towns/file.shp?configure=all",
      zip,
      "application/zip",
    );
    expect(r.status).toBe(201);
    expect(r.text).toBe("");
    const fts = JSON.parse(
      (await gs("GET", "/workspaces/demo/datastores/towns/featuretypes.json")).text,
    );
    expect(fts.featureTypes.featureType.map((f: { name: string }) => f.name)).toEqual(["places"]);
    const ft = JSON.parse(
      (await gs("GET", "/workspaces/demo/datastores/towns/featuretypes/places.json")).text,
    ).featureType;
    expect(ft.store).toMatchObject({ "@class": "dataStore", name: "demo:towns" });
    expect(ft.latLonBoundingBox.minx).toBeCloseTo(-21.9426, 3);
    expect(ft.latLonBoundingBox.maxy).toBeCloseTo(65.6885, 3);
    const names = ft.attributes.attribute.map((a: { name: string }) => a.name);
    expect(names).toContain("name");
    expect(names).toContain("pop");
    const layer = JSON.parse((await gs("GET", "/layers/demo:places.json")).text).layer;
    expect(layer.type).toBe("VECTOR");
    expect(layer.defaultStyle.name).toBe("point");
    const found = await s.json("/api/resource/search/?cls=vector_layer", { auth: s.admin });
    const hit = (found.body as { resource: { id: number; display_name: string } }[]).find(
      (x) => x.resource.display_name === "places",
    );
    expect(hit).toBeDefined();
    id = hit!.resource.id;
  });

  test("the NGW feature API reads the same features", async () => {
    const r = await s.json(`/api/resource/${id}/feature/?order_by=name`, { auth: s.admin });
    expect(r.status).toBe(200);
    const feats = r.body as { fields: { name: string; pop: number } }[];
    expect(feats.map((f) => f.fields.name)).toEqual(["Akureyri", "Egilsstadir", "Reykjavik"]);
    expect(feats.find((f) => f.fields.name === "Reykjavik")!.fields.pop).toBe(131136);
  });

  test("and the MVT endpoint draws it", async () => {
    const z = 6;
    const [x, y] = tileOf(-21.9426, 64.1466, z);
    const res = await s.fetch(
      `/api/component/feature_layer/mvt?resource=${id}&z=${z}&x=${x}&y=${y}`,
      { auth: s.admin },
    );
    expect(res.status).toBe(200);
    const tile = new VectorTile(new PbfReader(new Uint8Array(await res.arrayBuffer())));
    const layer = tile.layers[String(id)] ?? Object.values(tile.layers)[0];
    expect(layer).toBeDefined();
    const names = Array.from(
      { length: layer!.length },
      (_, i) => layer!.feature(i).properties.name,
    );
    expect(names).toContain("Reykjavik");
  });

  test("a GeoServer default style (SLD) becomes the layer's NGW style, and goes with it", async () => {
    const sld = await Bun.file(`${import.meta.dir}/../../fixtures/style/points-sld10.sld`).text();
    expect(
      (await gs("POST", "/workspaces/demo/styles?name=towns", sld, "application/vnd.ogc.sld+xml"))
        .status,
    ).toBe(201);
    const body = JSON.stringify({ layer: { defaultStyle: { name: "demo:towns" } } });
    expect((await gs("PUT", "/layers/demo:places", body)).status).toBe(200);
    const kids = async () =>
      (await s.json(`/api/resource/?parent=${id}`, { auth: s.admin })).body as {
        resource: { id: number; cls: string };
      }[];
    const styles = (await kids()).filter((k) => k.resource.cls === "qgis_vector_style");
    expect(styles.length).toBe(1);
    const qml = await s.fetch(`/api/resource/${styles[0]!.resource.id}/qml`, { auth: s.admin });
    expect(qml.status).toBe(200);
    expect((await gs("DELETE", "/workspaces/demo/styles/towns?recurse=true")).status).toBe(200);
    expect((await kids()).filter((k) => k.resource.cls === "qgis_vector_style").length).toBe(0);
    expect(
      JSON.parse((await gs("GET", "/layers/demo:places.json")).text).layer.defaultStyle.name,
    ).toBe("point");
  });

  test("url.geojson fetches from an allow-listed host; external-free GeoJSON and CSV uploads", async () => {
    const file = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: () => new Response(Bun.file(`${FIX}/places.geojson`)),
    });
    try {
      const u = `http://127.0.0.1:${file.port}/places.geojson`;
      expect(
        (await gs("PUT", "/workspaces/demo/datastores/remote/url.geojson", u, "text/plain")).status,
      ).toBe(201);
    } finally {
      file.stop(true);
    }
    const ft = JSON.parse(
      (await gs("GET", "/workspaces/demo/datastores/remote/featuretypes.json")).text,
    );
    expect(ft.featureTypes.featureType.length).toBe(1);
    const csv = "name,lon,lat\nHusavik,-17.3389,66.0449\n";
    const r = await gs(
      "PUT",
      "/workspaces/demo/datastores/csvs/file.csv?filename=husavik",
      csv,
      "text/csv",
    );
    expect(r.status).toBe(201);
    const one = JSON.parse(
      (await gs("GET", "/workspaces/demo/datastores/csvs/featuretypes/husavik.json")).text,
    );
    expect(one.featureType.latLonBoundingBox.minx).toBeCloseTo(-17.3389, 3);
  });

  test("a GeoPackage PUT as the node-client sends it (raw, application/x-sqlite3)", async () => {
    const gpkg = await Bun.file(`${FIX}/iceland.gpkg`).arrayBuffer();
    const r = await gs(
      "PUT",
      "/workspaces/demo/datastores/gpkg-store/file.gpkg?update=overwrite&filename=my-file",
      gpkg,
      "application/x-sqlite3",
    );
    expect(r.status).toBe(201);
    const ft = JSON.parse(
      (await gs("GET", "/workspaces/demo/datastores/gpkg-store/featuretypes/iceland.json")).text,
    );
    expect(ft.featureType.attributes.attribute.length).toBeGreaterThan(0);
    // A second PUT replaces the data instead of adding a layer.
    expect(
      (
        await gs(
          "PUT",
          "/workspaces/demo/datastores/gpkg-store/file.gpkg?update=overwrite",
          gpkg,
          "application/x-sqlite3",
        )
      ).status,
    ).toBe(201);
    const list = JSON.parse(
      (await gs("GET", "/workspaces/demo/datastores/gpkg-store/featuretypes.json")).text,
    );
    expect(list.featureTypes.featureType.length).toBe(1);
  });

  test("non-empty store deletes: data store 403, coverage store 401 (GeoServer's source)", async () => {
    expect((await gs("DELETE", "/workspaces/demo/datastores/gpkg-store")).status).toBe(403);
    expect(
      (await gs("DELETE", "/workspaces/demo/datastores/gpkg-store/featuretypes/iceland")).status,
    ).toBe(403);
    const tif = await Bun.file(`${FIX}/world.tif`).arrayBuffer();
    const up = await gs(
      "PUT",
      "/workspaces/demo/coveragestores/dem/file.geotiff",
      tif,
      "image/tiff",
    );
    expect(up.status).toBe(201);
    expect(up.res.headers.get("content-type")).toBe("application/xml");
    const del = await gs("DELETE", "/workspaces/demo/coveragestores/dem");
    expect(del.status).toBe(401);
    expect(del.res.headers.get("www-authenticate")).toBeNull();
    expect((await gs("DELETE", "/workspaces/demo/coveragestores/dem?recurse=true")).status).toBe(
      200,
    );
    expect((await gs("GET", "/layers/demo:dem.json")).status).toBe(404);
  });

  test("a new feature type from attributes is an empty, editable NGW layer", async () => {
    await gs(
      "POST",
      "/workspaces/demo/datastores",
      JSON.stringify({ dataStore: { name: "drawn" } }),
    );
    const body = {
      featureType: {
        name: "sketch",
        title: "Sketch",
        srs: "EPSG:4326",
        attributes: {
          attribute: [
            { name: "the_geom", binding: "org.locationtech.jts.geom.LineString" },
            { name: "label", binding: "java.lang.String" },
            { name: "n", binding: "java.lang.Integer" },
          ],
        },
      },
    };
    const r = await gs(
      "POST",
      "/workspaces/demo/datastores/drawn/featuretypes",
      JSON.stringify(body),
    );
    expect(r.status).toBe(201);
    expect(r.text).toBe("");
    expect(r.res.headers.get("location")).toBe(
      `${s.url}${R}/workspaces/demo/datastores/drawn/featuretypes/sketch`,
    );
    const ft = JSON.parse(
      (await gs("GET", "/workspaces/demo/datastores/drawn/featuretypes/sketch.json")).text,
    ).featureType;
    expect(ft.title).toBe("Sketch");
    expect(ft.attributes.attribute.map((a: { binding: string }) => a.binding)).toEqual([
      "org.locationtech.jts.geom.LineString",
      "java.lang.String",
      "java.lang.Integer",
    ]);
    // PUT merges: only the abstract changes; the title stays.
    expect(
      (
        await gs(
          "PUT",
          "/workspaces/demo/datastores/drawn/featuretypes/sketch",
          JSON.stringify({ featureType: { abstract: "drawn by hand" } }),
        )
      ).status,
    ).toBe(200);
    const after = JSON.parse(
      (await gs("GET", "/workspaces/demo/datastores/drawn/featuretypes/sketch.json")).text,
    ).featureType;
    expect(after).toMatchObject({ title: "Sketch", abstract: "drawn by hand" });
    expect(
      (
        await gs(
          "PUT",
          "/workspaces/demo/datastores/drawn/featuretypes/sketch",
          JSON.stringify({ featureType: { name: "renamed" } }),
        )
      ).status,
    ).toBe(403);
  });
});

describe("the same sequence in XML", () => {
  test("store, feature type from attributes, layer PUT, style, all in XML", async () => {
    const x = "application/xml";
    expect(
      (await gs("POST", "/workspaces", "<workspace><name>xw</name></workspace>", x)).status,
    ).toBe(201);
    const ds =
      '<dataStore><name>xs</name><connectionParameters><entry key="charset">UTF-8</entry></connectionParameters></dataStore>';
    expect((await gs("POST", "/workspaces/xw/datastores", ds, x)).status).toBe(201);
    const ft = `<featureType><name>pois</name><title>POIs</title><srs>EPSG:4326</srs>
      <keywords><string>poi</string><string>test</string></keywords>
      <attributes>
        <attribute><name>geom</name><binding>com.vividsolutions.jts.geom.Point</binding></attribute>
        <attribute><name>kind</name><binding>java.lang.String</binding></attribute>
      </attributes></featureType>`;
    const r = await gs("POST", "/workspaces/xw/datastores/xs/featuretypes", ft, "text/xml");
    expect(r.status).toBe(201);
    const got = (await gs("GET", "/workspaces/xw/datastores/xs/featuretypes/pois.xml")).text;
    expect(got).toStartWith("<featureType><name>pois</name>");
    expect(got).toContain("<title>POIs</title>");
    expect(got).toContain("<keywords><string>poi</string><string>test</string></keywords>");
    expect(got).toContain("<binding>org.locationtech.jts.geom.Point</binding>");
    expect(got).toContain('<store class="dataStore"><name>xw:xs</name><atom:link');
    const sld = await Bun.file(`${import.meta.dir}/../../fixtures/style/points-sld10.sld`).text();
    expect(
      (await gs("POST", "/workspaces/xw/styles?name=dots", sld, "application/vnd.ogc.sld+xml"))
        .status,
    ).toBe(201);
    const layer = (await gs("GET", "/layers/xw:pois.xml")).text;
    expect(layer).toContain("<type>VECTOR</type>");
    const edited = layer
      .replace(
        /<defaultStyle>.*?<\/defaultStyle>/,
        "<defaultStyle><name>xw:dots</name></defaultStyle>",
      )
      .replace("<queryable>true</queryable>", "<queryable>false</queryable>");
    expect((await gs("PUT", "/layers/xw:pois.xml", edited, x)).status).toBe(200);
    const after = JSON.parse((await gs("GET", "/layers/xw:pois.json")).text).layer;
    expect(after.defaultStyle).toMatchObject({ name: "xw:dots", workspace: "xw" });
    expect(after.queryable).toBe(false);
    expect((await gs("DELETE", "/workspaces/xw?recurse=true")).status).toBe(200);
  });
});

describe("NGW → GeoServer", () => {
  test("a vector layer made with the NGW API is a layer of its group's workspace", async () => {
    const g = await s.json("/api/resource/", {
      method: "POST",
      auth: s.admin,
      body: { resource: { cls: "resource_group", parent: { id: 0 }, display_name: "ngwgroup" } },
    });
    const l = await s.json("/api/resource/", {
      method: "POST",
      auth: s.admin,
      body: {
        resource: {
          cls: "vector_layer",
          parent: { id: g.body.id },
          display_name: "rivers",
          keyname: "rivers_kn",
        },
        vector_layer: {
          srs: { id: 3857 },
          geometry_type: "LINESTRING",
          fields: [{ keyname: "name", datatype: "STRING" }],
        },
      },
    });
    expect(l.status).toBe(201);
    const layers = JSON.parse((await gs("GET", "/layers.json")).text);
    expect(layers.layers.layer.map((x: { name: string }) => x.name)).toContain(
      "ngwgroup:rivers_kn",
    );
    const ds = JSON.parse((await gs("GET", "/workspaces/ngwgroup/datastores.json")).text);
    expect(ds.dataStores.dataStore[0].name).toBe("ngwgroup");
    const ft = JSON.parse(
      (await gs("GET", "/workspaces/ngwgroup/featuretypes/rivers_kn.json")).text,
    ).featureType;
    expect(ft.title).toBe("rivers");
    expect(ft.nativeCRS).toEqual({ "@class": "projected", $: "EPSG:3857" });
  });

  test("a recursive workspace delete removes its layers from every face", async () => {
    const found = await s.json("/api/resource/search/?cls=vector_layer", { auth: s.admin });
    const demoIds = (found.body as { resource: { id: number; display_name: string } }[])
      .filter((x) => x.resource.display_name !== "rivers")
      .map((x) => x.resource.id);
    expect(demoIds.length).toBeGreaterThanOrEqual(3);
    expect((await gs("DELETE", "/workspaces/demo?recurse=true")).status).toBe(200);
    for (const rid of demoIds)
      expect((await s.json(`/api/resource/${rid}`, { auth: s.admin })).status).toBe(404);
    const layers = JSON.parse((await gs("GET", "/layers.json")).text);
    expect(layers.layers.layer.map((x: { name: string }) => x.name)).toEqual([
      "ngwgroup:rivers_kn",
    ]);
    expect((await gs("GET", "/layers/demo:places.json")).status).toBe(404);
  });
});
