/**
 * @module The FeatureSource contract: one suite every source runs (libSQL, FlatGeobuf, memory).
 * Features are identified by their `n` attribute, so sources that number features their own way
 * (FlatGeobuf ids are file positions) pass the same checks.
 */
import { describe, expect, test } from "bun:test";
import { parseWkt } from "../../../src/geo/geometry/wkt.ts";
import { UnknownFieldError } from "../../../src/geo/sources/errors.ts";
import {
  type Feature,
  type FeatureInput,
  type FeatureQuery,
  type FeatureSource,
  type FieldDef,
  isEditable,
} from "../../../src/geo/sources/feature-source.ts";

export interface Schema {
  srs: number;
  geometryType: "POINT";
  fields: FieldDef[];
}

export type SourceFactory = (schema: Schema, features: FeatureInput[]) => Promise<FeatureSource>;

export const SCHEMA: Schema = {
  srs: 3857,
  geometryType: "POINT",
  fields: [
    { keyname: "n", datatype: "INTEGER" },
    { keyname: "name", datatype: "STRING" },
    { keyname: "score", datatype: "REAL" },
    { keyname: "flag", datatype: "BOOLEAN" },
    { keyname: "note", datatype: "STRING" },
  ],
};

/** 50 points on a grid: n = 10 * y + x; `note` is null for even n; names carry unicode. */
export const FEATURES: FeatureInput[] = Array.from({ length: 50 }, (_, i) => {
  const n = i + 1;
  return {
    geom: { type: "Point", coordinates: [n % 10, Math.floor(n / 10)] },
    fields: {
      n,
      name: n === 7 ? "Ёлка 'quoted' \"x\"" : `pt_${n}`,
      score: (n * 37) % 11,
      flag: n % 3 === 0,
      note: n % 2 === 0 ? null : `odd ${n}`,
    },
  };
});

const ns = (fs: Feature[]) => fs.map((f) => Number(f.fields.n)).sort((a, b) => a - b);
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const expectNs = (pred: (f: FeatureInput) => boolean) =>
  FEATURES.filter(pred).map((f) => Number(f.fields.n));

async function all(src: FeatureSource, q: FeatureQuery = {}): Promise<Feature[]> {
  const out: Feature[] = [];
  for await (const f of src.query(q)) out.push(f);
  return out;
}

