/** @module WFS over HTTP against a real server: capabilities, schemas, GetFeature in every version and format, filters, paging, SRS axis order, hits, ACL, hostile input. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { descendants, parseXmlSafe, type XmlElement } from "../../../src/geo/xml.ts";
import { POINTS, type WfsFixture, wfsFixture } from "./wfs-fixture.ts";

let f: WfsFixture;
beforeAll(async () => {
  f = await wfsFixture();
});
afterAll(() => f.stop());

async function get(query: string, auth?: string) {
  const headers: Record<string, string> = {};
  if (auth) headers.Authorization = `Basic ${Buffer.from(auth).toString("base64")}`;
  const res = await fetch(`${f.wfs}?${query}`, { headers });
  return {
    status: res.status,
    type: res.headers.get("content-type") ?? "",
    text: await res.text(),
  };
}
async function post(body: string, auth?: string) {
  const headers: Record<string, string> = { "Content-Type": "text/xml" };
  if (auth) headers.Authorization = `Basic ${Buffer.from(auth).toString("base64")}`;
  const res = await fetch(f.wfs, { method: "POST", headers, body });
  return { status: res.status, text: await res.text() };
}
const xml = (t: string): XmlElement => parseXmlSafe(t);
const texts = (t: string, name: string) => descendants(xml(t), name).map((e) => e.text);

describe("GetCapabilities", () => {
  test.each(["1.0.0", "1.1.0", "2.0.0"])("%s lists readable types only", async (v) => {
    const r = await get(`SERVICE=WFS&REQUEST=GetCapabilities&VERSION=${v}`);
    expect(r.status).toBe(200);
    const names = texts(r.text, "Name").filter((n) => n.startsWith("ngw:"));
    expect(names).toEqual(["ngw:places", "ngw:parcels"]);
  });
  test("the private layer is listed for its owner", async () => {
    const r = await get("SERVICE=WFS&REQUEST=GetCapabilities", f.s.admin);
    expect(texts(r.text, "Name")).toContain("ngw:secret");
  });
  test("2.0 advertises the layer CRS as a URN and WGS 84 bounds", async () => {
    const r = await get("SERVICE=WFS&REQUEST=GetCapabilities&VERSION=2.0.0");
    expect(texts(r.text, "DefaultCRS")).toEqual([
      "urn:ogc:def:crs:EPSG::4326",
      "urn:ogc:def:crs:EPSG::3857",
    ]);
    expect(texts(r.text, "LowerCorner")[0]).toBe("-5 40");
  });
});

describe("DescribeFeatureType", () => {
  test("XSD with the geometry and field types", async () => {
    const r = await get(
      "SERVICE=WFS&VERSION=1.1.0&REQUEST=DescribeFeatureType&TYPENAME=ngw:places",
    );
    expect(r.status).toBe(200);
    const els = descendants(xml(r.text), "element").map((e) => [e.attrs.name, e.attrs.type]);
    expect(els).toEqual([
      ["geom", "gml:PointPropertyType"],
      ["name", "xsd:string"],
      ["pop", "xsd:int"],
      ["area", "xsd:double"],
      ["founded", "xsd:date"],
      ["places", "ngw:placesType"],
    ]);
  });
  test("GML 3 multipolygons are MultiSurfaces; fields without an XML name are left out", async () => {
    const r = await get("SERVICE=WFS&VERSION=2.0.0&REQUEST=DescribeFeatureType&TYPENAMES=parcels");
    expect(r.text).toContain('type="gml:MultiSurfacePropertyType"');
    expect(descendants(xml(r.text), "element").map((e) => e.attrs.name)).toEqual([
      "geom",
      "code",
      "parcels",
    ]);
    const g = await get("SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=parcels");
    expect(texts(g.text, "code")).toEqual(["P-1"]);
    expect(g.text).not.toContain("not XML");
  });
});

describe("GetFeature", () => {
  test("WFS 1.0 GML 2 in x/y with every attribute", async () => {
    const r = await get("SERVICE=WFS&VERSION=1.0.0&REQUEST=GetFeature&TYPENAME=ngw:places");
    expect(r.status).toBe(200);
    expect(texts(r.text, "coordinates")).toEqual(["10,50", "20,55", "30,60", "-5,40"]);
    expect(texts(r.text, "name")).toEqual(POINTS.map((p) => p.name));
    expect(texts(r.text, "pop")).toEqual(["100", "200", "400"]);
    expect(texts(r.text, "founded")).toEqual(["1900-01-01", "1950-06-01", "2000-12-31"]);
  });
  test("WFS 1.1 default is lat/lon (URN), EPSG:4326 is x/y", async () => {
    const urn = await get(
      "SERVICE=WFS&VERSION=1.1.0&REQUEST=GetFeature&TYPENAME=ngw:places&MAXFEATURES=1",
    );
    expect(texts(urn.text, "pos")).toEqual(["50 10"]);
    const epsg = await get(
      "SERVICE=WFS&VERSION=1.1.0&REQUEST=GetFeature&TYPENAME=ngw:places&MAXFEATURES=1&SRSNAME=EPSG:4326",
    );
    expect(texts(epsg.text, "pos")).toEqual(["10 50"]);
  });
  test("WFS 2.0 GML 3.2 with the URL CRS form, reprojection to 3857", async () => {
    const r = await get(
      "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=ngw:places&COUNT=1&SRSNAME=http://www.opengis.net/def/crs/EPSG/0/4326",
    );
    expect(texts(r.text, "pos")).toEqual(["50 10"]);
    const root = xml(r.text);
    expect(root.attrs.numberMatched).toBe("4");
    expect(root.attrs.numberReturned).toBe("1");
    const m = await get(
      "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=ngw:places&COUNT=1&SRSNAME=EPSG:3857",
    );
    const [x, y] = texts(m.text, "pos")[0]!.split(" ").map(Number);
    expect(x).toBeCloseTo(1113194.9, 0);
    expect(y).toBeCloseTo(6446275.8, 0);
  });
  test("GeoJSON output", async () => {
    const r = await get(
      "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=places&OUTPUTFORMAT=application/json",
    );
    const j = JSON.parse(r.text);
    expect(j.features.map((x: any) => x.properties.name)).toEqual(POINTS.map((p) => p.name));
    expect(j.features[0].geometry).toEqual({ type: "Point", coordinates: [10, 50] });
  });
  test("paging, sorting, property names, hits", async () => {
    const r = await get(
      "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=places&SORTBY=pop DESC&STARTINDEX=1&COUNT=2&PROPERTYNAME=name",
    );
    // NULL sorts above every value (as in PostgreSQL, NGW's store): Gamma first, skipped.
    expect(texts(r.text, "name")).toEqual(["Дельта", "Beta & <Co>"]);
    expect(texts(r.text, "pop")).toEqual([]);
    expect(texts(r.text, "pos")).toEqual([]);
    const h = await get(
      "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=places&RESULTTYPE=hits",
    );
    expect(xml(h.text).attrs.numberMatched).toBe("4");
    const h1 = await get(
      "SERVICE=WFS&VERSION=1.1.0&REQUEST=GetFeature&TYPENAME=places&RESULTTYPE=hits",
    );
    expect(xml(h1.text).attrs.numberOfFeatures).toBe("4");
  });
  test("BBOX in URN order, RESOURCEID, FEATUREID", async () => {
    const b = await get(
      "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=places&BBOX=45,5,58,25,urn:ogc:def:crs:EPSG::4326",
    );
    expect(texts(b.text, "name")).toEqual(["Alpha", "Beta & <Co>"]);
    const ids = await get(
      "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&RESOURCEID=places.3,places.1",
    );
    expect(texts(ids.text, "name")).toEqual(["Alpha", "Gamma"]);
    const fid = await get(
      "SERVICE=WFS&VERSION=1.0.0&REQUEST=GetFeature&TYPENAME=places&FEATUREID=places.2",
    );
    expect(texts(fid.text, "name")).toEqual(["Beta & <Co>"]);
  });
  test("FILTER (FES 2.0, KVP) and XML POST with OGC 1.1 filter and sort", async () => {
    const filter = encodeURIComponent(
      '<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0"><fes:Or><fes:PropertyIsNull><fes:ValueReference>pop</fes:ValueReference></fes:PropertyIsNull><fes:PropertyIsGreaterThan><fes:ValueReference>pop</fes:ValueReference><fes:Literal>300</fes:Literal></fes:PropertyIsGreaterThan></fes:Or></fes:Filter>',
    );
    const r = await get(
      `SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=places&FILTER=${filter}`,
    );
    expect(texts(r.text, "name")).toEqual(["Gamma", "Дельта"]);
    const p =
      await post(`<wfs:GetFeature service="WFS" version="1.1.0" xmlns:wfs="http://www.opengis.net/wfs" xmlns:ogc="http://www.opengis.net/ogc" xmlns:gml="http://www.opengis.net/gml">
      <wfs:Query typeName="ngw:places" srsName="EPSG:4326"><ogc:PropertyName>name</ogc:PropertyName><ogc:PropertyName>geom</ogc:PropertyName>
      <ogc:Filter><ogc:Within><ogc:PropertyName>geom</ogc:PropertyName><gml:Envelope srsName="EPSG:4326"><gml:lowerCorner>0 45</gml:lowerCorner><gml:upperCorner>35 65</gml:upperCorner></gml:Envelope></ogc:Within></ogc:Filter>
      <ogc:SortBy><ogc:SortProperty><ogc:PropertyName>name</ogc:PropertyName><ogc:SortOrder>DESC</ogc:SortOrder></ogc:SortProperty></ogc:SortBy></wfs:Query></wfs:GetFeature>`);
    expect(p.status).toBe(200);
    expect(texts(p.text, "name")).toEqual(["Gamma", "Beta & <Co>", "Alpha"]);
    expect(texts(p.text, "pos")).toEqual(["30 60", "20 55", "10 50"]);
  });
});

describe("the same layers at GeoServer's and the catalog's endpoints", () => {
  test("/geoserver/wfs serves ws:name (the group is the workspace) and hides the private layer", async () => {
    const cap = await f.s.fetch("/geoserver/wfs?SERVICE=WFS&REQUEST=GetCapabilities&VERSION=2.0.0");
    // The workspace is called "wfs", which the WFS documents bind themselves: it gets a suffix.
    const names = texts(await cap.text(), "Name").filter((n) => n.startsWith("wfs_ns:"));
    expect(names.sort()).toEqual(["wfs_ns:parcels", "wfs_ns:places"]);
    const r = await f.s.fetch(
      "/geoserver/wfs/wfs?SERVICE=WFS&REQUEST=GetFeature&VERSION=1.1.0&TYPENAME=places&SRSNAME=EPSG:4326",
    );
    const t = await r.text();
    expect(texts(t, "name")).toEqual(POINTS.map((p) => p.name));
    expect(texts(t, "pos")[0]).toBe("10 50");
  });
  test("/ows (whole catalog) names layers layer_<id>", async () => {
    const r = await f.s.fetch(
      `/ows?SERVICE=WFS&REQUEST=GetFeature&VERSION=2.0.0&TYPENAMES=gisd:layer_${f.points}&RESULTTYPE=hits`,
    );
    expect(xml(await r.text()).attrs.numberMatched).toBe("4");
  });
});

describe("WFS 2.0 GetPropertyValue", () => {
  test("one property of the matching features, geometries as GML", async () => {
    const r = await get(
      "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetPropertyValue&TYPENAMES=places&VALUEREFERENCE=name&SORTBY=name",
    );
    expect(r.status).toBe(200);
    expect(xml(r.text).name).toBe("ValueCollection");
    expect(texts(r.text, "member")).toEqual(["Alpha", "Beta & <Co>", "Gamma", "Дельта"]);
    const g = await get(
      "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetPropertyValue&TYPENAMES=places&VALUEREFERENCE=geom&COUNT=1",
    );
    expect(texts(g.text, "pos")).toEqual(["50 10"]);
    const bad = await get(
      "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetPropertyValue&TYPENAMES=places&VALUEREFERENCE=secret",
    );
    expect(bad.status).toBe(400);
  });
});

describe("WFS 2.0 stored queries", () => {
  const BY_ID = "urn:ogc:def:query:OGC-WFS::GetFeatureById";
  test("listed and described", async () => {
    const l = await get("SERVICE=WFS&VERSION=2.0.0&REQUEST=ListStoredQueries");
    expect(descendants(xml(l.text), "StoredQuery")[0]!.attrs.id).toBe(BY_ID);
    expect(texts(l.text, "ReturnFeatureType")).toEqual(["ngw:places", "ngw:parcels"]);
    const d = await get(
      `SERVICE=WFS&VERSION=2.0.0&REQUEST=DescribeStoredQueries&STOREDQUERY_ID=${BY_ID}`,
    );
    expect(descendants(xml(d.text), "Parameter")[0]!.attrs.name).toBe("ID");
  });
  test("GetFeatureById answers the bare feature, 404 when absent", async () => {
    const r = await get(
      `SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&STOREDQUERY_ID=${BY_ID}&ID=places.2`,
    );
    expect(r.status).toBe(200);
    const el = xml(r.text);
    expect([el.name, el.attrs.id]).toEqual(["places", "places.2"]);
    expect(texts(r.text, "name")).toEqual(["Beta & <Co>"]);
    const none = await get(
      `SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&STOREDQUERY_ID=${BY_ID}&ID=places.999`,
    );
    expect(none.status).toBe(404);
    expect(none.text).toContain('exceptionCode="NotFound"');
  });
});

describe("ACL and hostile input: reports with a 4xx, never a 5xx", () => {
  test("guests cannot read the private layer", async () => {
    const r = await get("SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=secret");
    expect(r.status).toBe(400);
    expect(r.text).toContain("ows:ExceptionReport");
    expect(r.text).not.toContain("hidden");
    const ok = await get(
      "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=secret",
      f.s.admin,
    );
    expect(ok.text).toContain("hidden");
  });
  const cases: [string, string][] = [
    ["unknown type", "VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=nope"],
    ["unknown property", "VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=places&PROPERTYNAME=password"],
    [
      "XPath property",
      "VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=places&PROPERTYNAME=exec(java.lang.Runtime.getRuntime(),'id')",
    ],
    [
      "XXE in FILTER",
      `VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=places&FILTER=${encodeURIComponent('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Filter><PropertyIsEqualTo><ValueReference>name</ValueReference><Literal>&e;</Literal></PropertyIsEqualTo></Filter>')}`,
    ],
    [
      "function in FILTER",
      `VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=places&FILTER=${encodeURIComponent('<Filter><PropertyIsEqualTo><Function name="exec"><Literal>id</Literal></Function><Literal>1</Literal></PropertyIsEqualTo></Filter>')}`,
    ],
    ["malformed FILTER", "VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=places&FILTER=<Filter><And>"],
    ["NaN in BBOX", "VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=places&BBOX=NaN,0,1,1"],
    ["huge COUNT", "VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=places&COUNT=99999999999999999999"],
    ["negative STARTINDEX", "VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=places&STARTINDEX=-1"],
    ["unknown SRSNAME", "VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=places&SRSNAME=EPSG:99999999"],
    [
      "bad output format",
      "VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=places&OUTPUTFORMAT=shape-zip",
    ],
    [
      "bad integer literal",
      `VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=places&FILTER=${encodeURIComponent("<Filter><PropertyIsEqualTo><ValueReference>pop</ValueReference><Literal>1e999</Literal></PropertyIsEqualTo></Filter>")}`,
    ],
    ["unknown request", "VERSION=2.0.0&REQUEST=DropTables"],
  ];
  test.each(cases)("%s", async (_, q) => {
    const r = await get(`SERVICE=WFS&${q}`);
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.text).toContain("ExceptionReport");
    expect(r.text).not.toContain("root:");
  });
  test("WFS 1.0 errors are ServiceExceptionReports", async () => {
    const r = await get("SERVICE=WFS&VERSION=1.0.0&REQUEST=GetFeature&TYPENAME=nope");
    expect(r.status).toBe(400);
    expect(r.text).toContain("<ServiceExceptionReport");
  });
});

describe("fuzzing the KVP (fast-check): any parameter values give a report or data, never a 5xx", () => {
  const value = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.constantFrom(
      "places",
      "ngw:places",
      "secret",
      "1.1.0",
      "2.0.0",
      "1.0.0",
      "hits",
      "*",
      "-1",
      "1e309",
      "NaN",
    ),
    fc.constantFrom(
      "EPSG:4326",
      "urn:ogc:def:crs:EPSG::3857",
      "0,0,1,1",
      "1,2,3,4,EPSG:0",
      "name D,pop",
      "places.1",
    ),
    fc.constantFrom(
      "<Filter><PropertyIsNull><ValueReference>pop</ValueReference></PropertyIsNull></Filter>",
      "<Filter><Not/></Filter>",
      "<a>",
    ),
  );
  const keys = fc.constantFrom(
    "VERSION",
    "REQUEST",
    "TYPENAMES",
    "TYPENAME",
    "COUNT",
    "STARTINDEX",
    "SRSNAME",
    "BBOX",
    "FILTER",
    "RESOURCEID",
    "FEATUREID",
    "SORTBY",
    "PROPERTYNAME",
    "OUTPUTFORMAT",
    "RESULTTYPE",
    "STOREDQUERY_ID",
    "ID",
  );
  test("GetFeature and friends", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(keys, value, { maxKeys: 6 }),
        fc.constantFrom("GetFeature", "DescribeFeatureType", "GetCapabilities"),
        async (params, request) => {
          const q = new URLSearchParams({
            SERVICE: "WFS",
            REQUEST: request,
            TYPENAMES: "places",
            ...params,
          });
          const res = await fetch(`${f.wfs}?${q}`);
          const text = await res.text();
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) expect(text).toMatch(/ExceptionReport/);
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);
});
