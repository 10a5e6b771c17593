/**
 * @module The hook for feature extensions (NGW's `extensions` in feature JSON: `attachment` and
 * `description`, reference/ngw.md §2.3). The feature API calls these three functions for every
 * feature it reads, writes or deletes; the implementations live in catalog/feature-ext/.
 */
import type { Actor } from "./acl.ts";
import type { ClassDeps } from "./classes/registry.ts";
import { dropExtensions, readExtensions, writeExtensions } from "./feature-ext/hooks.ts";
import type { ResourceRow } from "./resource-row.ts";
import type { Tx } from "./tx.ts";

/** Extension names NGW returns when `extensions` is absent (all of them). */
export const FEATURE_EXTENSIONS = ["attachment", "description"] as const;

/** Values per feature id, each an object holding the requested extensions. */
export async function readFeatureExtensions(
  deps: ClassDeps,
  row: ResourceRow,
  fids: number[],
  names: readonly string[],
): Promise<Map<number, Record<string, unknown>>> {
  return readExtensions(deps, row, fids, names);
}

/** Applies `extensions` of a feature POST/PUT/PATCH item inside the edit transaction. */
export async function writeFeatureExtensions(
  deps: ClassDeps & { actor: Actor },
  tx: Tx,
  row: ResourceRow,
  fid: number,
  value: Record<string, unknown>,
): Promise<void> {
  await writeExtensions(deps, tx, row, fid, value);
}

/** Removes extension data of deleted features ("all" for delete-all and re-import). */
export async function dropFeatureExtensions(
  deps: ClassDeps,
  tx: Tx,
  row: ResourceRow,
  fids: number[] | "all",
): Promise<void> {
  await dropExtensions(deps, tx, row, fids);
}
