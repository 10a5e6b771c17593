/**
 * @module Typed face properties of a resource (the resource_ext table): one JSON document per
 * resource and namespace, e.g. GeoServer's namespace URI or store connection parameters. The rows
 * go away with their resource (Resources.delete removes them).
 */
import type { Executor } from "./tx.ts";

export type ExtData = Record<string, unknown>;

export async function readExt(db: Executor, id: number, ns: string): Promise<ExtData | undefined> {
  const res = await db.execute({
    sql: "SELECT data FROM resource_ext WHERE resource_id = ? AND ns = ?",
    args: [id, ns],
  });
  const raw = res.rows[0]?.data;
  return typeof raw === "string" ? (JSON.parse(raw) as ExtData) : undefined;
}

/** The documents of many resources at once; missing ones are absent from the map. */
export async function readExtMany(
  db: Executor,
  ids: readonly number[],
  ns: string,
): Promise<Map<number, ExtData>> {
  const out = new Map<number, ExtData>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    if (chunk.length === 0) break;
    const res = await db.execute({
      sql: `SELECT resource_id, data FROM resource_ext WHERE ns = ? AND resource_id IN (${chunk
        .map(() => "?")
        .join(",")})`,
      args: [ns, ...chunk],
    });
    for (const r of res.rows) out.set(Number(r.resource_id), JSON.parse(String(r.data)));
  }
  return out;
}

/** Every document of a namespace (reverse lookups such as "which layers use this style"). */
export async function listExt(db: Executor, ns: string): Promise<Map<number, ExtData>> {
  const res = await db.execute({
    sql: "SELECT resource_id, data FROM resource_ext WHERE ns = ?",
    args: [ns],
  });
  return new Map(res.rows.map((r) => [Number(r.resource_id), JSON.parse(String(r.data))]));
}

export async function writeExt(db: Executor, id: number, ns: string, data: ExtData): Promise<void> {
  await db.execute({
    sql: `INSERT INTO resource_ext (resource_id, ns, data) VALUES (?, ?, ?)
          ON CONFLICT (resource_id, ns) DO UPDATE SET data = excluded.data`,
    args: [id, ns, JSON.stringify(data)],
  });
}

export async function deleteExt(db: Executor, id: number, ns: string): Promise<void> {
  await db.execute({
    sql: "DELETE FROM resource_ext WHERE resource_id = ? AND ns = ?",
    args: [id, ns],
  });
}
