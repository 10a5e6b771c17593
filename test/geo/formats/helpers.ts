/** @module Test helpers for the format readers/writers: the sources of truth and comparisons. */
import { expect } from "bun:test";
import { join } from "node:path";
import type { ReadFeature, VectorReader } from "../../../src/geo/formats/source.ts";
import type { Geometry } from "../../../src/geo/geometry/types.ts";

export const FIX = join(import.meta.dir, "../../fixtures/formats");

export interface TruthFeature {
  properties: Record<string, unknown>;
  geometry: Geometry;
}

/** The source GeoJSON parsed with JSON.parse (independent of the streaming scanner). */
export async function truth(name: string): Promise<TruthFeature[]> {
  return (await Bun.file(join(FIX, name)).json()).features;
}

export async function collect(r: VectorReader): Promise<ReadFeature[]> {
  const out: ReadFeature[] = [];
  for await (const f of r.features()) out.push(f);
  return out;
}

/** All vertices of a geometry, rounded and sorted: ring order/orientation-independent. */
export function vertexKey(g: Geometry | null): string {
  const pts: string[] = [];
  const walk = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === "number")
      pts.push(`${(c[0] as number).toFixed(5)},${(c[1] as number).toFixed(5)}`);
    else if (Array.isArray(c)) c.forEach(walk);
  };
  if (g && g.type !== "GeometryCollection") walk(g.coordinates);
  return pts.sort().join(" ");
}

/** Polygon count and ring counts, so holes are checked too. */
export function shape(g: Geometry | null): number[][] {
  if (!g) return [];
  if (g.type === "Polygon") return [[g.coordinates.length]];
  if (g.type === "MultiPolygon") return g.coordinates.map((p) => [p.length]).sort();
  return [];
}

/** Compares read features with the truth on the given fields (booleans read as 0/1 allowed). */
export function expectSameFeatures(
  got: ReadFeature[],
  want: TruthFeature[],
  fields: string[],
  byName = false,
): void {
  expect(got.length).toBe(want.length);
  // A spatially indexed FlatGeobuf stores features in Hilbert order: match them by name then.
  if (byName) want = got.map((f) => want.find((w) => w.properties.name === f.fields.name)!);
  got.forEach((f, i) => {
    const w = want[i]!;
    for (const k of fields) {
      const a = f.fields[k];
      const b = w.properties[k];
      if (typeof b === "boolean") expect(Boolean(a)).toBe(b);
      else expect(a).toEqual(b as never);
    }
    expect(vertexKey(f.geom)).toBe(vertexKey(w.geometry));
    if (w.geometry.type.endsWith("Polygon")) {
      const asMulti = (g: Geometry | null) => shape(g);
      expect(asMulti(f.geom)).toEqual(asMulti(w.geometry));
    } else expect(f.geom?.type).toBe(w.geometry.type);
  });
}
