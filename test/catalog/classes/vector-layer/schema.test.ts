/** @module The vector_layer drizzle tables match migration 0100. */
import { expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getTableConfig } from "drizzle-orm/sqlite-core";
import * as schema from "../../../../src/catalog/classes/vector-layer/schema.ts";
import { openDatabase } from "../../../../src/catalog/db.ts";

test("vector_layer and layer_field match the migrated database", async () => {
  const dir = mkdtempSync(join(tmpdir(), "gisd-vl-schema-"));
  const db = await openDatabase(`file:${dir}/c.db`);
  try {
    for (const t of [schema.vectorLayerTable, schema.layerFieldTable]) {
      const cfg = getTableConfig(t);
      const info = await db.client.execute(`PRAGMA table_info(${cfg.name})`);
      const actual = info.rows.map((r) => String(r.name)).sort();
      expect(actual).toEqual(cfg.columns.map((c) => c.name).sort());
    }
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
