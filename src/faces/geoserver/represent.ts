/**
 * @module One document model, three wire formats: GeoServer's XStream JSON (Jettison "mapped"
 * convention, reference A.1.5), XStream XML with atom links, and a minimal escaped HTML page.
 * Handlers build a Doc once; the format negotiated for the request decides how it is written.
 */

export type Fmt = "json" | "xml" | "html";

/** A link to another REST object; the encoder appends the request's extension to `path`. */
export class Link {
  constructor(
    readonly base: string,
    readonly path: string,
    /** Atom media type in XML: objects link as application/xml, list items as atom+xml. */
    readonly atomType = "application/xml",
  ) {}
  url(fmt: Fmt): string {
    return `${this.base}${this.path}.${fmt}`;
  }
}

/**
 * A repeated element. Inside objects GeoServer 2.21+ writes one item as an object and several as
 * an array; list endpoints always write an array (`array`). `xmlName` renames the XML element
 * where XStream and Jettison differ (`string` vs `featureTypeName`).
 */
export class Many {
  constructor(
    readonly items: Node[],
    readonly array = false,
    readonly xmlName?: string,
  ) {}
}

export type Node = string | number | boolean | null | undefined | Link | Many | Obj;
export interface Obj {
  [key: string]: Node;
}

/** A document: exactly one root key (the XStream alias) mapping to its content. */
export type Doc = Record<string, Node>;

// --- JSON -------------------------------------------------------------------------------

function jsonNode(n: Node, fmt: Fmt): unknown {
  if (n instanceof Link) return n.url(fmt);
  if (n instanceof Many) {
    const items = n.items.map((i) => jsonNode(i, fmt));
    return items.length === 1 && !n.array ? items[0] : items;
  }
  if (n !== null && typeof n === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(n)) {
      if (v === undefined) continue;
      // An empty collection is Jettison's empty string: {"workspaces": ""} (node-client checks it).
      if (v instanceof Many && v.items.length === 0) {
        out[k] = "";
        continue;
      }
      out[k] = jsonNode(v, fmt);
    }
    return out;
  }
  return n;
}

export function toJson(doc: Doc): string {
  const [root, content] = Object.entries(doc)[0]!;
  // A list document whose inner collection is empty collapses to {"plural": ""}.
  if (isEmptyList(content)) return JSON.stringify({ [root]: "" });
  return JSON.stringify({ [root]: jsonNode(content, "json") });
}

function isEmptyList(n: Node): boolean {
  if (n === "") return true;
  if (n === null || typeof n !== "object" || n instanceof Link || n instanceof Many) return false;
  const vals = Object.values(n).filter((v) => v !== undefined);
  return vals.length === 1 && vals[0] instanceof Many && vals[0].items.length === 0;
}

// --- XML --------------------------------------------------------------------------------

