/**
 * @module Tells whether a folder is on a network file system. The catalog's default is an
 * embedded SQLite file in WAL mode, whose locks and shared memory only work among processes of
 * one machine: nodes that share a data folder over NFS/SMB/a FUSE bucket must use a libSQL
 * server (GISD_DATABASE_URL) for the catalog, while their files may stay in the shared folder.
 */
import { statfsSync } from "node:fs";

/** statfs f_type magic numbers of network and FUSE file systems (linux/magic.h). */
const NETWORK_FS: Record<number, string> = {
  26985: "NFS",
  4283649346: "CIFS",
  4266872130: "SMB2",
  20859: "SMB",
  1702057286: "FUSE",
  12805120: "CephFS",
  198183888: "Lustre",
  1196443219: "GPFS",
  16914839: "9P",
  1799439955: "AFS",
  1397113167: "AFS",
};

/** The network file system a statfs type number names, if it names one. */
export function networkFsOfType(type: number): string | undefined {
  return NETWORK_FS[type >>> 0];
}

/** The network file system the folder is on, or undefined (local, or unknown). */
export function networkFsOf(dir: string): string | undefined {
  try {
    return networkFsOfType(Number(statfsSync(dir).type));
  } catch {
    return undefined;
  }
}
