/** @module GeoNode favorites, ratings and extra metadata against a real server. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startServer, type TestServer } from "../../helpers/server.ts";
import { adminCall, everyoneReads, pointLayer } from "./helpers.ts";

let s: TestServer;
let id: number;
const BOB = "bob:bob-pass-1234";

beforeAll(async () => {
  s = await startServer();
  await everyoneReads(s);
  id = await pointLayer(s, 0, "Liked");
  await adminCall(s, "/api/component/auth/user/", {
    keyname: "bob",
    display_name: "Bob",
    password: "bob-pass-1234",
  });
});
afterAll(() => s.stop());

test("favorites: add, twice, list, remove, guests refused", async () => {
  const add = await s.json(`/api/v2/resources/${id}/favorite`, { method: "POST", auth: BOB });
  expect(add.status).toBe(201);
  expect(add.body).toEqual({ message: "Successfuly added resource to favorites" });
  const again = await s.json(`/api/v2/resources/${id}/favorite`, { method: "POST", auth: BOB });
  expect(again.status).toBe(400);
  const favs = await s.json("/api/v2/resources/favorites", { auth: BOB });
  expect(favs.body.favorites.map((d: any) => d.pk)).toEqual([String(id)]);
  expect(favs.body.favorites[0].favorite).toBe(true);
  expect((await s.json("/api/v2/resources/favorites", { auth: s.admin })).body.total).toBe(0);
  expect((await s.json(`/api/v2/resources?favorite=true`, { auth: BOB })).status).toBe(200);
  const del = await s.json(`/api/v2/resources/${id}/favorite`, { method: "DELETE", auth: BOB });
  expect(del.body.message).toBe("Successfuly removed resource from favorites");
  const del2 = await s.json(`/api/v2/resources/${id}/favorite`, { method: "DELETE", auth: BOB });
  expect(del2.status).toBe(404);
  expect((await s.json(`/api/v2/resources/${id}/favorite`, { method: "POST" })).status).toBe(403);
  const hidden = await s.json("/api/v2/resources/99999/favorite", { method: "POST", auth: BOB });
  expect(hidden.status).toBe(404);
});

test("ratings: mine and the average; out of range is 400", async () => {
  await s.json(`/api/v2/resources/${id}/ratings`, {
    method: "POST",
    auth: BOB,
    body: { rating: 4 },
  });
  const r = await s.json(`/api/v2/resources/${id}/ratings`, {
    method: "POST",
    auth: s.admin,
    body: { rating: 2 },
  });
  expect(r.body).toEqual({ rating: 2, overall_rating: 3 });
  expect((await s.json(`/api/v2/resources/${id}`)).body.resource.rating).toBe("3");
  const bad = await s.json(`/api/v2/resources/${id}/ratings`, {
    method: "POST",
    auth: BOB,
    body: { rating: 9 },
  });
  expect(bad.status).toBe(400);
  expect(bad.body.code).toBe("invalid");
});

test("extra_metadata: POST, filter, PUT by id, DELETE ids; editors only", async () => {
  const url = `/api/v2/resources/${id}/extra_metadata`;
  const p = await s.json(url, {
    method: "POST",
    auth: s.admin,
    body: [
      { name: "source", value: "survey" },
      { name: "year", value: 2020 },
    ],
  });
  expect(p.status).toBe(201);
  expect(p.body.length).toBe(2);
  const f = await s.json(`${url}?name=year`);
  expect(f.body).toEqual([{ id: p.body[1].id, name: "year", value: 2020 }]);
  const u = await s.json(url, {
    method: "PUT",
    auth: s.admin,
    body: [{ id: p.body[0].id, name: "source", value: "lidar" }],
  });
  expect(u.body[0].value).toBe("lidar");
  const bob = await s.json(url, { method: "POST", auth: BOB, body: [{ a: 1 }] });
  expect(bob.status).toBe(403);
  const bad = await s.json(url, { method: "PUT", auth: s.admin, body: [{ name: "no id" }] });
  expect(bad.status).toBe(400);
  const d = await s.json(url, { method: "DELETE", auth: s.admin, body: [p.body[1].id] });
  expect(d.body.map((m: any) => m.name)).toEqual(["source"]);
});
