/**
 * PNG tile rendering benchmark: gisd's in-process renderer against MapServer on the same tiles
 * with the same style, in the same run.
 *
 *   bun scripts/bench/render.ts [--repeat N]
 *
 * Layers: Natural Earth countries (data/samples, 177 polygons, fill #9ec3e6 + 1 px #3a78b4
 * outline) and an RGB relief raster made here with GDAL from test/fixtures/raster/elev.tif
 * (upsampled ×20 to 1900×1800, EPSG:4326, bilinear). Tiles: all 256 tiles of z4 for the
 * polygons, the z4 tile holding the raster, and an 8×8 block of z10 tiles around Luxembourg for
 * both. gisd renders through `renderImage` (warp/draw + PNG encode, blocks cached after first
 * use, as the server does). MapServer (Debian's mapserver-bin, see setup-mapserver.sh) runs
 * `map2img -c N` per tile so process start-up is amortized over N draws; its figure is
 * tiles/s = tiles × N / wall time. Prints one line per case and the gisd/MapServer ratio.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fromMercator, toMercator, transformGeometry } from "../../src/catalog/render/srs.ts";
import { bboxOf } from "../../src/geo/geometry/bbox.ts";
import type { BBox, Geometry } from "../../src/geo/geometry/types.ts";
import { decodeBlock } from "../../src/geo/raster/blocks.ts";
import { openGeoTiff } from "../../src/geo/raster/geotiff.ts";
import { buildPyramid } from "../../src/geo/raster/pyramid.ts";
import { type RenderLayer, renderImage } from "../../src/geo/render/index.ts";
import { tileBBox, tileView } from "../../src/geo/render/view.ts";
import type { Feature } from "../../src/geo/sources/feature-source.ts";
import { defaultRasterStyle, type VectorStyle } from "../../src/geo/style/model.ts";

const root = resolve(import.meta.dir, "../..");
const repeat = Number(process.argv[process.argv.indexOf("--repeat") + 1]) || 10;
const tmp = mkdtempSync(join(tmpdir(), "gisd-bench-render-"));

function sh(cmd: string[]): void {
  const p = Bun.spawnSync(cmd, { stderr: "pipe" });
  if (p.exitCode !== 0) throw new Error(`${cmd[0]} failed: ${p.stderr.toString()}`);
}

// --- data ---------------------------------------------------------------------------------
const countriesPath = join(root, "data/samples/countries.geojson");
const gj = (await Bun.file(countriesPath).json()) as {
  features: { geometry: Geometry; properties: Record<string, unknown> }[];
};
const toMerc = toMercator(4326);
const feats = gj.features.map((f, i) => {
  const geom = transformGeometry(f.geometry, toMerc);
  return { f: { id: i + 1, geom, fields: f.properties } as Feature, box: bboxOf(geom)! };
});
const polygonStyle: VectorStyle = {
  kind: "vector",
  opacity: 1,
  renderer: { type: "single" },
  rules: [
    {
      symbolizers: [
        { kind: "fill", color: "#9ec3e6", opacity: 1 },
        { kind: "stroke", color: "#3a78b4", width: 1, opacity: 1, join: "round", cap: "round" },
      ],
    },
  ],
};
const polygons: RenderLayer = {
  kind: "vector",
  style: polygonStyle,
  input: {
    async *features(b: BBox) {
      for (const { f, box } of feats)
        if (box[0] <= b[2] && box[2] >= b[0] && box[1] <= b[3] && box[3] >= b[1]) yield f;
    },
  },
};

const dem = join(tmp, "dem.tif");
const relief = join(tmp, "relief.tif");
sh(
  ["gdal_translate", "-q", "-outsize", "2000%", "2000%", "-r", "bilinear"].concat([
    join(root, "test/fixtures/raster/elev.tif"),
    dem,
  ]),
);
sh(
  ["gdaldem", "color-relief", "-q", dem, join(root, "test/fixtures/raster/relief-ramp.txt")].concat(
    [relief, "-co", "TILED=YES"],
  ),
);
const blocks = new Map<string, Uint8Array>();
const reader = await openGeoTiff(relief);
const info = await buildPyramid(reader, {
  put: async (l, c, r, d) => void blocks.set(`${l}/${c}/${r}`, d),
  get: async (l, c, r) => blocks.get(`${l}/${c}/${r}`),
});
reader.close();
const decoded = new Map<string, ReturnType<typeof decodeBlock>>();
const raster: RenderLayer = {
  kind: "raster",
  style: { ...defaultRasterStyle(3, "Byte"), resampling: "bilinear" },
  input: {
    info,
    inverse: fromMercator(4326),
    block: async (l, c, r) => {
      const k = `${l}/${c}/${r}`;
      let b = decoded.get(k);
      const d = blocks.get(k);
      if (!b && d) decoded.set(k, (b = decodeBlock(info, d)));
      return b;
    },
  },
};

// --- tiles --------------------------------------------------------------------------------
type Tile = [number, number, number];
const z4All: Tile[] = [];
for (let x = 0; x < 16; x++) for (let y = 0; y < 16; y++) z4All.push([4, x, y]);
const z10Lux: Tile[] = [];
for (let x = 527; x < 535; x++) for (let y = 343; y < 351; y++) z10Lux.push([10, x, y]);
const cases: { name: string; layer: RenderLayer; ms: string; tiles: Tile[] }[] = [
  { name: "polygons z4 (256 tiles)", layer: polygons, ms: "countries", tiles: z4All },
  { name: "polygons z10 (64 tiles)", layer: polygons, ms: "countries", tiles: z10Lux },
  { name: "raster z4 (1 tile)", layer: raster, ms: "relief", tiles: [[4, 8, 5]] },
  { name: "raster z10 (64 tiles)", layer: raster, ms: "relief", tiles: z10Lux },
];

async function gisdRate(layer: RenderLayer, tiles: Tile[]): Promise<number> {
  for (const t of tiles.slice(0, 4)) await renderImage([layer], tileView(...t)); // warm-up
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 2000 || n < tiles.length) {
    await renderImage([layer], tileView(...tiles[n % tiles.length]!));
    n++;
  }
  return (n * 1000) / (performance.now() - t0);
}

// --- MapServer ----------------------------------------------------------------------------
const map2img = Bun.which("map2img");
// MapServer reads its native format, a shapefile (with a .qix index), as a deployment would.
const shp = join(tmp, "countries.shp");
if (map2img) {
  sh(["ogr2ogr", "-q", "-f", "ESRI Shapefile", shp, countriesPath]);
  if (Bun.which("shptree")) sh(["shptree", shp]);
}
const mapfile = join(tmp, "bench.map");
writeFileSync(
  mapfile,
  `MAP
  SIZE 256 256
  EXTENT -20037508.34 -20037508.34 20037508.34 20037508.34
  PROJECTION "init=epsg:3857" END
  IMAGETYPE "png32"
  OUTPUTFORMAT NAME "png32" DRIVER AGG/PNG IMAGEMODE RGBA TRANSPARENT ON EXTENSION "png" END
  LAYER NAME "countries" TYPE POLYGON STATUS OFF
    DATA "${shp}"
    PROJECTION "init=epsg:4326" END
    CLASS STYLE COLOR 158 195 230 END STYLE OUTLINECOLOR 58 120 180 WIDTH 1 END END
  END
  LAYER NAME "relief" TYPE RASTER STATUS OFF DATA "${relief}"
    PROJECTION "init=epsg:4326" END
    PROCESSING "RESAMPLE=BILINEAR"
  END
END
`,
);

function mapserverRate(layer: string, tiles: Tile[]): number {
  const t0 = performance.now();
  for (const t of tiles) {
    const b = tileBBox(...t).map(String);
    sh(
      [map2img!, "-m", mapfile, "-l", layer, "-e", ...b, "-s", "256", "256"].concat([
        "-c",
        String(repeat),
        "-o",
        join(tmp, "ms.png"),
      ]),
    );
  }
  return (tiles.length * repeat * 1000) / (performance.now() - t0);
}

console.log(`render bench: gisd ${process.versions.bun ? `bun ${process.versions.bun}` : ""}`);
if (!map2img) console.log("MapServer's map2img not found: run scripts/bench/setup-mapserver.sh");
for (const c of cases) {
  const g = await gisdRate(c.layer, c.tiles);
  let line = `${c.name.padEnd(24)} gisd ${g.toFixed(1).padStart(8)} tiles/s`;
  if (map2img) {
    const m = mapserverRate(c.ms, c.tiles);
    line += `   mapserver ${m.toFixed(1).padStart(8)} tiles/s   ratio ${(g / m).toFixed(2)}`;
  }
  console.log(line);
}
rmSync(tmp, { recursive: true, force: true });
