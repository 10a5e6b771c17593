/**
 * @module Where a project and its data may live: a `MAP` value names a project file inside the
 * projects folder (by key, file name or absolute path), and a layer's datasource must resolve
 * inside the folder of its project. Everything else (`..`, absolute paths elsewhere, NUL bytes,
 * symlinks pointing out) is refused, so a project cannot be used to read arbitrary files.
 */
import { realpathSync } from "node:fs";
import { basename, isAbsolute, resolve, sep } from "node:path";
import { CatalogError, NotFound, ValidationError } from "../errors.ts";

/** Project files served from the folder; `.qgz` is the zipped form. */
export const PROJECT_FILE = /^[\w][\w.-]{0,200}\.(qgs|qgz)$/i;

/** The key of a project file: its name without extension ("world.qgs" → "world"). */
export function keyOf(file: string): string {
  return basename(file).replace(/\.(qgs|qgz)$/i, "");
}

/** Whether `p` is `root` itself or lies under it (both already resolved). */
export function isInside(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Like realpath, but a missing file resolves to itself (the caller reports it as missing). */
function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** A MAP value that cannot name a project here: a plain 400 (OGC InvalidParameterValue). */
export class InvalidMap extends CatalogError {
  override readonly status = 400;
}

/**
 * The key a `MAP` value names: `world`, `world.qgs`, or an absolute path inside the folder.
 * Throws ValidationError (400) for anything that could name a file outside it.
 */
export function mapKey(root: string, map: string): string {
  if (map === "" || map.length > 1024 || map.includes("\0"))
    throw new InvalidMap("MAP is empty or malformed.");
  if (isAbsolute(map)) {
    const abs = resolve(map);
    if (!isInside(resolve(root), abs) || !PROJECT_FILE.test(basename(abs)))
      throw new InvalidMap(`MAP '${map}' is not a project of this server.`);
    if (resolve(root, basename(abs)) !== abs)
      throw new InvalidMap(`MAP '${map}' is not a project of this server.`);
    return keyOf(abs);
  }
  if (map.includes("/") || map.includes("\\") || map.startsWith("."))
    throw new InvalidMap(`MAP '${map}' is not a project of this server.`);
  const key = keyOf(map);
  if (!/^[\w][\w.-]{0,200}$/.test(key))
    throw new InvalidMap(`MAP '${map}' is not a project of this server.`);
  return key;
}

/**
 * A datasource path resolved against its project's folder. Relative paths are resolved there;
 * the result (after following symlinks) must stay inside the projects root.
 */
export function resolveDataPath(root: string, projectDir: string, path: string): string {
  if (path.includes("\0")) throw new ValidationError("datasource path contains a NUL byte");
  const abs = resolve(projectDir, path);
  const realRoot = real(resolve(root));
  if (!isInside(resolve(root), abs) || !isInside(realRoot, real(abs)))
    throw new ValidationError(`datasource '${path}' lies outside the projects folder`);
  return abs;
}

/** A project that is not in the folder: py-qgis-server's "not in cache" 404. */
export class ProjectNotFound extends NotFound {
  constructor(readonly key: string) {
    super(`Project '${key}' not in cache`);
  }
}
