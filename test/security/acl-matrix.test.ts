/**
 * @module The access-control matrix: five actors (guest, a plain user, a user granted read, a
 * user granted write, the administrator) x a public and a private vector layer x every face
 * that reads or writes them. Table-driven: a face adds rows to CHECKS (rows whose route does
 * not exist yet are skipped with a note, so WMS/WFS rows switch on when those faces land).
 *
 * Three kinds of row: `item` (allowed means 2xx; denied means 401/403/404 and no secret in the
 * body), `list` (a listing or count: the private title appears exactly for actors who may read
 * it, and counts equal what the actor can see), and `write` (allowed means 2xx).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startServer, type TestServer } from "../helpers/server.ts";
import { allRoutes } from "./routes.ts";
import { buildWorld, SECRET, type World } from "./world.ts";

type Actor = "guest" | "plain" | "reader" | "writer" | "admin";
const ACTORS: Actor[] = ["guest", "plain", "reader", "writer", "admin"];
type Which = "public" | "private";

/** Who may read or write each layer, as world.ts grants it. */
const MAY: Record<"read" | "write", Record<Which, Actor[]>> = {
  read: { public: ACTORS, private: ["reader", "writer", "admin"] },
  write: { public: ["admin"], private: ["writer", "admin"] },
};

interface Req {
  path: string;
  method?: string;
  body?: unknown;
}

interface Check {
  face: string;
  name: string;
  kind: "item" | "list" | "write";
  /** A route pattern (as in app.routes) that must exist for the row to run. */
  route: string;
  req: (w: World, layer: number, which: Which) => Req;
  /** For lists: how many of the two layers the actor sees, read from the body (counts). */
  count?: (body: any) => number | undefined;
  /** Actors for whom a list answers 401 (GeoServer REST has no anonymous access). */
  unauthenticated?: number;
  /** A list that never names NGW-made layers (GeoServer styles): it only must not leak. */
  listsPrivate?: false;
  /** Whether an answer grants access, where a 200 can also refuse (identify: per-layer errors). */
  granted?: (status: number, body: any, layer: number) => boolean;
}

const BIG = "POLYGON((-1e7 -1e7,1e7 -1e7,1e7 1e7,-1e7 1e7,-1e7 -1e7))";

