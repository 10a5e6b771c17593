/**
 * @module External stores served in place, `update=append|overwrite`, streamed uploads with a
 * size limit, and cascading stores refused — each over HTTP against a real server. A FlatGeobuf
 * under the import root becomes an `fgb_layer` that reads the file where it lies (changing the
 * file changes what is served); paths outside the root are refused by every face.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gdal, hasGdal } from "../../helpers/gdal.ts";
import { startServer, type TestServer } from "../../helpers/server.ts";

let s: TestServer;
let root: string;
let outside: string;
const R = "/geoserver/rest";

async function call(method: string, path: string, body?: BodyInit, type = "application/json") {
  const res = await s.fetch(R + path, {
    method,
    auth: s.admin,
    body,
    headers: body === undefined ? {} : { "Content-Type": type },
  });
  return { status: res.status, text: await res.text(), type: res.headers.get("content-type") };
}

function points(n: number, start = 0, name = "p"): string {
  const features = Array.from({ length: n }, (_, i) => ({
    type: "Feature",
    properties: { name: `${name}${start + i}`, num: start + i },
    geometry: { type: "Point", coordinates: [10 + start + i, 50] },
  }));
  return JSON.stringify({ type: "FeatureCollection", features });
}

async function makeFgb(path: string, n: number, start = 0) {
  const src = `${path}.src.geojson`;
  writeFileSync(src, points(n, start));
  const r = await gdal("ogr2ogr", ["-f", "FlatGeobuf", path, src]);
  rmSync(src);
  if (r.code !== 0) throw new Error(r.stderr);
}

async function layerId(ws: string, name: string): Promise<{ id: number; cls: string }> {
  const r = await s.json(`${R}/workspaces/${ws}/layers/${name}.json`, { auth: s.admin });
  expect(r.status).toBe(200);
  const href = r.body.layer.resource.href as string;
  const ft = await s.json(new URL(href).pathname, { auth: s.admin });
  const search = await s.json(
    `/api/resource/search/?serialization=resource&display_name=${encodeURIComponent(ft.body.featureType.title)}`,
    { auth: s.admin },
  );
  // The store group has the same name: pick the layer.
  const hit = (search.body as { resource: { id: number; cls: string } }[]).find(
    (h) => h.resource.cls !== "resource_group",
  )!;
  return { id: hit.resource.id, cls: hit.resource.cls };
}

/** A request body sent chunked (no Content-Length), so the server must count while streaming. */
function chunked(text: string, size: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  return new ReadableStream<Uint8Array>({
    start(ctl) {
      for (let i = 0; i < bytes.length; i += size) ctl.enqueue(bytes.subarray(i, i + size));
      ctl.close();
    },
  });
}

async function count(id: number): Promise<number> {
  const r = await s.json(`/api/resource/${id}/feature_count`, { auth: s.admin });
  expect(r.status).toBe(200);
  return r.body.total_count;
}

