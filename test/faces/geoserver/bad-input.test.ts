/**
 * @module Hostile input to the GeoServer face: XXE and billion-laughs SLD, zip slip, zip bomb, an
 * external path outside the import root, URL uploads to hosts not allowed, unknown formats and
 * `../` names. Each is a 4xx, writes nothing (the catalog lists nothing new) and reads no file.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zipSync } from "fflate";
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
  return { status: res.status, text: await res.text() };
}

/** Everything the catalog holds under the root, as the NGW face lists it. */
async function tree(): Promise<number> {
  const r = await s.json("/api/resource/search/?serialization=resource", { auth: s.admin });
  return (r.body as unknown[]).length;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "gisd-import-root-"));
  outside = mkdtempSync(join(tmpdir(), "gisd-outside-"));
  writeFileSync(join(outside, "secret.geojson"), '{"type":"FeatureCollection","features":[]}');
  s = await startServer({ GISD_IMPORT_ROOT: root, GISD_FETCH_ALLOW_HOSTS: "allowed.invalid" });
  await call("POST", "/workspaces", JSON.stringify({ workspace: { name: "ws" } }));
});
afterAll(async () => {
  await s.stop();
});

describe("styles", () => {
  const xxe = `<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<StyledLayerDescriptor version="1.0.0" xmlns="http://www.opengis.net/sld"><NamedLayer><Name>&xxe;</Name></NamedLayer></StyledLayerDescriptor>`;
  const laughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<StyledLayerDescriptor version="1.0.0"><NamedLayer><Name>&lol3;</Name></NamedLayer></StyledLayerDescriptor>`;

  test("XXE and billion laughs are refused, in POST and PUT, raw or not", async () => {
    const before = await tree();
    for (const body of [xxe, laughs]) {
      for (const q of ["?name=evil", "?name=evil&raw=true"]) {
        const r = await call(
          "POST",
          `/workspaces/ws/styles${q}`,
          body,
          "application/vnd.ogc.sld+xml",
        );
        expect(r.status).toBe(400);
        expect(r.text).not.toContain("root:");
      }
      expect(
        (await call("PUT", "/styles/point", body, "application/vnd.ogc.sld+xml")).status,
      ).toBeGreaterThanOrEqual(400);
      expect(
        (
          await call(
            "POST",
            "/workspaces",
            body.replace("StyledLayerDescriptor", "workspace"),
            "text/xml",
          )
        ).status,
      ).toBe(400);
    }
    expect(await tree()).toBe(before);
  });

  test("malformed SLD is 400; a zip of styles without an .sld is 403", async () => {
    expect(
      (
        await call(
          "POST",
          "/styles?name=x",
          "<StyledLayerDescriptor>",
          "application/vnd.ogc.sld+xml",
        )
      ).status,
    ).toBe(400);
    expect(
      (await call("POST", "/styles?name=x", "<notsld/>", "application/vnd.ogc.sld+xml")).status,
    ).toBe(400);
    const zip = zipSync({ "readme.txt": new TextEncoder().encode("hi") });
    expect((await call("POST", "/styles?name=x", zip, "application/zip")).status).toBe(403);
    expect((await call("GET", "/styles/x.json")).status).toBe(404);
  });
});

describe("uploads", () => {
  test("zip slip is refused before anything is written", async () => {
    const before = await tree();
    const zip = zipSync({ "../../evil.shp": new Uint8Array(10), "ok.dbf": new Uint8Array(10) });
    const r = await call("PUT", "/workspaces/ws/datastores/slip/file.shp", zip, "application/zip");
    expect(r.status).toBe(400);
    expect(r.text).toContain("Unsafe path");
    expect(await tree()).toBe(before);
    expect((await call("GET", "/workspaces/ws/datastores/slip.json")).status).toBe(404);
  });

  test("a zip bomb is refused from its declared sizes, before inflating", async () => {
    const before = await tree();
    // A deflated 1 GB of zeros declares that size in its headers while the archive stays tiny;
    // the headers are written here directly so the test does not spend seconds compressing.
    const zip = zipSync({ "bomb.shp": new Uint8Array(1024 * 1024) }, { level: 9 });
    const dv = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    for (let i = 0; i + 4 <= zip.length; i++) {
      const sig = dv.getUint32(i, true);
      if (sig === 0x04034b50) dv.setUint32(i + 22, 1024 ** 3, true);
      if (sig === 0x02014b50) dv.setUint32(i + 24, 1024 ** 3, true);
    }
    const r = await call("PUT", "/workspaces/ws/datastores/bomb/file.shp", zip, "application/zip");
    expect(r.status).toBe(400);
    expect(r.text).toContain("zip bomb");
    expect(await tree()).toBe(before);
  });

  test("an external path outside the import root is 403 and the file is never read", async () => {
    const before = await tree();
    const target = join(outside, "secret.geojson");
    const r = await call(
      "PUT",
      "/workspaces/ws/datastores/ext/external.geojson",
      target,
      "text/plain",
    );
    expect(r.status).toBe(403);
    const rel = await call(
      "PUT",
      "/workspaces/ws/datastores/ext/external.geojson",
      `file:../${outside.split("/").pop()}/secret.geojson`,
      "text/plain",
    );
    expect(rel.status).toBe(403);
    const store = { dataStore: { name: "ext2", connectionParameters: { url: `file:${target}` } } };
    expect((await call("POST", "/workspaces/ws/datastores", JSON.stringify(store))).status).toBe(
      403,
    );
    expect(await tree()).toBe(before);
  });

  test("url uploads only from allow-listed hosts (no SSRF)", async () => {
    const before = await tree();
    for (const u of [
      "http://127.0.0.1:1/x.geojson",
      "file:///etc/passwd",
      "http://169.254.169.254/latest",
    ]) {
      const r = await call("PUT", "/workspaces/ws/datastores/remote/url.geojson", u, "text/plain");
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
    }
    expect(await tree()).toBe(before);
  });

  test("unknown formats, bare shapefiles and junk bodies are 4xx", async () => {
    const before = await tree();
    const junk = new TextEncoder().encode("not a file at all");
    expect(
      (await call("PUT", "/workspaces/ws/datastores/u/file.exe", junk, "application/octet-stream"))
        .status,
    ).toBe(400);
    expect(
      (await call("PUT", "/workspaces/ws/datastores/u/file.shp", junk, "application/octet-stream"))
        .status,
    ).toBe(400);
    expect(
      (await call("PUT", "/workspaces/ws/datastores/u/file.gpkg", junk, "application/x-sqlite3"))
        .status,
    ).toBe(400);
    expect(
      (await call("PUT", "/workspaces/ws/coveragestores/c/file.png", junk, "image/png")).status,
    ).toBe(400);
    expect(
      (
        await call(
          "PUT",
          "/workspaces/ws/datastores/u/file.shp?configure=bogus",
          junk,
          "application/zip",
        )
      ).status,
    ).toBe(400);
    expect(await tree()).toBe(before);
  });

  test("names with ../ never become stores or paths", async () => {
    const before = await tree();
    expect(
      (
        await call(
          "POST",
          "/workspaces/ws/datastores",
          JSON.stringify({ dataStore: { name: "../x" } }),
        )
      ).status,
    ).toBe(400);
    expect(
      (
        await call(
          "PUT",
          "/workspaces/ws/datastores/..%2F..%2Fx/file.geojson",
          "{}",
          "application/json",
        )
      ).status,
    ).toBe(400);
    expect(
      (
        await call(
          "POST",
          "/workspaces/ws/styles?name=..%2Fevil",
          "<x/>",
          "application/vnd.ogc.sld+xml",
        )
      ).status,
    ).toBe(400);
    expect(await tree()).toBe(before);
  });
});