export function sourceContract(
  name: string,
  factory: SourceFactory,
  opts: { editable: boolean },
): void {
  describe(`FeatureSource contract: ${name}`, () => {
    const fresh = () => factory(SCHEMA, structuredClone(FEATURES));

    test("info, full scan, ids unique and ascending", async () => {
      const src = await fresh();
      const info = await src.info();
      expect(info.fields.map((f) => f.keyname)).toEqual(SCHEMA.fields.map((f) => f.keyname));
      expect(info.srs).toBe(3857);
      const fs = await all(src);
      expect(ns(fs)).toEqual(range(1, 50));
      const ids = fs.map((f) => f.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(50);
      const seven = fs.find((f) => f.fields.n === 7)!;
      expect(seven.fields.name).toBe("Ёлка 'quoted' \"x\"");
      expect(seven.fields.flag).toBe(false);
      expect(seven.geom).toEqual({ type: "Point", coordinates: [7, 0] });
      expect(fs.find((f) => f.fields.n === 2)!.fields.note).toBeNull();
    });

    test("bbox and intersects (hole respected), count and extent agree", async () => {
      const src = await fresh();
      const q = { bbox: [0.5, 0.5, 2.5, 1.5] as [number, number, number, number] };
      expect(ns(await all(src, q))).toEqual([11, 12]);
      const poly = parseWkt(
        "POLYGON ((0.5 0.5, 4.5 0.5, 4.5 3.5, 0.5 3.5, 0.5 0.5), (1.5 1.5, 2.5 1.5, 2.5 2.5, 1.5 2.5, 1.5 1.5))",
      );
      const want = [11, 12, 13, 14, 21, 23, 24, 31, 32, 33, 34];
      expect(ns(await all(src, { intersects: poly }))).toEqual(want);
      expect(await src.count({ intersects: poly })).toBe(11);
      expect(await src.extent({ intersects: poly })).toEqual([1, 1, 4, 3]);
      // Paging applies after the exact test.
      const ordered = await all(src, { intersects: poly, order: [{ field: "n", desc: false }] });
      const page = await all(src, {
        intersects: poly,
        order: [{ field: "n", desc: false }],
        limit: 4,
        offset: 3,
      });
      expect(ns(page)).toEqual(ns(ordered.slice(3, 7)));
      expect(ns(page)).toEqual([14, 21, 23, 24]);
      expect(await src.count()).toBe(50);
      expect(await src.extent()).toEqual([0, 0, 9, 5]);
      expect(await src.count(q)).toBe(2);
      expect(await src.extent({ filter: [{ field: "n", op: "le", value: 12 }] })).toEqual([
        0, 0, 9, 1,
      ]);
      expect(await all(src, { bbox: [100, 100, 200, 200] })).toEqual([]);
      expect(await src.extent({ bbox: [100, 100, 200, 200] })).toBeNull();
    });

    test.each([
      ["eq", "n", 7, (n: number) => n === 7],
      ["ne", "n", 7, (n: number) => n !== 7],
      ["lt", "n", 5, (n: number) => n < 5],
      ["le", "n", 5, (n: number) => n <= 5],
      ["gt", "n", 45, (n: number) => n > 45],
      ["ge", "n", "45", (n: number) => n >= 45],
      ["eq", "score", 3, (n: number) => (n * 37) % 11 === 3],
      ["eq", "flag", true, (n: number) => n % 3 === 0],
      ["eq", "flag", "false", (n: number) => n % 3 !== 0],
      ["like", "name", "pt_1%", (n: number) => n === 1 || (n >= 10 && n <= 19)],
      ["like", "name", "PT_1%", () => false],
      ["ilike", "name", "PT_2_", (n: number) => n >= 20 && n <= 29],
      ["ilike", "name", "ёЛКА%", (n: number) => n === 7],
      ["in", "n", [3, 5, 99], (n: number) => n === 3 || n === 5],
      ["notin", "n", [3, 5], (n: number) => n !== 3 && n !== 5],
      ["in", "n", [], () => false],
      ["isnull", "note", true, (n: number) => n % 2 === 0],
      ["isnull", "note", false, (n: number) => n % 2 === 1],
      ["ne", "note", "odd 1", (n: number) => n % 2 === 1 && n !== 1],
      ["eq", "name", "x'); DROP TABLE t; --", () => false],
      ["like", "name", "%' OR '1'='1", () => false],
    ] as const)("filter %s on %s %p", async (op, field, value, pred) => {
      const src = await fresh();
      const got = ns(await all(src, { filter: [{ field, op, value: value as never }] }));
      expect(got).toEqual(expectNs((f) => pred(Number(f.fields.n))));
      expect(await src.count({ filter: [{ field, op, value: value as never }] })).toBe(got.length);
      expect(await src.count()).toBe(50); // nothing dropped
    });

    test("id filters, fids, text search, ANDed conditions", async () => {
      const src = await fresh();
      const byN = new Map((await all(src)).map((f) => [Number(f.fields.n), f.id]));
      const id10 = byN.get(10)!;
      expect(ns(await all(src, { filter: [{ field: "id", op: "eq", value: id10 }] }))).toEqual([
        10,
      ]);
      expect(ns(await all(src, { fids: [byN.get(3)!, byN.get(40)!, 99999] }))).toEqual([3, 40]);
      const ts = { value: "ODD 4", caseInsensitive: true, fields: ["note", "name"] };
      expect(ns(await all(src, { textSearch: ts }))).toEqual([41, 43, 45, 47, 49]);
      expect(await all(src, { textSearch: { ...ts, caseInsensitive: false } })).toEqual([]);
      const both = {
        filter: [
          { field: "n", op: "gt" as const, value: 40 },
          { field: "flag", op: "eq" as const, value: true },
        ],
      };
      expect(ns(await all(src, both))).toEqual([42, 45, 48]);
    });

    test("order, tie-breaker and stable paging", async () => {
      const src = await fresh();
      const desc = await all(src, { order: [{ field: "n", desc: true }] });
      expect(desc.map((f) => f.fields.n)).toEqual(range(1, 50).reverse());
      const byScore = await all(src, { order: [{ field: "score", desc: false }] });
      const keys = byScore.map((f) => [Number(f.fields.score), f.id]);
      const sorted = [...keys].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
      expect(keys).toEqual(sorted);
      // nulls last ascending, first descending
      const notes = await all(src, { order: [{ field: "note", desc: false }] });
      expect(notes.at(-1)!.fields.note).toBeNull();
      expect(notes[0]!.fields.note).toBe("odd 1");
      const notesDesc = await all(src, { order: [{ field: "note", desc: true }] });
      expect(notesDesc[0]!.fields.note).toBeNull();
      const pages: number[] = [];
      for (let off = 0; off < 50; off += 7) {
        pages.push(
          ...ns(
            await all(src, { order: [{ field: "score", desc: true }], limit: 7, offset: off }),
          ).map((n) => n),
        );
      }
      expect(pages.sort((a, b) => a - b)).toEqual(range(1, 50));
      const p = await all(src, { order: [{ field: "score", desc: true }], limit: 5, offset: 10 });
      const full = await all(src, { order: [{ field: "score", desc: true }] });
      expect(p.map((f) => f.id)).toEqual(full.slice(10, 15).map((f) => f.id));
      expect(await all(src, { limit: 0 })).toEqual([]);
      expect((await all(src, { offset: 48 })).length).toBe(2);
    });

    test("fields subset, geom=false, abort", async () => {
      const src = await fresh();
      const [f] = await all(src, { fields: ["name"], geom: false, limit: 1 });
      expect(Object.keys(f!.fields)).toEqual(["name"]);
      expect(f!.geom).toBeNull();
      const ac = new AbortController();
      let seen = 0;
      for await (const _ of src.query({ signal: ac.signal })) {
        seen++;
        ac.abort();
      }
      expect(seen).toBe(1);
    });

    test("unknown fields and injection through names", async () => {
      const src = await fresh();
      for (const q of [
        { filter: [{ field: "nope", op: "eq" as const, value: 1 }] },
        { filter: [{ field: 'name"; DROP TABLE x; --', op: "eq" as const, value: 1 }] },
        { order: [{ field: "n; DROP TABLE x", desc: false }] },
        { fields: ["nope"] },
        { textSearch: { value: "x", caseInsensitive: true, fields: ["nope"] } },
      ]) {
        await expect(all(src, q)).rejects.toThrow(UnknownFieldError);
      }
      await expect(all(src, { filter: [{ field: "nope", op: "eq", value: 1 }] })).rejects.toThrow(
        "Unknown field 'nope'.",
      );
      await expect(src.count({ filter: [{ field: "x", op: "eq", value: 1 }] })).rejects.toThrow(
        UnknownFieldError,
      );
      await expect(all(src, { filter: [{ field: "n", op: "eq", value: "abc" }] })).rejects.toThrow(
        /not a valid/,
      );
      expect(await src.count()).toBe(50);
    });

    if (!opts.editable) return;

    test("edits: insert, partial update, delete, deleteAll", async () => {
      const src = await fresh();
      if (!isEditable(src)) throw new Error("expected an editable source");
      const [id] = await src.insert([
        { geom: parseWkt("POINT (100 100)"), fields: { n: 51, name: "new" } },
      ]);
      expect(await src.count()).toBe(51);
      expect(await src.update(id!, { fields: { score: 1.5 } })).toBe(true);
      let [f] = await all(src, { fids: [id!] });
      expect(f!.fields).toMatchObject({ n: 51, name: "new", score: 1.5, flag: null });
      expect(f!.geom).toEqual(parseWkt("POINT (100 100)"));
      expect(await src.update(id!, { geom: parseWkt("POINT (5 5)"), fields: {} })).toBe(true);
      [f] = await all(src, { fids: [id!] });
      expect(f!.fields.name).toBe("new");
      expect(ns(await all(src, { bbox: [4.9, 4.9, 5.1, 5.1] }))).toEqual([51]);
      expect(await all(src, { bbox: [99, 99, 101, 101] })).toEqual([]);
      expect(await src.update(999999, { fields: { n: 1 } })).toBe(false);
      expect(await src.delete([id!, 999999])).toEqual([id!]);
      expect(await src.count()).toBe(50);
      await expect(src.insert([{ fields: { nope: 1 } }])).rejects.toThrow(UnknownFieldError);
      await src.deleteAll();
      expect(await src.count()).toBe(0);
      expect(await src.extent()).toBeNull();
    });

    test("batch is atomic", async () => {
      const src = await fresh();
      if (!isEditable(src)) throw new Error("expected an editable source");
      const before = await all(src);
      const firstId = before[0]!.id;
      const bad = [
        [
          { op: "insert", feature: { fields: { n: 60 } } },
          { op: "update", id: 987654, feature: { fields: { n: 1 } } },
        ],
        [
          { op: "delete", id: firstId },
          { op: "insert", feature: { fields: { n: "not a number" } } },
        ],
        [
          { op: "update", id: firstId, feature: { fields: { name: "changed" } } },
          { op: "delete", id: 987654 },
        ],
        [
          { op: "delete", id: firstId },
          { op: "delete", id: firstId },
        ],
      ] as const;
      for (const ops of bad) {
        await expect(src.batch(ops as never)).rejects.toThrow();
        expect(await all(src)).toEqual(before);
      }
      const ids = await src.batch([
        { op: "insert", feature: { geom: parseWkt("POINT (1 1)"), fields: { n: 61 } } },
        { op: "update", id: firstId, feature: { fields: { name: "changed" } } },
        { op: "delete", id: before[1]!.id },
      ]);
      expect(ids.length).toBe(3);
      expect(ids[1]).toBe(firstId);
      expect(ids[2]).toBe(before[1]!.id);
      expect(await src.count()).toBe(50);
      expect((await all(src, { fids: [firstId] }))[0]!.fields.name).toBe("changed");
      expect(ns(await all(src, { fids: [ids[0]!] }))).toEqual([61]);
    });
  });
}
