/**
 * @module The attack suite: every route the routers know (test/security/routes.ts), as a guest
 * and as the administrator, receives fast-check-generated hostile inputs in its path
 * parameters, query, body and headers, plus a fixed set of hostile bodies (XXE, billion laughs,
 * zip slip, zip bomb, deep JSON, oversized, invalid UTF-8) on every route that takes a body.
 * Each answer is judged by oracle.ts; after each route the catalog's row counts must be
 * unchanged and /healthz must answer. Failures are grouped by face, one test per face, so a
 * face under construction shows up by name.
 *
 * GISD_FUZZ_RUNS generated requests per route and identity (default 80: over 100,000 generated
 * requests per run, about four minutes on two cores), fixed seed GISD_FUZZ_SEED (default 12).
 * Lower the runs for a quick local pass; raise them or change the seed for a long one.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import fc from "fast-check";
import { startServer, type TestServer } from "../helpers/server.ts";
import {
  type Body,
  COMMON_PARAMS,
  discoveredParams,
  fixedBodies,
  jsonBody,
  pathValue,
  queryArb,
  ssrfCanary,
} from "./hostile.ts";
import { canaries, diffCounts, FACE_FORMATS, faceOf, healthy, judge, rowCounts } from "./oracle.ts";
import { rawRequest } from "./raw-http.ts";
import { allRoutes, fillPath, paramNames, type RouteTarget } from "./routes.ts";
import { buildWorld, type World } from "./world.ts";

const RUNS = Number(process.env.GISD_FUZZ_RUNS ?? 80);
const SEED = Number(process.env.GISD_FUZZ_SEED ?? 12);
const MAX_BODY = 1024 * 1024;
const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

let s: TestServer;
let w: World;
let routes: RouteTarget[];
/** face -> failure lines */
const failures = new Map<string, string[]>();
let sent = 0;

beforeAll(async () => {
  s = await startServer({ GISD_MAX_BODY: String(MAX_BODY), GISD_MAX_UPLOAD: String(8 * MAX_BODY) });
  w = await buildWorld(s);
  routes = allRoutes(s.server).filter((r) => r.app === "app");
}, 120_000);
afterAll(async () => {
  await s.stop();
  ssrfCanary.stop();
});

/** Values that make a path reach its handler, so the hostile part is what gets tested. */
function baseline(): Record<string, string> {
  return {
    id: String(w.privateLayer),
    fid: String(w.privateFeature),
    child: String(w.privateLayer),
    cid: String(w.privateLayer),
    pk: String(w.privateLayer),
    aid: "1",
    z: "0",
    x: "0",
    y: "0.mvt",
    ws: "pubgroup",
    up: "file.zip",
    name: "x",
    "*": "x",
  };
}

interface Attack {
  /** What was hostile: exactly one of path parameter, query, body or header per attack. */
  part: "param" | "query" | "body" | "header";
  label: string;
  target: string;
  headers: Record<string, string>;
  body?: Body;
}

const ODD_HEADERS: Record<string, string>[] = [
  { "Content-Type": "application/json; charset=latin1" },
  { "Content-Type": "text/plain" },
  { Accept: "application/x-unknown" },
  { Range: "bytes=999999999-" },
  { "X-HTTP-Method-Override": "DELETE" },
  { Authorization: "Basic !!!" },
  { Authorization: "Bearer x" },
  { Cookie: "ngw_sid=%ff; ngw_sid=" },
  { "X-Forwarded-For": "127.0.0.1" },
];

