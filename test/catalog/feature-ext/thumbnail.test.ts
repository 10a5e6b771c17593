/** Thumbnails of real PNG and JPEG files with @napi-rs/canvas: fit, crop, never enlarge, refuse junk. */
import { expect, test } from "bun:test";
import { loadImage } from "@napi-rs/canvas";
import { parseSize, thumbnail } from "../../../src/catalog/feature-ext/thumbnail.ts";

const png = new Uint8Array(await Bun.file("test/fixtures/attachments/trpl21-01.png").arrayBuffer());
const jpg = new Uint8Array(await Bun.file("test/fixtures/attachments/python.jpg").arrayBuffer());

async function dims(bytes: Uint8Array) {
  const img = await loadImage(Buffer.from(bytes));
  return [img.width, img.height];
}

test("fits inside the box keeping the aspect ratio", async () => {
  expect(await dims(await thumbnail(png, "image/png", { width: 100, height: 100 }))).toEqual([
    100, 86,
  ]);
  expect(await dims(await thumbnail(png, "image/png", { width: 300, height: 50 }))).toEqual([
    58, 50,
  ]);
});

test("crop fills the box; small images are not enlarged", async () => {
  expect(await dims(await thumbnail(png, "image/png", { width: 40, height: 40 }, true))).toEqual([
    40, 40,
  ]);
  expect(await dims(await thumbnail(jpg, "image/jpeg", { width: 500, height: 500 }))).toEqual([
    16, 16,
  ]);
});

test("output keeps the format: PNG stays PNG, JPEG stays JPEG", async () => {
  const p = await thumbnail(png, "image/png", { width: 10, height: 10 });
  expect([...p.slice(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
  const j = await thumbnail(jpg, "image/jpeg", { width: 8, height: 8 });
  expect([...j.slice(0, 2)]).toEqual([0xff, 0xd8]);
});

test("junk bytes and bad sizes are validation errors", async () => {
  await expect(
    thumbnail(new TextEncoder().encode("not an image"), "image/png", { width: 10, height: 10 }),
  ).rejects.toThrow("not a readable image");
  for (const bad of ["", "10", "0x5", "5x0", "5000x5", "-1x5", "1.5x2", "10x10x10"])
    expect(() => parseSize(bad)).toThrow();
  expect(parseSize("300x200")).toEqual({ width: 300, height: 200 });
});