export function escapeXml(s: string): string {
  return s
    .replace(/[<>&"']/g, (ch) =>
      ch === "<"
        ? "&lt;"
        : ch === ">"
          ? "&gt;"
          : ch === "&"
            ? "&amp;"
            : ch === '"'
              ? "&quot;"
              : "&apos;",
    )
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");
}

/** XStream escapes a leading underscore by doubling it (`_default` → `__default`). */
function xmlName(k: string): string {
  return k.startsWith("_") ? `_${k}` : k;
}

function atom(l: Link): string {
  return `<atom:link xmlns:atom="http://www.w3.org/2005/Atom" rel="alternate" href="${escapeXml(
    l.url("xml"),
  )}" type="${l.atomType}"/>`;
}

function xmlElement(name: string, n: Node, out: string[]): void {
  if (n === undefined) return;
  if (n instanceof Many) {
    for (const item of n.items) xmlElement(n.xmlName ?? name, item, out);
    return;
  }
  const tag = xmlName(name);
  if (n instanceof Link) {
    // `href` keys become a bare atom:link; other keys wrap one (collection links).
    out.push(name === "href" ? atom(n) : `<${tag}>${atom(n)}</${tag}>`);
    return;
  }
  if (n === null || typeof n !== "object") {
    const text = n === null ? "" : escapeXml(String(n));
    out.push(text === "" ? `<${tag}/>` : `<${tag}>${text}</${tag}>`);
    return;
  }
  let attrs = "";
  const body: string[] = [];
  for (const [k, v] of Object.entries(n)) {
    if (v === undefined) continue;
    if (k.startsWith("@")) attrs += ` ${k.slice(1)}="${escapeXml(String(v))}"`;
    else if (k === "$") body.push(escapeXml(String(v)));
    else xmlElement(k, v, body);
  }
  out.push(body.length === 0 ? `<${tag}${attrs}/>` : `<${tag}${attrs}>${body.join("")}</${tag}>`);
}

export function toXml(doc: Doc): string {
  const [root, content] = Object.entries(doc)[0]!;
  const out: string[] = [];
  xmlElement(root, content === "" ? null : content, out);
  return out.join("");
}

// --- HTML -------------------------------------------------------------------------------

function htmlNode(n: Node, out: string[]): void {
  if (n === undefined) return;
  if (n instanceof Link) {
    const u = escapeXml(n.url("html"));
    out.push(`<a href="${u}">${u}</a>`);
  } else if (n instanceof Many) {
    out.push("<ul>");
    for (const i of n.items) {
      out.push("<li>");
      htmlNode(i, out);
      out.push("</li>");
    }
    out.push("</ul>");
  } else if (n !== null && typeof n === "object" && n.href instanceof Link && "name" in n) {
    // A list item: GeoServer's templates show `<a href="NAME.html">NAME</a>`.
    out.push(`<a href="${escapeXml(n.href.url("html"))}">${escapeXml(String(n.name))}</a>`);
  } else if (n !== null && typeof n === "object") {
    out.push("<ul>");
    for (const [k, v] of Object.entries(n)) {
      if (v === undefined) continue;
      out.push(`<li>${escapeXml(k)}: `);
      htmlNode(v, out);
      out.push("</li>");
    }
    out.push("</ul>");
  } else {
    out.push(escapeXml(n === null ? "" : String(n)));
  }
}

/** The minimal page of GeoServer's Freemarker templates: title, collection name, a list. */
export function toHtml(doc: Doc): string {
  const [root, content] = Object.entries(doc)[0]!;
  const out = [
    "<html><head><title>GeoServer Configuration</title></head><body>",
    `<h4>${escapeXml(root)}</h4>`,
  ];
  htmlNode(content, out);
  out.push("</body></html>");
  return out.join("");
}

export function render(doc: Doc, fmt: Fmt): { body: string; type: string } {
  if (fmt === "json") return { body: toJson(doc), type: "application/json" };
  if (fmt === "xml") return { body: toXml(doc), type: "application/xml" };
  return { body: toHtml(doc), type: "text/html; charset=utf-8" };
}

/** A list document: {"plural": {"singular": [{name, href}]}}, items always an array. */
export function listDoc(
  plural: string,
  singular: string,
  items: { name: string; link: Link }[],
): Doc {
  return {
    [plural]: {
      [singular]: new Many(
        items.map((i) => ({
          name: i.name,
          href: new Link(i.link.base, i.link.path, "application/atom+xml"),
        })),
        true,
      ),
    },
  };
}

/** A list of plain names: JSON {"list":{"string":[…]}}, XML <list><featureTypeName>…. */
export function namesDoc(names: string[], xmlItem: string): Doc {
  return { list: { string: new Many(names, true, xmlItem) } };
}

/** A map-typed field (connectionParameters, metadata): {"entry": [{"@key": k, "$": v}]}. */
export function entries(map: Record<string, Node>): Obj {
  return {
    entry: new Many(
      Object.entries(map).map(([k, v]) =>
        v !== null && typeof v === "object" && !(v instanceof Link) && !(v instanceof Many)
          ? { "@key": k, ...v }
          : { "@key": k, $: v },
      ),
    ),
  };
}
