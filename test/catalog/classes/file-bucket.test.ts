/** File buckets through the NGW API: files from uploads, archives, downloads, hostile names, ACL. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { unzipSync, zipSync } from "fflate";
import { startServer, type TestServer } from "../../helpers/server.ts";

let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s.stop());

async function upload(name: string, data: Uint8Array | string, type = "text/plain") {
  const fd = new FormData();
  fd.append("file", new File([data as BlobPart], name, { type }));
  const r = await s.json("/api/component/file_upload/upload", {
    method: "POST",
    auth: s.admin,
    body: fd,
  });
  expect(r.status).toBe(200);
  return r.body.upload_meta[0].id as string;
}

async function bucket(name: string, fb: unknown) {
  return s.json("/api/resource/", {
    method: "POST",
    auth: s.admin,
    body: {
      resource: { cls: "file_bucket", parent: { id: 0 }, display_name: name },
      file_bucket: fb,
    },
  });
}

describe("file_bucket", () => {
  test("create from uploads, list, download, keep, replace and drop files", async () => {
    const a = await upload("a.txt", "alpha");
    const b = await upload("b.csv", "x,y\n1,2\n", "text/csv");
    const r = await bucket("fb1", {
      files: [
        { name: "a.txt", id: a },
        { name: "data/b.csv", id: b },
      ],
    });
    expect(r.status).toBe(201);
    const id = r.body.id;
    const g = await s.json(`/api/resource/${id}`, { auth: s.admin });
    expect(g.body.file_bucket.files).toEqual([
      { name: "a.txt", size: 5, mime_type: "text/plain" },
      { name: "data/b.csv", size: 8, mime_type: "text/csv" },
    ]);
    expect(typeof g.body.file_bucket.tstamp).toBe("string");

    const d = await s.fetch(`/api/resource/${id}/file/a.txt`, { auth: s.admin });
    expect(d.status).toBe(200);
    expect(d.headers.get("content-type")).toStartWith("text/plain");
    expect(await d.text()).toBe("alpha");
    const d2 = await s.fetch(`/api/resource/${id}/file/data/b.csv`, { auth: s.admin });
    expect(await d2.text()).toBe("x,y\n1,2\n");

    // a.txt kept as is (no id), data/b.csv replaced, c.txt added, nothing else survives.
    const b2 = await upload("b2.csv", "new");
    const c = await upload("c.txt", "see");
    const u = await s.json(`/api/resource/${id}`, {
      method: "PUT",
      auth: s.admin,
      body: {
        file_bucket: {
          files: [{ name: "a.txt" }, { name: "data/b.csv", id: b2 }, { name: "c.txt", id: c }],
        },
      },
    });
    expect(u.status).toBe(200);
    expect(
      await (await s.fetch(`/api/resource/${id}/file/data/b.csv`, { auth: s.admin })).text(),
    ).toBe("new");
    await s.json(`/api/resource/${id}`, {
      method: "PUT",
      auth: s.admin,
      body: { file_bucket: { files: [{ name: "c.txt" }] } },
    });
    const g2 = await s.json(`/api/resource/${id}`, { auth: s.admin });
    expect(g2.body.file_bucket.files.map((f: any) => f.name)).toEqual(["c.txt"]);
    expect((await s.fetch(`/api/resource/${id}/file/a.txt`, { auth: s.admin })).status).toBe(404);
    // Replaced and dropped bytes are gone from the store.
    expect(readdirSync(join(s.dataDir, "files", "bucket", String(id)))).toHaveLength(1);
  });

  test("archive replaces all files; hostile archives are refused", async () => {
    const zip = zipSync({
      "one.txt": new TextEncoder().encode("1"),
      "dir/two.txt": new TextEncoder().encode("22"),
    });
    const r = await bucket("fb2", {
      archive: { id: await upload("x.zip", zip, "application/zip") },
    });
    expect(r.status).toBe(201);
    const g = await s.json(`/api/resource/${r.body.id}`, { auth: s.admin });
    expect(g.body.file_bucket.files.map((f: any) => [f.name, f.size])).toEqual([
      ["dir/two.txt", 2],
      ["one.txt", 1],
    ]);
    // NGW's resource.export of a bucket: all files in one zip.
    const ex = await s.fetch(`/api/resource/${r.body.id}/export`, { auth: s.admin });
    expect(ex.headers.get("content-type")).toBe("application/zip");
    const back = unzipSync(new Uint8Array(await ex.arrayBuffer()));
    expect(Object.keys(back).sort()).toEqual(["dir/two.txt", "one.txt"]);
    expect(new TextDecoder().decode(back["dir/two.txt"])).toBe("22");
    for (const evil of ["../evil.txt", "/abs.txt", "a/../../b.txt", "c:\\win.txt"]) {
      const z = zipSync({ [evil]: new TextEncoder().encode("x") });
      const bad = await bucket(`fb-evil-${evil.length}`, {
        archive: { id: await upload("e.zip", z) },
      });
      expect(bad.status).toBe(422);
      expect(bad.body.message).toBe("Insecure filename.");
    }
    const notZip = await bucket("fb-notzip", {
      archive: { id: await upload("n.zip", "not a zip") },
    });
    expect(notZip.status).toBe(422);
    const both = await bucket("fb-both", { archive: { id: "x" }, files: [] });
    expect(both.status).toBe(422);
  });

  test("hostile file names and bad upload ids are 422", async () => {
    const a = await upload("a.txt", "a");
    for (const name of ["../a", "/etc/passwd", "a/./b", "a//b", "", "x\u0000y", "a\\b", 5]) {
      const r = await bucket(`fb-name-${String(name).length}-${Math.random()}`, {
        files: [{ name, id: a }],
      });
      expect(r.status).toBe(422);
    }
    const missing = await bucket("fb-missing", { files: [{ name: "n.txt" }] });
    expect(missing.status).toBe(422);
    const badId = await bucket("fb-badid", { files: [{ name: "n.txt", id: "../../catalog.db" }] });
    expect(badId.status).toBe(422);
    const unknown = await bucket("fb-unknown", { files: [{ name: "n.txt", id: "deadbeef" }] });
    expect(unknown.status).toBe(422);
  });

  test("downloads need data.read; guests and unknown names get 403/404", async () => {
    const a = await upload("a.txt", "secret");
    const r = await bucket("fb3", { files: [{ name: "s.txt", id: a }] });
    const id = r.body.id;
    expect((await s.fetch(`/api/resource/${id}/file/s.txt`)).status).toBe(403);
    expect((await s.fetch(`/api/resource/${id}/file/nope.txt`, { auth: s.admin })).status).toBe(
      404,
    );
    expect(
      (await s.fetch(`/api/resource/${id}/file/..%2F..%2Fcatalog.db`, { auth: s.admin })).status,
    ).toBe(404);
    // Allow guests to read the resource but not its data: files are hidden and not downloadable.
    await s.json(`/api/resource/${id}`, {
      method: "PUT",
      auth: s.admin,
      body: {
        resource: {
          permissions: [
            {
              action: "allow",
              principal: { id: 1 },
              identity: "",
              scope: "resource",
              permission: "read",
              propagate: true,
            },
          ],
        },
      },
    });
    await s.json("/api/resource/0", {
      method: "PUT",
      auth: s.admin,
      body: {
        resource: {
          permissions: [
            {
              action: "allow",
              principal: { id: 5 },
              identity: "",
              scope: "",
              permission: "",
              propagate: true,
            },
            {
              action: "allow",
              principal: { id: 1 },
              identity: "",
              scope: "resource",
              permission: "read",
              propagate: false,
            },
          ],
        },
      },
    });
    const g = await s.json(`/api/resource/${id}`);
    expect(g.status).toBe(200);
    expect(g.body.file_bucket.files).toBeUndefined();
    expect((await s.fetch(`/api/resource/${id}/file/s.txt`)).status).toBe(403);
    const del = await s.json(`/api/resource/${id}`, { method: "DELETE", auth: s.admin });
    expect(del.status).toBe(200);
  });
});
