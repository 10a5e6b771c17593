/**
 * @module ESRI Shapefile writer: .shp/.shx streamed record by record (headers patched at the
 * end), .dbf with 10-byte field names and fixed widths, .prj (WKT of the SRS) and .cpg naming
 * the code page. Outer rings are written clockwise and holes counter-clockwise, as the format
 * requires. The caller zips the folder.
 */
import { type FileHandle, open, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { BBox, Geometry, Position } from "../geometry/types.ts";
import type {
  Feature,
  FieldDef,
  FieldType,
  FieldValue,
  SourceInfo,
} from "../sources/feature-source.ts";
import { srsWkt } from "../srs/index.ts";
import { BufferedWriter } from "./buffered-file.ts";
import { FormatError } from "./errors.ts";
import { encodeText, normalizeEncoding } from "./text-decode.ts";

const FAMILY: Record<string, number> = {
  POINT: 1,
  MULTIPOINT: 8,
  LINESTRING: 3,
  MULTILINESTRING: 3,
  POLYGON: 5,
  MULTIPOLYGON: 5,
};
const LDID_OF: Record<string, number> = {
  cp1252: 0x57,
  cp1251: 0xc9,
  cp866: 0x65,
  cp1250: 0xc8,
  cp437: 0x01,
  cp850: 0x02,
};

interface DbfCol {
  name: Uint8Array;
  keyname: string;
  type: string;
  length: number;
  decimals: number;
  datatype: FieldType;
}

function dbfColumns(fields: FieldDef[], encoding: string): DbfCol[] {
  const used = new Set<string>();
  return fields.map((f) => {
    let base = f.keyname;
    while (encodeText(base, encoding).length > 10) base = base.slice(0, -1);
    let name = base;
    for (let k = 1; used.has(name.toUpperCase()); k++)
      name = `${base.slice(0, 10 - String(k).length - 1)}_${k}`;
    used.add(name.toUpperCase());
    const spec: Record<FieldType, [string, number, number]> = {
      INTEGER: ["N", 11, 0],
      BIGINT: ["N", 20, 0],
      REAL: ["N", 24, 15],
      DATE: ["D", 8, 0],
      BOOLEAN: ["L", 1, 0],
      STRING: ["C", 254, 0],
      TIME: ["C", 8, 0],
      DATETIME: ["C", 19, 0],
      JSON: ["C", 254, 0],
    };
    const [type, length, decimals] = spec[f.datatype];
    return {
      name: encodeText(name, encoding),
      keyname: f.keyname,
      type,
      length,
      decimals,
      datatype: f.datatype,
    };
  });
}

function dbfHeader(cols: DbfCol[], count: number, ldid: number): Uint8Array {
  const headerLength = 32 + 32 * cols.length + 1;
  const recordLength = 1 + cols.reduce((n, c) => n + c.length, 0);
  const h = new Uint8Array(headerLength);
  const dv = new DataView(h.buffer);
  const now = new Date();
  h[0] = 0x03;
  h[1] = now.getUTCFullYear() - 1900;
  h[2] = now.getUTCMonth() + 1;
  h[3] = now.getUTCDate();
  dv.setUint32(4, count, true);
  dv.setUint16(8, headerLength, true);
  dv.setUint16(10, recordLength, true);
  h[29] = ldid;
  cols.forEach((c, i) => {
    const p = 32 + 32 * i;
    h.set(c.name.subarray(0, 10), p);
    h[p + 11] = c.type.charCodeAt(0);
    h[p + 16] = c.length;
    h[p + 17] = c.decimals;
  });
  h[headerLength - 1] = 0x0d;
  return h;
}

function cell(v: FieldValue, c: DbfCol, encoding: string): Uint8Array {
  const out = new Uint8Array(c.length).fill(0x20);
  if (v === null || v === undefined) return out;
  let s: string;
  if (c.type === "D") s = String(v).replace(/-/g, "");
  else if (c.type === "L") s = v ? "T" : "F";
  else if (c.type === "N") {
    s = c.decimals > 0 ? (v as number).toPrecision(15) : String(v);
    if (!s.includes("e") && s.includes(".")) s = s.replace(/\.?0+$/, "");
    if (s.length > c.length) s = (v as number).toExponential(c.length - 8);
    // Numbers are right-aligned in their width, as dBASE expects.
    const pad = c.length - s.length;
    for (let i = 0; i < s.length; i++) out[pad + i] = s.charCodeAt(i);
    return out;
  } else s = typeof v === "object" ? JSON.stringify(v) : String(v);
  const bytes = encodeText(s, encoding);
  // Cut at the width without splitting a UTF-8 sequence.
  let n = Math.min(bytes.length, c.length);
  if (encoding === "utf-8") while (n < bytes.length && n > 0 && (bytes[n]! & 0xc0) === 0x80) n--;
  out.set(bytes.subarray(0, n));
  return out;
}

function area(r: Position[]): number {
  let a = 0;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++)
    a += (r[i]![0]! - r[j]![0]!) * (r[i]![1]! + r[j]![1]!);
  return a; // > 0: clockwise
}

