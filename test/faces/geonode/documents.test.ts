/** @module GeoNode documents over NGW file buckets against a real server: upload, read, download. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startServer, type TestServer } from "../../helpers/server.ts";

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s.stop());

async function send(fd: FormData, auth = s.admin) {
  return s.json("/api/v2/documents", { method: "POST", auth, body: fd });
}

test("a document upload is a file bucket; its href downloads the bytes", async () => {
  const fd = new FormData();
  fd.append("title", "Field notes");
  fd.append("doc_file", new File(["survey notes\n"], "notes.txt", { type: "text/plain" }));
  const r = await send(fd);
  expect(r.status).toBe(201);
  const d = r.body.document;
  expect(d).toMatchObject({ title: "Field notes", resource_type: "document", extension: "txt" });
  expect(d.href.startsWith(s.url)).toBe(true);
  const file = await s.fetch(d.href.slice(s.url.length), { auth: s.admin });
  expect(file.status).toBe(200);
  expect(await file.text()).toBe("survey notes\n");
  const n = await s.json(`/api/resource/${d.pk}`, { auth: s.admin });
  expect(n.body.resource.cls).toBe("file_bucket");
  expect(n.body.file_bucket.files.map((f: any) => f.name)).toEqual(["notes.txt"]);
  const list = await s.json("/api/v2/documents", { auth: s.admin });
  expect(list.body.documents.map((x: any) => x.pk)).toEqual([d.pk]);
  const one = await s.json(`/api/v2/documents/${d.pk}`, { auth: s.admin });
  expect(one.body.document.title).toBe("Field notes");
  // A second upload with the same title gets a free one instead of failing.
  const again = await send(fd);
  expect(again.body.document.title).toBe("Field notes (2)");
});

test("refusals: guest, no doc_file, not multipart, unsafe name", async () => {
  const fd = new FormData();
  fd.append("doc_file", new File(["x"], "a.txt"));
  expect((await send(fd, "")).status).toBe(403);
  const none = new FormData();
  none.append("title", "nothing");
  const r = await send(none);
  expect(r.status).toBe(400);
  expect(r.body.code).toBe("invalid");
  const json = await s.json("/api/v2/documents", { method: "POST", auth: s.admin, body: {} });
  expect(json.status).toBe(400);
  const bad = new FormData();
  bad.append("doc_file", new File(["x"], "..\u0001evil"));
  expect((await send(bad)).status).toBe(400);
});