async function total(): Promise<number> {
  const r = await s.json("/api/resource/search/?serialization=resource", { auth: s.admin });
  return (r.body as unknown[]).length;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "gisd-ext-root-"));
  outside = mkdtempSync(join(tmpdir(), "gisd-ext-outside-"));
  s = await startServer({ GISD_IMPORT_ROOT: root, GISD_MAX_UPLOAD: "20000" });
  await call("POST", "/workspaces", JSON.stringify({ workspace: { name: "ext" } }));
});
afterAll(async () => {
  await s.stop();
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe.skipIf(!hasGdal)("FlatGeobuf stores served in place", () => {
  test("external.fgb makes an fgb_layer over the file; changing the file changes the data", async () => {
    const file = join(root, "towns.fgb");
    await makeFgb(file, 3);
    const r = await call(
      "PUT",
      "/workspaces/ext/datastores/towns/external.fgb",
      `file:${file}`,
      "text/plain",
    );
    expect(r.status).toBe(201);
    const { id, cls } = await layerId("ext", "towns");
    expect(cls).toBe("fgb_layer");
    expect(await count(id)).toBe(3);
    const fc = await s.json(`/api/resource/${id}/feature/?geom_format=geojson`, { auth: s.admin });
    const names = fc.body.map((f: { fields: { name: string } }) => f.fields.name);
    expect(names.sort()).toEqual(["p0", "p1", "p2"]);
    // Served in place: rewriting the file is seen at once; no copy was made.
    await makeFgb(join(root, "towns-next.fgb"), 5);
    renameSync(join(root, "towns-next.fgb"), file);
    expect(await count(id)).toBe(5);
    const store = await s.json(`${R}/workspaces/ext/datastores/towns.json`, { auth: s.admin });
    expect(JSON.stringify(store.body)).toContain("towns.fgb");
    // A read-only layer: appending to it is refused, nothing changes.
    const app = await call(
      "PUT",
      "/workspaces/ext/datastores/towns/file.geojson?update=append",
      points(2),
      "application/json",
    );
    expect(app.status).toBe(403);
    expect(await count(id)).toBe(5);
  });

  test("a datastore whose url names an .fgb publishes a feature type in place", async () => {
    const file = join(root, "rivers.fgb");
    await makeFgb(file, 4);
    const ds = await call(
      "POST",
      "/workspaces/ext/datastores",
      JSON.stringify({
        dataStore: {
          name: "rivers",
          connectionParameters: { entry: [{ "@key": "url", $: `file:${file}` }] },
        },
      }),
    );
    expect(ds.status).toBe(201);
    const avail = await s.json(
      `${R}/workspaces/ext/datastores/rivers/featuretypes.json?list=available`,
      {
        auth: s.admin,
      },
    );
    expect(JSON.stringify(avail.body)).toContain("rivers");
    const ft = await call(
      "POST",
      "/workspaces/ext/datastores/rivers/featuretypes",
      JSON.stringify({ featureType: { name: "rivers", nativeName: "rivers" } }),
    );
    expect(ft.status).toBe(201);
    const { id, cls } = await layerId("ext", "rivers");
    expect(cls).toBe("fgb_layer");
    expect(await count(id)).toBe(4);
    // Drawn through the catalog like any layer: an MVT tile over the points is not empty.
    const tile = await s.fetch(`/api/component/feature_layer/mvt?resource=${id}&z=0&x=0&y=0`, {
      auth: s.admin,
    });
    expect(tile.status).toBe(200);
    expect((await tile.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });

  test("paths outside the import root are refused by the GeoServer and the NGW face", async () => {
    await makeFgb(join(outside, "secret.fgb"), 1);
    symlinkSync(join(outside, "secret.fgb"), join(root, "link.fgb"));
    const before = await total();
    for (const spec of [
      `file:${join(outside, "secret.fgb")}`,
      `file:${root}/../${outside.split("/").pop()}/secret.fgb`,
      `file:${join(root, "link.fgb")}`,
    ]) {
      const up = await call(
        "PUT",
        "/workspaces/ext/datastores/evil/external.fgb",
        spec,
        "text/plain",
      );
      expect(up.status).toBe(403);
      const ds = await call(
        "POST",
        "/workspaces/ext/datastores",
        JSON.stringify({
          dataStore: {
            name: "evil",
            connectionParameters: { entry: [{ "@key": "url", $: spec }] },
          },
        }),
      );
      expect(ds.status).toBe(403);
    }
    const parent = (await s.json(`${R}/workspaces/ext.json`, { auth: s.admin })).status;
    expect(parent).toBe(200);
    const ngw = await s.json("/api/resource/", {
      method: "POST",
      auth: s.admin,
      body: {
        resource: { cls: "fgb_layer", parent: { id: 0 }, display_name: "stolen" },
        fgb_layer: { path: join(outside, "secret.fgb") },
      },
    });
    expect(ngw.status).toBeGreaterThanOrEqual(400);
    expect(ngw.status).toBeLessThan(500);
    // Inside the root but not a FlatGeobuf: refused too.
    writeFileSync(join(root, "fake.fgb"), "not a flatgeobuf");
    const fake = await s.json("/api/resource/", {
      method: "POST",
      auth: s.admin,
      body: {
        resource: { cls: "fgb_layer", parent: { id: 0 }, display_name: "fake" },
        fgb_layer: { path: join(root, "fake.fgb") },
      },
    });
    expect(fake.status).toBeGreaterThanOrEqual(400);
    expect(fake.status).toBeLessThan(500);
    expect(await total()).toBe(before);
  });
});

describe("update=append and update=overwrite", () => {
  test("append adds the file's features to the layer; overwrite replaces them", async () => {
    const put = (q: string, body: string) =>
      call(
        "PUT",
        `/workspaces/ext/datastores/pts/file.geojson?filename=pts.geojson${q}`,
        body,
        "application/json",
      );
    expect((await put("", points(2))).status).toBe(201);
    const { id, cls } = await layerId("ext", "pts");
    expect(cls).toBe("vector_layer");
    expect(await count(id)).toBe(2);
    expect((await put("&update=append", points(3, 2))).status).toBe(201);
    expect(await count(id)).toBe(5);
    const fc = await s.json(`/api/resource/${id}/feature/?order_by=num`, { auth: s.admin });
    expect(fc.body.map((f: { fields: { name: string } }) => f.fields.name)).toEqual([
      "p0",
      "p1",
      "p2",
      "p3",
      "p4",
    ]);
    // Same layer id: features were added, nothing was re-created.
    expect((await layerId("ext", "pts")).id).toBe(id);
    expect((await put("&update=overwrite", points(1, 10))).status).toBe(201);
    expect(await count(id)).toBe(1);
  });

  test("a failing append is atomic: a bad value adds no feature at all", async () => {
    const { id } = await layerId("ext", "pts");
    const before = await count(id);
    const bad = JSON.stringify({
      type: "FeatureCollection",
      features: [
        {
          type: "Feature",
          properties: { name: "ok", num: 1 },
          geometry: { type: "Point", coordinates: [1, 1] },
        },
        {
          type: "Feature",
          properties: { name: "bad", num: "not a number" },
          geometry: { type: "Point", coordinates: [1, 1] },
        },
      ],
    });
    const r = await call(
      "PUT",
      "/workspaces/ext/datastores/pts/file.geojson?filename=pts.geojson&update=append",
      bad,
      "application/json",
    );
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(await count(id)).toBe(before);
  });

  test("an unknown update mode is 400", async () => {
    const r = await call(
      "PUT",
      "/workspaces/ext/datastores/pts/file.geojson?update=merge",
      points(1),
      "application/json",
    );
    expect(r.status).toBe(400);
  });
});

describe("streamed uploads and the size limit", () => {
  test("a body over GISD_MAX_UPLOAD is 413 in plain text, declared or streamed, and leaves nothing", async () => {
    const before = await total();
    const big = points(400);
    expect(big.length).toBeGreaterThan(20000);
    const declared = await call(
      "PUT",
      "/workspaces/ext/datastores/big/file.geojson",
      big,
      "application/json",
    );
    expect(declared.status).toBe(413);
    expect(declared.type).toContain("text/plain");
    // Chunked: no Content-Length, so the limit is met while streaming to disk.
    const stream = chunked(big, 4096);
    const res = await s.fetch(`${R}/workspaces/ext/datastores/big/file.geojson`, {
      method: "PUT",
      auth: s.admin,
      body: stream,
      headers: { "Content-Type": "application/json" },
    });
    expect(res.status).toBe(413);
    expect(await res.text()).toContain("limit");
    expect(await total()).toBe(before);
  });

  test("a streamed body under the limit is imported", async () => {
    const stream = chunked(points(20, 0, "s"), 1000);
    const res = await s.fetch(`${R}/workspaces/ext/datastores/streamed/file.geojson`, {
      method: "PUT",
      auth: s.admin,
      body: stream,
      headers: { "Content-Type": "application/json" },
    });
    expect(res.status).toBe(201);
    expect(await count((await layerId("ext", "streamed")).id)).toBe(20);
  });
});

describe("cascading stores", () => {
  test("WMS, WMTS and WFS stores are a 400 saying gisd does not cascade", async () => {
    for (const type of ["WMS", "WFS", "Web Feature Server (NG)", "WMTS"]) {
      const r = await call(
        "POST",
        "/workspaces/ext/datastores",
        JSON.stringify({
          dataStore: { name: "remote", type, connectionParameters: { entry: [] } },
        }),
      );
      expect(r.status).toBe(400);
      expect(r.text).toContain("does not cascade");
    }
    const wfs = await call(
      "POST",
      "/workspaces/ext/datastores",
      JSON.stringify({
        dataStore: {
          name: "remote",
          connectionParameters: {
            entry: [
              {
                "@key": "WFSDataStoreFactory:GET_CAPABILITIES_URL",
                $: "http://example.invalid/wfs",
              },
            ],
          },
        },
      }),
    );
    expect(wfs.status).toBe(400);
    expect(wfs.text).toContain("does not cascade");
  });
});
