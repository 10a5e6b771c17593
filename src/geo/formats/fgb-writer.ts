/**
 * @module FlatGeobuf writer with a packed Hilbert R-tree (so /fgb range reads can filter by
 * bbox). Features are encoded by the flatgeobuf package (buildFeature) into a spill file while
 * their envelopes are kept; then the header (built here: the package's buildHeader writes no
 * index), the tree and the features in Hilbert order are written to the output.
 */
import { open, rm } from "node:fs/promises";
import { join } from "node:path";
import * as flatbuffers from "flatbuffers";
import { Column } from "flatgeobuf/lib/mjs/flat-geobuf/column.js";
import { ColumnType } from "flatgeobuf/lib/mjs/flat-geobuf/column-type.js";
import { Crs } from "flatgeobuf/lib/mjs/flat-geobuf/crs.js";
import { Feature as FgbFeature } from "flatgeobuf/lib/mjs/flat-geobuf/feature.js";
import { GeometryType as FgbType } from "flatgeobuf/lib/mjs/flat-geobuf/geometry-type.js";
import { Header } from "flatgeobuf/lib/mjs/flat-geobuf/header.js";
import { buildFeature } from "flatgeobuf/lib/mjs/generic/feature.js";
import { parseGC, parseGeometry } from "flatgeobuf/lib/mjs/geojson/geometry.js";
import type { HeaderMeta } from "flatgeobuf/lib/mjs/header-meta.js";
import { calcTreeSize, generateLevelBounds } from "flatgeobuf/lib/mjs/packedrtree.js";
import { type BBox, type Geometry, toMulti } from "../geometry/types.ts";
import type { Feature, FieldDef, FieldType, SourceInfo } from "../sources/feature-source.ts";
import { BufferedFile, BufferedWriter } from "./buffered-file.ts";
import { FormatError } from "./errors.ts";
import { envelope } from "./geom-util.ts";

export const FGB_NODE_SIZE = 16;
const MAGIC = new Uint8Array([0x66, 0x67, 0x62, 0x03, 0x66, 0x67, 0x62, 0x00]);

const COLUMN: Record<FieldType, ColumnType> = {
  INTEGER: ColumnType.Int,
  BIGINT: ColumnType.Long,
  REAL: ColumnType.Double,
  STRING: ColumnType.String,
  DATE: ColumnType.DateTime,
  TIME: ColumnType.String,
  DATETIME: ColumnType.DateTime,
  BOOLEAN: ColumnType.Bool,
  JSON: ColumnType.Json,
};

const LAYER_TYPE: Record<string, FgbType> = {
  POINT: FgbType.Point,
  LINESTRING: FgbType.LineString,
  POLYGON: FgbType.Polygon,
  MULTIPOINT: FgbType.MultiPoint,
  MULTILINESTRING: FgbType.MultiLineString,
  MULTIPOLYGON: FgbType.MultiPolygon,
};

function buildHeader(
  meta: HeaderMeta,
  name: string,
  hasZ: boolean,
  srs: number,
  ext: BBox | null,
): Uint8Array {
  const b = new flatbuffers.Builder(1024);
  const cols = (meta.columns ?? []).map((c) => {
    const n = b.createString(c.name);
    Column.startColumn(b);
    Column.addName(b, n);
    Column.addType(b, c.type);
    Column.addNullable(b, true);
    return Column.endColumn(b);
  });
  const colsOff = cols.length ? Header.createColumnsVector(b, cols) : 0;
  const nameOff = b.createString(name);
  const envOff = ext ? Header.createEnvelopeVector(b, ext) : 0;
  let crsOff = 0;
  if (srs > 0) {
    const org = b.createString("EPSG");
    Crs.startCrs(b);
    Crs.addOrg(b, org);
    Crs.addCode(b, srs);
    crsOff = Crs.endCrs(b);
  }
  Header.startHeader(b);
  Header.addName(b, nameOff);
  if (envOff) Header.addEnvelope(b, envOff);
  Header.addGeometryType(b, meta.geometryType);
  Header.addHasZ(b, hasZ);
  if (colsOff) Header.addColumns(b, colsOff);
  Header.addFeaturesCount(b, BigInt(meta.featuresCount));
  Header.addIndexNodeSize(b, meta.indexNodeSize);
  if (crsOff) Header.addCrs(b, crsOff);
  b.finishSizePrefixed(Header.endHeader(b));
  return b.asUint8Array();
}

