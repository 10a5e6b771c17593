/** @module HTTP helpers for file responses of the NGW face: Content-Disposition and byte ranges. */

/**
 * A Content-Disposition value safe for any name: an ASCII fallback plus RFC 6266/5987
 * `filename*` for the real (UTF-8) name; quotes, CR/LF and non-ASCII never reach the header raw.
 */
export function contentDisposition(name: string, kind: "attachment" | "inline" = "attachment") {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_") || "download";
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export type ByteRange = { start: number; end: number } | "unsatisfiable" | null;

/**
 * Parses a single-range `Range: bytes=…` header against a file of `size` bytes (RFC 9110
 * §14.1.2). Multiple ranges and malformed headers return null: the whole file is then sent with
 * 200, which the RFC allows. Suffix ranges ("bytes=-500") read the last bytes.
 */
export function parseRange(header: string | undefined, size: number): ByteRange {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return null;
  if (m[1] === "") {
    const n = Number(m[2]);
    if (n === 0) return "unsatisfiable";
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (!Number.isSafeInteger(start) || start >= size) return "unsatisfiable";
  if (end < start) return null;
  return { start, end };
}

/** Serves a local file honouring a Range header: 206 with Content-Range, 416, or 200. */
export function rangeResponse(
  path: string,
  size: number,
  rangeHeader: string | undefined,
  headers: Record<string, string>,
): Response {
  const base = { ...headers, "Accept-Ranges": "bytes" };
  const r = parseRange(rangeHeader, size);
  if (r === "unsatisfiable") {
    return new Response(null, {
      status: 416,
      headers: { ...base, "Content-Range": `bytes */${size}` },
    });
  }
  const file = Bun.file(path);
  if (r === null) {
    return new Response(file, { headers: { ...base, "Content-Length": String(size) } });
  }
  return new Response(file.slice(r.start, r.end + 1), {
    status: 206,
    headers: {
      ...base,
      "Content-Length": String(r.end - r.start + 1),
      "Content-Range": `bytes ${r.start}-${r.end}/${size}`,
    },
  });
}
