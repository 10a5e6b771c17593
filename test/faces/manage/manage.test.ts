/**
 * @module The management API on a real loopback listener: py-qgis-server's shapes (sorted keys,
 * error envelope), plugins, the project cache, the worker pool and its graceful restart, and the
 * refusal to bind beyond loopback without a password.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { utimesSync } from "node:fs";
import { join } from "node:path";
import { projectService } from "../../../src/catalog/projects/service.ts";
import { MANAGER } from "../../../src/catalog/projects/summary.ts";
import { startManageListener } from "../../../src/faces/manage/listener.ts";
import { owsForManagement } from "../../../src/faces/ows/index.ts";
import { viewOf } from "../../../src/geo/render/view.ts";
import { modules } from "../../../src/modules.ts";
import { startServer } from "../../helpers/server.ts";
import { type Managed, startManaged } from "./helpers.ts";

let m: Managed;
beforeAll(async () => {
  m = await startManaged();
});
afterAll(() => m.stop());

/** Whether every object in a JSON text has its keys in sorted order. */
function keysSorted(v: unknown): boolean {
  if (Array.isArray(v)) return v.every(keysSorted);
  if (v && typeof v === "object") {
    const k = Object.keys(v);
    return k.join() === [...k].sort().join() && Object.values(v).every(keysSorted);
  }
  return true;
}

