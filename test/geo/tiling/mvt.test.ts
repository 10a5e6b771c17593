/**
 * @module The whole pipeline against generated layers: every tile decodes with
 * @mapbox/vector-tile, holds exactly the source features that intersect its box, with their
 * properties, and coordinates within one tile unit of the source; the geojson-vt index and the
 * streaming path agree; sources in EPSG:4326 work too.
 */
import { describe, expect, test } from "bun:test";
import { bboxToPolygon } from "../../../src/geo/geometry/bbox.ts";
import { geometryIntersects } from "../../../src/geo/geometry/intersects.ts";
import type { Geometry } from "../../../src/geo/geometry/types.ts";
import type { Feature, FieldDef } from "../../../src/geo/sources/feature-source.ts";
import { transformer } from "../../../src/geo/srs/index.ts";
import { LayerIndex } from "../../../src/geo/tiling/index.ts";
import { renderTile } from "../../../src/geo/tiling/mvt.ts";
import { mapGeometry } from "../../../src/geo/tiling/srs.ts";
import { type TileCoord, tileBBox } from "../../../src/geo/tiling/tile.ts";
import { ArraySource, building, decode, prng, road } from "./helpers.ts";

const FIELDS: FieldDef[] = [
  { keyname: "name", datatype: "STRING" },
  { keyname: "floors", datatype: "INTEGER" },
  { keyname: "height", datatype: "REAL" },
];

// A 20 km square around Moscow's centre in EPSG:3857: buildings, roads and points.
const CX = 4187000;
const CY = 7508000;
function makeFeatures(n: number, seed: number): Feature[] {
  const rnd = prng(seed);
  const out: Feature[] = [];
  for (let i = 1; i <= n; i++) {
    const x = CX + (rnd() - 0.5) * 20000;
    const y = CY + (rnd() - 0.5) * 20000;
    const kind = i % 3;
    const geom: Geometry =
      kind === 0
        ? building(x, y, 150 + rnd() * 300, 150 + rnd() * 300, rnd() * Math.PI)
        : kind === 1
          ? road(rnd, x, y, 8, 400)
          : { type: "Point", coordinates: [x, y] };
    out.push({ id: i, geom, fields: { name: `f${i}`, floors: i % 17, height: i / 4 } });
  }
  return out;
}

const features = makeFeatures(600, 7);
const tiles: TileCoord[] = [
  { z: 11, x: 1237, y: 640 },
  { z: 12, x: 2475, y: 1281 },
  { z: 13, x: 4950, y: 2563 },
  { z: 14, x: 9901, y: 5126 },
  { z: 9, x: 309, y: 160 },
];

/** Ids of source features meeting the tile box grown (d > 0) or shrunk (d < 0) by d units. */
function idsNear(t: TileCoord, d: number): number[] {
  const [a, b, c, e] = tileBBox(t);
  const u = ((c - a) / 4096) * d;
  const box = bboxToPolygon([a - u, b - u, c + u, e + u]);
  return features.filter((f) => geometryIntersects(f.geom!, box)).map((f) => f.id);
}

/**
 * The tile must hold every feature that meets the tile shrunk by one unit and nothing that
 * misses it grown by one unit: a sliver thinner than a tile unit rounds away, as it must.
 */
function expectTileIds(t: TileCoord, got: number[]) {
  const must = idsNear(t, -1);
  const may = new Set(idsNear(t, 1));
  const have = new Set(got);
  expect(must.filter((id) => !have.has(id))).toEqual([]);
  expect(got.filter((id) => !may.has(id))).toEqual([]);
  expect(got.length).toBe(have.size);
  expect(got.length).toBeGreaterThan(0);
}

