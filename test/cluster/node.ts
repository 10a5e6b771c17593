/**
 * @module A gisd node for cluster tests: like test/helpers/server.ts startServer, but on a data
 * folder the caller gives (nodes share one, as they would share a network folder) and without
 * removing it on stop.
 */
import { loadConfig } from "../../src/config.ts";
import { createServer, type Server } from "../../src/server.ts";
import { ADMIN_PASSWORD } from "../helpers/server.ts";

export interface Node {
  url: string;
  server: Server;
  admin: string;
  fetch(path: string, init?: RequestInit & { auth?: string }): Promise<Response>;
  stop(): Promise<void>;
}

export async function startNode(dataDir: string, env: Record<string, string>): Promise<Node> {
  const config = loadConfig(
    { port: "0", data: dataDir },
    { GISD_ADMIN_PASSWORD: ADMIN_PASSWORD, GISD_LOG: "off", GISD_SAMPLES: "false", ...env },
  );
  const server = await createServer(config);
  const http = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: (req, srv) => server.app.fetch(req, srv),
    maxRequestBodySize: config.maxUpload + 1024 * 1024,
  });
  const url = `http://127.0.0.1:${http.port}`;
  return {
    url,
    server,
    admin: `administrator:${ADMIN_PASSWORD}`,
    fetch(path, init = {}) {
      const headers = new Headers(init.headers);
      if (init.auth)
        headers.set("Authorization", `Basic ${Buffer.from(init.auth).toString("base64")}`);
      if (typeof init.body === "string" && !headers.has("content-type"))
        headers.set("content-type", "application/json");
      return fetch(url + path, { ...init, headers });
    },
    async stop() {
      await http.stop(true);
      await server.close();
    },
  };
}
