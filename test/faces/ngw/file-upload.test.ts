/** @module NGW file upload: multipart (GDAL's form), raw PUT, tus resumable uploads, limits. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startServer, type TestServer } from "../../helpers/server.ts";

let s: TestServer;
beforeAll(async () => {
  s = await startServer({ GISD_MAX_UPLOAD: "100000" });
});
afterAll(() => s.stop());

test("multipart upload as GDAL sends it returns upload_meta", async () => {
  const fd = new FormData();
  fd.append("file", new File([new Uint8Array([1, 2, 3, 4])], "x.tif", { type: "image/tiff" }));
  fd.append("name", "x.tif");
  const r = await s.json("/api/component/file_upload/upload", {
    method: "POST",
    auth: s.admin,
    body: fd,
  });
  expect(r.status).toBe(200);
  const m = r.body.upload_meta[0];
  expect(m).toMatchObject({ size: 4, name: "x.tif", mime_type: "image/tiff" });
  expect(m.id).toMatch(/^[0-9a-f]{32}$/);
  const get = await s.json(`/api/component/file_upload/${m.id}`, { auth: s.admin });
  expect(get.body).toMatchObject({ id: m.id, size: 4 });
});

test("raw PUT takes the name from Content-Disposition, never a path", async () => {
  const r = await s.json("/api/component/file_upload/", {
    method: "PUT",
    auth: s.admin,
    body: "hello",
    headers: {
      "content-type": "text/plain",
      "content-disposition": 'attachment; filename="../../etc/evil.txt"',
    },
  });
  expect(r.status).toBe(201);
  expect(r.body).toMatchObject({ size: 5, name: "evil.txt", mime_type: "text/plain" });
});

test("tus: create, offset, patch in chunks, wrong offset 409, complete", async () => {
  const create = await s.fetch("/api/component/file_upload/", {
    method: "POST",
    auth: s.admin,
    headers: {
      "Tus-Resumable": "1.0.0",
      "Upload-Length": "10",
      "Upload-Metadata": `name ${Buffer.from("a.bin").toString("base64")}`,
    },
  });
  expect(create.status).toBe(201);
  const loc = new URL(create.headers.get("location")!).pathname;
  const patch = (offset: number, data: string) =>
    s.fetch(loc, {
      method: "PATCH",
      auth: s.admin,
      headers: {
        "Tus-Resumable": "1.0.0",
        "Upload-Offset": String(offset),
        "Content-Type": "application/offset+octet-stream",
      },
      body: data,
    });
  const first = await patch(0, "01234");
  expect(first.status).toBe(204);
  expect(first.headers.get("upload-offset")).toBe("5");
  expect((await patch(3, "xx")).status).toBe(409);
  const head = await s.fetch(loc, {
    method: "HEAD",
    auth: s.admin,
    headers: { "Tus-Resumable": "1.0.0" },
  });
  expect(head.headers.get("upload-offset")).toBe("5");
  expect((await patch(5, "56789")).status).toBe(204);
  const meta = await s.json(loc, { auth: s.admin });
  expect(meta.body).toMatchObject({ size: 10, name: "a.bin" });
  expect((await patch(10, "more")).status).toBe(422);
  expect(
    (await s.fetch(loc, { method: "DELETE", auth: s.admin, headers: { "Tus-Resumable": "1.0.0" } }))
      .status,
  ).toBe(204);
  expect((await s.json(loc, { auth: s.admin })).status).toBe(404);
});

test("guests cannot upload; oversized uploads are 413; a bad form is 422", async () => {
  const fd = new FormData();
  fd.append("file", new File(["x"], "x.txt"));
  expect(
    (await s.json("/api/component/file_upload/upload", { method: "POST", body: fd })).status,
  ).toBe(403);
  const big = await s.json("/api/component/file_upload/", {
    method: "PUT",
    auth: s.admin,
    body: "x".repeat(200_000),
  });
  expect(big.status).toBe(413);
  expect(big.body.exception).toBe("nextgisweb.file_upload.api.UploadedFileTooLarge");
  const noFile = new FormData();
  noFile.append("other", "1");
  expect(
    (
      await s.json("/api/component/file_upload/upload", {
        method: "POST",
        auth: s.admin,
        body: noFile,
      })
    ).status,
  ).toBe(422);
  expect((await s.json("/api/component/file_upload/../../x", { auth: s.admin })).status).toBe(404);
});
