/**
 * @module /about/version (node-client calls it after every failed GET to tell "missing" from
 * "server down"), /about/manifest, /about/status, and /reload and /reset, which drop caches:
 * gisd reads the catalog fresh on every request, so there is nothing else to re-read.
 */
import type { GsDeps } from "./index.ts";
import { Many } from "./represent.ts";
import { empty, type GsReq, ok } from "./request.ts";

/** The GeoServer release whose REST behaviour this face reproduces (reference Part A). */
export const GEOSERVER_VERSION = "2.24.2";

export function aboutHandlers({ app }: GsDeps) {
  const built = new Date(app.started).toISOString().slice(0, 19).replace("T", " ");
  return {
    version(r: GsReq) {
      return ok(r, {
        about: {
          resource: new Many(
            [
              {
                "@name": "GeoServer",
                "Build-Timestamp": built,
                Version: GEOSERVER_VERSION,
                "Git-Revision": `gisd-${app.version}`,
              },
              { "@name": "GeoTools", Version: "30.2", "Build-Timestamp": built },
              { "@name": "GeoWebCache", Version: "1.24.2", "Build-Timestamp": built },
              { "@name": "gisd", Version: app.version, "Build-Timestamp": built },
            ],
            true,
          ),
        },
      });
    },
    manifest(r: GsReq) {
      return ok(r, {
        about: {
          resource: new Many(
            [{ "@name": "gisd", Version: app.version, "Implementation-Title": "gisd" }],
            true,
          ),
        },
      });
    },
    status(r: GsReq) {
      return ok(r, {
        statuss: {
          status: new Many(
            [
              {
                module: "gisd-main",
                name: "gisd",
                isEnabled: true,
                isAvailable: true,
                version: app.version,
                message: `uptime ${Math.round((Date.now() - app.started) / 1000)} s`,
              },
            ],
            true,
          ),
        },
      });
    },
    reload() {
      return empty();
    },
  };
}
