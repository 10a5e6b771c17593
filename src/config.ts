/** @module The one options object of gisd: defaults, environment, flags, validation. */

export interface Config {
  /** Main listener port; PORT or --port. 0 picks a free port (tests). */
  port: number;
  /** Main listener address; HOST or --host. Loopback unless told otherwise. */
  host: string;
  /** Data folder; GISD_DATA or --data. Created if missing; holds catalog.db and files. */
  dataDir: string;
  /** Catalog database; GISD_DATABASE_URL. Default file:<data>/catalog.db (WAL). */
  databaseUrl: string;
  /** Auth token for a remote libSQL server; GISD_DATABASE_AUTH_TOKEN. */
  databaseAuthToken: string | undefined;
  /** Management listener port; GISD_MANAGE_PORT or --manage-port. 0 disables the listener. */
  managePort: number;
  /** Management listener address; loopback only unless an admin password protects it. */
  manageHost: string;
  /** Basic-auth password of the management listener (user `admin`); GISD_MANAGE_PASSWORD. */
  managePassword: string | undefined;
  /** Folder of QGIS projects (.qgs/.qgz) served at /ows?MAP= and /qgis/; --projects or GISD_PROJECTS. */
  projectsDir: string | undefined;
  /** Render worker threads (Bun Workers) of the pool; GISD_WORKERS, 1..64. */
  workers: number;
  /** Superuser password on first start; GISD_ADMIN_PASSWORD. Random and printed once if unset. */
  adminPassword: string | undefined;
  /** Allow POST /api/component/auth/register; GISD_REGISTER=true. */
  registration: boolean;
  /** CORS allowed origins, comma separated; GISD_CORS_ORIGINS. Empty disables CORS. */
  corsOrigins: string[];
  /** Largest accepted request body for JSON APIs, bytes; GISD_MAX_BODY. */
  maxJsonBody: number;
  /** Largest accepted upload, bytes; GISD_MAX_UPLOAD. */
  maxUpload: number;
  /** Load the bundled sample datasets into an empty catalog; GISD_SAMPLES=false disables. */
  samples: boolean;
  /** One log line per request to stderr; GISD_LOG=off silences (tests). */
  requestLog: boolean;
  /** Server folder whose files GeoServer-style "external" stores may name; GISD_IMPORT_ROOT. Unset refuses them. */
  importRoot: string | undefined;
  /** Hosts that GeoServer `url.*` uploads may fetch from, comma separated; GISD_FETCH_ALLOW_HOSTS. */
  fetchAllowHosts: string[];
  /** Believe X-Forwarded-Proto/-Host from a TLS-terminating proxy; GISD_TRUST_PROXY=true. */
  trustProxy: boolean;
}

export const defaults = {
  port: 8080,
  host: "127.0.0.1",
  dataDir: "./gisd-data",
  managePort: 19876,
  manageHost: "127.0.0.1",
  workers: 2,
  registration: false,
  corsOrigins: [] as string[],
  maxJsonBody: 16 * 1024 * 1024,
  maxUpload: 4 * 1024 * 1024 * 1024,
  samples: true,
  requestLog: true,
};

export class ConfigError extends Error {}

/** Parses a port value, refusing anything that is not an integer in 0..65535. */
export function parsePort(value: string, what: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
    throw new ConfigError(`${what} must be an integer from 0 to 65535, got '${value}'`);
  }
  return Number(value);
}

function parseBool(value: string | undefined, fallback: boolean, what: string): boolean {
  if (value === undefined || value === "") return fallback;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new ConfigError(`${what} must be true or false, got '${value}'`);
}

function parseSize(value: string | undefined, fallback: number, what: string): number {
  if (value === undefined || value === "") return fallback;
  if (!/^\d+$/.test(value)) throw new ConfigError(`${what} must be a byte count, got '${value}'`);
  return Number(value);
}

function parseWorkers(value: string | undefined): number {
  if (value === undefined || value === "") return defaults.workers;
  if (!/^\d{1,2}$/.test(value) || Number(value) < 1 || Number(value) > 64)
    throw new ConfigError(`GISD_WORKERS must be an integer from 1 to 64, got '${value}'`);
  return Number(value);
}

/** Flags given on the command line for `serve`, already split by the CLI table. */
export interface ServeFlags {
  port?: string;
  host?: string;
  data?: string;
  "manage-port"?: string;
  projects?: string;
}

/** Builds the config from flags over environment over defaults (flags win). */
export function loadConfig(flags: ServeFlags, env: Record<string, string | undefined>): Config {
  const dataDir = flags.data ?? env.GISD_DATA ?? defaults.dataDir;
  const port = parsePort(flags.port ?? env.PORT ?? String(defaults.port), "--port/PORT");
  const managePort = parsePort(
    flags["manage-port"] ?? env.GISD_MANAGE_PORT ?? String(defaults.managePort),
    "--manage-port/GISD_MANAGE_PORT",
  );
  const cors = (env.GISD_CORS_ORIGINS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    port,
    host: flags.host ?? env.HOST ?? defaults.host,
    dataDir,
    databaseUrl: env.GISD_DATABASE_URL || `file:${dataDir.replace(/\/+$/, "")}/catalog.db`,
    databaseAuthToken: env.GISD_DATABASE_AUTH_TOKEN || undefined,
    managePort,
    manageHost: env.GISD_MANAGE_HOST ?? defaults.manageHost,
    managePassword: env.GISD_MANAGE_PASSWORD || undefined,
    projectsDir: flags.projects ?? (env.GISD_PROJECTS || undefined),
    workers: parseWorkers(env.GISD_WORKERS),
    adminPassword: env.GISD_ADMIN_PASSWORD || undefined,
    registration: parseBool(env.GISD_REGISTER, defaults.registration, "GISD_REGISTER"),
    corsOrigins: cors,
    maxJsonBody: parseSize(env.GISD_MAX_BODY, defaults.maxJsonBody, "GISD_MAX_BODY"),
    maxUpload: parseSize(env.GISD_MAX_UPLOAD, defaults.maxUpload, "GISD_MAX_UPLOAD"),
    samples: parseBool(env.GISD_SAMPLES, defaults.samples, "GISD_SAMPLES"),
    requestLog: env.GISD_LOG !== "off",
    importRoot: env.GISD_IMPORT_ROOT || undefined,
    fetchAllowHosts: (env.GISD_FETCH_ALLOW_HOSTS ?? "")
      .split(",")
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
    trustProxy: parseBool(env.GISD_TRUST_PROXY, false, "GISD_TRUST_PROXY"),
  };
}
