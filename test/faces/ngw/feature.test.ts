/** @module NGW feature API against a real server: CRUD, batch, filters, paging, formats, extents, errors. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startServer, type TestServer } from "../../helpers/server.ts";

let s: TestServer;
let layer: number;
let group: number;
const FIELDS = [
  { keyname: "name", datatype: "STRING" },
  { keyname: "n", datatype: "INTEGER" },
  { keyname: "big", datatype: "BIGINT" },
  { keyname: "r", datatype: "REAL" },
  { keyname: "d", datatype: "DATE" },
  { keyname: "t", datatype: "TIME" },
  { keyname: "dt", datatype: "DATETIME", display_name: "When" },
];
const api = (p: string) => `/api/resource/${layer}${p}`;

async function post(path: string, body: unknown, method = "POST") {
  return s.json(path, { method, auth: s.admin, body });
}

beforeAll(async () => {
  s = await startServer();
  group = (
    await post("/api/resource/", {
      resource: { cls: "resource_group", parent: { id: 0 }, display_name: "g" },
    })
  ).body.id;
  // Exactly what GDAL 3.6 sends to create an empty layer (reference/ngw.md §3.9).
  const r = await post("/api/resource/", {
    resource: { cls: "vector_layer", parent: { id: group }, display_name: "places" },
    vector_layer: { srs: { id: 3857 }, geometry_type: "POINT", fields: FIELDS },
    resmeta: { items: {} },
  });
  expect(r.status).toBe(201);
  layer = r.body.id;
  const feats = [
    ["alpha", 1, 10, 0.5, "POINT (0 0)"],
    ["beta", 2, 20, 1.5, "POINT (1000 1000)"],
    ["gamma ray", 3, 9007199254740993n, 2.5, "POINT (2000 500)"],
    ["delta", 4, null, null, "POINT (-1000 -2000)"],
    ["Alpine", 5, 50, 5.5, "POINT (3000 3000)"],
  ] as const;
  for (const [name, n, big, rr, geom] of feats) {
    const res = await post(api("/feature/"), {
      geom,
      fields: {
        name,
        n,
        big: typeof big === "bigint" ? big.toString() : big,
        r: rr,
        d: { year: 2015, month: 2, day: n, hour: 0, minute: 0, second: 0 },
        t: { year: 0, month: 0, day: 0, hour: 12, minute: 30, second: n },
        dt: { year: 2020, month: 1, day: 1, hour: 1, minute: 2, second: 3 },
        unknown_key: "ignored",
      },
    });
    expect(res.status).toBe(200);
    expect(typeof res.body.id).toBe("number");
  }
});
afterAll(() => s.stop());

describe("resource JSON", () => {
  test("feature_layer and vector_layer keys as GDAL reads them", async () => {
    const r = await s.json(`/api/resource/${layer}`, { auth: s.admin });
    expect(r.body.vector_layer).toEqual({ srs: { id: 3857 }, geometry_type: "POINT" });
    const fl = r.body.feature_layer;
    expect(fl.srs).toEqual({ id: 3857 });
    expect(fl.fields.map((f: any) => [f.keyname, f.datatype])).toEqual(
      FIELDS.map((f) => [f.keyname, f.datatype]),
    );
    expect(fl.fields[6].display_name).toBe("When");
    expect(fl.fields[0]).toMatchObject({ typemod: null, label_field: false, lookup_table: null });
    expect(r.body.resource.interfaces).toContain("IFeatureLayer");
  });

  test("geometry_type is required for an empty layer", async () => {
    const r = await post("/api/resource/", {
      resource: { cls: "vector_layer", parent: { id: group }, display_name: "nogeom" },
      vector_layer: { srs: { id: 3857 } },
    });
    expect(r.status).toBe(422);
    expect(r.body.exception).toBe("nextgisweb.core.exception.ValidationError");
  });
});

describe("reading", () => {
  test("list: WKT, typed values, dates as objects, id order", async () => {
    const r = await s.json(api("/feature/"), { auth: s.admin });
    expect(r.status).toBe(200);
    expect(r.body.map((f: any) => f.fields.name)).toEqual([
      "alpha",
      "beta",
      "gamma ray",
      "delta",
      "Alpine",
    ]);
    const g = r.body[2];
    expect(g.geom).toBe("POINT (2000 500)");
    expect(g.fields.big).toBe("9007199254740993");
    expect(g.fields.d).toEqual({ year: 2015, month: 2, day: 3 });
    expect(g.fields.t).toEqual({ hour: 12, minute: 30, second: 3 });
    expect(g.fields.dt).toEqual({ year: 2020, month: 1, day: 1, hour: 1, minute: 2, second: 3 });
    expect(g.extensions).toEqual({ attachment: null, description: null });
    expect(r.body[3].fields.big).toBeNull();
  });

  test("formats: geojson, srs, iso dates, fields subset, extensions=, geom=no, label", async () => {
    const r = await s.json(
      api(
        "/feature/?geom_format=geojson&srs=4326&dt_format=iso&fields=name,d&extensions=&label=true&limit=2&offset=1",
      ),
      { auth: s.admin },
    );
    expect(r.body.length).toBe(2);
    const f = r.body[0];
    expect(f.geom.type).toBe("Point");
    expect(f.geom.coordinates[0]).toBeCloseTo(0.008983, 5);
    expect(f.fields).toEqual({ name: "beta", d: "2015-02-02" });
    expect(f.extensions).toBeUndefined();
    expect(f.label).toBe(`#${f.id}`);
    const nogeom = await s.json(api("/feature/?geom=no&fields="), { auth: s.admin });
    expect(nogeom.body[0].geom).toBeUndefined();
    expect(nogeom.body[0].fields).toEqual({});
  });

  test("filters: fld ops, id ops, in, isnull, like/ilike, + as space, intersects", async () => {
    const names = async (q: string) =>
      (await s.json(api(`/feature/?${q}`), { auth: s.admin })).body.map((f: any) => f.fields.name);
    expect(await names("fld_n__gt=3")).toEqual(["delta", "Alpine"]);
    expect(await names("fld_n__eq=2&fld_name__eq=beta")).toEqual(["beta"]);
    expect(await names("fld_r__ge=1.500000&fld_r__lt=3")).toEqual(["beta", "gamma ray"]);
    expect(await names("fld_name__in=alpha,delta")).toEqual(["alpha", "delta"]);
    expect(await names("fld_big__isnull=yes")).toEqual(["delta"]);
    expect(await names("fld_name__like=Al%25")).toEqual(["Alpine"]);
    expect(await names("fld_name__ilike=al%25")).toEqual(["alpha", "Alpine"]);
    expect(await names("fld_name__eq=gamma+ray")).toEqual(["gamma ray"]);
    expect(await names("ilike=ALP")).toEqual(["alpha", "Alpine"]);
    const first = (await s.json(api("/feature/?limit=1"), { auth: s.admin })).body[0].id;
    expect(await names(`id__gt=${first + 2}`)).toEqual(["delta", "Alpine"]);
    expect(await names(`id=${first}`)).toEqual(["alpha"]);
    const box = "POLYGON((-10 -10,1500 -10,1500 1500,-10 1500,-10 -10))";
    expect(await names(`intersects=${encodeURIComponent(box)}`)).toEqual(["alpha", "beta"]);
  });

  test("filter= JSON expressions (NGW feature_layer/filter.py)", async () => {
    const names = async (e: unknown) => {
      const r = await s.json(api(`/feature/?filter=${encodeURIComponent(JSON.stringify(e))}`), {
        auth: s.admin,
      });
      expect(r.status).toBe(200);
      return r.body.map((f: any) => f.fields.name);
    };
    expect(await names(["all", [">", ["get", "n"], 1], ["<=", ["get", "n"], 3]])).toEqual([
      "beta",
      "gamma ray",
    ]);
    expect(await names(["in", ["get", "name"], "alpha", "delta"])).toEqual(["alpha", "delta"]);
    expect(await names(["any", ["is_null", ["get", "big"]]])).toEqual(["delta"]);
    expect(await names(["==", 5, ["get", "n"]])).toEqual(["Alpine"]);
    expect(await names([])).toHaveLength(5);
    const count = await s.json(
      api(`/feature_count?filter=${encodeURIComponent('["ilike",["get","name"],"al%"]')}`),
      {
        auth: s.admin,
      },
    );
    expect(count.body).toEqual({ total_count: 5, filtered_count: 2 });
    for (const bad of [
      '["==",["get","nope"],1]',
      "[",
      '["any",["==",["fid"],1],["==",["fid"],2]]',
      '["~",1,2]',
    ]) {
      const r = await s.json(api(`/feature/?filter=${encodeURIComponent(bad)}`), { auth: s.admin });
      expect(r.status).toBe(422);
      expect(r.body.message).toStartWith("Invalid filter expression");
    }
  });

  test("order_by with desc and paging are stable", async () => {
    const r = await s.json(api("/feature/?order_by=-n&limit=2&offset=1"), { auth: s.admin });
    expect(r.body.map((f: any) => f.fields.n)).toEqual([4, 3]);
    const asc = await s.json(api("/feature/?order_by=%2Bname"), { auth: s.admin });
    expect(asc.body[0].fields.name).toBe("Alpine");
  });

  test("feature_count: total unfiltered, filtered_count with filters", async () => {
    expect((await s.json(api("/feature_count"), { auth: s.admin })).body).toEqual({
      total_count: 5,
    });
    expect((await s.json(api("/feature_count?fld_n__le=2"), { auth: s.admin })).body).toEqual({
      total_count: 5,
      filtered_count: 2,
    });
  });

  test("extent, feature_extent, item extent and geometry_info", async () => {
    const e = (await s.json(api("/extent"), { auth: s.admin })).body.extent;
    expect(e.minLon).toBeCloseTo(-0.008983, 5);
    expect(e.maxLat).toBeCloseTo(0.026949, 5);
    const fe = (await s.json(api("/feature_extent?fld_n__eq=1"), { auth: s.admin })).body;
    expect(fe).toEqual({ minLon: 0, minLat: 0, maxLon: 0, maxLat: 0 });
    const id = (await s.json(api("/feature/?fld_n__eq=2"), { auth: s.admin })).body[0].id;
    const ie = (await s.json(api(`/feature/${id}/extent`), { auth: s.admin })).body.extent;
    expect(ie.minLon).toBeCloseTo(0.008983, 5);
    const gi = (await s.json(api(`/feature/${id}/geometry_info`), { auth: s.admin })).body;
    expect(gi).toEqual({
      type: "Point",
      area: null,
      length: null,
      extent: { minX: 1000, minY: 1000, maxX: 1000, maxY: 1000 },
    });
  });

  test("routes are published under NGW's names", async () => {
    const r = await s.json("/api/component/pyramid/route");
    expect(r.body["feature_layer.feature.item"]).toEqual([
      "/api/resource/{0}/feature/{1}",
      "id",
      "fid",
    ]);
    expect(r.body["feature_layer.feature.count"][0]).toBe("/api/resource/{0}/feature_count");
    expect(r.body["layer.extent"][0]).toBe("/api/resource/{0}/extent");
  });
});

describe("bad input is a 4xx NGW error", () => {
  const bad = async (q: string, status = 422) => {
    const r = await s.json(api(q), { auth: s.admin });
    expect(r.status).toBe(status);
    expect(typeof r.body.message).toBe("string");
    return r.body;
  };
  test("unknown fld_ field, SQL in order_by, limit=-1, bad WKT, bad bool", async () => {
    expect((await bad("/feature/?fld_nope__eq=1")).message).toBe("Unknown field 'nope'.");
    await bad("/feature/?order_by=name;DROP TABLE resource");
    await bad("/feature/?order_by=(SELECT 1)");
    await bad("/feature/?limit=-1");
    await bad("/feature/?limit=abc");
    await bad("/feature/?intersects=POLYGON((0 0,1");
    await bad("/feature/?geom=maybe");
    await bad("/feature/?fld_n__eq=notanumber");
    await bad("/feature/?srs=999999");
  });
  test("unknown feature, non-layer resource, guest", async () => {
    const nf = await bad("/feature/987654", 404);
    expect(nf.exception).toBe("nextgisweb.feature_layer.exception.FeatureNotFound");
    expect(nf.message).toBe(
      `Feature with id = 987654 was not found in resource with id = ${layer}.`,
    );
    const grp = await s.json(`/api/resource/${group}/feature/`, { auth: s.admin });
    expect(grp.status).toBe(404);
    expect(grp.body.exception).toBe("nextgisweb.resource.exception.ResourceNotFound");
    const guest = await s.json(api("/feature/"));
    expect(guest.status).toBe(403);
  });
  test("NaN coordinates and wrong geometry types are refused and write nothing", async () => {
    for (const geom of ["POINT (NaN 1)", "LINESTRING (0 0, 1 1)", "POINT (1"]) {
      const r = await post(api("/feature/"), { geom, fields: {} });
      expect(r.status).toBe(422);
    }
    const nan = await post(api("/feature/?geom_format=geojson"), {
      geom: { type: "Point", coordinates: [Number.NaN, 1] },
    });
    expect(nan.status).toBeGreaterThanOrEqual(400);
    expect(nan.status).toBeLessThan(500);
    expect((await s.json(api("/feature_count"), { auth: s.admin })).body.total_count).toBe(5);
  });
});

describe("writing", () => {
  test("PUT updates given fields only; geom null skipped unless geom_null", async () => {
    const id = (await s.json(api("/feature/?fld_n__eq=1"), { auth: s.admin })).body[0].id;
    const r = await post(api(`/feature/${id}`), { id, geom: null, fields: { r: 9.25 } }, "PUT");
    expect(r.body).toEqual({ id });
    let f = (await s.json(api(`/feature/${id}`), { auth: s.admin })).body;
    expect(f.fields.r).toBe(9.25);
    expect(f.fields.name).toBe("alpha");
    expect(f.geom).toBe("POINT (0 0)");
    await post(api(`/feature/${id}?srs=4326`), { geom: "POINT (0.008983152841195 0)" }, "PUT");
    f = (await s.json(api(`/feature/${id}`), { auth: s.admin })).body;
    expect(Number(/POINT \(([-\d.e]+)/.exec(f.geom)![1])).toBeCloseTo(1000, 3);
    expect((await post(api("/feature/424242"), { fields: {} }, "PUT")).status).toBe(404);
  });

  test("PATCH batch is one transaction; a bad item writes nothing", async () => {
    const before = (await s.json(api("/feature_count"), { auth: s.admin })).body.total_count;
    const bad = await post(
      api("/feature/"),
      [{ geom: "POINT (5 5)", fields: { name: "ok" } }, { geom: "POINT (NaN 5)" }],
      "PATCH",
    );
    expect(bad.status).toBe(422);
    expect((await s.json(api("/feature_count"), { auth: s.admin })).body.total_count).toBe(before);
    const list = (await s.json(api("/feature/"), { auth: s.admin })).body;
    const r = await post(
      api("/feature/"),
      [
        { geom: "POINT (7 7)", fields: { name: "new" } },
        { id: list[0].id, fields: { name: "renamed" } },
        { id: list[1].id, delete: true },
      ],
      "PATCH",
    );
    expect(r.status).toBe(200);
    expect(r.body.length).toBe(3);
    expect(r.body[1]).toEqual({ id: list[0].id });
    expect(r.body[2]).toEqual({ id: list[1].id });
    const after = (await s.json(api("/feature/"), { auth: s.admin })).body;
    expect(after.length).toBe(before);
    expect(after.find((f: any) => f.id === r.body[0].id).fields.name).toBe("new");
    expect(after.find((f: any) => f.id === list[0].id).fields.name).toBe("renamed");
  });

  test("DELETE one, DELETE a list, DELETE all", async () => {
    const list = (await s.json(api("/feature/"), { auth: s.admin })).body;
    expect(
      (await s.json(api(`/feature/${list[0].id}`), { method: "DELETE", auth: s.admin })).body,
    ).toEqual({ id: list[0].id });
    expect(
      (await s.json(api(`/feature/${list[0].id}`), { method: "DELETE", auth: s.admin })).status,
    ).toBe(404);
    const some = await post(api("/feature/"), [{ id: list[1].id }], "DELETE");
    expect(some.body).toEqual([list[1].id]);
    const all = await s.json(api("/feature/"), { method: "DELETE", auth: s.admin });
    expect(all.body).toBe(true);
    expect((await s.json(api("/feature_count"), { auth: s.admin })).body.total_count).toBe(0);
    // Ids are never reused after deletes, as with NGW's sequence.
    const n = await post(api("/feature/"), { geom: "POINT (1 1)", fields: {} });
    expect(n.body.id).toBeGreaterThan(Math.max(...list.map((f: any) => f.id)));
  });
});

describe("field editor and resource updates", () => {
  test("GDAL's re-PUT of the whole create JSON never fails and changes nothing", async () => {
    const r = await post(
      `/api/resource/${layer}`,
      {
        resource: { cls: "vector_layer", parent: { id: group }, display_name: "places" },
        vector_layer: {
          srs: { id: 3857 },
          geometry_type: "POINT",
          fields: [{ keyname: "renamed_by_gdal", datatype: "STRING" }],
        },
        resmeta: { items: { a: 1 } },
      },
      "PUT",
    );
    expect(r.status).toBe(200);
    const doc = (await s.json(`/api/resource/${layer}`, { auth: s.admin })).body;
    expect(doc.feature_layer.fields.length).toBe(FIELDS.length);
  });

  test("feature_layer.fields: rename, move, add, delete; features keep their values", async () => {
    await post(api("/feature/"), { geom: "POINT (2 2)", fields: { name: "kept", n: 7 } });
    const doc = (await s.json(`/api/resource/${layer}`, { auth: s.admin })).body;
    const byKey = Object.fromEntries(doc.feature_layer.fields.map((f: any) => [f.keyname, f.id]));
    const r = await post(
      `/api/resource/${layer}`,
      {
        feature_layer: {
          fields: [
            { id: byKey.n, keyname: "num", display_name: "Number", label_field: true },
            { id: byKey.big, delete: true },
            { keyname: "flag", datatype: "BOOLEAN" },
          ],
        },
      },
      "PUT",
    );
    expect(r.status).toBe(200);
    const fl = (await s.json(`/api/resource/${layer}`, { auth: s.admin })).body.feature_layer;
    const keys = fl.fields.map((f: any) => f.keyname);
    expect(keys).toEqual(["name", "num", "flag", "r", "d", "t", "dt"]);
    expect(fl.fields[1].label_field).toBe(true);
    const feats = (await s.json(api("/feature/?fld_num__eq=7&label=true"), { auth: s.admin })).body;
    expect(feats[0].fields).toMatchObject({ name: "kept", num: 7, flag: null });
    expect(feats[0].label).toBe("7");
    const dup = await post(
      `/api/resource/${layer}`,
      { feature_layer: { fields: [{ keyname: "name", datatype: "STRING" }] } },
      "PUT",
    );
    expect(dup.status).toBe(422);
  });

  test("delete_all_features and removing the layer", async () => {
    await post(`/api/resource/${layer}`, { vector_layer: { delete_all_features: true } }, "PUT");
    expect((await s.json(api("/feature_count"), { auth: s.admin })).body.total_count).toBe(0);
    const del = await s.json(`/api/resource/${layer}`, { method: "DELETE", auth: s.admin });
    expect(del.status).toBe(200);
    expect((await s.json(api("/feature/"), { auth: s.admin })).status).toBe(404);
  });
});

test("a list larger than one chunk streams as one valid JSON array", async () => {
  const r = await post("/api/resource/", {
    resource: { cls: "vector_layer", parent: { id: group }, display_name: "many" },
    vector_layer: {
      srs: { id: 4326 },
      geometry_type: "POINT",
      fields: [{ keyname: "i", datatype: "INTEGER" }],
    },
  });
  const many = r.body.id;
  const items = Array.from({ length: 2100 }, (_, i) => ({
    geom: `POINT (${(i % 360) - 180} ${(i % 180) - 90})`,
    fields: { i },
  }));
  expect((await post(`/api/resource/${many}/feature/`, items, "PATCH")).status).toBe(200);
  const list = await s.json(`/api/resource/${many}/feature/?extensions=`, { auth: s.admin });
  expect(list.res.headers.get("content-type")).toContain("application/json");
  expect(list.body.length).toBe(2100);
  expect(list.body.map((f: any) => f.fields.i)).toEqual(items.map((x) => x.fields.i));
});

test("permissions: data.read reads, data.write is needed to write (NGW §5)", async () => {
  const u = await post("/api/component/auth/user/", {
    keyname: "reader",
    display_name: "Reader",
    password: "reader-pass-1",
  });
  expect(u.status).toBe(201);
  const r = await post("/api/resource/", {
    resource: { cls: "vector_layer", parent: { id: group }, display_name: "acl" },
    vector_layer: { srs: { id: 3857 }, geometry_type: "POINT", fields: [] },
  });
  const id = r.body.id;
  const rule = (scope: string, permission: string) => ({
    action: "allow",
    principal: { id: u.body.id },
    identity: "",
    scope,
    permission,
    propagate: true,
  });
  for (const rid of [group, id]) {
    const acl = await post(
      `/api/resource/${rid}`,
      { resource: { permissions: [rule("resource", "read"), rule("data", "read")] } },
      "PUT",
    );
    expect(acl.status).toBe(200);
  }
  const auth = "reader:reader-pass-1";
  expect((await s.json(`/api/resource/${id}/feature/`, { auth })).status).toBe(200);
  const w = await s.json(`/api/resource/${id}/feature/`, {
    method: "POST",
    auth,
    body: { geom: "POINT (1 1)" },
  });
  expect(w.status).toBe(403);
  expect(w.body.message).toBe(
    `Insufficient 'write' permission in scope 'data' on resource id = ${id}.`,
  );
  const fe = await s.json(`/api/resource/${id}`, {
    method: "PUT",
    auth,
    body: { feature_layer: { fields: [{ keyname: "x", datatype: "STRING" }] } },
  });
  expect(fe.status).toBe(403);
});

test("field editor moves fields as NGW does ([c, a] over a, b, c, d gives b, c, a, d)", async () => {
  const r = await post("/api/resource/", {
    resource: { cls: "vector_layer", parent: { id: group }, display_name: "order" },
    vector_layer: {
      srs: { id: 3857 },
      geometry_type: "POINT",
      fields: ["a", "b", "c", "d"].map((k) => ({ keyname: k, datatype: "STRING" })),
    },
  });
  const fid = (await post(`/api/resource/${r.body.id}/feature/`, { fields: { a: "1", c: "3" } }))
    .body.id;
  const doc = (await s.json(`/api/resource/${r.body.id}`, { auth: s.admin })).body;
  const ids = Object.fromEntries(doc.feature_layer.fields.map((f: any) => [f.keyname, f.id]));
  const u = await post(
    `/api/resource/${r.body.id}`,
    { feature_layer: { fields: [{ id: ids.c }, { id: ids.a }] } },
    "PUT",
  );
  expect(u.status).toBe(200);
  const after = (await s.json(`/api/resource/${r.body.id}`, { auth: s.admin })).body;
  expect(after.feature_layer.fields.map((f: any) => f.keyname)).toEqual(["b", "c", "a", "d"]);
  const f = (await s.json(`/api/resource/${r.body.id}/feature/${fid}`, { auth: s.admin })).body;
  expect(Object.keys(f.fields)).toEqual(["b", "c", "a", "d"]);
  expect(f.fields).toEqual({ a: "1", b: null, c: "3", d: null });
  const missing = await post(
    `/api/resource/${r.body.id}`,
    { feature_layer: { fields: [{ id: 999999 }] } },
    "PUT",
  );
  expect(missing.status).toBe(422);
  expect(missing.body.message).toBe("Field not found (ID=999999).");
});
