/**
 * @module NGW identify: POST /api/feature_layer/identify (feature_layer.identify) and the seed's
 * /feature_layer/identify, which old clients call with PUT or POST (reference/ngw.md §6).
 */
import type { Context } from "hono";
import { identify, parseIdentifyBody } from "../../catalog/identify.ts";
import type { AppContext, Env } from "../../http/context.ts";
import { readJson } from "./params.ts";

export function identifyHandlers(app: AppContext) {
  return {
    async identify(c: Context<Env>) {
      const req = parseIdentifyBody(await readJson(c, app.config.maxJsonBody));
      return c.json(await identify(app.catalog, c.get("actor"), req, c.req.raw.signal));
    },
  };
}
