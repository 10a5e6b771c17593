/**
 * @module Starts a real gisd server for a test: a temp data folder with a fresh libSQL file, a
 * Bun.serve listener on a free loopback port, and helpers to talk HTTP to it. Call stop() in
 * afterAll; it closes the listener and removes the folder.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config.ts";
import { createServer, type Server } from "../../src/server.ts";

export const ADMIN_PASSWORD = "admin-pass-123";

/** RequestInit whose body may also be a plain value, sent as JSON. */
export type JsonInit = Omit<RequestInit, "body"> & { auth?: string; body?: unknown };

export interface TestServer {
  url: string;
  port: number;
  dataDir: string;
  server: Server;
  /** fetch relative to the server; `auth` is "user:password" or undefined for guest. */
  fetch(path: string, init?: RequestInit & { auth?: string }): Promise<Response>;
  /** fetch + JSON; throws if the body is not JSON. */
  json<T = any>(path: string, init?: JsonInit): Promise<{ status: number; body: T; res: Response }>;
  admin: string;
  stop(): Promise<void>;
}

export async function startServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "gisd-test-"));
  const config = loadConfig(
    { port: "0", data: dataDir },
    { GISD_ADMIN_PASSWORD: ADMIN_PASSWORD, GISD_LOG: "off", GISD_SAMPLES: "false", ...env },
  );
  const server = await createServer(config);
  const http = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: (req, srv) => server.app.fetch(req, srv),
    maxRequestBodySize: Math.max(config.maxUpload, config.maxJsonBody) + 1024 * 1024,
  });
  const url = `http://127.0.0.1:${http.port}`;
  const doFetch = (path: string, init: RequestInit & { auth?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.auth)
      headers.set("Authorization", `Basic ${Buffer.from(init.auth).toString("base64")}`);
    return fetch(url + path, { ...init, headers });
  };
  return {
    url,
    port: http.port!,
    dataDir,
    server,
    admin: `administrator:${ADMIN_PASSWORD}`,
    fetch: doFetch,
    async json(path, init = {}) {
      const body =
        init.body !== undefined &&
        typeof init.body !== "string" &&
        !(init.body instanceof FormData) &&
        !(init.body instanceof Blob)
          ? JSON.stringify(init.body)
          : init.body;
      const headers = new Headers(init.headers);
      if (body !== undefined && typeof body === "string" && !headers.has("content-type"))
        headers.set("content-type", "application/json");
      const res = await doFetch(path, { ...init, headers, body: body as BodyInit | undefined });
      const text = await res.text();
      let parsed: any;
      try {
        parsed = text === "" ? undefined : JSON.parse(text);
      } catch {
        throw new Error(
          `${init.method ?? "GET"} ${path} -> ${res.status}, not JSON: ${text.slice(0, 200)}`,
        );
      }
      return { status: res.status, body: parsed, res };
    },
    async stop() {
      await http.stop(true);
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
