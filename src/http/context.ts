/** @module What every face receives from server.ts, and the per-request variables they share. */
import type { Actor } from "../catalog/acl.ts";
import type { Catalog } from "../catalog/index.ts";
import type { Config } from "../config.ts";
import type { Authenticator } from "./auth.ts";
import type { Metrics } from "./metrics.ts";

export interface AppContext {
  config: Config;
  catalog: Catalog;
  auth: Authenticator;
  metrics: Metrics;
  /** Process start, ms since epoch (pyramid/ping, uptime metric). */
  started: number;
  version: string;
}

export type Env = {
  Variables: {
    actor: Actor;
    /** Which face answered, for logs and metrics. */
    face: string;
  };
};
