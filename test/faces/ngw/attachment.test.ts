/** Feature attachments and descriptions: the full cycle with real images, thumbnails, ACL, cleanup. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { loadImage } from "@napi-rs/canvas";
import { startServer, type TestServer } from "../../helpers/server.ts";
import { addPoint, emptyLayer, upload } from "./extras-helpers.ts";

const PNG = "test/fixtures/attachments/trpl21-01.png";
const JPG = "test/fixtures/attachments/python.jpg";
let s: TestServer;
let layer: number;
let fid: number;

beforeAll(async () => {
  s = await startServer();
  layer = await emptyLayer(s, "with attachments");
  fid = await addPoint(s, layer, 10, 20, "a");
});
afterAll(() => s.stop());

const base = () => `/api/resource/${layer}/feature/${fid}/attachment/`;
const files = () => {
  const d = join(s.dataDir, "files", "attachment", String(layer));
  return existsSync(d) ? readdirSync(d) : [];
};

async function attach(path: string, extra: Record<string, unknown> = {}) {
  const up = await upload(s, path.split("/").pop()!, Bun.file(path));
  const r = await s.json(base(), {
    method: "POST",
    auth: s.admin,
    body: { file_upload: { id: up }, ...extra },
  });
  expect(r.status).toBe(200);
  return r.body.id as number;
}

describe("attachments", () => {
  test("upload, list, read, download, thumbnails, update, delete", async () => {
    const png = await attach(PNG, { description: "a screenshot" });
    const list = await s.json(base(), { auth: s.admin });
    expect(list.body).toEqual([
      {
        id: png,
        name: "trpl21-01.png",
        keyname: null,
        size: Bun.file(PNG).size,
        mime_type: "image/png",
        description: "a screenshot",
        is_image: true,
        file_meta: {},
      },
    ]);
    const item = await s.json(`${base()}${png}`, { auth: s.admin });
    expect(item.body.id).toBe(png);

    const dl = await s.fetch(`${base()}${png}/download`, { auth: s.admin });
    expect(dl.headers.get("content-type")).toBe("image/png");
    expect(dl.headers.get("content-disposition")).toContain("trpl21-01.png");
    expect(
      Buffer.from(await dl.arrayBuffer()).equals(Buffer.from(await Bun.file(PNG).arrayBuffer())),
    ).toBe(true);

    const th = await s.fetch(`${base()}${png}/image?size=100x100`, { auth: s.admin });
    expect(th.status).toBe(200);
    expect(th.headers.get("content-type")).toBe("image/png");
    const img = await loadImage(Buffer.from(await th.arrayBuffer()));
    expect([img.width, img.height]).toEqual([100, 86]); // 372×320 fitted into 100×100
    const crop = await loadImage(
      Buffer.from(
        await (
          await s.fetch(`${base()}${png}/image?size=50x50&crop=true`, { auth: s.admin })
        ).arrayBuffer(),
      ),
    );
    expect([crop.width, crop.height]).toEqual([50, 50]);

    const jpg = await attach(JPG, { name: "logo.jpg" });
    const jt = await s.fetch(`${base()}${jpg}/image?size=8x8`, { auth: s.admin });
    expect(jt.headers.get("content-type")).toBe("image/jpeg");
    const ji = await loadImage(Buffer.from(await jt.arrayBuffer()));
    expect([ji.width, ji.height]).toEqual([8, 8]);
    for (const bad of ["0x10", "10", "99999x1", "axb"])
      expect((await s.fetch(`${base()}${jpg}/image?size=${bad}`, { auth: s.admin })).status).toBe(
        422,
      );

    const put = await s.json(`${base()}${jpg}`, {
      method: "PUT",
      auth: s.admin,
      body: { description: "the logo", keyname: "logo" },
    });
    expect(put.body).toEqual({ id: jpg });
    expect((await s.json(`${base()}${jpg}`, { auth: s.admin })).body.keyname).toBe("logo");
    const clash = await s.json(`${base()}${png}`, {
      method: "PUT",
      auth: s.admin,
      body: { keyname: "logo" },
    });
    expect(clash.status).toBe(422);

    expect(files()).toHaveLength(2);
    const del = await s.json(`${base()}${jpg}`, { method: "DELETE", auth: s.admin });
    expect(del.status).toBe(200);
    expect((await s.json(`${base()}${jpg}`, { auth: s.admin })).status).toBe(404);
    expect(files()).toHaveLength(1);
  });

  test("extensions in feature GET and PUT: keep, create, delete; descriptions sanitized", async () => {
    const f2 = await addPoint(s, layer, 1, 1, "b");
    const url = `/api/resource/${layer}/feature/${f2}`;
    let g = await s.json(url, { auth: s.admin });
    expect(g.body.extensions).toEqual({ attachment: null, description: null });
    const up1 = await upload(s, "python.jpg", Bun.file(JPG));
    let put = await s.json(url, {
      method: "PUT",
      auth: s.admin,
      body: {
        extensions: {
          attachment: [{ file_upload: { id: up1 }, name: "one.jpg" }],
          description: '<p onclick="x()">Hi <script>alert(1)</script><b>there</b></p>',
        },
      },
    });
    expect(put.status).toBe(200);
    g = await s.json(url, { auth: s.admin });
    expect(g.body.extensions.description).toBe("<p>Hi <b>there</b></p>");
    const [one] = g.body.extensions.attachment;
    expect(one.name).toBe("one.jpg");
    expect(one.mime_type).toBe("image/jpeg");

    const up2 = await upload(s, "trpl21-01.png", Bun.file(PNG));
    put = await s.json(url, {
      method: "PUT",
      auth: s.admin,
      body: {
        extensions: {
          attachment: [{ id: one.id, description: "kept" }, { file_upload: { id: up2 } }],
        },
      },
    });
    expect(put.status).toBe(200);
    g = await s.json(`${url}?extensions=attachment`, { auth: s.admin });
    expect(g.body.extensions.description).toBeUndefined();
    expect(
      g.body.extensions.attachment.map((a: any) => [a.id === one.id, a.description, a.name]),
    ).toEqual([
      [true, "kept", "one.jpg"],
      [false, null, "trpl21-01.png"],
    ]);
    // An attachment of another feature cannot be claimed.
    const foreign = await s.json(url, {
      method: "PUT",
      auth: s.admin,
      body: { extensions: { attachment: [{ id: 424242 }] } },
    });
    expect(foreign.status).toBe(422);

    put = await s.json(url, {
      method: "PUT",
      auth: s.admin,
      body: { extensions: { attachment: [], description: null } },
    });
    g = await s.json(url, { auth: s.admin });
    expect(g.body.extensions).toEqual({ attachment: null, description: null });
    expect(
      (await s.json(`/api/resource/${layer}/feature/?extensions=`, { auth: s.admin })).body[0]
        .extensions,
    ).toBeUndefined();
  });

  test("permissions and bad input", async () => {
    const up = await upload(s, "python.jpg", Bun.file(JPG));
    expect((await s.json(base())).status).toBe(403);
    expect(
      (await s.json(base(), { method: "POST", body: { file_upload: { id: up } } })).status,
    ).toBe(403);
    expect(
      (await s.json(base(), { method: "POST", auth: s.admin, body: { name: "no file" } })).status,
    ).toBe(422);
    expect(
      (
        await s.json(base(), {
          method: "POST",
          auth: s.admin,
          body: { file_upload: { id: "../../catalog.db" } },
        })
      ).status,
    ).toBe(422);
    expect(
      (
        await s.json(`/api/resource/${layer}/feature/987654/attachment/`, {
          method: "POST",
          auth: s.admin,
          body: { file_upload: { id: up } },
        })
      ).status,
    ).toBe(404);
    expect((await s.json(`${base()}abc`, { auth: s.admin })).status).toBe(404);
    expect((await s.json(`${base()}123456`, { auth: s.admin })).status).toBe(404);
  });

  test("attachments go with their feature and with their layer", async () => {
    const l = await emptyLayer(s, "cleanup");
    const f = await addPoint(s, l, 0, 0, "x");
    const up = await upload(s, "python.jpg", Bun.file(JPG));
    const a = await s.json(`/api/resource/${l}/feature/${f}/attachment/`, {
      method: "POST",
      auth: s.admin,
      body: { file_upload: { id: up } },
    });
    expect(a.status).toBe(200);
    const dir = join(s.dataDir, "files", "attachment", String(l));
    expect(readdirSync(dir)).toHaveLength(1);
    await s.json(`/api/resource/${l}/feature/${f}`, { method: "DELETE", auth: s.admin });
    expect(readdirSync(dir)).toHaveLength(0);
    const f2 = await addPoint(s, l, 0, 0, "y");
    await s.json(`/api/resource/${l}/feature/${f2}/attachment/`, {
      method: "POST",
      auth: s.admin,
      body: { file_upload: { id: up } },
    });
    await s.json(`/api/resource/${l}`, { method: "DELETE", auth: s.admin });
    expect(existsSync(dir)).toBe(false);
  });
});
