/** Range parsing and Content-Disposition for file responses (RFC 9110 §14, RFC 6266). */
import { expect, test } from "bun:test";
import { contentDisposition, parseRange } from "../../../src/faces/ngw/download.ts";

test("single ranges, suffixes, open ends and clamping", () => {
  expect(parseRange("bytes=0-7", 100)).toEqual({ start: 0, end: 7 });
  expect(parseRange("bytes=90-", 100)).toEqual({ start: 90, end: 99 });
  expect(parseRange("bytes=-10", 100)).toEqual({ start: 90, end: 99 });
  expect(parseRange("bytes=-500", 100)).toEqual({ start: 0, end: 99 });
  expect(parseRange("bytes=50-5000", 100)).toEqual({ start: 50, end: 99 });
});

test("unsatisfiable and ignored ranges", () => {
  expect(parseRange("bytes=100-", 100)).toBe("unsatisfiable");
  expect(parseRange("bytes=-0", 100)).toBe("unsatisfiable");
  // Malformed, multi-range and reversed ranges are ignored: the whole file is sent.
  for (const h of [
    undefined,
    "",
    "bytes=",
    "bytes=-",
    "items=0-1",
    "bytes=0-1,5-6",
    "bytes=9-3",
    "bytes=a-b",
  ])
    expect(parseRange(h, 100)).toBeNull();
});

test("Content-Disposition never carries raw quotes, newlines or non-ASCII", () => {
  const h = contentDisposition('a"b\r\nc ü.txt');
  expect(h).not.toMatch(/[\r\n]/);
  expect(h).toContain('filename="a_b__c _.txt"');
  expect(h).toContain("filename*=UTF-8''a%22b%0D%0Ac%20%C3%BC.txt");
});
