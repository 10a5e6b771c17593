/**
 * @module An incremental byte-level JSON scanner for GeoJSON: it walks file chunks once, tracks
 * only nesting and strings, and yields each feature object's bytes for JSON.parse, so a 1 GB
 * FeatureCollection never sits in memory whole. It also yields the top-level "crs" member.
 * Top-level values in a row (GeoJSON text sequences, RFC 8142, or newline-delimited) are
 * accepted: each is a FeatureCollection, a Feature or a bare geometry.
 */
import { FormatError } from "./errors.ts";

/** Deeper nesting is refused before JSON.parse could overflow the stack on hostile input. */
export const MAX_JSON_DEPTH = 64;
/** One feature (or a whole non-collection document) larger than this is refused. */
export const MAX_FEATURE_BYTES = 256 * 1024 * 1024;

export type ScanItem =
  | { kind: "feature"; value: unknown; index: number }
  | { kind: "bad"; error: FormatError; index: number }
  | { kind: "crs"; value: unknown };

const B = {
  quote: 0x22,
  backslash: 0x5c,
  lbrace: 0x7b,
  rbrace: 0x7d,
  lbracket: 0x5b,
  rbracket: 0x5d,
  colon: 0x3a,
  comma: 0x2c,
};

function isSpace(c: number): boolean {
  // RS (0x1E) separates RFC 8142 text sequences; a UTF-8 BOM is skipped by the caller.
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x1e;
}

/** Collects byte ranges across chunk boundaries. */
class Capture {
  parts: Uint8Array[] = [];
  size = 0;
  start = -1;
  begin(pos: number) {
    this.parts = [];
    this.size = 0;
    this.start = pos;
  }
  get active() {
    return this.start >= 0;
  }
  flush(chunk: Uint8Array, end: number, limit: number, index: number) {
    if (this.start < 0) return;
    const part = chunk.subarray(this.start, end);
    this.parts.push(part);
    this.size += part.length;
    this.start = 0;
    if (this.size > limit) throw new FormatError(`object larger than ${limit} bytes`, index);
  }
  finish(chunk: Uint8Array, end: number): Uint8Array {
    this.parts.push(chunk.subarray(this.start, end));
    this.start = -1;
    if (this.parts.length === 1) return this.parts[0]!;
    const out = new Uint8Array(this.parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    this.parts = [];
    return out;
  }
  drop() {
    this.start = -1;
    this.parts = [];
    this.size = 0;
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function parse(bytes: Uint8Array, index: number): ScanItem {
  try {
    return { kind: "feature", value: JSON.parse(utf8.decode(bytes)), index };
  } catch (e) {
    const why = e instanceof TypeError ? "invalid UTF-8" : (e as Error).message;
    return { kind: "bad", error: new FormatError(`invalid JSON: ${why}`, index), index };
  }
}

/** Scans GeoJSON bytes, yielding features (parsed), per-feature parse failures and the crs. */
export async function* scanGeoJson(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<ScanItem> {
  let depth = 0;
  let inString = false;
  let escaped = false;
  let expectKey = false; // at depth 1: the next string is a member name
  let key = "";
  let inFeatures = false; // inside the top-level "features" array (depth 2)
  let sawFeatures = false;
  let index = 0;
  let first = true;
  const whole = new Capture(); // the top-level value, until it turns out to be a collection
  const element = new Capture(); // one feature of "features"
  const member = new Capture(); // a top-level "crs" or a member name
  let keyCapture = false;

  for await (let chunk of chunks) {
    if (first) {
      first = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    const items: ScanItem[] = [];
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      const c = chunk[i]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === B.backslash) escaped = true;
        else if (c === B.quote) {
          inString = false;
          if (keyCapture) {
            keyCapture = false;
            key = utf8.decode(member.finish(chunk, i));
          }
        }
        continue;
      }
      if (c === B.quote) {
        inString = true;
        if (depth === 1 && expectKey) {
          keyCapture = true;
          member.begin(i + 1);
        }
        continue;
      }
      if (c === B.lbrace || c === B.lbracket) {
        if (depth === 0) {
          if (c !== B.lbrace) throw new FormatError("a GeoJSON document must be a JSON object");
          whole.begin(i);
          sawFeatures = false;
          expectKey = true;
        } else if (depth === 1 && !expectKey) {
          if (key === "features" && c === B.lbracket) {
            inFeatures = true;
            sawFeatures = true;
            whole.drop();
          } else if (key === "crs" && c === B.lbrace) member.begin(i);
        } else if (depth === 2 && inFeatures) {
          if (c !== B.lbrace) throw new FormatError("a feature must be a JSON object", index);
          element.begin(i);
        }
        depth++;
        if (depth > MAX_JSON_DEPTH) {
          throw new FormatError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`, index);
        }
        continue;
      }
      if (c === B.rbrace || c === B.rbracket) {
        depth--;
        if (depth < 0) throw new FormatError("unbalanced JSON brackets");
        if (depth === 2 && inFeatures && element.active) {
          items.push(parse(element.finish(chunk, i + 1), index++));
        } else if (depth === 1) {
          if (inFeatures) inFeatures = false;
          else if (member.active && key === "crs") {
            const crs = parse(member.finish(chunk, i + 1), -1);
            items.push({ kind: "crs", value: crs.kind === "feature" ? crs.value : null });
          }
        } else if (depth === 0 && !sawFeatures && whole.active) {
          items.push(parse(whole.finish(chunk, i + 1), index++));
        } else if (depth === 0) whole.drop();
        continue;
      }
      if (depth === 1) {
        if (c === B.colon) expectKey = false;
        else if (c === B.comma) expectKey = true;
      } else if (depth === 0 && !isSpace(c)) {
        throw new FormatError(
          `unexpected character ${JSON.stringify(String.fromCharCode(c))} outside any GeoJSON object`,
        );
      } else if (depth === 2 && inFeatures && !isSpace(c) && c !== B.comma) {
        throw new FormatError("a feature must be a JSON object", index);
      }
    }
    whole.flush(chunk, n, MAX_FEATURE_BYTES, index);
    element.flush(chunk, n, MAX_FEATURE_BYTES, index);
    member.flush(chunk, n, 1 << 20, index);
    yield* items;
  }
  if (depth !== 0 || inString) {
    throw new FormatError("unexpected end of file (truncated GeoJSON)", index);
  }
}
