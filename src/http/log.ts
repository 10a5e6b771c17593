/** @module One log line per request (method, path, status, ms, user) and the metrics behind /metrics. */
import type { MiddlewareHandler } from "hono";
import type { Env } from "./context.ts";
import type { Metrics } from "./metrics.ts";

export function requestLog(metrics: Metrics, enabled: boolean): MiddlewareHandler<Env> {
  return async (c, next) => {
    const t0 = performance.now();
    metrics.inFlight++;
    try {
      await next();
    } finally {
      metrics.inFlight--;
      const ms = performance.now() - t0;
      const status = c.res.status;
      const face = c.get("face") ?? "other";
      metrics.observe(face, c.req.method, status, ms / 1000);
      if (enabled) {
        const user = c.get("actor")?.keyname ?? "-";
        const path = new URL(c.req.url).pathname;
        process.stderr.write(
          `${new Date().toISOString()} ${c.req.method} ${path} ${status} ${ms.toFixed(1)}ms ${user}\n`,
        );
      }
    }
  };
}
