/**
 * @module Many tiles of one layer at once, for seeding caches and writing archives: the tile
 * list over the data (@mapbox/tile-cover over every feature of small layers, over the layer
 * extent for big ones, cut to an optional lon/lat box), and a PMTiles export built on it.
 */
import { createWriteStream } from "node:fs";
import { gzipSync } from "node:zlib";
import tileCover from "@mapbox/tile-cover";
import { bboxOf } from "../geometry/bbox.ts";
import type { BBox, Geometry, Polygon } from "../geometry/types.ts";
import { transformer } from "../srs/index.ts";
import { PmtilesWriter, sortByTileId } from "./pmtiles.ts";
import type { LayerRef, TileService } from "./service.ts";
import { bboxToLonLat, mapGeometry } from "./srs.ts";
import { MAX_ZOOM, type TileCoord } from "./tile.ts";
import type { TileOptions } from "./types.ts";

/** Layers up to this size are covered feature by feature (tighter lists than the extent). */
const COVER_FEATURES = 20000;

export interface ZoomRange {
  min: number;
  max: number;
}

/** Parses "0-12" or "5"; throws RangeError for anything else. */
export function parseZoomRange(s: string): ZoomRange {
  const m = /^(\d{1,2})(?:-(\d{1,2}))?$/.exec(s.trim());
  if (!m) throw new RangeError(`zoom range must look like 0-12, got '${s}'`);
  const min = Number(m[1]);
  const max = Number(m[2] ?? m[1]);
  if (min > max || max > MAX_ZOOM) throw new RangeError(`zoom range must be within 0-${MAX_ZOOM}`);
  return { min, max };
}

/** Parses "minlon,minlat,maxlon,maxlat". */
export function parseBBox(s: string): BBox {
  const v = s.split(",").map(Number);
  if (v.length !== 4 || v.some((n) => !Number.isFinite(n)) || v[0]! >= v[2]! || v[1]! >= v[3]!)
    throw new RangeError(`bbox must be minlon,minlat,maxlon,maxlat, got '${s}'`);
  return v as BBox;
}

const R2D = 180 / Math.PI;
const mercToLonLat = (p: number[]) => [
  (p[0]! / 6378137) * R2D,
  (2 * Math.atan(Math.exp(p[1]! / 6378137)) - Math.PI / 2) * R2D,
];

function boxPolygon(b: BBox): Polygon {
  const [w, s, e, n] = b;
  return {
    type: "Polygon",
    coordinates: [
      [
        [w, s],
        [e, s],
        [e, n],
        [w, n],
        [w, s],
      ],
    ],
  };
}

/** The tiles of the zoom range that the layer's data touches, sorted by PMTiles tile id. */
export async function listTiles(
  ref: LayerRef,
  zooms: ZoomRange,
  clip?: BBox,
): Promise<TileCoord[]> {
  const { source, info } = await ref.open();
  const ext = await source.extent();
  if (!ext) return [];
  const extent = bboxToLonLat(ext, info.srs);
  const within = clip ?? extent;
  const seen = new Set<string>();
  const out: TileCoord[] = [];
  const add = (g: Exclude<Geometry, { type: "GeometryCollection" }>) => {
    // One call per zoom: with a range, tile-cover merges full quads into parents instead of
    // listing every zoom.
    for (let zoom = zooms.min; zoom <= zooms.max; zoom++) {
      for (const [x, y, z] of tileCover.tiles(g, { min_zoom: zoom, max_zoom: zoom })) {
        const k = `${z}/${x}/${y}`;
        if (seen.has(k)) continue;
        seen.add(k);
        out.push({ z, x, y });
      }
    }
  };
  if ((await source.count()) > COVER_FEATURES) {
    add(boxPolygon(clipBox(extent, within) ?? extent));
  } else {
    const toLonLat =
      info.srs === 4326 ? null : info.srs === 3857 ? mercToLonLat : transformer(info.srs, 4326);
    for await (const f of source.query({})) {
      if (!f.geom) continue;
      const g = toLonLat ? mapGeometry(f.geom, toLonLat) : f.geom;
      if (clip && !intersectsBox(g, clip)) continue;
      for (const part of g.type === "GeometryCollection" ? g.geometries : [g])
        if (part.type !== "GeometryCollection") add(part);
    }
  }
  const filtered = clip ? out.filter((t) => tileTouches(t, clip)) : out;
  return sortByTileId(filtered);
}

function clipBox(a: BBox, b: BBox): BBox | null {
  const r: BBox = [
    Math.max(a[0], b[0]),
    Math.max(a[1], b[1]),
    Math.min(a[2], b[2]),
    Math.min(a[3], b[3]),
  ];
  return r[0] <= r[2] && r[1] <= r[3] ? r : null;
}

function intersectsBox(g: Geometry, b: BBox): boolean {
  const gb = bboxOf(g);
  return gb !== null && !(gb[0] > b[2] || gb[2] < b[0] || gb[1] > b[3] || gb[3] < b[1]);
}

function tileTouches(t: TileCoord, b: BBox): boolean {
  const n = 2 ** t.z;
  const lon = (x: number) => (x / n) * 360 - 180;
  const lat = (y: number) => Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / n))) * R2D;
  return !(lon(t.x) > b[2] || lon(t.x + 1) < b[0] || lat(t.y + 1) > b[3] || lat(t.y) < b[1]);
}

export type Progress = (done: number, total: number) => void;

/** Renders every tile through the service (which fills its caches). Returns non-empty tiles. */
export async function seed(
  service: TileService,
  ref: LayerRef,
  tiles: TileCoord[],
  opts: Partial<TileOptions>,
  progress?: Progress,
): Promise<number> {
  let filled = 0;
  for (let i = 0; i < tiles.length; i++) {
    const { data } = await service.tile([ref], tiles[i]!, opts);
    if (data) filled++;
    progress?.(i + 1, tiles.length);
  }
  return filled;
}

export interface ArchiveInfo {
  name: string;
  description: string;
  fields: Record<string, string>;
}

/** Writes a PMTiles v3 archive of the layer (gzip MVT tiles) to `path`. */
export async function exportPmtiles(
  service: TileService,
  ref: LayerRef,
  tiles: TileCoord[],
  zooms: ZoomRange,
  about: ArchiveInfo,
  path: string,
  progress?: Progress,
): Promise<{ tiles: number; bytes: number }> {
  const writer = new PmtilesWriter();
  let count = 0;
  for (let i = 0; i < tiles.length; i++) {
    const t = tiles[i]!;
    const { data } = await service.tile([ref], t);
    if (data) {
      writer.add(t.z, t.x, t.y, gzipSync(data));
      count++;
    }
    progress?.(i + 1, tiles.length);
  }
  const { source, info } = await ref.open();
  const ext = await source.extent();
  const bounds = ext ? bboxToLonLat(ext, info.srs) : ([-180, -85, 180, 85] as BBox);
  const layerId = `ngw:${ref.id}`;
  const parts = writer.finish({
    minZoom: zooms.min,
    maxZoom: zooms.max,
    bounds,
    center: [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, zooms.min],
    metadata: {
      name: about.name,
      description: about.description,
      format: "pbf",
      vector_layers: [
        { id: layerId, fields: about.fields, minzoom: zooms.min, maxzoom: zooms.max },
      ],
    },
  });
  const out = createWriteStream(path);
  let bytes = 0;
  for (const p of parts) {
    bytes += p.length;
    if (!out.write(p)) await new Promise((r) => out.once("drain", r));
  }
  await new Promise<void>((res, rej) => out.end((err?: Error | null) => (err ? rej(err) : res())));
  return { tiles: count, bytes };
}
