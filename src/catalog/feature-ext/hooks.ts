/**
 * @module The implementations behind catalog/feature-extensions.ts: attachment and description
 * values of features for the feature API's `extensions` (read, write inside the edit
 * transaction, and clean-up when features go).
 */
import type { Actor } from "../acl.ts";
import type { ClassDeps } from "../classes/registry.ts";
import type { ResourceRow } from "../resource-row.ts";
import type { Tx } from "../tx.ts";
import { deleteAttachments, listByFeatures, replaceAttachments, toJson } from "./attachments.ts";
import { deleteDescriptions, readDescriptions, writeDescription } from "./descriptions.ts";

export const EXTENSION_NAMES = ["attachment", "description"] as const;

export async function readExtensions(
  deps: ClassDeps,
  row: ResourceRow,
  fids: number[],
  names: readonly string[],
): Promise<Map<number, Record<string, unknown>>> {
  const att = names.includes("attachment")
    ? await listByFeatures(deps.client, row.id, fids)
    : undefined;
  const desc = names.includes("description")
    ? await readDescriptions(deps.client, row.id, fids)
    : undefined;
  const out = new Map<number, Record<string, unknown>>();
  for (const fid of fids) {
    const v: Record<string, unknown> = {};
    if (att) {
      const list = att.get(fid);
      v.attachment = list && list.length > 0 ? list.map(toJson) : null;
    }
    if (desc) v.description = desc.get(fid) ?? null;
    out.set(fid, v);
  }
  return out;
}

/**
 * Only the listed extensions change. Unknown names (versioning extensions of newer NGW that a
 * client read and sends back) are ignored, as NGW ignores extensions it does not have.
 */
export async function writeExtensions(
  deps: ClassDeps & { actor: Actor },
  tx: Tx,
  row: ResourceRow,
  fid: number,
  value: Record<string, unknown>,
): Promise<void> {
  for (const [name, v] of Object.entries(value)) {
    if (name === "attachment") await replaceAttachments(tx, deps.files, row.id, fid, v);
    else if (name === "description") await writeDescription(tx.raw, row.id, fid, v);
  }
}

export async function dropExtensions(
  deps: ClassDeps,
  tx: Tx,
  row: ResourceRow,
  fids: number[] | "all",
): Promise<void> {
  await deleteAttachments(tx, deps.files, row.id, fids);
  await deleteDescriptions(tx.raw, row.id, fids);
}
