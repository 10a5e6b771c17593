/**
 * @module The UI's HTML pages. Each is a small shell: the client bundle (src/web/) reads
 * `data-page` and `data-id` from <body> and builds the page from the NGW API, the same API every
 * other client uses, so the UI can never see more than the signed-in user may.
 */
import type { Context } from "hono";
import { InsufficientPermissions } from "../../catalog/errors.ts";
import type { AppContext, Env } from "../../http/context.ts";
import { assetUrl } from "./assets.ts";

type C = Context<Env>;
type Page = "login" | "browser" | "table" | "preview" | "display" | "tiny";

const TITLES: Record<Page, string> = {
  login: "Sign in",
  browser: "Resources",
  table: "Features",
  preview: "Preview",
  display: "Map",
  tiny: "Map",
};

function escapeAttr(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}

async function shell(page: Page, id: number | null): Promise<string> {
  const map = page === "preview" || page === "display" || page === "tiny";
  const styles = map ? ["maplibre-gl.css", "app.css"] : ["app.css"];
  const links = await Promise.all(
    styles.map(async (s) => `<link rel="stylesheet" href="${await assetUrl(s)}">`),
  );
  const script = await assetUrl(map ? "display.js" : "app.js");
  const worker = map
    ? ` data-worker="${escapeAttr(await assetUrl("maplibre-gl-worker.mjs"))}"`
    : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${TITLES[page]} · gisd</title>
<link rel="icon" href="data:,">
${links.join("\n")}
<script type="module" src="${script}"></script>
</head>
<body data-page="${page}" data-id="${id ?? ""}"${worker}>
<noscript>This page needs JavaScript. The same data is served by the API under /api/.</noscript>
</body>
</html>`;
}

async function html(c: C, page: Page, id: number | null): Promise<Response> {
  return c.html(await shell(page, id), 200, {
    "Cache-Control": "no-cache",
    // Everything is served from this origin; MapLibre's worker is a same-origin module file and
    // its images are decoded from blob: URLs. Basemap tiles may come from any https server.
    "Content-Security-Policy":
      "default-src 'self'; img-src 'self' data: blob: https:; connect-src 'self' https:; " +
      "worker-src 'self' blob:; style-src 'self' 'unsafe-inline'; frame-ancestors *",
    "X-Content-Type-Options": "nosniff",
  });
}

function id(c: C): number {
  return Number(c.req.param("id"));
}

/**
 * A guest asking for a resource page it may not read is sent to sign in first, returning here
 * after; anyone else gets the page, which shows what the API says.
 */
function guestGate(app: AppContext, page: Page) {
  return async (c: C): Promise<Response> => {
    const actor = await app.auth.forRequest(c);
    if (actor.authMedium === null) {
      try {
        await app.catalog.resources.require(actor, id(c), "resource.read");
      } catch (err) {
        if (err instanceof InsufficientPermissions)
          return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`);
      }
    }
    return html(c, page, id(c));
  };
}

export function pageHandlers(app: AppContext) {
  return {
    login: (c: C) => html(c, "login", null),
    browser: guestGate(app, "browser"),
    table: guestGate(app, "table"),
    preview: guestGate(app, "preview"),
    display: guestGate(app, "display"),
    tiny: (c: C) => html(c, "tiny", id(c)),
  };
}
