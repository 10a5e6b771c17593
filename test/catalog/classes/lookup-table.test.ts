/** Lookup tables through the NGW resource API: create, read, sort orders, update, validation, ACL. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startServer, type TestServer } from "../../helpers/server.ts";

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s.stop());

async function create(name: string, lookup: unknown) {
  return s.json("/api/resource/", {
    method: "POST",
    auth: s.admin,
    body: {
      resource: { cls: "lookup_table", parent: { id: 0 }, display_name: name },
      lookup_table: lookup,
    },
  });
}

describe("lookup_table", () => {
  test("create and read back, keys sorted ascending by default", async () => {
    const r = await create("lt1", { items: { b: "Bee", a: "Ay", "10": "ten", "2": "two" } });
    expect(r.status).toBe(201);
    const g = await s.json(`/api/resource/${r.body.id}`, { auth: s.admin });
    expect(g.body.resource.cls).toBe("lookup_table");
    expect(g.body.lookup_table.sort).toBe("KEY_ASC");
    expect(g.body.lookup_table.order).toEqual(["10", "2", "a", "b"]);
    expect(g.body.lookup_table.items).toEqual({ a: "Ay", b: "Bee", "10": "ten", "2": "two" });
    expect(g.body.resource.scopes).toContain("resource");
  });

  test("sort orders and CUSTOM order", async () => {
    const r = await create("lt2", { sort: "VALUE_DESC", items: { x: "1", y: "3", z: "2" } });
    const id = r.body.id;
    let g = await s.json(`/api/resource/${id}`, { auth: s.admin });
    expect(g.body.lookup_table.order).toEqual(["y", "z", "x"]);
    const u = await s.json(`/api/resource/${id}`, {
      method: "PUT",
      auth: s.admin,
      body: { lookup_table: { sort: "CUSTOM", order: ["z", "x", "y"] } },
    });
    expect(u.status).toBe(200);
    g = await s.json(`/api/resource/${id}`, { auth: s.admin });
    expect(g.body.lookup_table).toEqual({
      sort: "CUSTOM",
      items: { x: "1", y: "3", z: "2" },
      order: ["z", "x", "y"],
    });
    // Changing only the sort re-sorts the stored items.
    await s.json(`/api/resource/${id}`, {
      method: "PUT",
      auth: s.admin,
      body: { lookup_table: { sort: "KEY_DESC" } },
    });
    g = await s.json(`/api/resource/${id}`, { auth: s.admin });
    expect(g.body.lookup_table.order).toEqual(["z", "y", "x"]);
  });

  test("bad input is a 422 and writes nothing", async () => {
    for (const bad of [
      { items: { a: 1 } },
      { items: ["a"] },
      { sort: "RANDOM" },
      { sort: "CUSTOM", items: { a: "1", b: "2" }, order: ["a"] },
      "nope",
    ]) {
      const r = await create(`bad-${JSON.stringify(bad)}`, bad);
      expect(r.status).toBe(422);
      expect(r.body.exception).toBe("nextgisweb.core.exception.ValidationError");
    }
    const list = await s.json("/api/resource/?parent=0", { auth: s.admin });
    expect(list.body.some((x: any) => x.resource.display_name.startsWith("bad-"))).toBe(false);
  });

  test("guest cannot read, update needs resource.update, delete removes it", async () => {
    const r = await create("lt3", { items: { k: "v" } });
    const id = r.body.id;
    expect((await s.json(`/api/resource/${id}`)).status).toBe(403);
    const put = await s.json(`/api/resource/${id}`, {
      method: "PUT",
      body: { lookup_table: { items: {} } },
    });
    expect(put.status).toBe(403);
    const del = await s.json(`/api/resource/${id}`, { method: "DELETE", auth: s.admin });
    expect(del.status).toBe(200);
    expect((await s.json(`/api/resource/${id}`, { auth: s.admin })).status).toBe(404);
  });
});