describe("root, status, plugins", () => {
  test("/ lists the four sections with absolute links and py-qgis-server's titles", async () => {
    const { status, body, res } = await m.get("/");
    expect(status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json;charset=utf-8");
    expect(body.links.map((l: any) => l.href)).toEqual(
      ["/status", "/plugins", "/cache", "/pool"].map((p) => m.base + p),
    );
    expect(body.links[1].title).toBe("Plugins managment");
  });

  test("/status/ has versions and links; config and env hold no secrets", async () => {
    const st = await m.get("/status/");
    expect(st.body.version).toBe(m.s.server.ctx.version);
    expect(st.body.qgis_version).toBeString();
    expect(keysSorted(st.body)).toBe(true);
    const cfg = await m.get("/status/config");
    const env = await m.get("/status/env");
    const text = JSON.stringify([cfg.body, env.body]);
    expect(text).not.toContain("admin-pass-123");
    expect(Object.keys(env.body).some((k) => /PASSWORD/.test(k))).toBe(false);
    expect(cfg.body.projects.root).toBe(m.projectsDir);
    expect((await m.get("/status/nope")).status).toBe(404);
  });

  test("/plugins/ lists compiled-in modules, faces and formats; unknown is 404 envelope", async () => {
    const { body } = await m.get("/plugins/");
    const names = body.links.map((l: any) => l.name);
    for (const mod of modules) expect(names).toContain(mod.name);
    expect(names).toContain("geoserver");
    expect(names).toContain("gpkg");
    expect(body.links.every((l: any) => l.status === "loaded")).toBe(true);
    const one = await m.get(`/plugins/${modules[0]!.name}`);
    expect(one.body).toMatchObject({
      name: modules[0]!.name,
      status: "loaded",
      metadata: {
        general: { name: modules[0]!.name, server: "True", version: m.s.server.ctx.version },
      },
    });
    const bad = await m.get("/plugins/nope");
    expect(bad.status).toBe(404);
    expect(bad.body).toEqual({
      error: { message: "Plugin 'nope' not found" },
      httpcode: 404,
      status: "error",
    });
  });

  test("unknown paths answer the error envelope; OPTIONS answers CORS", async () => {
    const r = await m.get("/nothing/here");
    expect(r.body).toEqual({
      error: { message: "Invalid resource path." },
      httpcode: 404,
      status: "error",
    });
    const o = await fetch(`${m.base}/pool/`, {
      method: "OPTIONS",
      headers: { Origin: "http://x.test" },
    });
    expect(o.status).toBe(200);
    expect(o.headers.get("access-control-allow-origin")).toBe("*");
    expect(o.headers.get("access-control-allow-headers")).toBe("Authorization");
  });
});

describe("cache", () => {
  test("/cache/ lists the project with a link and a zoned timestamp", async () => {
    const { body } = await m.get("/cache/");
    expect(body.cached).toHaveLength(1);
    const [p] = body.cached;
    expect(p.name).toBe("world");
    expect(p.link).toBe(`${m.base}/cache/content/world`);
    expect(p.last_modified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
  });

  test("the summary has py-qgis-server's fields, by key, by MAP and in the seed's form", async () => {
    const a = await m.get("/cache/content/world");
    expect(a.status).toBe(200);
    expect(Object.keys(a.body)).toEqual([
      "bad_layers_count",
      "cache_key",
      "crs",
      "filename",
      "last_modified",
      "layers",
    ]);
    expect(a.body).toMatchObject({
      bad_layers_count: 0,
      cache_key: "world",
      crs: "EPSG:4326 - WGS 84",
      filename: join(m.projectsDir, "world.qgs"),
    });
    expect(a.body.last_modified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    expect(a.body.layers[2]).toEqual({
      crs: "EPSG:3857 - WGS 84 / Pseudo-Mercator",
      id: "countries_8d8d649f_7748_43cc_8bde_b013e17ede29",
      name: "countries",
      source: join(m.projectsDir, "data/countries.gpkg"),
      spatial: true,
      valid: true,
    });
    expect((await m.get("/cache/world")).body).toEqual(a.body);
    expect((await m.get("/cache/content/?MAP=world")).body).toEqual(a.body);
    expect(
      (await m.get(`/cache/?MAP=${encodeURIComponent(join(m.projectsDir, "world.qgs"))}`)).body,
    ).toEqual(a.body);
  });

  test("unknown projects are 404 'not in cache'; hostile MAP values are 400", async () => {
    const r = await m.get("/cache/content/nope");
    expect(r.body).toEqual({
      error: { message: "Project 'nope' not in cache" },
      httpcode: 404,
      status: "error",
    });
    for (const bad of ["../../etc/passwd", "/etc/passwd", "..%2F..%2Fetc%2Fpasswd", "%00"]) {
      const res = await m.get(`/cache/content/?MAP=${bad}`);
      expect(res.status).toBe(400);
      expect(res.body.status).toBe("error");
    }
  });

  test("DELETE evicts, PUT reloads, a touched file is reloaded", async () => {
    await m.get("/cache/content/world");
    expect((await m.get("/cache/content/world", { method: "DELETE" })).body).toEqual({
      status: "ok",
    });
    expect((await m.get("/cache/content/world", { method: "DELETE" })).status).toBe(404);
    const put = await m.get("/cache/content/world", { method: "PUT" });
    expect(put.body.cache_key).toBe("world");
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(m.projectsDir, "world.qgs"), later, later);
    const again = await m.get("/cache/content/world");
    expect(again.body.last_modified).toBe(later.toISOString().slice(0, 19));
  });
});

describe("pool", () => {
  test("/pool/ reports real worker thread ids, memory, and projects each worker loaded", async () => {
    const svc = projectService(m.s.server.ctx.catalog, m.s.server.ctx.config);
    await svc.render("world", [], viewOf([-2e7, -2e7, 2e7, 2e7], 64, 64));
    const { body } = await m.get("/pool/");
    expect(body.num_workers).toBe(2);
    const ids = body.workers.map((w: any) => w.pid);
    expect(new Set(ids).size).toBe(2);
    for (const w of body.workers) {
      expect(w.pid).toBeGreaterThan(0);
      expect(w.thread_id).toBe(w.pid);
      expect(w.process_id).toBe(process.pid);
      expect(w.mem_usage).toBeGreaterThan(0);
      expect(w.mem_percent).toBeGreaterThan(0);
    }
    const cached = body.workers.flatMap((w: any) => w.cache);
    expect(cached).toContainEqual(
      expect.objectContaining({
        key: "world",
        num_layers: 4,
        link: `${m.base}/cache/content/world`,
        static: false,
      }),
    );
    expect(keysSorted(body)).toBe(true);
  });

  test("POST /pool/restart during a burst of renders loses none and brings new threads", async () => {
    const svc = projectService(m.s.server.ctx.catalog, m.s.server.ctx.config);
    const before = (await m.get("/pool/")).body.workers.map((w: any) => w.pid);
    const burst = Array.from({ length: 24 }, (_, i) =>
      svc.render("world", i % 2 ? ["countries"] : [], viewOf([-2e7, -2e7, 2e7, 2e7], 128, 128)),
    );
    const restart = m.get("/pool/restart", { method: "POST" });
    const results = await Promise.allSettled(burst);
    expect((await restart).body).toEqual({ status: "ok" });
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    for (const r of results) expect((r as PromiseFulfilledResult<any>).value.empty).toBe(false);
    const after = (await m.get("/pool/")).body.workers.map((w: any) => w.pid);
    expect(after.some((id: number) => before.includes(id))).toBe(false);
  });
});

describe("binding", () => {
  test("a non-loopback address is refused without GISD_MANAGE_PASSWORD", async () => {
    const s = await startServer();
    try {
      const ctx = s.server.ctx;
      const deps = {
        ctx,
        modules,
        projects: projectService(ctx.catalog, ctx.config),
        ows: owsForManagement(ctx, MANAGER),
      };
      expect(() => startManageListener(deps, { host: "0.0.0.0", port: 0 })).toThrow(
        /GISD_MANAGE_PASSWORD/,
      );
    } finally {
      await s.stop();
    }
  });

  test("with a password it requires Basic auth (user admin)", async () => {
    const s = await startServer({ GISD_MANAGE_PASSWORD: "manage-secret-1" });
    const ctx = s.server.ctx;
    const deps = {
      ctx,
      modules,
      projects: projectService(ctx.catalog, ctx.config),
      ows: owsForManagement(ctx, MANAGER),
    };
    // Bound to loopback here: tests never listen beyond it; the password check is the same.
    const l = startManageListener(deps, { host: "127.0.0.1", port: 0 });
    try {
      const anon = await fetch(`http://127.0.0.1:${l.port}/pool/`);
      expect(anon.status).toBe(401);
      expect((await anon.json()).httpcode).toBe(401);
      const auth = `Basic ${Buffer.from("admin:manage-secret-1").toString("base64")}`;
      const ok = await fetch(`http://127.0.0.1:${l.port}/`, { headers: { Authorization: auth } });
      expect(ok.status).toBe(200);
    } finally {
      await l.stop();
      await s.stop();
    }
  });
});