/** A feature without geometry: buildFeature needs one, so its property bytes are re-wrapped. */
function buildBare(props: Record<string, unknown>, meta: HeaderMeta): Uint8Array {
  const withPoint = buildFeature(
    parseGeometry({ type: "Point", coordinates: [0, 0] }),
    props as never,
    meta,
  );
  const f = FgbFeature.getSizePrefixedRootAsFeature(new flatbuffers.ByteBuffer(withPoint));
  const b = new flatbuffers.Builder(256);
  const bytes = f.propertiesArray();
  const p = bytes ? FgbFeature.createPropertiesVector(b, bytes) : 0;
  FgbFeature.startFeature(b);
  if (p) FgbFeature.addProperties(b, p);
  b.finishSizePrefixed(FgbFeature.endFeature(b));
  return b.asUint8Array();
}

// Hilbert curve index of (x, y) in a 2^16 grid (the algorithm flatgeobuf and GDAL use).
function hilbert(x: number, y: number): number {
  let a = x ^ y;
  let b = 0xffff ^ a;
  let c = 0xffff ^ (x | y);
  let d = x & (y ^ 0xffff);
  let A = a | (b >> 1);
  let B = (a >> 1) ^ a;
  let C = (c >> 1) ^ (b & (d >> 1)) ^ c;
  let D = (a & (c >> 1)) ^ (d >> 1) ^ d;
  a = A;
  b = B;
  c = C;
  d = D;
  A = (a & (a >> 2)) ^ (b & (b >> 2));
  B = (a & (b >> 2)) ^ (b & ((a ^ b) >> 2));
  C ^= (a & (c >> 2)) ^ (b & (d >> 2));
  D ^= (b & (c >> 2)) ^ ((a ^ b) & (d >> 2));
  a = A;
  b = B;
  c = C;
  d = D;
  A = (a & (a >> 4)) ^ (b & (b >> 4));
  B = (a & (b >> 4)) ^ (b & ((a ^ b) >> 4));
  C ^= (a & (c >> 4)) ^ (b & (d >> 4));
  D ^= (b & (c >> 4)) ^ ((a ^ b) & (d >> 4));
  a = A;
  b = B;
  c = C;
  d = D;
  C ^= (a & (c >> 8)) ^ (b & (d >> 8));
  D ^= (b & (c >> 8)) ^ ((a ^ b) & (d >> 8));
  a = C ^ (C >> 1);
  b = D ^ (D >> 1);
  let i0 = x ^ y;
  let i1 = b | (0xffff ^ (i0 | a));
  i0 = (i0 | (i0 << 8)) & 0x00ff00ff;
  i0 = (i0 | (i0 << 4)) & 0x0f0f0f0f;
  i0 = (i0 | (i0 << 2)) & 0x33333333;
  i0 = (i0 | (i0 << 1)) & 0x55555555;
  i1 = (i1 | (i1 << 8)) & 0x00ff00ff;
  i1 = (i1 | (i1 << 4)) & 0x0f0f0f0f;
  i1 = (i1 | (i1 << 2)) & 0x33333333;
  i1 = (i1 | (i1 << 1)) & 0x55555555;
  return ((i1 << 1) | i0) >>> 0;
}

/**
 * A typed FlatGeobuf stores no per-feature geometry type, so every geometry must be of the
 * header's type: singles are promoted to multi, anything else is refused.
 */
function conform(g: Geometry, headerType: FgbType, id: number): Geometry {
  if (headerType === FgbType.Unknown) return g;
  const m = headerType >= FgbType.MultiPoint && g.type !== "GeometryCollection" ? toMulti(g) : g;
  if (FgbType[headerType] !== m.type) {
    throw new FormatError(
      `feature ${id}: a ${g.type} cannot be written to a ${FgbType[headerType]} layer`,
    );
  }
  return m;
}

function parse(g: Geometry) {
  return g.type === "GeometryCollection" ? parseGC(g as never) : parseGeometry(g as never);
}

export interface FgbWriteOptions {
  layerName: string;
  srs: number;
  fields: FieldDef[];
  fidField?: string;
  tmpDir: string;
}

