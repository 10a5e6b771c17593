/**
 * @module The hook for feature extensions (NGW's `extensions` in feature JSON: `attachment` and
 * `description`, reference/ngw.md §2.3). The feature API calls these three functions for every
 * feature it reads, writes or deletes; the attachment/description engine fills them in. Until
 * then both extensions read as null and writes are accepted and ignored.
 */
import type { Actor } from "./acl.ts";
import type { ClassDeps } from "./classes/registry.ts";
import type { ResourceRow } from "./resource-row.ts";
import type { Tx } from "./tx.ts";

/** Extension names NGW returns when `extensions` is absent (all of them). */
export const FEATURE_EXTENSIONS = ["attachment", "description"] as const;

/** Values per feature id, each an object holding the requested extensions. */
export async function readFeatureExtensions(
  _deps: ClassDeps,
  _row: ResourceRow,
  fids: number[],
  names: readonly string[],
): Promise<Map<number, Record<string, unknown>>> {
  const out = new Map<number, Record<string, unknown>>();
  for (const fid of fids) {
    const v: Record<string, unknown> = {};
    for (const n of names) if ((FEATURE_EXTENSIONS as readonly string[]).includes(n)) v[n] = null;
    out.set(fid, v);
  }
  return out;
}

/** Applies `extensions` of a feature POST/PUT/PATCH item inside the edit transaction. */
export async function writeFeatureExtensions(
  _deps: ClassDeps & { actor: Actor },
  _tx: Tx,
  _row: ResourceRow,
  _fid: number,
  _value: Record<string, unknown>,
): Promise<void> {}

/** Removes extension data of deleted features ("all" for delete-all and re-import). */
export async function dropFeatureExtensions(
  _deps: ClassDeps,
  _tx: Tx,
  _row: ResourceRow,
  _fids: number[] | "all",
): Promise<void> {}
