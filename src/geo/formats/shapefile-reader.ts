/**
 * @module ESRI Shapefile reader (own binary reader): .shp records read sequentially through the
 * .shx index, attributes from .dbf, SRS from .prj, code page from .cpg or the DBF header. A
 * shapefile without .shx or .dbf is refused, as the issue asks.
 */
import { readdir, readFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { GeometryType } from "../geometry/types.ts";
import { parsePrj } from "../srs/index.ts";
import { BufferedFile } from "./buffered-file.ts";
import { type DbfHeader, LDID, readDbfHeader, readDbfRecord } from "./dbf.ts";
import { FormatError } from "./errors.ts";
import { GeometryTypeInference } from "./geom-util.ts";
import { decodeShape, shapeFamily } from "./shp.ts";
import type { FeatureReadOptions, ReadFeature, ReadOptions, VectorReader } from "./source.ts";
import { normalizeEncoding } from "./text-decode.ts";

/** Finds `stem.ext` next to the .shp, whatever the case of the extension. */
async function sibling(shp: string, ext: string): Promise<string | null> {
  const dir = dirname(shp);
  const stem = basename(shp)
    .replace(/\.shp$/i, "")
    .toLowerCase();
  const names = await readdir(dir);
  const hit = names.find((n) => n.toLowerCase() === `${stem}.${ext}`);
  return hit ? join(dir, hit) : null;
}

async function encodingOf(shp: string, ldid: number, given?: string): Promise<string | null> {
  const cpg = await sibling(shp, "cpg");
  if (cpg) {
    const name = (await readFile(cpg, "latin1")).trim();
    if (name) return normalizeEncoding(name);
  }
  if (LDID[ldid]) return LDID[ldid];
  return given ? normalizeEncoding(given) : null;
}

interface Files {
  shp: BufferedFile;
  shx: BufferedFile;
  dbf: BufferedFile;
}

async function* records(
  files: Files,
  dbfHeader: DbfHeader,
  encoding: string | null,
  count: number,
  withAttrs: boolean,
  opts?: FeatureReadOptions,
): AsyncGenerator<ReadFeature> {
  for (let i = 0; i < count; i++) {
    const idx = await files.shx.read(100 + 8 * i, 8);
    if (idx.length < 8) throw new FormatError("the .shx index is truncated", i);
    const dv = new DataView(idx.buffer, idx.byteOffset, 8);
    const offset = dv.getInt32(0, false) * 2;
    const length = dv.getInt32(4, false) * 2;
    const fields = withAttrs ? await readDbfRecord(files.dbf, dbfHeader, i, encoding) : {};
    if (fields === null) continue; // deleted in the .dbf
    const rec = await files.shp.read(offset + 8, length);
    let geom: ReadFeature["geom"];
    try {
      if (offset < 100 || length < 4 || rec.length < length)
        throw new Error("record outside the .shp file");
      geom = decodeShape(rec);
    } catch (e) {
      const err = new FormatError(`bad shape record: ${(e as Error).message}`, i);
      if (!opts?.onSkip) throw err;
      opts.onSkip(err);
      continue;
    }
    yield { geom, fields, index: i };
  }
}

export async function openShapefile(
  shpPath: string,
  opts: ReadOptions = {},
): Promise<VectorReader> {
  const shxPath = await sibling(shpPath, "shx");
  if (!shxPath) throw new FormatError(`the shapefile ${basename(shpPath)} has no .shx index file`);
  const dbfPath = await sibling(shpPath, "dbf");
  if (!dbfPath)
    throw new FormatError(`the shapefile ${basename(shpPath)} has no .dbf attribute file`);
  const files: Files = {
    shp: await BufferedFile.open(shpPath),
    shx: await BufferedFile.open(shxPath),
    dbf: await BufferedFile.open(dbfPath),
  };
  const close = async () => {
    await Promise.all([files.shp.close(), files.shx.close(), files.dbf.close()]);
  };
  try {
    const head = await files.shp.read(0, 100);
    const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
    if (head.length < 100 || dv.getInt32(0, false) !== 9994) {
      throw new FormatError(`${basename(shpPath)} is not a shapefile (bad .shp header)`);
    }
    const shapeType = dv.getInt32(32, true);
    const fam = shapeFamily(shapeType);
    if (!fam) throw new FormatError(`shape type ${shapeType} is not supported`);
    const dbfHeader = await readDbfHeader(files.dbf, null);
    const encoding = await encodingOf(shpPath, dbfHeader.ldid, opts.encoding);
    const named = encoding ? await readDbfHeader(files.dbf, encoding) : dbfHeader;
    const count = Math.min(Math.floor((files.shx.size - 100) / 8), named.count);
    const prj = await sibling(shpPath, "prj");
    const srs = prj ? parsePrj(await readFile(prj, "utf-8")) : null;
    // Polylines and polygons may be single or multi per record: one geometry-only pass tells.
    const inf = new GeometryTypeInference();
    if (fam.base === 3 || fam.base === 5) {
      for await (const r of records(files, named, encoding, count, false, { onSkip: () => {} }))
        inf.add(r.geom);
    }
    const base = ["NONE", "POINT", "", "LINESTRING", "", "POLYGON", "", "", "MULTIPOINT"][
      fam.base
    ]!;
    const fixed = base === "NONE" ? "NONE" : `${base}${fam.z ? "Z" : ""}`;
    const geometryType = fam.base === 3 || fam.base === 5 ? inf.result() : fixed;
    const layer = basename(shpPath).replace(/\.shp$/i, "");
    return {
      format: "ESRI Shapefile",
      layers: [layer],
      layer,
      info: {
        fields: named.fields.map(({ keyname, datatype }) => ({ keyname, datatype })),
        geometryType: (geometryType === "NONE" && fam.base !== 0
          ? fixed
          : geometryType) as GeometryType | null,
        srs,
        count,
      },
      features: (o) => records(files, named, encoding, count, true, o),
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