function parts(g: Geometry, family: number): Position[][] {
  const orient = (r: Position[], cw: boolean) => (area(r) > 0 === cw ? r : r.slice().reverse());
  switch (g.type) {
    case "Point":
      return family === 1 || family === 8 ? [[g.coordinates]] : [];
    case "MultiPoint":
      return family === 8 ? [g.coordinates] : [];
    case "LineString":
      return family === 3 ? [g.coordinates] : [];
    case "MultiLineString":
      return family === 3 ? g.coordinates : [];
    case "Polygon":
      return family === 5 ? g.coordinates.map((r, i) => orient(r, i === 0)) : [];
    case "MultiPolygon":
      return family === 5 ? g.coordinates.flatMap((p) => p.map((r, i) => orient(r, i === 0))) : [];
    default:
      return [];
  }
}

function shapeRecord(
  g: Geometry | null,
  family: number,
  z: boolean,
  index: number,
): { bytes: Uint8Array; box: BBox | null } {
  if (!g || (g.type === "Point" && g.coordinates.length === 0))
    return { bytes: new Uint8Array(4), box: null };
  const ps = parts(g, family);
  const pts = ps.flat();
  if (pts.length === 0 && g.type !== "Point")
    throw new FormatError(`a ${g.type} cannot be written to this shapefile`, index);
  const type = family + (z ? 10 : 0);
  const zs = pts.map((p) => p[2] ?? 0);
  const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of pts) {
    box[0] = Math.min(box[0], p[0]!);
    box[1] = Math.min(box[1], p[1]!);
    box[2] = Math.max(box[2], p[0]!);
    box[3] = Math.max(box[3], p[1]!);
  }
  if (family === 1) {
    const p = pts[0]!;
    const b = new Uint8Array(z ? 36 : 20);
    const dv = new DataView(b.buffer);
    dv.setInt32(0, type, true);
    dv.setFloat64(4, p[0]!, true);
    dv.setFloat64(12, p[1]!, true);
    if (z) dv.setFloat64(20, zs[0]!, true); // M (bytes 28-35) stays 0
    return { bytes: b, box };
  }
  const np = family === 8 ? 0 : ps.length;
  const head = family === 8 ? 40 : 44;
  const len = head + 4 * np + 16 * pts.length + (z ? 16 + 8 * pts.length : 0);
  const b = new Uint8Array(len);
  const dv = new DataView(b.buffer);
  dv.setInt32(0, type, true);
  box.forEach((v, i) => {
    dv.setFloat64(4 + 8 * i, v, true);
  });
  if (family === 8) dv.setInt32(36, pts.length, true);
  else {
    dv.setInt32(36, np, true);
    dv.setInt32(40, pts.length, true);
    let start = 0;
    ps.forEach((part, i) => {
      dv.setInt32(44 + 4 * i, start, true);
      start += part.length;
    });
  }
  let o = head + 4 * np;
  for (const p of pts) {
    dv.setFloat64(o, p[0]!, true);
    dv.setFloat64(o + 8, p[1]!, true);
    o += 16;
  }
  if (z) {
    dv.setFloat64(o, Math.min(...zs), true);
    dv.setFloat64(o + 8, Math.max(...zs), true);
    o += 16;
    for (const v of zs) {
      dv.setFloat64(o, v, true);
      o += 8;
    }
  }
  return { bytes: b, box };
}

function shpHeader(fileBytes: number, type: number, box: BBox | null): Uint8Array {
  const h = new Uint8Array(100);
  const dv = new DataView(h.buffer);
  dv.setInt32(0, 9994, false);
  dv.setInt32(24, fileBytes / 2, false);
  dv.setInt32(28, 1000, true);
  dv.setInt32(32, type, true);
  (box ?? [0, 0, 0, 0]).forEach((v, i) => {
    dv.setFloat64(36 + 8 * i, v, true);
  });
  return h;
}

