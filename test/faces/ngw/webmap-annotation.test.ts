/**
 * @module Web map annotations over HTTP (NGW's webmap.annotation.* routes): public and private
 * drawings, what readers, writers and managers see, validation, and the rows going with the map.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { create, rule, setAcl, user } from "../../catalog/classes/webmap/fixture.ts";
import { startServer, type TestServer } from "../../helpers/server.ts";

let s: TestServer;
let map: number;
let eveId: number;
const eve = "eve:eve-pass-123";
const frank = "frank:frank-pass-1";
const A = () => `/api/resource/${map}/annotation/`;

beforeAll(async () => {
  s = await startServer();
  eveId = await user(s, "eve", "eve-pass-123");
  const frankId = await user(s, "frank", "frank-pass-1");
  const g = await create(s, {
    resource: { cls: "resource_group", parent: { id: 0 }, display_name: "annotated" },
  });
  map = await create(s, {
    resource: { cls: "webmap", parent: { id: g }, display_name: "Notes" },
    webmap: { annotation_enabled: true },
  });
  await setAcl(s, g, [
    rule("allow", eveId, "resource", "read"),
    rule("allow", frankId, "resource", "read"),
  ]);
  await setAcl(s, map, [
    rule("allow", eveId, "webmap", "annotation_read"),
    rule("allow", eveId, "webmap", "annotation_write"),
    rule("allow", frankId, "webmap", "annotation_read"),
  ]);
});
afterAll(() => s.stop());

describe("annotations", () => {
  let pub: number;
  let priv: number;

  test("a writer creates public and private annotations", async () => {
    const p = await s.json(A(), {
      method: "POST",
      auth: eve,
      body: {
        geom: "POINT (1000 2000)",
        public: true,
        description: "<p>Hello<script>alert(1)</script></p>",
        style: { circle: { radius: 5 } },
      },
    });
    expect(p.status).toBe(200);
    pub = p.body.id;
    const q = await s.json(A(), {
      method: "POST",
      auth: eve,
      body: { geom: "LINESTRING (0 0, 10 10)", public: false },
    });
    priv = q.body.id;
    expect(priv).toBeGreaterThan(pub);
  });

  test("readers see public ones; authors their private ones; managers all with the author", async () => {
    const f = (await s.json(A(), { auth: frank })).body;
    expect(f.map((x: { id: number }) => x.id)).toEqual([pub]);
    expect(f[0]).toEqual({
      id: pub,
      geom: "POINT (1000 2000)",
      public: true,
      own: false,
      description: expect.not.stringContaining("script"),
      style: { circle: { radius: 5 } },
    });
    const e = (await s.json(A(), { auth: eve })).body;
    expect(e.map((x: { id: number }) => x.id)).toEqual([pub, priv]);
    expect(e[1]).toMatchObject({ own: true, public: false, geom: "LINESTRING (0 0, 10 10)" });
    expect(e[1].user_id).toBeUndefined();
    const m = (await s.json(A(), { auth: s.admin })).body;
    expect(m[1]).toMatchObject({ user_id: eveId, user: "eve" });
    expect((await s.json(`${A()}${priv}`, { auth: frank })).status).toBe(404);
    expect((await s.json(`${A()}${priv}`, { auth: eve })).body.id).toBe(priv);
  });

  test("writing needs annotation_write; bad input is 422", async () => {
    const no = await s.json(A(), {
      method: "POST",
      auth: frank,
      body: { geom: "POINT (0 0)", public: true },
    });
    expect(no.status).toBe(403);
    expect(no.body.data).toMatchObject({ scope: "webmap", permission: "annotation_write" });
    for (const body of [
      { geom: "POINT (0 0", public: true },
      { geom: "POINT (0 0)" },
      { geom: "POINT (0 0)", public: true, style: [1] },
      { public: true },
    ]) {
      expect((await s.json(A(), { method: "POST", auth: eve, body })).status).toBe(422);
    }
    expect((await s.json(A())).status).toBe(403);
    expect((await s.json(`${A()}abc`, { auth: eve })).status).toBe(404);
  });

  test("PUT replaces description and style, keeps geom unless sent; DELETE removes", async () => {
    const put = await s.json(`${A()}${pub}`, {
      method: "PUT",
      auth: eve,
      body: { description: "changed" },
    });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ id: pub });
    const got = (await s.json(`${A()}${pub}`, { auth: eve })).body;
    expect(got).toMatchObject({ description: "changed", style: null, geom: "POINT (1000 2000)" });
    const del = await s.json(`${A()}${pub}`, { method: "DELETE", auth: eve });
    expect(del.status).toBe(200);
    expect(del.body).toEqual({});
    expect((await s.json(`${A()}${pub}`, { auth: eve })).status).toBe(404);
  });

  test("only web maps have annotations; they go with their map", async () => {
    expect((await s.json("/api/resource/0/annotation/", { auth: s.admin })).status).toBe(404);
    expect((await s.json(`/api/resource/${map}`, { method: "DELETE", auth: s.admin })).status).toBe(
      200,
    );
    const left = await s.server.ctx.catalog.database.client.execute({
      sql: "SELECT count(*) AS n FROM webmap_annotation WHERE webmap_id = ?",
      args: [map],
    });
    expect(Number(left.rows[0]!.n)).toBe(0);
  });
});