export const CHECKS: Check[] = [
  // --- NextGIS Web ---------------------------------------------------------------------------
  {
    face: "ngw",
    name: "resource item",
    kind: "item",
    route: "/api/resource/:id",
    req: (_w, id) => ({ path: `/api/resource/${id}` }),
  },
  {
    face: "ngw",
    name: "feature list",
    kind: "item",
    route: "/api/resource/:id/feature",
    req: (_w, id) => ({ path: `/api/resource/${id}/feature/` }),
  },
  {
    face: "ngw",
    name: "feature item",
    kind: "item",
    route: "/api/resource/:id/feature/:fid",
    req: (w, id, which) => ({
      path: `/api/resource/${id}/feature/${which === "public" ? w.publicFeature : w.privateFeature}`,
    }),
  },
  {
    face: "ngw",
    name: "feature count",
    kind: "item",
    route: "/api/resource/:id/feature_count",
    req: (_w, id) => ({ path: `/api/resource/${id}/feature_count` }),
  },
  {
    face: "ngw",
    name: "GeoJSON export",
    kind: "item",
    route: "/api/resource/:id/geojson",
    req: (_w, id) => ({ path: `/api/resource/${id}/geojson` }),
  },
  {
    face: "ngw",
    name: "export",
    kind: "item",
    route: "/api/resource/:id/export",
    req: (_w, id) => ({ path: `/api/resource/${id}/export?format=CSV&zipped=false` }),
  },
  {
    face: "ngw",
    name: "MVT",
    kind: "item",
    route: "/api/component/feature_layer/mvt",
    req: (_w, id) => ({ path: `/api/component/feature_layer/mvt?resource=${id}&z=0&x=0&y=0` }),
  },
  {
    face: "ngw",
    name: "render tile",
    kind: "item",
    route: "/api/component/render/tile",
    req: (w, _id, which) => ({
      path: `/api/component/render/tile?resource=${which === "public" ? w.publicStyle : w.privateStyle}&z=0&x=0&y=0`,
    }),
  },
  {
    face: "ngw",
    name: "identify",
    kind: "item",
    route: "/api/feature_layer/identify",
    req: (_w, id) => ({
      path: "/api/feature_layer/identify",
      method: "POST",
      body: { geom: BIG, srs: 3857, layers: [id] },
    }),
    granted: (st, b, id) => st === 200 && b?.[id]?.featureCount > 0,
  },
  {
    face: "ngw",
    name: "search",
    kind: "list",
    route: "/api/resource/search",
    req: () => ({ path: "/api/resource/search/?cls=vector_layer" }),
    count: (b) => (Array.isArray(b) ? b.length : undefined),
  },
  {
    face: "ngw",
    name: "children of a group",
    kind: "list",
    route: "/api/resource",
    req: (w) => ({ path: `/api/resource/?parent=${w.privateGroup}` }),
  },
  {
    face: "ngw",
    name: "root listing",
    kind: "list",
    route: "/api/resource",
    req: () => ({ path: "/api/resource/?parent=0" }),
  },
  {
    face: "ngw",
    name: "feature write",
    kind: "write",
    route: "/api/resource/:id/feature",
    req: (_w, id) => ({
      path: `/api/resource/${id}/feature/`,
      method: "POST",
      body: { geom: "POINT (5 5)", fields: { name: "w" } },
    }),
  },
  {
    face: "ngw",
    name: "feature delete",
    kind: "write",
    route: "/api/resource/:id/feature/:fid",
    req: (_w, id) => ({ path: `/api/resource/${id}/feature/999999`, method: "DELETE" }),
  },
  // --- GeoServer REST ------------------------------------------------------------------------
  {
    face: "geoserver",
    name: "workspaces",
    kind: "list",
    route: "/geoserver/rest/workspaces",
    unauthenticated: 401,
    req: () => ({ path: "/geoserver/rest/workspaces.json" }),
  },
  {
    face: "geoserver",
    name: "layers",
    kind: "list",
    route: "/geoserver/rest/layers",
    unauthenticated: 401,
    req: () => ({ path: "/geoserver/rest/layers.json" }),
  },
  {
    face: "geoserver",
    name: "styles",
    kind: "list",
    route: "/geoserver/rest/styles",
    unauthenticated: 401,
    listsPrivate: false,
    req: () => ({ path: "/geoserver/rest/styles.json" }),
  },
  // --- OGC API Features ----------------------------------------------------------------------
  {
    face: "ogcapi",
    name: "collections",
    kind: "list",
    route: "/ogcapi/collections",
    req: () => ({ path: "/ogcapi/collections" }),
    count: (b) => b?.collections?.length,
  },
  {
    face: "ogcapi",
    name: "items",
    kind: "item",
    route: "/ogcapi/collections/:cid/items",
    req: (_w, id) => ({ path: `/ogcapi/collections/${id}/items` }),
  },
  {
    face: "ogcapi",
    name: "item",
    kind: "item",
    route: "/ogcapi/collections/:cid/items/:fid",
    req: (w, id, which) => ({
      path: `/ogcapi/collections/${id}/items/${which === "public" ? w.publicFeature : w.privateFeature}`,
    }),
  },
  // --- GeoNode API v2 ------------------------------------------------------------------------
  {
    face: "geonode",
    name: "resources",
    kind: "list",
    route: "/api/v2/resources",
    req: () => ({ path: "/api/v2/resources?page_size=100" }),
    count: (b) => b?.total,
  },
  {
    face: "geonode",
    name: "datasets",
    kind: "list",
    route: "/api/v2/datasets",
    req: () => ({ path: "/api/v2/datasets?page_size=100" }),
    count: (b) => b?.total,
  },
  {
    face: "geonode",
    name: "dataset",
    kind: "item",
    route: "/api/v2/datasets/:pk",
    req: (_w, id) => ({ path: `/api/v2/datasets/${id}` }),
  },
  {
    face: "geonode",
    name: "resource",
    kind: "item",
    route: "/api/v2/resources/:pk",
    req: (_w, id) => ({ path: `/api/v2/resources/${id}` }),
  },
  // --- OGC services (rows switch on when the routes exist) -----------------------------------
  {
    face: "ows",
    name: "WMS capabilities",
    kind: "list",
    route: "/geoserver/wms",
    req: () => ({ path: "/geoserver/wms?SERVICE=WMS&REQUEST=GetCapabilities" }),
  },
  {
    face: "ows",
    name: "WFS capabilities",
    kind: "list",
    route: "/geoserver/wfs",
    req: () => ({ path: "/geoserver/wfs?SERVICE=WFS&REQUEST=GetCapabilities" }),
  },
];

