/** @module Runs the FeatureSource contract against libSQL, FlatGeobuf (plain and indexed) and memory. */
import { afterAll } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { serialize } from "flatgeobuf/lib/mjs/geojson.js";
import { FgbSource } from "../../../src/geo/sources/fgb-source.ts";
import { createLayerTable, LibsqlSource } from "../../../src/geo/sources/libsql-source.ts";
import { MemorySource } from "../../../src/geo/sources/memory-source.ts";
import { type Schema, sourceContract } from "./contract.ts";

const dir = mkdtempSync(join(tmpdir(), "gisd-sources-"));
const clients: { close(): void }[] = [];
afterAll(() => {
  for (const c of clients) c.close();
  rmSync(dir, { recursive: true, force: true });
});
let seq = 0;

sourceContract("MemorySource", async (schema, features) => new MemorySource(schema, features), {
  editable: true,
});

sourceContract(
  "LibsqlSource",
  async (schema: Schema, features) => {
    const client = createClient({ url: `file:${join(dir, `db${++seq}.sqlite`)}` });
    clients.push(client);
    const spec = {
      table: "layer_1",
      srs: schema.srs,
      geometryType: schema.geometryType,
      // Columns named by the catalog, not by the (arbitrary) keynames.
      fields: schema.fields.map((f, i) => ({ ...f, column: `fld_${i + 1}` })),
    };
    await createLayerTable(client, spec);
    const src = new LibsqlSource(client, spec);
    await src.insert(features);
    return src;
  },
  { editable: true },
);

function geojson(features: Parameters<Parameters<typeof sourceContract>[1]>[1]) {
  return {
    type: "FeatureCollection" as const,
    features: features.map((f) => ({
      type: "Feature" as const,
      geometry: f.geom as never,
      properties: f.fields,
    })),
  };
}

sourceContract(
  "FgbSource (no index)",
  async (schema, features) => {
    const path = join(dir, `f${++seq}.fgb`);
    await Bun.write(path, serialize(geojson(features), schema.srs));
    return new FgbSource(path);
  },
  { editable: false },
);

// GDAL writes the packed Hilbert R-tree (and reorders features): exercises the index path.
if (Bun.which("ogr2ogr")) {
  sourceContract(
    "FgbSource (GDAL, indexed)",
    async (_schema, features) => {
      const src = join(dir, `g${++seq}.geojson`);
      const path = join(dir, `g${seq}.fgb`);
      await Bun.write(src, JSON.stringify(geojson(features)));
      const p = Bun.spawnSync(["ogr2ogr", "-f", "FlatGeobuf", "-a_srs", "EPSG:3857", path, src]);
      if (p.exitCode !== 0) throw new Error(p.stderr.toString());
      return new FgbSource(path);
    },
    { editable: false },
  );
}
