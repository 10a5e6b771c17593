/**
 * @module A bare HTTP/1.1 client over a TCP socket. fetch() normalises URLs (`..` and `%2e%2e`
 * segments are resolved, bad escapes re-encoded) before they leave the process, which would
 * hide exactly the traversal attempts this suite must deliver; this client sends the request
 * line byte for byte.
 */
import { connect } from "node:net";

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface RawRequest {
  method: string;
  /** Request target exactly as sent (may hold raw `..`, `%zz`, non-UTF-8 bytes in latin1). */
  target: string;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  timeoutMs?: number;
}

export function rawRequest(port: number, req: RawRequest): Promise<RawResponse> {
  const body =
    req.body === undefined
      ? undefined
      : typeof req.body === "string"
        ? Buffer.from(req.body, "utf8")
        : Buffer.from(req.body);
  const head = [
    `${req.method} ${req.target} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    "Connection: close",
  ];
  for (const [k, v] of Object.entries(req.headers ?? {})) head.push(`${k}: ${v}`);
  if (body) head.push(`Content-Length: ${body.length}`);
  const bytes = Buffer.concat([
    Buffer.from(`${head.join("\r\n")}\r\n\r\n`, "latin1"),
    body ?? Buffer.alloc(0),
  ]);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const sock = connect(port, "127.0.0.1");
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no answer in ${req.timeoutMs ?? 30_000} ms`));
    }, req.timeoutMs ?? 30_000);
    sock.on("data", (d: Buffer) => chunks.push(d));
    sock.on("error", (e) => {
      // The server may close the socket early on an oversized body after answering.
      if (chunks.length > 0) return;
      clearTimeout(timer);
      reject(e);
    });
    sock.on("close", () => {
      clearTimeout(timer);
      try {
        resolve(parse(Buffer.concat(chunks)));
      } catch (e) {
        reject(e);
      }
    });
    sock.write(bytes);
  });
}

function parse(buf: Buffer): RawResponse {
  const end = buf.indexOf("\r\n\r\n");
  if (end < 0) throw new Error(`no HTTP response (${buf.length} bytes)`);
  const lines = buf.subarray(0, end).toString("latin1").split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? "")?.[1]);
  if (!status) throw new Error(`bad status line: ${lines[0]}`);
  const headers: Record<string, string> = {};
  for (const l of lines.slice(1)) {
    const i = l.indexOf(":");
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  let body = buf.subarray(end + 4);
  if (/chunked/i.test(headers["transfer-encoding"] ?? "")) body = dechunk(body);
  return { status, headers, body };
}

function dechunk(b: Buffer): Buffer {
  const out: Buffer[] = [];
  let i = 0;
  while (i < b.length) {
    const nl = b.indexOf("\r\n", i);
    if (nl < 0) break;
    const size = Number.parseInt(b.subarray(i, nl).toString("latin1"), 16);
    if (!size) break;
    out.push(b.subarray(nl + 2, nl + 2 + size));
    i = nl + 2 + size + 2;
  }
  return Buffer.concat(out);
}
