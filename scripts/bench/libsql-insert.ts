/**
 * @module Micro benchmark of LibsqlSource.bulkInsert: N generated polygons with 4 attributes into
 * a temp libSQL file inside one transaction, then a bbox count and a full streamed read.
 * Run: bun scripts/bench/libsql-insert.ts [N=200000]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import type { FeatureInput } from "../../src/geo/sources/feature-source.ts";
import {
  bulkInsert,
  createLayerTable,
  type LayerTableSpec,
  LibsqlSource,
} from "../../src/geo/sources/libsql-source.ts";

const N = Number(process.argv[2] ?? 200_000);
const dir = mkdtempSync(join(tmpdir(), "gisd-bench-libsql-"));
const client = createClient({ url: `file:${join(dir, "bench.sqlite")}` });
await client.execute("PRAGMA journal_mode = WAL");
const spec: LayerTableSpec = {
  table: "layer_1",
  srs: 3857,
  geometryType: "POLYGON",
  fields: [
    { keyname: "n", datatype: "INTEGER", column: "fld_1" },
    { keyname: "name", datatype: "STRING", column: "fld_2" },
    { keyname: "v", datatype: "REAL", column: "fld_3" },
    { keyname: "day", datatype: "DATE", column: "fld_4" },
  ],
};
await createLayerTable(client, spec);

function* features(): Generator<FeatureInput> {
  for (let i = 0; i < N; i++) {
    const x = (i % 1000) * 100;
    const y = Math.floor(i / 1000) * 100;
    yield {
      geom: {
        type: "Polygon",
        coordinates: [
          [
            [x, y],
            [x + 50, y],
            [x + 50, y + 50],
            [x, y + 50],
            [x, y],
          ],
        ],
      },
      fields: { n: i, name: `feature ${i}`, v: i / 7, day: "2024-01-01" },
    };
  }
}

const t0 = performance.now();
const tx = await client.transaction("write");
await bulkInsert(tx, spec, features());
await tx.commit();
const t1 = performance.now();
const src = new LibsqlSource(client, spec);
const hits = await src.count({ bbox: [1000, 1000, 20000, 20000] });
const t2 = performance.now();
let read = 0;
for await (const _ of src.query()) read++;
const t3 = performance.now();
console.log(
  `insert: ${N} features in ${((t1 - t0) / 1000).toFixed(2)} s = ${Math.round(N / ((t1 - t0) / 1000))} features/s`,
);
console.log(`bbox count: ${hits} in ${(t2 - t1).toFixed(1)} ms`);
console.log(
  `stream read: ${read} features in ${((t3 - t2) / 1000).toFixed(2)} s = ${Math.round(read / ((t3 - t2) / 1000))} features/s`,
);
client.close();
rmSync(dir, { recursive: true, force: true });