export interface ShapefileWriteOptions {
  layerName: string;
  srs: number;
  fields: FieldDef[];
  fidField?: string;
  encoding?: string;
  tmpDir: string;
}

/** Writes <stem>.shp/.shx/.dbf/.prj/.cpg into opts.tmpDir; returns the folder. */
export async function writeShapefile(
  info: SourceInfo,
  features: AsyncIterable<Feature>,
  opts: ShapefileWriteOptions,
): Promise<string> {
  const encoding = normalizeEncoding(opts.encoding ?? "utf-8");
  const stem = opts.layerName.replace(/[^\p{L}\p{N}_-]+/gu, "_").slice(0, 60) || "layer";
  const base = join(opts.tmpDir, stem);
  const fields = [
    ...(opts.fidField ? [{ keyname: opts.fidField, datatype: "BIGINT" as FieldType }] : []),
    ...opts.fields,
  ];
  const cols = dbfColumns(fields, encoding);
  const spatial = info.geometryType !== "NONE";
  const family = FAMILY[info.geometryType.replace(/Z$/, "")] ?? 0;
  const z = info.geometryType.endsWith("Z");
  const handles: FileHandle[] = [];
  const dbfFile = await open(`${base}.dbf`, "w");
  handles.push(dbfFile);
  const shpFile = spatial ? await open(`${base}.shp`, "w") : null;
  const shxFile = spatial ? await open(`${base}.shx`, "w") : null;
  if (shpFile && shxFile) handles.push(shpFile, shxFile);
  const dbf = new BufferedWriter(dbfFile);
  const shp = shpFile ? new BufferedWriter(shpFile) : null;
  const shx = shxFile ? new BufferedWriter(shxFile) : null;
  try {
    await dbf.write(dbfHeader(cols, 0, LDID_OF[encoding] ?? 0));
    if (shp && shx) {
      await shp.write(new Uint8Array(100));
      await shx.write(new Uint8Array(100));
    }
    let count = 0;
    let shpPos = 100;
    let ext: BBox | null = null;
    for await (const f of features) {
      const rec = [
        new Uint8Array([0x20]),
        ...cols.map((c) =>
          cell(c.keyname === opts.fidField ? f.id : (f.fields[c.keyname] ?? null), c, encoding),
        ),
      ];
      await dbf.write(Buffer.concat(rec));
      if (shp && shx) {
        const { bytes, box } = shapeRecord(f.geom, family, z, count);
        const head = new DataView(new ArrayBuffer(8));
        head.setInt32(0, count + 1, false);
        head.setInt32(4, bytes.length / 2, false);
        await shp.write(new Uint8Array(head.buffer));
        await shp.write(bytes);
        const idx = new DataView(new ArrayBuffer(8));
        idx.setInt32(0, shpPos / 2, false);
        idx.setInt32(4, bytes.length / 2, false);
        await shx.write(new Uint8Array(idx.buffer));
        shpPos += 8 + bytes.length;
        if (box)
          ext = ext
            ? [
                Math.min(ext[0], box[0]),
                Math.min(ext[1], box[1]),
                Math.max(ext[2], box[2]),
                Math.max(ext[3], box[3]),
              ]
            : box;
      }
      count++;
    }
    await dbf.write(new Uint8Array([0x1a]));
    await dbf.flush();
    await shp?.flush();
    await shx?.flush();
    // Headers last: they carry the record count, the file length and the extent.
    await dbfFile.write(dbfHeader(cols, count, LDID_OF[encoding] ?? 0), 0, undefined, 0);
    if (shpFile && shxFile) {
      const type = family + (z ? 10 : 0);
      await shpFile.write(shpHeader(shpPos, type, ext), 0, 100, 0);
      await shxFile.write(shpHeader(100 + 8 * count, type, ext), 0, 100, 0);
      // No WKT known for the code: GDAL too writes no .prj then.
      const prj = opts.srs > 0 ? srsWkt(opts.srs) : null;
      if (prj) await writeFile(`${base}.prj`, prj);
    }
    await writeFile(`${base}.cpg`, encoding === "utf-8" ? "UTF-8" : encoding.toUpperCase());
    return opts.tmpDir;
  } finally {
    for (const h of handles) await h.close();
  }
}
