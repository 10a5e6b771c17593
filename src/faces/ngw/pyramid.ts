/** @module NGW pyramid component: route table, package versions, health, ping, client settings. */
import type { Context } from "hono";
import { ValidationError } from "../../catalog/errors.ts";
import type { AppContext, Env } from "../../http/context.ts";
import { type NgwRoute, publishRoutes } from "./routes.ts";

type C = Context<Env>;

/**
 * The nextgisweb version reported to clients. GDAL 3.6 enables paging only when every part of
 * major.minor.patch passes its own check (minor must be >= 1), reference/ngw.md §2.1.
 */
export const NGW_COMPAT_VERSION = "4.9.0";

export function pyramidHandlers(app: AppContext, routes: () => readonly NgwRoute[]) {
  let published: Record<string, string[]> | undefined;
  return {
    route(c: C) {
      published ??= publishRoutes(routes());
      return c.json(published);
    },

    pkgVersion(c: C) {
      return c.json({
        nextgisweb: NGW_COMPAT_VERSION,
        nextgisweb_qgis: NGW_COMPAT_VERSION,
        gisd: app.version,
      });
    },

    async healthcheck(c: C) {
      let ok = true;
      try {
        await app.catalog.database.client.execute("SELECT 1");
      } catch {
        ok = false;
      }
      return c.json({ success: ok, component: { catalog: { success: ok } } }, ok ? 200 : 503);
    },

    ping(c: C) {
      return c.json({ current: Date.now() / 1000, started: app.started / 1000 });
    },

    settings(c: C) {
      const component = c.req.query("component");
      if (!component) throw new ValidationError("Parameter 'component' is required.");
      const known: Record<string, unknown> = {
        pyramid: { support_url: null, help_page_url: null, company_logo: { enabled: false } },
        resource: { resource_export: "data_read", quota_limit: null },
        auth: { register: app.config.registration, alink: false },
        webmap: { identify_radius: 3, popup_width: 300, popup_height: 200 },
      };
      return c.json(known[component] ?? {});
    },
  };
}
