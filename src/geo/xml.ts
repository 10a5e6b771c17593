/**
 * @module The one guarded XML reader for every hostile document gisd accepts (QML, SLD, WFS
 * Transaction bodies, GeoServer REST XML): size-capped, DOCTYPE/ENTITY refused outright (XXE and
 * billion-laughs never reach a parser), entity processing off, nesting depth bounded. It returns a
 * small ordered element tree with namespace prefixes removed.
 */
import { XMLParser } from "fast-xml-parser";

/** A refused or malformed document; `status` hints 422 (well-formed request, bad content). */
export class XmlError extends Error {
  readonly status = 422;
  constructor(message: string) {
    super(message);
    this.name = "XmlError";
  }
}

export interface XmlElement {
  /** Local name, namespace prefix removed ("sld:Rule" → "Rule"). */
  name: string;
  /** Attributes by local name ("xlink:href" → "href"), entity references decoded. */
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Concatenated text and CDATA directly inside the element, entity references decoded. */
  text: string;
}

export interface XmlOptions {
  /** Refuse larger documents (bytes of UTF-8 or characters of a string); default 10 MB. */
  maxBytes?: number;
  /** Refuse deeper element nesting; default 256. */
  maxDepth?: number;
}

const DEFAULTS: Required<XmlOptions> = { maxBytes: 10 * 1024 * 1024, maxDepth: 256 };

/**
 * Parses untrusted XML. Throws XmlError for anything too large, anything declaring entities or an
 * internal DTD subset (no legitimate QML/SLD needs one), and anything not well formed.
 */
export function parseXmlSafe(input: string | Uint8Array, opts: XmlOptions = {}): XmlElement {
  const o = { ...DEFAULTS, ...opts };
  const size = typeof input === "string" ? input.length : input.byteLength;
  if (size > o.maxBytes) throw new XmlError(`The XML document is larger than ${o.maxBytes} bytes.`);
  let text = typeof input === "string" ? input : decodeUtf8(input);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  text = stripDoctype(text);
  if (!/^\s*</.test(text)) throw new XmlError("The document is not XML.");
  let raw: unknown[];
  try {
    const parser = new XMLParser({
      preserveOrder: true,
      ignoreAttributes: false,
      attributeNamePrefix: "",
      removeNSPrefix: true,
      processEntities: false,
      htmlEntities: false,
      parseTagValue: false,
      parseAttributeValue: false,
      trimValues: false,
      cdataPropName: "#cdata",
      commentPropName: false,
      ignorePiTags: true,
    });
    // Validation first: the lenient parser accepts unclosed tags, which hide truncated files.
    raw = parser.parse(text, true) as unknown[];
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new XmlError(`The XML document is not well formed: ${msg.slice(0, 200)}`);
  }
  const roots = convert(raw, 0, o.maxDepth);
  if (roots.length !== 1) throw new XmlError("The XML document must have one root element.");
  return roots[0]!;
}

/**
 * Every QGIS QML starts with `<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>`, so a
 * bare DOCTYPE (name plus external id, never fetched) is dropped; one with an internal subset
 * (`[...]`) or any ENTITY declaration anywhere is refused: those carry XXE and billion laughs.
 */
function stripDoctype(text: string): string {
  if (/<!ENTITY/i.test(text)) {
    throw new XmlError("XML documents with ENTITY declarations are not accepted.");
  }
  const m =
    /<!DOCTYPE\s+[A-Za-z_][\w.:-]*(\s+(PUBLIC|SYSTEM)(\s+("[^"]*"|'[^']*')){1,2})?\s*>/i.exec(text);
  const rest = m ? text.slice(0, m.index) + text.slice(m.index + m[0].length) : text;
  if (/<!DOCTYPE/i.test(rest)) {
    throw new XmlError("XML documents with a DOCTYPE internal subset are not accepted.");
  }
  return rest;
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    // QGIS on Windows sometimes writes Latin-1; its markup is ASCII either way.
    return new TextDecoder("latin1").decode(bytes);
  }
}

type RawNode = Record<string, unknown>;

function convert(nodes: unknown[], depth: number, maxDepth: number): XmlElement[] {
  if (depth > maxDepth) throw new XmlError(`XML nesting deeper than ${maxDepth} levels.`);
  const out: XmlElement[] = [];
  for (const n of nodes) {
    const node = n as RawNode;
    for (const key of Object.keys(node)) {
      if (key === ":@" || key === "#text" || key === "#cdata") continue;
      const attrsRaw = (node[":@"] ?? {}) as Record<string, unknown>;
      const attrs: Record<string, string> = {};
      for (const [k, v] of Object.entries(attrsRaw)) {
        if (k.startsWith("xmlns")) continue;
        attrs[k] = decodeEntities(String(v ?? ""));
      }
      const kids = Array.isArray(node[key]) ? (node[key] as unknown[]) : [];
      let text = "";
      for (const k of kids) {
        const kn = k as RawNode;
        if ("#text" in kn) text += decodeEntities(String(kn["#text"]));
        if ("#cdata" in kn) text += cdataText(kn["#cdata"]);
      }
      out.push({ name: key, attrs, children: convert(kids, depth + 1, maxDepth), text });
    }
  }
  return out;
}

function cdataText(v: unknown): string {
  if (Array.isArray(v)) return v.map((x) => String((x as RawNode)["#text"] ?? "")).join("");
  return String(v ?? "");
}

const PREDEFINED: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
};

/** Decodes the five predefined entities and numeric character references; nothing else expands. */
export function decodeEntities(s: string): string {
  if (!s.includes("&")) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);/g, (m, ref: string) => {
    if (ref[0] === "#") {
      const cp =
        ref[1] === "x" ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return PREDEFINED[ref] ?? m;
  });
}

/** Escapes text for element content and attribute values. */
export function escapeXml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/** The first child element with a local name (case-sensitive, as XML is). */
export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

/** Every child element with a local name. */
export function childrenNamed(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name) : [];
}

/** The element at a path of local names, e.g. path(root, "renderer-v2", "symbols"). */
export function path(el: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
  let cur = el;
  for (const n of names) cur = child(cur, n);
  return cur;
}

/** Every descendant element with a local name, depth first. */
export function descendants(el: XmlElement, name: string, out: XmlElement[] = []): XmlElement[] {
  for (const c of el.children) {
    if (c.name === name) out.push(c);
    descendants(c, name, out);
  }
  return out;
}
