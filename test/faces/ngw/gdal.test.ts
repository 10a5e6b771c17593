/** @module GDAL's NGW driver (a real client written by others) opens gisd's resource tree. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { gdal, hasGdal } from "../../helpers/gdal.ts";
import { ADMIN_PASSWORD, startServer, type TestServer } from "../../helpers/server.ts";

let s: TestServer;
const ids: Record<string, number> = {};
beforeAll(async () => {
  s = await startServer();
  for (const name of ["Roads and rails", "Hydrography"]) {
    const r = await s.json("/api/resource/", {
      method: "POST",
      auth: s.admin,
      body: { resource: { cls: "resource_group", parent: { id: 0 }, display_name: name } },
    });
    ids[name] = r.body.id;
  }
});
afterAll(() => s.stop());

test.skipIf(!hasGdal)(
  "ogrinfo opens NGW:…/resource/0 and each created group with Basic credentials",
  async () => {
    const auth = `administrator:${ADMIN_PASSWORD}`;
    const root = await gdal("ogrinfo", [
      "-ro",
      "-so",
      `NGW:${s.url}/resource/0`,
      "--config",
      "NGW_USERPWD",
      auth,
    ]);
    expect(root.code).toBe(0);
    expect(root.stdout).toContain("using driver `NGW' successful");
    expect(root.stdout).toContain("resource_type=resource_group");
    for (const [name, id] of Object.entries(ids)) {
      const g = await gdal("ogrinfo", [
        "-ro",
        "-so",
        `NGW:${s.url}/resource/${id}`,
        "-oo",
        `USERPWD=${auth}`,
      ]);
      expect(g.code).toBe(0);
      expect(g.stdout).toContain(`display_name=${name}`);
    }
    // The root lists its children through /api/resource/?parent=0; GDAL only walks it when
    // `children` is true, so the flag must be right (reference/ngw.md §6 surprise 6).
    const listing = await s.json("/api/resource/?parent=0", { auth: s.admin });
    expect(listing.body.map((x: any) => x.resource.display_name).sort()).toEqual(
      Object.keys(ids).sort(),
    );
  },
);

test.skipIf(!hasGdal)("GDAL sees a bad password as an error and guests as forbidden", async () => {
  const bad = await gdal("ogrinfo", [
    "-ro",
    "-so",
    `NGW:${s.url}/resource/0`,
    "-oo",
    "USERPWD=administrator:wrong",
  ]);
  expect(bad.code).not.toBe(0);
  const anon = await gdal("ogrinfo", ["-ro", "-so", `NGW:${s.url}/resource/${ids.Hydrography}`]);
  expect(anon.code).not.toBe(0);
  expect(anon.stderr).toContain("403");
});
