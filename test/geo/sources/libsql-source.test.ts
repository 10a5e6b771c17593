/** @module LibsqlSource specifics: every field type, R*Tree sync, bulk insert, schema edits. */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient } from "@libsql/client";
import type { Feature, FeatureInput } from "../../../src/geo/sources/feature-source.ts";
import {
  addColumn,
  bulkInsert,
  createLayerTable,
  dropColumn,
  dropLayerTable,
  type LayerTableSpec,
  LibsqlSource,
} from "../../../src/geo/sources/libsql-source.ts";

const dir = mkdtempSync(join(tmpdir(), "gisd-libsql-"));
const clients: Client[] = [];
afterAll(() => {
  for (const c of clients) c.close();
  rmSync(dir, { recursive: true, force: true });
});
let seq = 0;
function open(): Client {
  const c = createClient({ url: `file:${join(dir, `t${++seq}.sqlite`)}` });
  clients.push(c);
  return c;
}

const SPEC: LayerTableSpec = {
  table: "layer_7",
  srs: 4326,
  geometryType: "MULTIPOLYGONZ",
  fields: [
    { keyname: "select", datatype: "INTEGER", column: "fld_1" },
    { keyname: "big number", datatype: "BIGINT", column: "fld_2" },
    { keyname: 'Ход "x"; DROP TABLE layer_7; --', datatype: "STRING", column: "fld_3" },
    { keyname: "d", datatype: "DATE", column: "fld_4" },
    { keyname: "t", datatype: "TIME", column: "fld_5" },
    { keyname: "dt", datatype: "DATETIME", column: "fld_6" },
    { keyname: "ok", datatype: "BOOLEAN", column: "fld_7" },
    { keyname: "j", datatype: "JSON", column: "fld_8" },
    { keyname: "r", datatype: "REAL", column: "fld_9" },
  ],
};

async function all(src: LibsqlSource, q = {}): Promise<Feature[]> {
  const out: Feature[] = [];
  for await (const f of src.query(q)) out.push(f);
  return out;
}