/** One hostile part per attack, the rest baseline, so a write can be blamed on that part. */
function attackArb(route: RouteTarget, params: string[], qnames: string[], admin: boolean) {
  const base = baseline();
  const unsafe = UNSAFE.has(route.method);
  const parts: fc.Arbitrary<Attack>[] = [];
  const make = (part: Attack["part"], values: Record<string, string>, extra: Partial<Attack>) => ({
    part,
    label: extra.label ?? part,
    target: fillPath(route.path, values) + (extra.target ?? ""),
    headers: extra.headers ?? {},
    body: extra.body,
  });
  if (params.length)
    parts.push(
      fc
        .record({ i: fc.nat({ max: params.length - 1 }), v: pathValue })
        .map(({ i, v }) =>
          make(
            "param",
            { ...base, [params[i]!]: v },
            { label: `param ${params[i]}=${v.slice(0, 60)}` },
          ),
        )
        // `..` and `%2e%2e` are dot segments the HTTP layer resolves (RFC 3986 §5.2.4): an
        // administrator's write to the resolved path is a real write to another route, so
        // only guests send those.
        .filter((a) => !(admin && unsafe && escapes(a.target))),
    );
  // An administrator's DELETE with baseline ids is a valid request that really deletes the
  // fixture; only its hostile-parameter variant is an attack.
  if (!(admin && route.method === "DELETE" && params.length)) {
    parts.push(
      queryArb(qnames).map((q) =>
        make("query", base, {
          target: `?${q.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&")}`,
          label: `query ${q.map(([k, v]) => `${k}=${v.slice(0, 40)}`).join("&")}`,
        }),
      ),
      fc
        .constantFrom(...ODD_HEADERS)
        .map((h) => make("header", base, { headers: h, label: `header ${JSON.stringify(h)}` })),
    );
    if (unsafe)
      parts.push(
        jsonBody.map((b) =>
          make("body", base, {
            body: b,
            headers: { "Content-Type": b.contentType! },
            label: `body ${String(b.data).slice(0, 80)}`,
          }),
        ),
      );
  }
  return fc.oneof(...parts);
}

function record(face: string, line: string) {
  const list = failures.get(face) ?? [];
  if (list.length < 40) list.push(line);
  failures.set(face, list);
}

function escapes(target: string): boolean {
  return canonical(target).split("/").length !== target.split("?")[0]!.split("/").length;
}

/** The path the server routes on: the HTTP layer resolves `..` segments before any face. */
function canonical(target: string): string {
  try {
    return new URL(target, "http://h").pathname;
  } catch {
    return target;
  }
}

async function send(route: RouteTarget, attack: Attack, auth: string | undefined) {
  const headers = { ...attack.headers };
  if (auth && !headers.Authorization)
    headers.Authorization = `Basic ${Buffer.from(auth).toString("base64")}`;
  const who = auth ? "admin" : "guest";
  const path = canonical(attack.target);
  const face = faceOf(path).face;
  const what = `${route.method} ${attack.target.slice(0, 120)} [${who}; ${attack.label}]`;
  sent++;
  try {
    const r = await rawRequest(s.port, {
      method: route.method,
      target: attack.target,
      headers,
      body: attack.body?.data as Uint8Array | string | undefined,
    });
    const answer = {
      status: r.status,
      contentType: r.headers["content-type"] ?? "",
      body: r.body.toString("utf8"),
      headers: r.headers,
      method: route.method,
    };
    for (const p of judge(path, answer)) record(face, `${what}: ${p}`);
    // Reads are checked once per route (attackRoute); writes after every request, to blame one.
    if (!UNSAFE.has(route.method)) return;
    await settled(answer.body);
    const after = await rowCounts(s);
    const moved = diffCounts(counts, after);
    counts = after;
    // Generated JSON sent by the administrator with valid ids may be a valid write (an empty
    // feature, a settings document); every other hostile part must write nothing.
    const validWrite =
      (attack.part === "body" && auth && attack.body?.mayBeValid) ||
      (auth && NAMED_BY_PATH.test(route.path)) ||
      (auth && attack.part !== "body" && ACTION_WITHOUT_BODY.test(route.path)) ||
      // "." and ".." path segments are resolved by URL rules before routing (RFC 3986 5.2.4):
      // the administrator's DELETE /feature/. is DELETE /feature/, a valid write of its own.
      (auth && attack.part === "param" && path !== attack.target.split("?")[0]);
    if (moved.length && !validWrite)
      record(face, `${what}: catalog rows changed: ${moved.join(", ")}`);
    if (moved.length && validWrite) acceptedWrites++;
  } catch (e) {
    record(face, `${what}: ${e}`);
  }
}

/**
 * GeoNode's resource service answers at once with an execution ticket and writes in the
 * background; wait for the ticket to finish so its write is counted against this request and
 * not blamed on the next one.
 */
async function settled(body: string) {
  const id = /"execution_id"\s*:\s*"([0-9a-f-]{1,64})"/.exec(body)?.[1];
  if (!id) return;
  for (let i = 0; i < 200; i++) {
    const r = await s.json(`/api/v2/resource-service/execution-status/${id}`, { auth: s.admin });
    if (!["ready", "running"].includes(String(r.body?.status))) return;
    await Bun.sleep(25);
  }
}