let s: TestServer;
let w: World;
let routeSet: Set<string>;
const auth: Record<Actor, string | undefined> = {
  guest: undefined,
  plain: undefined,
  reader: undefined,
  writer: undefined,
  admin: undefined,
};

beforeAll(async () => {
  s = await startServer();
  w = await buildWorld(s);
  auth.plain = w.users.plain;
  auth.reader = w.users.reader;
  auth.writer = w.users.writer;
  auth.admin = s.admin;
  routeSet = new Set(allRoutes(s.server).map((r) => r.path.replace(/\/$/, "")));
}, 120_000);
afterAll(() => s.stop());

async function call(req: Req, actor: Actor) {
  const headers: Record<string, string> = {};
  const a = auth[actor];
  if (a) headers.Authorization = `Basic ${Buffer.from(a).toString("base64")}`;
  let body: string | undefined;
  if (req.body !== undefined) {
    body = JSON.stringify(req.body);
    headers["Content-Type"] = "application/json";
  }
  const r = await fetch(s.url + req.path, { method: req.method ?? "GET", headers, body });
  const bytes = new Uint8Array(await r.arrayBuffer());
  return { status: r.status, text: new TextDecoder().decode(bytes) };
}

const DENIED = [401, 403, 404];

describe("access-control matrix", () => {
  for (const check of CHECKS) {
    const label = `${check.face} ${check.name}`;
    test(label, async () => {
      if (!routeSet.has(check.route)) {
        console.log(`acl-matrix: ${label} skipped, no route ${check.route} yet`);
        return;
      }
      const cells: string[] = [];
      for (const actor of ACTORS) {
        if (check.kind === "list") {
          const r = await call(check.req(w, 0, "private"), actor);
          const mayRead = MAY.read.private.includes(actor);
          if (actor === "guest" && check.unauthenticated) {
            if (r.status !== check.unauthenticated) cells.push(`${actor}: ${r.status}`);
            continue;
          }
          if (r.status !== 200) cells.push(`${actor}: list answered ${r.status}`);
          const leaks = r.text.includes(SECRET);
          if (leaks !== (mayRead && check.listsPrivate !== false))
            cells.push(
              `${actor}: private title ${leaks ? "leaked" : "missing"} (${r.text.slice(0, 120)})`,
            );
          if (check.count && r.status === 200) {
            let n: number | undefined;
            try {
              n = check.count(JSON.parse(r.text));
            } catch {
              n = undefined;
            }
            const admin = await call(check.req(w, 0, "private"), "admin");
            const all = check.count(JSON.parse(admin.text));
            // The private layer (and its group/style, if listed) is the only difference.
            if (n !== undefined && all !== undefined && !mayRead && n >= all)
              cells.push(`${actor}: count ${n} includes private entries (admin sees ${all})`);
          }
          continue;
        }
        for (const which of ["public", "private"] as const) {
          const layer = which === "public" ? w.publicLayer : w.privateLayer;
          const r = await call(check.req(w, layer, which), actor);
          const may = MAY[check.kind === "write" ? "write" : "read"][which].includes(actor);
          let parsed: unknown;
          try {
            parsed = JSON.parse(r.text);
          } catch {
            parsed = undefined;
          }
          const ok = check.granted
            ? check.granted(r.status, parsed, layer)
            : r.status >= 200 && r.status < 300;
          const where = `${actor} x ${which}`;
          if (may && !ok && !(check.kind === "write" && r.status === 404))
            cells.push(`${where}: refused ${r.status} ${r.text.slice(0, 100)}`);
          if (!may && ok) cells.push(`${where}: allowed ${r.status} ${r.text.slice(0, 100)}`);
          if (!may && !ok && !DENIED.includes(r.status) && !check.granted)
            cells.push(`${where}: ${r.status} is not a denial`);
          if (!may && r.text.includes(SECRET)) cells.push(`${where}: secret in body`);
          if (!may && which === "private" && r.text.includes("private point"))
            cells.push(`${where}: private feature in body`);
        }
      }
      expect(cells).toEqual([]);
    });
  }

  test("identify as a denied actor names no private feature", async () => {
    for (const actor of ["guest", "plain"] as const) {
      const r = await call(
        {
          path: "/api/feature_layer/identify",
          method: "POST",
          body: { geom: BIG, srs: 3857, layers: [w.publicLayer, w.privateLayer] },
        },
        actor,
      );
      expect(r.text).not.toContain("private point");
      expect(r.text).not.toContain(SECRET);
    }
  });
});
