/**
 * @module What "the server survived" means: the status is not 5xx, the body is in the answering
 * face's own error format (a table keyed by path prefix; a new face adds a row), no stack trace
 * or file content leaks, the catalog's row counts did not move, no canary file appeared outside
 * the data folder, and /healthz still answers.
 */
import { existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { TestServer } from "../helpers/server.ts";
import { CANARY } from "./hostile.ts";

export interface Answer {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
  method?: string;
}

type FormatCheck = (a: Answer) => string | undefined;

const json = (a: Answer): any => {
  try {
    return JSON.parse(a.body);
  } catch {
    return undefined;
  }
};

const ngwError: FormatCheck = (a) => {
  const b = json(a);
  if (!b || typeof b.message !== "string" || b.status_code !== a.status || !b.exception)
    return "not NGW error JSON {title, message, status_code, exception}";
  return undefined;
};

/**
 * Error formats by path prefix, most specific first. Faces under construction may add rows;
 * `undefined` accepts any body (a redirect, an empty 404 from quietOnNotFound, a 405 without body).
 */
export const FACE_FORMATS: { prefix: string; face: string; check: FormatCheck }[] = [
  {
    prefix: "/geoserver/rest",
    face: "geoserver",
    check: (a) =>
      a.body === "" || a.contentType.startsWith("text/plain")
        ? undefined
        : "not GeoServer plain text",
  },
  {
    prefix: "/ogcapi",
    face: "ogcapi",
    check: (a) => {
      const b = json(a);
      return b && b.status === a.status && typeof b.title === "string"
        ? undefined
        : "not OGC problem JSON";
    },
  },
  {
    prefix: "/api/v2",
    face: "geonode",
    check: (a) => {
      const b = json(a);
      // DRF `detail`, GeoNode's handler `errors`, and the `message`/`error` bodies GeoNode's
      // own views write (favorites, management commands).
      const known = ["detail", "message", "error"].some((k) => typeof b?.[k] === "string");
      return b && (known || Array.isArray(b.errors)) ? undefined : "not GeoNode/DRF error JSON";
    },
  },
  {
    // The browser UI answers people in text or HTML; its JSON API (/ui/api) as {status, message}.
    prefix: "/ui",
    face: "web",
    check: (a) =>
      /^text\/(plain|html)/.test(a.contentType) || typeof json(a)?.message === "string"
        ? undefined
        : "not text, HTML or {message} JSON",
  },
  { prefix: "/", face: "ngw", check: ngwError },
];

export function faceOf(path: string) {
  return FACE_FORMATS.find((f) => path.startsWith(f.prefix))!;
}

/** Problems with one answer; an empty list means it passed. */
export function judge(path: string, a: Answer): string[] {
  const problems: string[] = [];
  if (a.status >= 500) problems.push(`${a.status} server error: ${a.body.slice(0, 160)}`);
  if (/root:x:0:0|\[extensions\]|ami-id/.test(a.body))
    problems.push("file or metadata content leaked");
  if (/\n\s+at .+\.(ts|js):\d+/.test(a.body)) problems.push("stack trace in body");
  // Refusals by the HTTP server itself, before any face sees the request (a header block or
  // URL over Bun's limit, a Transfer-Encoding it does not speak): a status without a body.
  const protocol =
    (a.body === "" && a.contentType === "" && [400, 413, 414, 431, 505].includes(a.status)) ||
    // HEAD has no body by definition; tus answers its protocol errors with bare statuses.
    a.method === "HEAD" ||
    // An unsatisfiable Range is answered by HTTP itself (RFC 9110 §15.5.17).
    (a.status === 416 && a.headers?.["content-range"] !== undefined) ||
    (a.body === "" && a.headers?.["tus-resumable"] !== undefined);
  if (a.status >= 400 && a.status < 500 && a.status !== 405 && !protocol) {
    const f = faceOf(path);
    const bad = f.check(a);
    // OWS services answer in XML whatever the face around them (ExceptionReport).
    const ows = /xml/.test(a.contentType) && /Exception/.test(a.body);
    if (bad && !ows) problems.push(`${f.face}: ${bad} (${a.status} ${a.body.slice(0, 120)})`);
  }
  return problems;
}

/**
 * Row counts of every catalog table except the ones that record requests rather than data:
 * sessions, staged uploads, the audit log, GeoNode execution tickets and the change feed (their
 * effect, if any, shows in the other tables).
 */
export async function rowCounts(s: TestServer): Promise<Record<string, number>> {
  const db = s.server.ctx.catalog.database.client;
  const tables = await db.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'" +
      " AND name NOT LIKE '%_rtree%'" +
      " AND name NOT IN ('session', 'upload', 'audit_log', 'gn_execution', 'gisd_change')",
  );
  const out: Record<string, number> = {};
  for (const r of tables.rows) {
    const name = String(r.name);
    const c = await db.execute(`SELECT count(*) AS n FROM "${name.replace(/"/g, '""')}"`);
    out[name] = Number(c.rows[0]!.n);
  }
  return out;
}

export function diffCounts(a: Record<string, number>, b: Record<string, number>): string[] {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...names].filter((n) => a[n] !== b[n]).map((n) => `${n}: ${a[n]} -> ${b[n]}`);
}

/** Canary files anywhere a traversal could have put them (outside the data folder). */
export function canaries(s: TestServer): string[] {
  const roots = [tmpdir(), "/tmp", dirname(s.dataDir), process.cwd(), dirname(process.cwd())];
  const found: string[] = [];
  for (const r of new Set(roots)) {
    try {
      for (const e of readdirSync(r)) if (e.startsWith(CANARY)) found.push(join(r, e));
    } catch {
      // unreadable root
    }
  }
  if (existsSync(`/${CANARY}`)) found.push(`/${CANARY}`);
  return found;
}

export async function healthy(s: TestServer): Promise<boolean> {
  try {
    const r = await s.fetch("/healthz", { signal: AbortSignal.timeout(10_000) });
    return r.status === 200;
  } catch {
    return false;
  }
}
