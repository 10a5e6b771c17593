/**
 * @module FgbSource: a read-only FeatureSource over a FlatGeobuf file used in place. Bounding-box
 * queries walk the file's packed Hilbert R-tree (flatgeobuf's streamSearch) reading only the
 * index nodes and features they need from disk; attribute filters, order and paging run in JS
 * (evaluate.ts) — ordering a huge file buffers every match in memory. Feature ids are the
 * 1-based position of the feature in the file.
 */
import * as flatbuffers from "flatbuffers";
import { ColumnType } from "flatgeobuf/lib/mjs/flat-geobuf/column-type.js";
import { Feature as FgbFeature } from "flatgeobuf/lib/mjs/flat-geobuf/feature.js";
import { GeometryType as FgbType } from "flatgeobuf/lib/mjs/flat-geobuf/geometry-type.js";
import { Header } from "flatgeobuf/lib/mjs/flat-geobuf/header.js";
import { fromFeature } from "flatgeobuf/lib/mjs/geojson/feature.js";
import { fromByteBuffer, type HeaderMeta } from "flatgeobuf/lib/mjs/header-meta.js";
import { calcTreeSize, generateLevelBounds } from "flatgeobuf/lib/mjs/packedrtree.js";
import { bboxOf, bboxUnion } from "../geometry/bbox.ts";
import type { BBox, Geometry, GeometryType } from "../geometry/types.ts";
import { runQuery } from "./evaluate.ts";
import type {
  Feature,
  FeatureQuery,
  FeatureSource,
  FieldDef,
  FieldType,
  FieldValue,
  SourceInfo,
} from "./feature-source.ts";

const MAGIC = [0x66, 0x67, 0x62]; // "fgb"
/** Bytes read at once when scanning features; nearby index hits are read together too. */
const CHUNK = 1 << 20;

const COLUMN_TYPES: Partial<Record<ColumnType, FieldType>> = {
  [ColumnType.Byte]: "INTEGER",
  [ColumnType.UByte]: "INTEGER",
  [ColumnType.Bool]: "BOOLEAN",
  [ColumnType.Short]: "INTEGER",
  [ColumnType.UShort]: "INTEGER",
  [ColumnType.Int]: "INTEGER",
  [ColumnType.UInt]: "BIGINT",
  [ColumnType.Long]: "BIGINT",
  [ColumnType.ULong]: "BIGINT",
  [ColumnType.Float]: "REAL",
  [ColumnType.Double]: "REAL",
  [ColumnType.String]: "STRING",
  [ColumnType.Json]: "JSON",
  [ColumnType.DateTime]: "DATETIME",
};

const GEOMETRY_TYPES: Partial<Record<FgbType, string>> = {
  [FgbType.Point]: "POINT",
  [FgbType.LineString]: "LINESTRING",
  [FgbType.Polygon]: "POLYGON",
  [FgbType.MultiPoint]: "MULTIPOINT",
  [FgbType.MultiLineString]: "MULTILINESTRING",
  [FgbType.MultiPolygon]: "MULTIPOLYGON",
};

interface Opened {
  header: HeaderMeta;
  treeStart: number;
  featuresStart: number;
  fields: FieldDef[];
  hasZ: boolean;
}

/** FlatGeobuf DateTime is ISO 8601 with any precision/zone; NGW wants YYYY-MM-DDTHH:MM:SS. */
function dateTime(v: unknown): FieldValue {
  if (typeof v !== "string") return null;
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?))?/.exec(v);
  if (!m) return v;
  const t = m[2] ?? "00:00:00";
  return `${m[1]}T${t.length === 5 ? `${t}:00` : t}`;
}

export class FgbSource implements FeatureSource {
  private opened: Promise<Opened> | null = null;
  private readonly file: ReturnType<typeof Bun.file>;

  /** `srsOverride` replaces the file's CRS (files without one, or with a non-EPSG CRS). */
  constructor(
    readonly path: string,
    private readonly srsOverride?: number,
  ) {
    this.file = Bun.file(path);
  }

  private async read(start: number, length: number): Promise<Uint8Array> {
    return new Uint8Array(await this.file.slice(start, start + length).arrayBuffer());
  }

