/**
 * @module The single executable: `make build` output copied alone into an empty folder, started
 * with an empty environment, must serve the API (native addons, migrations and assets embedded).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type RunningBinary, startBinary } from "../helpers/binary.ts";

let bin: RunningBinary;
beforeAll(async () => {
  bin = await startBinary({ GISD_ADMIN_PASSWORD: "bin-admin-pw" });
}, 180_000);
afterAll(() => bin.stop());

test("the binary alone serves the NGW API with its catalog", async () => {
  const auth = { Authorization: `Basic ${btoa("administrator:bin-admin-pw")}` };
  const { base, dir } = bin;
  const health = await fetch(`${base}/api/component/pyramid/healthcheck`);
  expect(health.status).toBe(200);
  const created = await fetch(`${base}/api/resource/`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({
      resource: { cls: "resource_group", parent: { id: 0 }, display_name: "From the binary" },
    }),
  });
  expect(created.status).toBe(201);
  const list = (await (
    await fetch(`${base}/api/resource/?parent=0`, { headers: auth })
  ).json()) as any[];
  expect(list.some((r) => r.resource.display_name === "From the binary")).toBe(true);
  // The embedded sample data was loaded on this first start: guests see the Samples group
  // (so the root is readable to them), while the admin's new group stays private.
  const guestList = (await (await fetch(`${base}/api/resource/?parent=0`)).json()) as any[];
  expect(guestList.map((r) => r.resource.display_name)).toEqual(["Samples"]);
  const mine = ((await created.json()) as { id: number }).id;
  expect((await fetch(`${base}/api/resource/${mine}`)).status).toBe(403);
  expect(existsSync(join(dir, "data", "catalog.db"))).toBe(true);
  const metrics = await (await fetch(`${base}/metrics`)).text();
  expect(metrics).toContain("gisd_http_requests_total");
});

test("SIGTERM stops the binary gracefully", async () => {
  expect(await bin.stop()).toBe(0);
});
