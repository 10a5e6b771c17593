/**
 * @module Request parsing for the NGW face, with NGW's rules (reference/ngw.md §1.3): booleans
 * are only true/false/yes/no, lists are comma separated and an empty value is an empty list,
 * JSON bodies must parse and stay under the size limit.
 */
import type { Context } from "hono";
import {
  MalformedJSON,
  ResourceNotFound,
  TooLarge,
  ValidationError,
} from "../../catalog/errors.ts";

export function parseBool(value: string | undefined, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  const v = value.toLowerCase();
  if (v === "true" || v === "yes") return true;
  if (v === "false" || v === "no") return false;
  throw new ValidationError(`Invalid value of '${name}': expected true, false, yes or no.`);
}

export function parseList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value === "" ? [] : value.split(",").map((s) => s.trim());
}

export function parseInt32(
  value: string | undefined,
  name: string,
  opts: { min?: number; max?: number } = {},
): number | undefined {
  if (value === undefined || value === "") return undefined;
  if (!/^-?\d{1,15}$/.test(value.trim()))
    throw new ValidationError(`Invalid value of '${name}': expected an integer.`);
  const n = Number(value);
  if (opts.min !== undefined && n < opts.min)
    throw new ValidationError(`'${name}' must be at least ${opts.min}.`);
  if (opts.max !== undefined && n > opts.max)
    throw new ValidationError(`'${name}' must be at most ${opts.max}.`);
  return n;
}

/** The resource id from the path; anything but a plain non-negative integer is a 404 as in NGW. */
export function resourceId(c: Context, name = "id"): number {
  const v = c.req.param(name) ?? "";
  if (!/^\d{1,15}$/.test(v)) throw new ResourceNotFound(v);
  return Number(v);
}

/** Reads a JSON body with a size limit; malformed JSON is NGW's MalformedJSONBody (400). */
export async function readJson(c: Context, maxBytes: number, optional = false): Promise<unknown> {
  const len = Number(c.req.header("content-length") ?? "0");
  if (len > maxBytes) throw new TooLarge(`Request body is larger than ${maxBytes} bytes.`);
  const buf = await c.req.arrayBuffer();
  if (buf.byteLength > maxBytes)
    throw new TooLarge(`Request body is larger than ${maxBytes} bytes.`);
  // Invalid UTF-8 is malformed JSON (RFC 8259 §8.1), not text to repair with U+FFFD.
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(buf);
  } catch {
    throw new MalformedJSON("The request body is not valid UTF-8.");
  }
  if (text.trim() === "") {
    if (optional) return undefined;
    throw new MalformedJSON("The request body is empty; JSON was expected.");
  }
  try {
    return checkDepth(JSON.parse(text), 0);
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    throw new MalformedJSON();
  }
}

export async function readObject(c: Context, maxBytes: number): Promise<Record<string, unknown>> {
  const v = await readJson(c, maxBytes);
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new ValidationError("A JSON object was expected.");
  return v as Record<string, unknown>;
}

/** Deeply nested JSON is refused before anything walks it recursively (documented limit: 64). */
export const MAX_JSON_DEPTH = 64;

function checkDepth(v: unknown, depth: number): unknown {
  if (depth > MAX_JSON_DEPTH)
    throw new ValidationError(`JSON nesting deeper than ${MAX_JSON_DEPTH} levels.`);
  if (typeof v === "object" && v !== null) {
    for (const x of Array.isArray(v) ? v : Object.values(v)) checkDepth(x, depth + 1);
  }
  return v;
}
