/** @module The plain shape of one resource tree row, shared by the catalog and class modules. */
export interface ResourceRow {
  id: number;
  cls: string;
  parentId: number | null;
  keyname: string | null;
  displayName: string;
  description: string | null;
  ownerUserId: number;
  creationDate: string;
  version: number;
}
