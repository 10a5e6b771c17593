/**
 * @module Server paths named by GeoServer clients (`url=file:...`, `database=file:...`, the body
 * of an `external.*` upload): accepted only inside the configured import root, checked before
 * anything touches the file system beyond resolving the name, symlinks included.
 */
import { existsSync, realpathSync } from "node:fs";
import { isAbsolute, resolve, sep } from "node:path";
import { GsBadRequest, GsForbidden } from "./base.ts";

export function resolveImportPath(importRoot: string | undefined, spec: string): string {
  if (!importRoot)
    throw new GsForbidden(
      "External files are not allowed: the server has no import root (GISD_IMPORT_ROOT)",
    );
  let p = spec.trim();
  if (p.startsWith("file://")) p = p.slice("file://".length);
  else if (p.startsWith("file:")) p = p.slice("file:".length);
  if (p === "" || p.includes("\0")) throw new GsBadRequest("Invalid file path");
  let root: string;
  try {
    root = realpathSync(importRoot);
  } catch {
    throw new GsForbidden("The import root does not exist");
  }
  const candidate = isAbsolute(p) ? resolve(p) : resolve(root, p);
  const inside = (x: string) => x === root || x.startsWith(root + sep);
  if (!inside(candidate)) throw new GsForbidden(`Path is outside the import root: ${spec}`);
  if (!existsSync(candidate)) throw new GsBadRequest(`No such file: ${spec}`);
  // A symlink inside the root must not lead outside it.
  if (!inside(realpathSync(candidate)))
    throw new GsForbidden(`Path is outside the import root: ${spec}`);
  return candidate;
}
