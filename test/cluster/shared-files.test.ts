/**
 * @module Two gisd nodes on one libSQL server and one shared data folder (what a network folder
 * gives a real cluster): a file uploaded to node A becomes a layer created on node B; an
 * attachment added on B downloads byte for byte from A; a layer deleted on A takes its
 * attachment files with it. Skips with the reason when no sqld binary can be had.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Sqld, sqldBinary, startSqld } from "../helpers/sqld.ts";
import { type Node, startNode } from "./node.ts";

const binary = sqldBinary();
if (!("path" in binary)) console.warn(`shared-file cluster tests skipped: ${binary.reason}`);
const maybe = "path" in binary ? describe : describe.skip;

const CITIES = "data/samples/cities.geojson";
const PNG = "test/fixtures/attachments/trpl21-01.png";

let sqld: Sqld;
let dataDir: string;
let a: Node;
let b: Node;

async function upload(n: Node, path: string): Promise<string> {
  const fd = new FormData();
  fd.append("file", new File([await Bun.file(path).arrayBuffer()], path.split("/").pop()!));
  const r = await n.fetch("/api/component/file_upload/upload", {
    method: "POST",
    auth: n.admin,
    body: fd,
  });
  expect(r.status).toBe(200);
  return ((await r.json()) as any).upload_meta[0].id;
}

async function post(n: Node, path: string, body: unknown, method = "POST") {
  const r = await n.fetch(path, { method, auth: n.admin, body: JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as any };
}

maybe("two nodes sharing one data folder", () => {
  beforeAll(async () => {
    if (!("path" in binary)) return;
    sqld = await startSqld(binary.path);
    dataDir = mkdtempSync(join(tmpdir(), "gisd-shared-"));
    const env = { GISD_DATABASE_URL: sqld.url, GISD_DATABASE_AUTH_TOKEN: sqld.authToken };
    a = await startNode(dataDir, env);
    b = await startNode(dataDir, env);
  }, 120_000);

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await sqld?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  let layer: number;
  test("a file uploaded to A becomes a layer created on B", async () => {
    const up = await upload(a, CITIES);
    const r = await post(b, "/api/resource/", {
      resource: { cls: "vector_layer", parent: { id: 0 }, display_name: "cities" },
      vector_layer: { source: { id: up }, srs: { id: 3857 } },
    });
    expect(r.status).toBe(201);
    layer = r.body.id;
    const expected = ((await Bun.file(CITIES).json()) as any).features.length;
    const count = await a.fetch(`/api/resource/${layer}/feature_count`, { auth: a.admin });
    expect(((await count.json()) as any).total_count).toBe(expected);
  });

  test("an attachment added on B downloads byte for byte from A; deleting on A removes it", async () => {
    const up = await upload(b, PNG);
    const r = await post(b, `/api/resource/${layer}/feature/1/attachment/`, {
      file_upload: { id: up },
    });
    expect(r.status).toBe(200);
    const dl = await a.fetch(`/api/resource/${layer}/feature/1/attachment/${r.body.id}/download`, {
      auth: a.admin,
    });
    expect(dl.status).toBe(200);
    expect(
      Buffer.from(await dl.arrayBuffer()).equals(Buffer.from(await Bun.file(PNG).bytes())),
    ).toBe(true);
    const dir = join(dataDir, "files", "attachment", String(layer));
    expect(existsSync(dir)).toBe(true);
    const del = await a.fetch(`/api/resource/${layer}`, { method: "DELETE", auth: a.admin });
    expect(del.status).toBe(200);
    expect(existsSync(dir)).toBe(false);
    const gone = await b.fetch(`/api/resource/${layer}`, { auth: b.admin });
    expect(gone.status).toBe(404);
  });
});