describe("renderTile", () => {
  const source = new ArraySource(features, 3857, FIELDS);
  const layer = {
    name: "ngw:7",
    source,
    info: { srs: 3857, geometryType: "POINT" as const, fields: FIELDS },
  };

  for (const t of tiles) {
    test(`z${t.z}: features, ids, properties and coordinates match the source`, async () => {
      const { data } = await renderTile([layer], t, { buffer: 0, simplification: 0 });
      const got = decode(data!)["ngw:7"]!;
      expectTileIds(
        t,
        got.map((f) => f.id!),
      );
      const [minX, , maxX, maxY] = tileBBox(t);
      const k = 4096 / (maxX - minX);
      for (const f of got) {
        const src = features[f.id! - 1]!;
        expect(f.props).toEqual(src.fields as Record<string, unknown>);
        if (src.geom!.type === "Point") {
          const [x, y] = src.geom!.coordinates as number[];
          expect(Math.abs(f.rings[0]![0]!.x - (x! - minX) * k)).toBeLessThanOrEqual(1);
          expect(Math.abs(f.rings[0]![0]!.y - (maxY - y!) * k)).toBeLessThanOrEqual(1);
        }
        // Every vertex lies within the tile (plus rounding): clipping did its job.
        for (const r of f.rings)
          for (const p of r) {
            expect(p.x).toBeGreaterThanOrEqual(0);
            expect(p.x).toBeLessThanOrEqual(4096);
          }
      }
    });
  }

  test("unclipped vertices stay within one tile unit of the source", async () => {
    const t = tiles[3]!;
    const { data } = await renderTile([layer], t, { buffer: 64, simplification: 0 });
    const [minX, , maxX, maxY] = tileBBox(t);
    const k = 4096 / (maxX - minX);
    for (const f of decode(data!)["ngw:7"]!) {
      const src = features[f.id! - 1]!.geom!;
      if (src.type !== "LineString") continue;
      const want = src.coordinates.map(([x, y]) => [(x! - minX) * k, (maxY - y!) * k]);
      for (const p of f.rings.flat()) {
        const inside = p.x > -64 && p.x < 4160 && p.y > -64 && p.y < 4160;
        if (!inside) continue;
        // Each decoded vertex is a source vertex or a clip point; source ones are within 1 unit.
        const near = want.some(([x, y]) => Math.hypot(p.x - x!, p.y - y!) <= 1);
        const onEdge = p.x <= -63 || p.x >= 4159 || p.y <= -63 || p.y >= 4159;
        expect(near || onEdge).toBe(true);
      }
    }
  });

  test("a 4326 source gives the same tile as its 3857 twin", async () => {
    const R = 6378137;
    const toLonLat = (p: number[]) => [
      (p[0]! / R) * (180 / Math.PI),
      (2 * Math.atan(Math.exp(p[1]! / R)) - Math.PI / 2) * (180 / Math.PI),
    ];
    const ll = features.map((f) => ({ ...f, geom: mapGeometry(f.geom!, toLonLat) }));
    const src4326 = new ArraySource(ll, 4326, FIELDS);
    const t = tiles[1]!;
    const a = await renderTile([layer], t, { buffer: 0, simplification: 0 });
    const b = await renderTile(
      [{ ...layer, source: src4326, info: { ...layer.info, srs: 4326 } }],
      t,
      { buffer: 0, simplification: 0 },
    );
    const ids = (d: Uint8Array | null) =>
      decode(d!)
        ["ngw:7"]!.map((f) => f.id)
        .sort();
    expect(ids(b.data)).toEqual(ids(a.data));
  });

  test("a UTM (EPSG:32637) source goes through the SRS engine and gives the same tile", async () => {
    const toUtm = transformer(3857, 32637);
    const utm = features.map((f) => ({ ...f, geom: mapGeometry(f.geom!, toUtm) }));
    const src = new ArraySource(utm, 32637, FIELDS);
    const t = tiles[1]!;
    const a = await renderTile([layer], t, { buffer: 0, simplification: 0 });
    const b = await renderTile(
      [{ ...layer, source: src, info: { ...layer.info, srs: 32637 } }],
      t,
      {
        buffer: 0,
        simplification: 0,
      },
    );
    const ids = (d: Uint8Array | null) =>
      decode(d!)
        ["ngw:7"]!.map((f) => f.id)
        .sort();
    expect(ids(b.data)).toEqual(ids(a.data));
  });

  test("the geojson-vt index gives the same features as the streaming path", async () => {
    const index = await LayerIndex.build(source, layer.info, {
      extent: 4096,
      buffer: 0,
      simplification: 0,
      maxBytes: 500 * 1024,
    });
    const before = source.queries;
    for (const t of tiles) {
      const { data } = await renderTile([{ ...layer, index }], t, { buffer: 0, simplification: 0 });
      expectTileIds(t, data ? decode(data)["ngw:7"]!.map((f) => f.id!) : []);
    }
    expect(source.queries).toBe(before); // served from memory
  });

  test("several layers go into one tile under their own names", async () => {
    const other = { ...layer, name: "ngw:8" };
    const { data } = await renderTile([layer, other], tiles[0]!);
    const d = decode(data!);
    expect(Object.keys(d).sort()).toEqual(["ngw:7", "ngw:8"]);
    expect(d["ngw:7"]!.length).toBe(d["ngw:8"]!.length);
  });
});
