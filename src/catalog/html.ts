/**
 * @module A small allow-list HTML sanitizer for resource and feature descriptions: known
 * formatting tags survive without attributes (links keep an http(s)/mailto href), everything
 * else is escaped, so stored HTML can never carry script.
 */
const ALLOWED = new Set([
  "a",
  "b",
  "i",
  "u",
  "em",
  "strong",
  "p",
  "br",
  "ul",
  "ol",
  "li",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "blockquote",
  "code",
  "pre",
  "span",
  "div",
  "table",
  "thead",
  "tbody",
  "tr",
  "td",
  "th",
  "hr",
  "s",
  "sub",
  "sup",
]);

function escapeText(s: string): string {
  return s
    .replace(/&(?![a-zA-Z]+;|#\d+;|#x[0-9a-fA-F]+;)/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

export function sanitizeHtml(input: string): string {
  // Drop script/style bodies entirely; their text is never useful as a description.
  const s = input.replace(/<(script|style|iframe|object|embed)\b[\s\S]*?(<\/\1\s*>|$)/gi, "");
  let out = "";
  let last = 0;
  const tagRe = /<\s*(\/?)\s*([a-zA-Z][a-zA-Z0-9]*)([^<>]*)>/g;
  for (let m = tagRe.exec(s); m; m = tagRe.exec(s)) {
    out += escapeText(s.slice(last, m.index));
    last = m.index + m[0].length;
    const closing = m[1] === "/";
    const tag = m[2]!.toLowerCase();
    if (!ALLOWED.has(tag)) continue;
    if (closing) {
      out += `</${tag}>`;
    } else if (tag === "a") {
      const href = /\bhref\s*=\s*("([^"]*)"|'([^']*)')/i.exec(m[3] ?? "");
      const url = href ? (href[2] ?? href[3] ?? "") : "";
      out += /^(https?:|mailto:)/i.test(url.trim())
        ? `<a href="${escapeText(url).replace(/"/g, "&quot;")}">`
        : "<a>";
    } else {
      out += `<${tag}>`;
    }
  }
  out += escapeText(s.slice(last));
  return out;
}
