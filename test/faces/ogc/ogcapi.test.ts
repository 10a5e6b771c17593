/** @module OGC API – Features against a real server: collections, paging, bbox, CRS, filters, ACL, bad input, GDAL's OAPIF driver. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { gdal, hasGdal } from "../../helpers/gdal.ts";
import { startServer, type TestServer } from "../../helpers/server.ts";

let s: TestServer;
let pub: number;
let priv: number;
const N = 25;
const R = 6378137;
// Web Mercator x/y of lon/lat, so expected coordinates are computed, not copied.
const merc = (lon: number, lat: number) => [
  (lon * Math.PI * R) / 180,
  R * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360)),
];

async function post(path: string, body: unknown, method = "POST") {
  return s.json(path, { method, auth: s.admin, body });
}

async function layer(name: string): Promise<number> {
  const r = await post("/api/resource/", {
    resource: { cls: "vector_layer", parent: { id: 0 }, display_name: name },
    vector_layer: {
      srs: { id: 3857 },
      geometry_type: "POINT",
      fields: [
        { keyname: "name", datatype: "STRING" },
        { keyname: "n", datatype: "INTEGER" },
      ],
    },
  });
  expect(r.status).toBe(201);
  return r.body.id;
}

const everyone = (permission: string, scope = "resource", action = "allow") => ({
  action,
  principal: { id: 1 },
  identity: "",
  scope,
  permission,
  propagate: true,
});

beforeAll(async () => {
  s = await startServer();
  pub = await layer("pts");
  priv = await layer("secret");
  // feature i sits at lon = i, lat = i / 2
  for (let i = 0; i < N; i++) {
    const [x, y] = merc(i, i / 2);
    const r = await post(`/api/resource/${pub}/feature/`, {
      geom: `POINT (${x} ${y})`,
      fields: { name: `p${i}`, n: i % 3 },
    });
    expect(r.status).toBe(200);
  }
  await post(`/api/resource/${priv}/feature/`, { geom: "POINT (0 0)", fields: { name: "x" } });
  // guests may read the root tree and its data; the private layer denies them.
  const root = await s.json("/api/resource/0", { auth: s.admin });
  await post(
    "/api/resource/0",
    {
      resource: {
        permissions: [
          ...root.body.resource.permissions,
          everyone("read"),
          everyone("read", "data"),
        ],
      },
    },
    "PUT",
  );
  await post(
    `/api/resource/${priv}`,
    {
      resource: {
        permissions: [everyone("read", "data", "deny"), everyone("read", "resource", "deny")],
      },
    },
    "PUT",
  );
});

afterAll(() => s.stop());

const items = (q = "", id = pub) => s.json(`/ogcapi/collections/${id}/items${q}`);

describe("landing, conformance, collections", () => {
  test("landing page links conformance and data", async () => {
    const r = await s.json("/ogcapi/");
    expect(r.status).toBe(200);
    const rels = r.body.links.map((l: any) => l.rel);
    expect(rels).toEqual(expect.arrayContaining(["self", "conformance", "data"]));
    expect((await s.json("/ogcapi?f=json")).body.links).toEqual(r.body.links);
    const desc = r.body.links.find((l: any) => l.rel === "service-desc");
    const api = await fetch(desc.href).then((x) => x.json());
    expect(api.openapi).toBe("3.0.3");
    expect(Object.keys(api.paths)).toContain("/collections/{collectionId}/items");
    const c = await s.json("/ogcapi/conformance");
    expect(c.body.conformsTo).toContain(
      "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    );
  });

  test("guests see only the public layer, with a CRS84 extent; the admin sees both", async () => {
    const g = await s.json("/ogcapi/collections");
    expect(g.status).toBe(200);
    expect(g.body.collections.map((x: any) => x.id)).toEqual([String(pub)]);
    const col = g.body.collections[0];
    expect(col.title).toBe("pts");
    const [minx, miny, maxx, maxy] = col.extent.spatial.bbox[0];
    expect(minx).toBeCloseTo(0, 6);
    expect(miny).toBeCloseTo(0, 6);
    expect(maxx).toBeCloseTo(N - 1, 6);
    expect(maxy).toBeCloseTo((N - 1) / 2, 6);
    expect(col.crs).toContain("http://www.opengis.net/def/crs/EPSG/0/3857");
    expect(col.storageCrs).toBe("http://www.opengis.net/def/crs/EPSG/0/3857");
    const a = await s.json("/ogcapi/collections", { auth: s.admin });
    expect(a.body.collections.map((x: any) => x.id)).toEqual([String(pub), String(priv)]);
    expect((await s.json(`/ogcapi/collections/${pub}`)).body.id).toBe(String(pub));
  });

  test("a private layer is a 404 for guests on every endpoint", async () => {
    for (const p of ["", "/items", "/items/1"]) {
      const r = await s.json(`/ogcapi/collections/${priv}${p}`);
      expect(r.status).toBe(404);
      expect(r.body).toMatchObject({ title: "Not Found", status: 404 });
      expect(typeof r.body.type).toBe("string");
      expect(typeof r.body.detail).toBe("string");
    }
    expect((await items("", priv).then((r) => r.status)) as number).toBe(404);
    const a = await s.json(`/ogcapi/collections/${priv}/items`, { auth: s.admin });
    expect(a.body.numberMatched).toBe(1);
  });
});

describe("items", () => {
  test("default page: 10 features in CRS84, numberMatched, next link, Content-Crs", async () => {
    const r = await items();
    expect(r.status).toBe(200);
    expect(r.res.headers.get("content-type")).toContain("application/geo+json");
    expect(r.res.headers.get("content-crs")).toBe("<http://www.opengis.net/def/crs/OGC/1.3/CRS84>");
    expect(r.body.type).toBe("FeatureCollection");
    expect(r.body.numberMatched).toBe(N);
    expect(r.body.numberReturned).toBe(10);
    const f3 = r.body.features[3];
    expect(f3.properties.name).toBe("p3");
    expect(f3.geometry.coordinates[0]).toBeCloseTo(3, 6);
    expect(f3.geometry.coordinates[1]).toBeCloseTo(1.5, 6);
    expect(r.body.links.find((l: any) => l.rel === "prev")).toBeUndefined();
    expect(r.body.links.find((l: any) => l.rel === "next").href).toContain("offset=10");
  });

  test("following next links walks every feature once", async () => {
    const seen: string[] = [];
    let url: string | undefined = `${s.url}/ogcapi/collections/${pub}/items?limit=7`;
    while (url) {
      const body: any = await (await fetch(url)).json();
      seen.push(...body.features.map((f: any) => f.properties.name));
      url = body.links.find((l: any) => l.rel === "next")?.href;
    }
    expect(seen).toEqual(Array.from({ length: N }, (_, i) => `p${i}`));
    const last = await items("?limit=7&offset=21");
    expect(last.body.numberReturned).toBe(4);
    expect(last.body.links.find((l: any) => l.rel === "prev").href).toContain("offset=14");
  });

  test("bbox in CRS84 and in EPSG:4326 (lat/lon order) select the same features", async () => {
    const a = await items("?bbox=4.5,0,8.5,10&limit=100");
    expect(a.body.features.map((f: any) => f.properties.name)).toEqual(["p5", "p6", "p7", "p8"]);
    expect(a.body.numberMatched).toBe(4);
    const b = await items(
      `?bbox=0,4.5,10,8.5&bbox-crs=${encodeURIComponent("http://www.opengis.net/def/crs/EPSG/0/4326")}`,
    );
    expect(b.body.features.map((f: any) => f.properties.name)).toEqual(["p5", "p6", "p7", "p8"]);
    // across the antimeridian: west edge 23.5 > east edge 1.5 selects p0, p1, p24
    const across = await items("?bbox=23.5,-1,1.5,20&limit=100");
    expect(across.body.features.map((f: any) => f.properties.name)).toEqual(["p0", "p1", "p24"]);
    expect(across.body.numberMatched).toBe(3);
    const acrossLatLon = await items("?bbox=-1,23.5,20,1.5&bbox-crs=EPSG:4326");
    expect(acrossLatLon.body.numberMatched).toBe(3);
    const three = await items("?bbox=4.5,0,-10,8.5,10,10");
    expect(three.body.numberMatched).toBe(4);
    const [x0, y0] = merc(4.5, 0);
    const [x1, y1] = merc(8.5, 10);
    const c = await items(`?bbox=${x0},${y0},${x1},${y1}&bbox-crs=EPSG:3857`);
    expect(c.body.numberMatched).toBe(4);
  });

  test("crs=EPSG:4326 swaps to lat/lon; EPSG:3857 gives metres", async () => {
    const r = await items("?crs=http://www.opengis.net/def/crs/EPSG/0/4326&limit=5");
    expect(r.res.headers.get("content-crs")).toBe("<http://www.opengis.net/def/crs/EPSG/0/4326>");
    const [lat, lon] = r.body.features[4].geometry.coordinates;
    expect(lat).toBeCloseTo(2, 6);
    expect(lon).toBeCloseTo(4, 6);
    const m = await items("?crs=http://www.opengis.net/def/crs/EPSG/0/3857&limit=5");
    const [x, y] = merc(4, 2);
    expect(m.body.features[4].geometry.coordinates[0]).toBeCloseTo(x!, 3);
    expect(m.body.features[4].geometry.coordinates[1]).toBeCloseTo(y!, 3);
  });

  test("attribute filter on a known field", async () => {
    const r = await items("?n=1&limit=100");
    expect(r.body.numberMatched).toBe(8);
    expect(r.body.features.every((f: any) => f.properties.n === 1)).toBe(true);
    const byName = await items("?name=p7");
    expect(byName.body.features.map((f: any) => f.id)).toHaveLength(1);
  });

  test("one feature by id, in a requested CRS", async () => {
    const list = await items("?limit=3");
    const fid = list.body.features[2].id;
    const r = await s.json(`/ogcapi/collections/${pub}/items/${fid}?crs=EPSG:4326`);
    expect(r.status).toBe(200);
    expect(r.body.type).toBe("Feature");
    expect(r.body.id).toBe(fid);
    expect(r.body.geometry.coordinates[0]).toBeCloseTo(1, 6);
    expect(r.body.geometry.coordinates[1]).toBeCloseTo(2, 6);
    expect(r.body.links.map((l: any) => l.rel)).toContain("collection");
  });

  test("bad input is a 400/404 problem, never a 5xx", async () => {
    const cases: [string, number][] = [
      ["?bbox=1,2,3", 400],
      ["?bbox=1,2,NaN,4", 400],
      ["?bbox=1,2,,4", 400],
      ["?bbox=1,5,3,1", 400],
      ["?bbox=5,1,1,3&bbox-crs=EPSG:3857", 400],
      ["?limit=-1", 400],
      ["?limit=0", 400],
      ["?limit=abc", 400],
      ["?limit=99999999999999999999999", 400],
      ["?offset=-5", 400],
      ["?crs=EPSG:99999999", 400],
      ["?crs=bogus", 400],
      ["?bbox-crs=EPSG:2154&bbox=0,0,1,1", 400],
      ["?unknown=1", 400],
      ["?n=notanumber", 400],
      ["?f=html", 400],
    ];
    for (const [q, status] of cases) {
      const r = await items(q);
      expect([q, r.status]).toEqual([q, status]);
      expect(r.res.headers.get("content-type")).toContain("application/problem+json");
      expect(r.body.status).toBe(status);
    }
    for (const p of [
      "/collections/999",
      "/collections/abc/items",
      `/collections/${pub}/items/x1`,
      `/collections/${pub}/items/99999`,
      "/nope",
    ]) {
      const r = await s.json(`/ogcapi${p}`);
      expect([p, r.status]).toEqual([p, 404]);
    }
    const post = await s.fetch(`/ogcapi/collections/${pub}/items`, { method: "POST", body: "{}" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toContain("GET");
    const head = await s.fetch(`/ogcapi/collections/${pub}/items`, { method: "HEAD" });
    expect(head.status).toBe(200);
    // a limit above the maximum is lowered to it, as Part 1 requires
    const big = await items("?limit=50000");
    expect(big.status).toBe(200);
    expect(big.body.numberReturned).toBe(N);
  });
});

describe.skipIf(!hasGdal)("GDAL OAPIF driver", () => {
  test("ogrinfo lists the collection and reads every feature", async () => {
    const src = `OAPIF:${s.url}/ogcapi`;
    const list = await gdal("ogrinfo", ["-ro", "-q", src]);
    expect(list.stderr).not.toMatch(/ERROR/);
    expect(list.stdout).toContain(String(pub));
    expect(list.stdout).not.toContain(String(priv) + ":");
    const spat = await gdal("ogrinfo", [
      "-ro",
      "-al",
      "-spat",
      "4.5",
      "0",
      "8.5",
      "10",
      src,
      String(pub),
    ]);
    expect(spat.code).toBe(0);
    expect(spat.stdout.match(/^OGRFeature/gm)).toHaveLength(4);
    const all = await gdal("ogrinfo", ["-ro", "-al", src, String(pub)]);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain(`Feature Count: ${N}`);
    for (let i = 0; i < N; i++) expect(all.stdout).toContain(`name (String) = p${i}\n`);
    expect(all.stdout).toMatch(/POINT \(24(\.0)? 12(\.0)?\)/);
  }, 60_000);

  test("with Basic credentials GDAL reads the private layer too", async () => {
    const src = `OAPIF:${s.url}/ogcapi`;
    const env = { GDAL_HTTP_USERPWD: s.admin, GDAL_HTTP_AUTH: "BASIC" };
    const r = await gdal("ogrinfo", ["-ro", "-al", src, String(priv)], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Feature Count: 1");
    expect(r.stdout).toContain("name (String) = x");
    const guest = await gdal("ogrinfo", ["-ro", "-al", src, String(priv)]);
    expect(guest.code).not.toBe(0);
  }, 60_000);
});