  private open(): Promise<Opened> {
    this.opened ??= (async () => {
      const head = await this.read(0, 12);
      if (head.length < 12 || !MAGIC.every((b, i) => head[i] === b)) {
        throw new Error(`${this.path} is not a FlatGeobuf file`);
      }
      const headerLength = new DataView(head.buffer).getUint32(8, true);
      if (headerLength < 8 || headerLength > 10 * 1024 * 1024)
        throw new Error("Invalid FlatGeobuf header size");
      const bytes = await this.read(8, 4 + headerLength);
      const header = fromByteBuffer(new flatbuffers.ByteBuffer(bytes));
      const hasZ = Header.getSizePrefixedRootAsHeader(new flatbuffers.ByteBuffer(bytes)).hasZ();
      const treeStart = 12 + headerLength;
      const indexLength =
        header.indexNodeSize > 0 && header.featuresCount > 0
          ? calcTreeSize(header.featuresCount, header.indexNodeSize)
          : 0;
      const fields: FieldDef[] = [];
      for (const c of header.columns ?? []) {
        const t = COLUMN_TYPES[c.type];
        if (t) fields.push({ keyname: c.name, datatype: t });
      }
      return { header, treeStart, featuresStart: treeStart + indexLength, fields, hasZ };
    })();
    return this.opened;
  }

  async info(): Promise<SourceInfo> {
    const { header, fields, hasZ } = await this.open();
    const base = GEOMETRY_TYPES[header.geometryType];
    const z = hasZ ? "Z" : "";
    return {
      srs: this.srsOverride ?? (header.crs?.code || 0),
      geometryType: (base ? `${base}${z}` : "NONE") as GeometryType,
      fields: fields.map((f) => ({ ...f })),
    };
  }

  private toFeature(o: Opened, idx: number, bytes: Uint8Array): Feature {
    const bb = new flatbuffers.ByteBuffer(bytes);
    const f = FgbFeature.getSizePrefixedRootAsFeature(bb);
    const g = fromFeature(idx, f, o.header);
    const props = (g.properties ?? {}) as Record<string, unknown>;
    const fields: Record<string, FieldValue> = {};
    for (const d of o.fields) {
      const v = props[d.keyname];
      fields[d.keyname] =
        v === undefined || v === null
          ? null
          : d.datatype === "DATETIME"
            ? dateTime(v)
            : (v as FieldValue);
    }
    return { id: idx + 1, geom: (g.geometry as Geometry | null) ?? null, fields };
  }

  /** Every feature in file order, read in large chunks. */
  private async *scan(o: Opened, signal?: AbortSignal): AsyncGenerator<Feature> {
    let pos = o.featuresStart;
    const end = this.file.size;
    let buf: Uint8Array = new Uint8Array(0);
    let bufStart = pos;
    for (let idx = 0; idx < o.header.featuresCount && pos < end; idx++) {
      if (signal?.aborted) return;
      if (pos + 4 > bufStart + buf.length) {
        buf = await this.read(pos, CHUNK);
        bufStart = pos;
      }
      const len = new DataView(buf.buffer, buf.byteOffset + pos - bufStart).getUint32(0, true);
      if (pos + 4 + len > bufStart + buf.length) {
        buf = await this.read(pos, Math.max(CHUNK, 4 + len));
        bufStart = pos;
      }
      const at = pos - bufStart;
      yield this.toFeature(o, idx, buf.subarray(at, at + 4 + len));
      pos += 4 + len;
    }
  }

