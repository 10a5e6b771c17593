/** `gisd import` and `gisd export` run as a user would run them, against a data folder. */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "gisd-cli-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { ...process.env, GISD_ADMIN_PASSWORD: "cli-pass-123", GISD_LOG: "off" };

function gisd(...args: string[]) {
  const p = Bun.spawnSync([process.execPath, "src/main.ts", ...args], {
    env,
    stdout: "pipe",
    stderr: "pipe",
  });
  return { code: p.exitCode, out: p.stdout.toString(), err: p.stderr.toString() };
}

test("--help for import and export", () => {
  for (const cmd of ["import", "export"]) {
    const r = gisd(cmd, "--help");
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Usage: gisd ${cmd}`);
    expect(r.out).toContain("--data");
  }
});

test("import a GeoJSON file, then export it to GeoPackage and GeoJSON", async () => {
  const data = join(dir, "data");
  const r = gisd(
    "import",
    "data/samples/cities.geojson",
    "--parent",
    "0",
    "--name",
    "Cities",
    "--data",
    data,
  );
  expect(r.code).toBe(0);
  expect(r.err).toContain("355 features");
  const id = r.out.trim();
  expect(id).toMatch(/^\d+$/);
  const gj = join(dir, "out.geojson");
  const e = gisd("export", "--resource", id, "--format", "geojson", "--out", gj, "--data", data);
  expect(e.code).toBe(0);
  const fc = await Bun.file(gj).json();
  expect(fc.features).toHaveLength(355);
  expect(fc.features[0].properties.name).toBe("Shanghai");
  const gpkg = join(dir, "out.gpkg");
  expect(
    gisd("export", "--resource", id, "--format", "GPKG", "--out", gpkg, "--data", data).code,
  ).toBe(0);
  if (Bun.which("ogrinfo")) {
    const info = Bun.spawnSync(["ogrinfo", "-ro", "-so", "-al", gpkg]).stdout.toString();
    expect(info).toContain("Feature Count: 355");
  }
});

test("bad invocations fail with a message and write nothing", () => {
  const data = join(dir, "bad");
  expect(gisd("import", "no-such-file.geojson", "--parent", "0", "--data", data).code).toBe(2);
  expect(gisd("import", "data/samples/cities.geojson", "--data", data).code).toBe(2);
  const bad = join(dir, "bad.geojson");
  require("node:fs").writeFileSync(
    bad,
    '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[NaN,1]},"properties":{}}]}',
  );
  const r = gisd("import", bad, "--parent", "0", "--data", data);
  expect(r.code).toBe(1);
  expect(
    gisd("export", "--resource", "1", "--format", "XLS", "--out", join(dir, "x"), "--data", data)
      .code,
  ).toBe(2);
  expect(
    gisd(
      "export",
      "--resource",
      "999",
      "--format",
      "GeoJSON",
      "--out",
      join(dir, "x"),
      "--data",
      data,
    ).code,
  ).toBe(1);
});