export async function writeFgb(
  info: SourceInfo,
  features: AsyncIterable<Feature>,
  opts: FgbWriteOptions,
): Promise<string> {
  const columns: FieldDef[] = [
    ...(opts.fidField ? [{ keyname: opts.fidField, datatype: "BIGINT" as FieldType }] : []),
    ...opts.fields,
  ];
  const meta: HeaderMeta = {
    geometryType: LAYER_TYPE[info.geometryType.replace(/Z$/, "")] ?? FgbType.Unknown,
    columns: columns.map((c) => ({
      name: c.keyname,
      type: COLUMN[c.datatype],
      title: null,
      description: null,
      width: -1,
      precision: -1,
      scale: -1,
      nullable: true,
      unique: false,
      primary_key: false,
    })),
    envelope: null,
    featuresCount: 0,
    indexNodeSize: 0,
    crs: null,
    title: null,
    description: null,
    metadata: null,
  };
  const spillPath = join(opts.tmpDir, "features.fgb.tmp");
  const path = join(opts.tmpDir, "export.fgb");
  const spillFile = await open(spillPath, "w");
  const spill = new BufferedWriter(spillFile);
  const boxes: number[] = [];
  const sizes: number[] = [];
  let indexable = true;
  let ext: BBox | null = null;
  try {
    for await (const f of features) {
      const props: Record<string, unknown> = {};
      for (const c of columns) {
        const v = c.keyname === opts.fidField && opts.fidField ? f.id : f.fields[c.keyname];
        props[c.keyname] =
          v === undefined ? null : c.datatype === "BIGINT" && typeof v === "string" ? BigInt(v) : v;
      }
      const geom = f.geom ? conform(f.geom, meta.geometryType, f.id) : null;
      const bytes = geom ? buildFeature(parse(geom), props as never, meta) : buildBare(props, meta);
      const b = geom ? envelope(geom) : null;
      if (!b) indexable = false;
      const bb = b ?? [0, 0, 0, 0];
      boxes.push(...bb);
      if (b)
        ext = ext
          ? [
              Math.min(ext[0], b[0]),
              Math.min(ext[1], b[1]),
              Math.max(ext[2], b[2]),
              Math.max(ext[3], b[3]),
            ]
          : [...b];
      sizes.push(bytes.length);
      await spill.write(bytes);
    }
  } finally {
    await spill.flush();
    await spillFile.close();
  }
  const n = sizes.length;
  meta.featuresCount = n;
  meta.indexNodeSize = indexable && n > 0 ? FGB_NODE_SIZE : 0;
  const header = buildHeader(meta, opts.layerName, info.geometryType.endsWith("Z"), opts.srs, ext);
  const outFile = await open(path, "w");
  const out = new BufferedWriter(outFile);
  const src = await BufferedFile.open(spillPath, 64 * 1024);
  try {
    await out.write(MAGIC);
    await out.write(header);
    const starts: number[] = new Array(n);
    for (let i = 0, o = 0; i < n; i++) {
      starts[i] = o;
      o += sizes[i]!;
    }
    let order = [...Array(n).keys()];
    if (meta.indexNodeSize > 0 && ext) {
      const w = ext[2] - ext[0] || 1;
      const h = ext[3] - ext[1] || 1;
      const key = order.map((i) => {
        const cx = (boxes[4 * i]! + boxes[4 * i + 2]!) / 2;
        const cy = (boxes[4 * i + 1]! + boxes[4 * i + 3]!) / 2;
        return hilbert(
          Math.floor((0xffff * (cx - ext![0])) / w),
          Math.floor((0xffff * (cy - ext![1])) / h),
        );
      });
      order.sort((a, b) => key[a]! - key[b]!);
      await out.write(buildTree(order, boxes, sizes, meta.indexNodeSize));
    } else order = [...Array(n).keys()];
    for (const i of order) await out.write(await src.read(starts[i]!, sizes[i]!));
    await out.flush();
  } finally {
    await src.close();
    await outFile.close();
    await rm(spillPath, { force: true });
  }
  return path;
}

/** The packed R-tree nodes (minX, minY, maxX, maxY: f64; offset: u64), root first. */
function buildTree(
  order: number[],
  boxes: number[],
  sizes: number[],
  nodeSize: number,
): Uint8Array {
  const n = order.length;
  const bytes = new Uint8Array(calcTreeSize(n, nodeSize));
  const dv = new DataView(bytes.buffer);
  const levels = generateLevelBounds(n, nodeSize);
  const nodes = new Float64Array((bytes.length / 40) * 4);
  const offsets: number[] = new Array(bytes.length / 40).fill(0);
  const leaf0 = levels[0]![0];
  let off = 0;
  order.forEach((i, k) => {
    nodes.set(boxes.slice(4 * i, 4 * i + 4), 4 * (leaf0 + k));
    offsets[leaf0 + k] = off; // byte offset of the feature in the data section
    off += sizes[i]!;
  });
  for (let l = 0; l < levels.length - 1; l++) {
    let parent = levels[l + 1]![0];
    for (let pos = levels[l]![0]; pos < levels[l]![1]; parent++) {
      offsets[parent] = pos; // index of the first child node
      let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
      for (let j = 0; j < nodeSize && pos < levels[l]![1]; j++, pos++) {
        x0 = Math.min(x0, nodes[4 * pos]!);
        y0 = Math.min(y0, nodes[4 * pos + 1]!);
        x1 = Math.max(x1, nodes[4 * pos + 2]!);
        y1 = Math.max(y1, nodes[4 * pos + 3]!);
      }
      nodes.set([x0, y0, x1, y1], 4 * parent);
    }
  }
  for (let k = 0; k < offsets.length; k++) {
    for (let j = 0; j < 4; j++) dv.setFloat64(40 * k + 8 * j, nodes[4 * k + j]!, true);
    dv.setBigUint64(40 * k + 32, BigInt(offsets[k]!), true);
  }
  return bytes;
}
