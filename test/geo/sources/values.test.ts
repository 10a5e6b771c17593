/**
 * @module LIKE patterns as regular expressions (memory and FlatGeobuf sources): every character
 * other than % and _ matches itself, including the ones that are special in a RegExp.
 */
import { expect, test } from "bun:test";
import { likeToRegExp } from "../../../src/geo/sources/values.ts";

test("regexp metacharacters and '-' in a LIKE pattern match literally", () => {
  expect(likeToRegExp("a-b%", false).test("a-bc")).toBe(true);
  expect(likeToRegExp("a-b%", false).test("axbc")).toBe(false);
  expect(likeToRegExp("(1.5)|[x]/-\\%", false).test("(1.5)|[x]/-\\ tail")).toBe(true);
  expect(likeToRegExp("(1.5)", false).test("(105)")).toBe(false);
  expect(likeToRegExp("_-_", true).test("A-b")).toBe(true);
  expect(likeToRegExp("ÄB%", true).test("äbc")).toBe(true);
});