  /**
   * Leaf hits [feature byte offset, feature index] of the packed Hilbert R-tree for box `b`.
   * Our own walk, not flatgeobuf's streamSearch, which logs every step with console.debug.
   * Nodes are 40 bytes (minX, minY, maxX, maxY as f64, then a u64: first child index, or the
   * feature's offset at the leaf level); the root is node 0.
   */
  private async searchIndex(o: Opened, b: BBox): Promise<[number, number][]> {
    const { featuresCount: n, indexNodeSize: size } = o.header;
    const levels = generateLevelBounds(n, size);
    const leafStart = levels[0]![0];
    const hits: [number, number][] = [];
    const stack: [node: number, level: number][] = [[0, levels.length - 1]];
    while (stack.length) {
      const [start, level] = stack.pop()!;
      const end = Math.min(start + size, levels[level]![1]);
      const bytes = await this.read(o.treeStart + start * 40, (end - start) * 40);
      const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let i = 0; i < end - start; i++) {
        const at = i * 40;
        if (b[2] < v.getFloat64(at, true) || b[3] < v.getFloat64(at + 8, true)) continue;
        if (b[0] > v.getFloat64(at + 16, true) || b[1] > v.getFloat64(at + 24, true)) continue;
        const off = Number(v.getBigUint64(at + 32, true));
        if (start >= leafStart) hits.push([off, start + i - leafStart]);
        else stack.push([off, level - 1]);
      }
    }
    return hits;
  }

  /** Features whose index box meets `b`, in file (= id) order, via the packed R-tree. */
  private async *search(o: Opened, b: BBox, signal?: AbortSignal): AsyncGenerator<Feature> {
    const hits = await this.searchIndex(o, b);
    hits.sort((a, b) => a[1] - b[1]);
    let buf: Uint8Array = new Uint8Array(0);
    let bufStart = 0;
    for (const [offset, idx] of hits) {
      if (signal?.aborted) return;
      const pos = o.featuresStart + offset;
      if (pos < bufStart || pos + 4 > bufStart + buf.length) {
        buf = await this.read(pos, CHUNK);
        bufStart = pos;
      }
      const len = new DataView(buf.buffer, buf.byteOffset + pos - bufStart).getUint32(0, true);
      if (pos + 4 + len > bufStart + buf.length) {
        buf = await this.read(pos, Math.max(CHUNK, 4 + len));
        bufStart = pos;
      }
      const at = pos - bufStart;
      yield this.toFeature(o, idx, buf.subarray(at, at + 4 + len));
    }
  }

  private async *candidates(q: FeatureQuery): AsyncGenerator<Feature> {
    const o = await this.open();
    let box = q.bbox ?? null;
    if (q.intersects) {
      const ib = bboxOf(q.intersects);
      if (!ib) return;
      box = box
        ? [
            Math.max(ib[0], box[0]),
            Math.max(ib[1], box[1]),
            Math.min(ib[2], box[2]),
            Math.min(ib[3], box[3]),
          ]
        : ib;
    }
    if (box && (box[0] > box[2] || box[1] > box[3])) return;
    if (box && o.header.indexNodeSize > 0 && o.header.featuresCount > 0)
      yield* this.search(o, box, q.signal);
    else yield* this.scan(o, q.signal);
  }

  async *query(q: FeatureQuery = {}): AsyncGenerator<Feature> {
    const { fields } = await this.open();
    yield* runQuery(fields, q, this.candidates(q), true);
  }

  private unfiltered(q: FeatureQuery): boolean {
    return !q.bbox && !q.intersects && !q.filter?.length && !q.fids && !q.textSearch;
  }

  async count(q: FeatureQuery = {}): Promise<number> {
    const o = await this.open();
    if (this.unfiltered(q)) return o.header.featuresCount;
    let n = 0;
    for await (const _ of runQuery(
      o.fields,
      { ...q, limit: undefined, offset: 0, order: [], fields: [] },
      this.candidates(q),
      true,
    ))
      n++;
    return n;
  }

  async extent(q: FeatureQuery = {}): Promise<BBox | null> {
    const o = await this.open();
    const env = o.header.envelope;
    if (
      this.unfiltered(q) &&
      env &&
      env.length >= 4 &&
      Number.isFinite(env[0]) &&
      env[0]! <= env[2]!
    ) {
      return [env[0]!, env[1]!, env[2]!, env[3]!];
    }
    let b: BBox | null = null;
    for await (const f of runQuery(
      o.fields,
      { ...q, limit: undefined, offset: 0, order: [], fields: [] },
      this.candidates(q),
      true,
    )) {
      if (f.geom) b = bboxUnion(b, bboxOf(f.geom));
    }
    return b;
  }
}
