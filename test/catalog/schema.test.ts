/** @module The drizzle table definitions and the migration SQL must describe the same columns. */
import { expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getTableConfig, type SQLiteTable } from "drizzle-orm/sqlite-core";
import { openDatabase } from "../../src/catalog/db.ts";
import * as schema from "../../src/catalog/schema.ts";

test("every drizzle table matches the migrated database", async () => {
  const dir = mkdtempSync(join(tmpdir(), "gisd-schema-"));
  const db = await openDatabase(`file:${dir}/c.db`);
  try {
    const tables = (Object.values(schema) as unknown[]).filter(
      (t): t is SQLiteTable => typeof t === "object" && t !== null && "getSQL" in t,
    );
    expect(tables.length).toBeGreaterThan(5);
    for (const t of tables) {
      const cfg = getTableConfig(t);
      const info = await db.client.execute(`PRAGMA table_info(${cfg.name})`);
      const actual = info.rows.map((r) => String(r.name)).sort();
      const declared = cfg.columns.map((c) => c.name).sort();
      expect({ table: cfg.name, columns: actual }).toEqual({ table: cfg.name, columns: declared });
    }
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("migrations run once even when applied again", async () => {
  const dir = mkdtempSync(join(tmpdir(), "gisd-schema-"));
  try {
    const a = await openDatabase(`file:${dir}/c.db`);
    a.close();
    const b = await openDatabase(`file:${dir}/c.db`);
    const rows = await b.client.execute(
      "SELECT count(*) AS n FROM gisd_migration WHERE id = '0001_core'",
    );
    expect(Number(rows.rows[0]!.n)).toBe(1);
    const wal = await b.client.execute("PRAGMA journal_mode");
    expect(String(wal.rows[0]![0]).toLowerCase()).toBe("wal");
    b.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
