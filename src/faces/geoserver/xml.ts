/**
 * @module Request bodies of the GeoServer face, read into one shape: XML bodies become the same
 * object JSON bodies are (XStream/Jettison convention: attributes as "@name", text as "$",
 * repeated elements as arrays), so handlers parse once. XML with a DOCTYPE or entity
 * declarations is refused before parsing (XXE, billion laughs).
 */
import { XMLParser } from "fast-xml-parser";
import { GsError } from "./errors.ts";

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  textNodeName: "$",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/** Refuses DTDs and entity declarations: GeoServer's own parsers disable them too. */
export function assertSafeXml(text: string): void {
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) {
    throw new GsError(400, "XML documents with a DOCTYPE or entity declarations are not accepted");
  }
}

function normalise(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalise);
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v)) {
      // Namespaced elements (atom:link) are output-only decorations.
      if (k.includes(":") && !k.startsWith("@")) continue;
      const key = k.startsWith("__") ? k.slice(1) : k;
      out[key] = normalise(val);
    }
    return out;
  }
  return v;
}

export function parseXmlBody(text: string): Record<string, unknown> {
  assertSafeXml(text);
  let parsed: unknown;
  try {
    parsed = parser.parse(text, true);
  } catch (err) {
    throw new GsError(400, `Invalid XML: ${(err as Error).message.split("\n")[0]}`);
  }
  if (parsed === null || typeof parsed !== "object")
    throw new GsError(400, "The request body is not an XML document");
  return normalise(parsed) as Record<string, unknown>;
}

/** JSON bodies nest at most this deep: stored documents are re-serialised and walked recursively. */
const MAX_JSON_DEPTH = 64;

/** Iterative, so the check itself cannot overflow the stack on a hostile document. */
function tooDeep(root: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (d >= max) return true;
    for (const x of Object.values(v)) stack.push([x, d + 1]);
  }
  return false;
}

/** Parses a JSON or XML request body by Content-Type into the common object shape. */
export function parseBody(text: string, contentType: string): Record<string, unknown> {
  const mime = contentType.split(";")[0]!.trim().toLowerCase();
  if (mime === "application/json" || mime === "text/json") {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      throw new GsError(400, "The request body is not valid JSON");
    }
    if (v === null || typeof v !== "object" || Array.isArray(v))
      throw new GsError(400, "The request body must be a JSON object");
    if (tooDeep(v, MAX_JSON_DEPTH))
      throw new GsError(400, `The request body nests deeper than ${MAX_JSON_DEPTH} levels`);
    return v as Record<string, unknown>;
  }
  if (mime === "application/xml" || mime === "text/xml") return parseXmlBody(text);
  if (text.trimStart().startsWith("<")) return parseXmlBody(text);
  if (text.trimStart().startsWith("{")) return parseBody(text, "application/json");
  throw new GsError(415, `Unsupported content type: ${mime || "none"}`);
}

// --- readers for the loosely typed values clients send (numbers for strings, one or many) ---

export function asList(v: unknown): unknown[] {
  if (v === undefined || v === null || v === "") return [];
  return Array.isArray(v) ? v : [v];
}

export function asText(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (typeof v === "object" && "$" in (v as object)) return asText((v as { $: unknown }).$);
  return undefined;
}

export function asBool(v: unknown): boolean | undefined {
  const t = asText(v);
  if (t === undefined) return undefined;
  return t.toLowerCase() === "true";
}

export function asNumber(v: unknown): number | undefined {
  const t = asText(v);
  if (t === undefined || t.trim() === "") return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

export function asObj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : {};
}

/**
 * Map-typed fields in any of the forms seen in the wild: {"entry": [{"@key", "$"}]},
 * {"entry": {"@key", "$"}}, the short form {"k": "v"} and XML <entry key="k">v</entry>.
 */
export function asMap(v: unknown): Record<string, unknown> {
  const o = asObj(v);
  const out: Record<string, unknown> = {};
  if ("entry" in o) {
    for (const e of asList(o.entry)) {
      const eo = asObj(e);
      const key = asText(eo["@key"]);
      if (key === undefined) continue;
      if ("$" in eo) out[key] = asText(eo.$);
      else {
        const { "@key": _k, ...rest } = eo;
        out[key] = Object.keys(rest).length > 0 ? rest : "";
      }
    }
    return out;
  }
  for (const [k, val] of Object.entries(o)) out[k] = typeof val === "object" ? val : asText(val);
  return out;
}