/**
 * Routes where the administrator names a new entity in the path (GeoServer's
 * security/usergroup/group/{group}, roles/role/{role}): any name the catalog accepts ("-1",
 * "NaN", or the baseline "1") is a valid write there, not a hostile one.
 */
const NAMED_BY_PATH = /^\/geoserver\/rest\/security\//;

/**
 * Routes where the administrator's request needs no body to be a valid write (GeoNode's
 * resource-service copy): a hostile header or query that the route ignores leaves a real copy,
 * which is the request doing its job. A hostile body must still write nothing.
 */
const ACTION_WITHOUT_BODY = /^\/api\/v2\/resources\/[^/]+\/copy$/;

let counts: Record<string, number> = {};
let acceptedWrites = 0;

async function attackRoute(route: RouteTarget, index: number, qnames: string[]) {
  const params = paramNames(route.path);
  for (const [k, auth] of [
    [0, undefined],
    [1, s.admin],
  ] as const) {
    const attacks = fc.sample(attackArb(route, params, qnames, k === 1), {
      seed: SEED + index * 2 + k,
      numRuns: RUNS,
    });
    for (const a of attacks) await send(route, a, auth);
  }
  if (UNSAFE.has(route.method)) {
    const values = baseline();
    if (route.method === "DELETE" && params.length) values[params[0]!] = "..%2f..%2fx";
    const target = fillPath(route.path, values);
    for (const body of fixedBodies(MAX_BODY)) {
      const headers = { "Content-Type": body.contentType! };
      for (const auth of [undefined, s.admin])
        await send(
          route,
          { part: "body", label: `body ${body.kind}`, target, headers, body },
          auth,
        );
    }
  }
  const face = faceOf(route.path).face;
  const after = await rowCounts(s);
  const moved = diffCounts(counts, after);
  counts = after;
  if (moved.length) record(face, `${route.method} ${route.path}: catalog rows changed: ${moved}`);
  if (!(await healthy(s)))
    record(face, `${route.method} ${route.path}: /healthz failed afterwards`);
  // Hostile login bodies count as failures for the loopback address; start each route afresh.
  s.server.ctx.auth.throttle.reset();
}

/** One plain GET of every route first, so lazily seeded tables are filled before counting. */
async function warmUp() {
  for (const r of routes)
    if (r.method === "GET")
      await rawRequest(s.port, {
        method: "GET",
        target: fillPath(r.path, baseline()),
        headers: { Authorization: `Basic ${Buffer.from(s.admin).toString("base64")}` },
      }).catch(() => undefined);
  counts = await rowCounts(s);
}

describe("attack suite", () => {
  test("routes come from the routers, including GeoServer's own table", () => {
    const keys = new Set(routes.map((r) => `${r.method} ${r.path}`));
    expect(keys.has("GET /api/resource/:id")).toBe(true);
    expect(keys.has("PUT /geoserver/rest/workspaces/{ws}")).toBe(true);
    expect(keys.has("GET /ogcapi/collections/:cid/items")).toBe(true);
    expect(routes.length).toBeGreaterThan(150);
  });

  test(
    "every route x hostile inputs, as guest and administrator",
    async () => {
      const qnames = [...new Set([...discoveredParams(), ...COMMON_PARAMS])];
      await warmUp();
      let i = 0;
      for (const r of routes) await attackRoute(r, i++, qnames);
      const leftovers = canaries(s);
      if (leftovers.length)
        record("filesystem", `files created outside the data folder: ${leftovers}`);
      for (const hit of ssrfCanary.hits()) record("ssrf", `the server fetched ${hit}`);
      console.log(
        `attack suite: ${routes.length} routes, ${sent} requests, ${acceptedWrites} generated bodies accepted as valid writes`,
      );
      if (process.env.GISD_FUZZ_REPORT)
        await Bun.write(
          process.env.GISD_FUZZ_REPORT,
          JSON.stringify(Object.fromEntries(failures), null, 1),
        );
      expect(sent).toBeGreaterThan(routes.length * RUNS);
    },
    30 * 60_000,
  );

  for (const face of [...FACE_FORMATS.map((f) => f.face), "filesystem", "ssrf"]) {
    test(`no failures in ${face}`, () => {
      expect(failures.get(face) ?? []).toEqual([]);
    });
  }
});
