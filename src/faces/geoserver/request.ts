/**
 * @module The per-request view GeoServer handlers get: matched path parameters, the negotiated
 * format (extension first, then Accept, else HTML — reference A.1.2), the absolute REST base for
 * hrefs, body readers, and the response helpers for GeoServer's status conventions.
 */
import type { Context } from "hono";
import type { Actor } from "../../catalog/acl.ts";
import type { Env } from "../../http/context.ts";
import { GsError, plain } from "./errors.ts";
import { type Doc, type Fmt, render } from "./represent.ts";
import { parseBody } from "./xml.ts";

export interface GsReq {
  c: Context<Env>;
  actor: Actor;
  method: string;
  params: Record<string, string>;
  /** The extension on the last path segment, if any (json, xml, html, sld). */
  ext: string | undefined;
  fmt: Fmt;
  /** Absolute URL of /geoserver/rest, from the request's host (and X-Forwarded-*). */
  base: string;
  query(name: string): string | undefined;
  flag(name: string): boolean;
  contentType: string;
  /** The body as an object (JSON or XML by Content-Type); 400 when it does not parse. */
  body(): Promise<Record<string, unknown>>;
  bytes(): Promise<Uint8Array>;
  text(): Promise<string>;
}

export type GsHandler = (r: GsReq) => Promise<Response> | Response;

/** Largest JSON/XML/SLD body accepted by non-upload endpoints. */
const MAX_DOC = 16 * 1024 * 1024;

export function negotiate(ext: string | undefined, accept: string | undefined): Fmt {
  if (ext === "json" || ext === "xml" || ext === "html") return ext;
  const a = (accept ?? "").toLowerCase();
  if (/application\/json|text\/json/.test(a)) return "json";
  if (/application\/xml|text\/xml/.test(a)) return "xml";
  return "html";
}

export function restBase(c: Context): string {
  const url = new URL(c.req.url);
  const proto =
    c.req.header("x-forwarded-proto")?.split(",")[0]?.trim() || url.protocol.slice(0, -1);
  const host = c.req.header("x-forwarded-host")?.split(",")[0]?.trim() || url.host;
  return `${proto}://${host}/geoserver/rest`;
}

export function makeReq(
  c: Context<Env>,
  actor: Actor,
  params: Record<string, string>,
  ext: string | undefined,
  maxUpload: number,
): GsReq {
  const contentType = c.req.header("content-type") ?? "";
  let raw: Promise<Uint8Array> | undefined;
  const bytes = (limit: number) => {
    raw ??= (async () => {
      const len = Number(c.req.header("content-length") ?? "0");
      if (len > limit) throw new GsError(413, "Request body too large");
      const buf = new Uint8Array(await c.req.arrayBuffer());
      if (buf.length > limit) throw new GsError(413, "Request body too large");
      return buf;
    })();
    return raw;
  };
  // Strict: invalid UTF-8 is a bad request, not text to repair with U+FFFD and store.
  const text = async () => {
    const buf = await bytes(MAX_DOC);
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(buf);
    } catch {
      throw new GsError(400, "The request body is not valid UTF-8");
    }
  };
  return {
    c,
    actor,
    method: c.req.method,
    params,
    ext,
    fmt: negotiate(ext, c.req.header("accept")),
    base: restBase(c),
    query: (name) => c.req.query(name),
    flag: (name) => (c.req.query(name) ?? "").toLowerCase() === "true",
    contentType,
    body: async () => {
      const t = await text();
      if (t.trim() === "") throw new GsError(400, "Request body is empty");
      return parseBody(t, contentType);
    },
    bytes: () => bytes(maxUpload),
    text,
  };
}

export function ok(r: GsReq, doc: Doc, status = 200): Response {
  const { body, type } = render(doc, r.fmt);
  return new Response(body, { status, headers: { "Content-Type": type } });
}

export function empty(status = 200): Response {
  return new Response(null, { status });
}

/** 201 with an absolute Location (no extension) and the new name as text/plain. */
export function created(r: GsReq, path: string, name: string, withBody = true): Response {
  return plain(201, withBody ? name : "", { Location: `${r.base}${path}` });
}

/** Path segment encoding used in hrefs and Locations (`ws:layer` → `ws%3Alayer`). */
export const enc = encodeURIComponent;