describe("LibsqlSource", () => {
  test("round-trips every field type exactly", async () => {
    const c = open();
    await createLayerTable(c, SPEC);
    const src = new LibsqlSource(c, SPEC);
    const geom = {
      type: "MultiPolygon" as const,
      coordinates: [
        [
          [
            [0.1, 0.2, 3],
            [1, 0, 3],
            [1, 1, 3],
            [0.1, 0.2, 3],
          ],
        ],
      ],
    };
    const fields = {
      select: -2147483648,
      "big number": "9223372036854775807",
      'Ход "x"; DROP TABLE layer_7; --': "строка 'with' quotes",
      d: "2024-02-29",
      t: "23:59:01",
      dt: "2024-02-29 12:00:00",
      ok: true,
      j: { a: [1, "b", null] },
      r: 0.1 + 0.2,
    };
    const [id] = await src.insert([
      { geom, fields },
      { geom: null, fields: { "big number": 42 } },
    ]);
    const [f] = await all(src, { fids: [id!] });
    expect(f!.geom).toEqual(geom);
    expect(f!.fields).toEqual({ ...fields, dt: "2024-02-29T12:00:00" });
    const big = await all(src, {
      filter: [{ field: "big number", op: "gt", value: "9223372036854775806" }],
    });
    expect(big.map((x) => x.id)).toEqual([id!]);
    expect(
      (await all(src, { filter: [{ field: "big number", op: "eq", value: 42 }] }))[0]!.fields[
        "big number"
      ],
    ).toBe(42);
    expect(await src.count({ filter: [{ field: "d", op: "lt", value: "2024-03-01" }] })).toBe(1);
    for (const [k, v] of [
      ["select", 2 ** 31],
      ["big number", "9223372036854775808"],
      ["d", "2023-02-29"],
      ["t", "24:00:00"],
      ["dt", "yesterday"],
      ["ok", "maybe"],
      ["r", Number.NaN],
    ] as const) {
      await expect(src.insert([{ fields: { [k]: v } }])).rejects.toThrow(/not a valid/);
    }
    expect(await src.count()).toBe(2);
  });

  test("R*Tree follows inserts, updates and deletes; exact bbox beyond float32", async () => {
    const c = open();
    const spec = { ...SPEC, table: "pts", fields: [] };
    await createLayerTable(c, spec);
    const src = new LibsqlSource(c, spec);
    const x = 16777217.3; // not representable as float32
    const [a, b] = await src.insert([
      { geom: { type: "Point", coordinates: [x, 0] }, fields: {} },
      { geom: { type: "Point", coordinates: [0, 0] }, fields: {} },
    ]);
    const rtreeRows = async () =>
      Number((await c.execute("SELECT count(*) FROM pts_rtree")).rows[0]![0]);
    expect(await rtreeRows()).toBe(2);
    expect((await all(src, { bbox: [x + 0.1, -1, x + 1, 1] })).length).toBe(0);
    expect((await all(src, { bbox: [x - 0.1, -1, x + 0.1, 1] })).map((f) => f.id)).toEqual([a!]);
    await src.update(b!, { geom: { type: "Point", coordinates: [50, 50] }, fields: {} });
    expect((await all(src, { bbox: [49, 49, 51, 51] })).map((f) => f.id)).toEqual([b!]);
    await src.update(b!, { geom: null, fields: {} });
    expect(await rtreeRows()).toBe(1);
    await src.delete([a!]);
    expect(await rtreeRows()).toBe(0);
    // ids are never reused after deletes (AUTOINCREMENT), as NGW's serial ids
    const [c3] = await src.insert([{ fields: {} }]);
    expect(c3).toBeGreaterThan(b!);
  });

  test("bulk insert streams in multi-row statements inside a transaction", async () => {
    const c = open();
    const spec: LayerTableSpec = {
      table: "bulk",
      srs: 3857,
      geometryType: "POINT",
      fields: [
        { keyname: "n", datatype: "INTEGER", column: "fld_1" },
        { keyname: "s", datatype: "STRING", column: "fld_2" },
      ],
    };
    await createLayerTable(c, spec);
    const N = 10_000;
    async function* gen(): AsyncGenerator<FeatureInput> {
      for (let i = 0; i < N; i++) {
        yield {
          geom: { type: "Point", coordinates: [i % 1000, Math.floor(i / 1000)] },
          fields: { n: i, s: `v${i}` },
        };
      }
    }
    const progress: number[] = [];
    const tx = await c.transaction("write");
    const t0 = performance.now();
    const n = await bulkInsert(tx, spec, gen(), (k) => progress.push(k));
    await tx.commit();
    const ms = performance.now() - t0;
    expect(n).toBe(N);
    expect(progress.at(-1)).toBe(N);
    const src = new LibsqlSource(c, spec);
    expect(await src.count()).toBe(N);
    expect(await src.count({ bbox: [10, 5, 19, 6] })).toBe(20);
    expect(await src.count({ bbox: [10, 9, 19, 12] })).toBe(10);
    // streamed in keyset pages: every feature exactly once, in id order
    let last = 0;
    let seen = 0;
    for await (const f of src.query({ geom: false, fields: ["n"] })) {
      expect(f.id).toBeGreaterThan(last);
      last = f.id;
      seen++;
    }
    expect(seen).toBe(N);
    console.log(`bulkInsert: ${Math.round(N / (ms / 1000))} features/s`);

    // a failed bulk insert inside a rolled-back transaction leaves nothing
    const tx2 = await c.transaction("write");
    async function* broken(): AsyncGenerator<FeatureInput> {
      yield* gen();
      yield { fields: { n: "x" } };
    }
    await expect(bulkInsert(tx2, spec, broken())).rejects.toThrow(/not a valid/);
    await tx2.rollback();
    expect(await src.count()).toBe(N);
  }, 120_000);

  test("field editor: add and drop columns; reserved and unsafe identifiers refused", async () => {
    const c = open();
    const spec: LayerTableSpec = { table: "ed", srs: 3857, geometryType: "POINT", fields: [] };
    await createLayerTable(c, spec);
    await new LibsqlSource(c, spec).insert([{ fields: {} }]);
    await addColumn(c, "ed", { column: "fld_3", datatype: "REAL" });
    const spec2 = {
      ...spec,
      fields: [{ keyname: "x", datatype: "REAL" as const, column: "fld_3" }],
    };
    const src = new LibsqlSource(c, spec2);
    expect((await all(src))[0]!.fields).toEqual({ x: null });
    await src.update((await all(src))[0]!.id, { fields: { x: 2.5 } });
    expect((await all(src))[0]!.fields).toEqual({ x: 2.5 });
    await dropColumn(c, "ed", "fld_3");
    expect((await all(new LibsqlSource(c, spec)))[0]!.fields).toEqual({});
    await expect(addColumn(c, "ed", { column: "geom", datatype: "REAL" })).rejects.toThrow(
      /reserved/,
    );
    await expect(
      addColumn(c, "ed", { column: 'x"; DROP TABLE ed; --', datatype: "REAL" }),
    ).rejects.toThrow(/Invalid SQL identifier/);
    await expect(createLayerTable(c, { ...spec, table: "Bad Name" })).rejects.toThrow(
      /Invalid SQL identifier/,
    );
    await dropLayerTable(c, "ed");
    const left = await c.execute("SELECT name FROM sqlite_master WHERE name LIKE 'ed%'");
    expect(left.rows.length).toBe(0);
  });
});
