/**
 * @module The embedded UI assets and their HTTP answer. Each file exists precompressed as gzip
 * and brotli (scripts/build-web.ts); `with { type: "file" }` makes `bun build --compile` embed
 * them, so the binary serves the UI air-gapped. Brotli goes to clients that accept it, then gzip;
 * a client that accepts neither gets the gunzipped bytes. URLs carry `?v=<content hash>`, so the
 * answer may be cached for a year.
 */
import type { Context } from "hono";
import type { Env } from "../../http/context.ts";
import appCssBr from "../../web/generated/app.css.br" with { type: "file" };
import appCssGz from "../../web/generated/app.css.gz" with { type: "file" };
import appJsBr from "../../web/generated/app.js.br" with { type: "file" };
import appJsGz from "../../web/generated/app.js.gz" with { type: "file" };
import displayJsBr from "../../web/generated/display.js.br" with { type: "file" };
import displayJsGz from "../../web/generated/display.js.gz" with { type: "file" };
import mapCssBr from "../../web/generated/maplibre-gl.css.br" with { type: "file" };
import mapCssGz from "../../web/generated/maplibre-gl.css.gz" with { type: "file" };
import workerBr from "../../web/generated/maplibre-gl-worker.mjs.br" with { type: "file" };
import workerGz from "../../web/generated/maplibre-gl-worker.mjs.gz" with { type: "file" };

const JS = "text/javascript; charset=utf-8";
const CSS = "text/css; charset=utf-8";

const FILES: Record<string, { type: string; gz: string; br: string }> = {
  "app.js": { type: JS, gz: appJsGz, br: appJsBr },
  "display.js": { type: JS, gz: displayJsGz, br: displayJsBr },
  "maplibre-gl-worker.mjs": { type: JS, gz: workerGz, br: workerBr },
  "app.css": { type: CSS, gz: appCssGz, br: appCssBr },
  "maplibre-gl.css": { type: CSS, gz: mapCssGz, br: mapCssBr },
};

interface Loaded {
  gz: Uint8Array<ArrayBuffer>;
  br: Uint8Array<ArrayBuffer>;
  hash: string;
}
const loaded = new Map<string, Promise<Loaded>>();

function load(name: string): Promise<Loaded> | undefined {
  const f = FILES[name];
  if (!f) return undefined;
  let p = loaded.get(name);
  if (!p) {
    p = (async () => {
      const gz = new Uint8Array(await Bun.file(f.gz).arrayBuffer());
      const br = new Uint8Array(await Bun.file(f.br).arrayBuffer());
      return { gz, br, hash: Bun.hash(gz).toString(36) };
    })();
    loaded.set(name, p);
  }
  return p;
}

/** "/ui/assets/app.js?v=…" for a page's <script>/<link>. */
export async function assetUrl(name: keyof typeof FILES & string): Promise<string> {
  const a = await load(name);
  return `/ui/assets/${name}?v=${a?.hash ?? ""}`;
}

export async function serveAsset(c: Context<Env>): Promise<Response> {
  const name = c.req.param("name") ?? "";
  const a = await load(name);
  if (!a) return c.text("Not found", 404);
  const headers: Record<string, string> = {
    "Content-Type": FILES[name]!.type,
    Vary: "Accept-Encoding",
    ETag: `"${a.hash}"`,
    "Cache-Control":
      c.req.query("v") === a.hash ? "public, max-age=31536000, immutable" : "no-cache",
    "X-Content-Type-Options": "nosniff",
  };
  if (c.req.header("If-None-Match") === `"${a.hash}"`)
    return new Response(null, { status: 304, headers });
  const accept = c.req.header("Accept-Encoding") ?? "";
  if (/\bbr\b/.test(accept))
    return new Response(a.br, { headers: { ...headers, "Content-Encoding": "br" } });
  if (/\bgzip\b/.test(accept))
    return new Response(a.gz, { headers: { ...headers, "Content-Encoding": "gzip" } });
  return new Response(Bun.gunzipSync(a.gz), { headers });
}
