/**
 * @module CSV reader: encoding and delimiter detection, geometry from X/Y (lon/lat) columns or a
 * WKT column, field types inferred over a first streaming pass (papaparse), rows yielded in a
 * second. Ragged rows are refused with the row number.
 */
import { open } from "node:fs/promises";
import Papa from "papaparse";
import type { Geometry } from "../geometry/types.ts";
import { parseWkt } from "../geometry/wkt.ts";
import type { FieldDef, FieldValue } from "../sources/feature-source.ts";
import { FormatError } from "./errors.ts";
import { GeometryTypeInference } from "./geom-util.ts";
import { coerceValue, FieldInference } from "./infer.ts";
import {
  type FeatureReadOptions,
  fileChunks,
  type ReadFeature,
  type ReadOptions,
  type VectorReader,
} from "./source.ts";
import { decodeChunks, detectEncoding } from "./text-decode.ts";

const DELIMITERS = [",", ";", "\t", "|"];
const X_NAMES = ["x", "lon", "lng", "long", "longitude"];
const Y_NAMES = ["y", "lat", "latitude"];
const WKT_NAMES = ["wkt", "geom", "geometry", "the_geom", "wkt_geom"];
const SAMPLE_BYTES = 1 << 20;

async function sample(path: string): Promise<Uint8Array> {
  const fh = await open(path, "r");
  try {
    const buf = new Uint8Array(SAMPLE_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SAMPLE_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** The candidate that splits the header line most often (outside quotes); "," on a tie. */
export function detectDelimiter(text: string): string {
  const line = text.split(/\r?\n/, 1)[0] ?? "";
  const unquoted = line.replace(/"[^"]*"/g, "");
  let best = ",";
  let bestCount = 0;
  for (const d of DELIMITERS) {
    const n = unquoted.split(d).length - 1;
    if (n > bestCount) [best, bestCount] = [d, n];
  }
  return best;
}

function findColumn(header: string[], names: string[], given?: string): number {
  if (given !== undefined) {
    const i = header.indexOf(given);
    if (i < 0) throw new FormatError(`column "${given}" is not in the CSV header`);
    return i;
  }
  const low = header.map((h) => h.trim().toLowerCase());
  for (const n of names) {
    const i = low.indexOf(n);
    if (i >= 0) return i;
  }
  return -1;
}

/** A quoted field may span lines, but not this much text. */
const MAX_RECORD_CHARS = 64 * 1024 * 1024;

/**
 * Rows of the file. Each decoded chunk is cut after its last line break outside quotes and that
 * complete part is parsed by papaparse in one call (its Node stream mode was orders of magnitude
 * slower here); the tail is carried into the next chunk.
 */
async function* rows(path: string, encoding: string, delimiter: string): AsyncGenerator<string[]> {
  const parse = (text: string) =>
    Papa.parse<string[]>(text, { delimiter, skipEmptyLines: true }).data;
  let carry = "";
  for await (const text of decodeChunks(fileChunks(path), encoding)) {
    const buf = carry + text;
    let inQuotes = false;
    let cut = -1;
    for (let i = 0; i < buf.length; i++) {
      const c = buf.charCodeAt(i);
      if (c === 34) inQuotes = !inQuotes;
      else if (c === 10 && !inQuotes) cut = i;
    }
    if (cut < 0) {
      carry = buf;
      if (carry.length > MAX_RECORD_CHARS) throw new FormatError("unterminated quoted CSV field");
      continue;
    }
    yield* parse(buf.slice(0, cut + 1));
    carry = buf.slice(cut + 1);
  }
  if (carry.trim() !== "") yield* parse(carry);
}

interface Layout {
  header: string[];
  x: number;
  y: number;
  wkt: number;
  /** Indexes of the attribute columns (geometry columns excluded). */
  attrs: number[];
}

function layout(header: string[], opts: ReadOptions): Layout {
  const wkt = findColumn(header, WKT_NAMES, opts.wktField);
  let x = -1;
  let y = -1;
  if (opts.wktField === undefined) {
    x = findColumn(header, X_NAMES, opts.xField);
    y = findColumn(header, Y_NAMES, opts.yField);
    if (x < 0 !== y < 0) x = y = -1;
  }
  const geomCols = x >= 0 ? [x, y] : wkt >= 0 ? [wkt] : [];
  const attrs = header.map((_, i) => i).filter((i) => !geomCols.includes(i));
  const seen = new Set<string>();
  for (const i of attrs) {
    const name = header[i]!;
    if (name.trim() === "") throw new FormatError(`CSV column ${i + 1} has no name`);
    if (name === "__proto__") throw new FormatError(`CSV column name "${name}" is not allowed`);
    if (seen.has(name)) throw new FormatError(`CSV column name "${name}" is repeated`);
    seen.add(name);
  }
  return { header, x: x >= 0 ? x : -1, y, wkt: x >= 0 ? -1 : wkt, attrs };
}

function rowGeometry(row: string[], l: Layout, index: number): Geometry | null {
  if (l.x >= 0) {
    const xs = row[l.x]!.trim();
    const ys = row[l.y]!.trim();
    if (xs === "" && ys === "") return null;
    const x = Number(xs.replace(",", "."));
    const y = Number(ys.replace(",", "."));
    if (xs === "" || ys === "" || !Number.isFinite(x) || !Number.isFinite(y)) {
      throw new FormatError(`coordinates "${xs}", "${ys}" are not finite numbers`, index);
    }
    return { type: "Point", coordinates: [x, y] };
  }
  if (l.wkt >= 0) {
    const s = row[l.wkt]!.trim();
    if (s === "") return null;
    try {
      return parseWkt(s);
    } catch (e) {
      throw new FormatError(`bad WKT geometry: ${(e as Error).message}`, index);
    }
  }
  return null;
}

function checkWidth(row: string[], l: Layout, index: number): void {
  if (row.length !== l.header.length) {
    throw new FormatError(
      `CSV row ${index + 2} has ${row.length} columns but the header has ${l.header.length}`,
      index,
    );
  }
}

export async function openCsv(path: string, opts: ReadOptions = {}): Promise<VectorReader> {
  const head = await sample(path);
  const encoding = detectEncoding(head, opts.encoding);
  const delimiter =
    opts.delimiter ?? detectDelimiter(new TextDecoder().decode(head.subarray(0, 65536)));
  let l: Layout | null = null;
  const fieldInf = new FieldInference(true);
  const geomInf = new GeometryTypeInference();
  let count = 0;
  for await (const row of rows(path, encoding, delimiter)) {
    if (!l) {
      l = layout(row, opts);
      for (const i of l.attrs) fieldInf.declare(l.header[i]!);
      continue;
    }
    const index = count++;
    checkWidth(row, l, index);
    const props: Record<string, string> = {};
    for (const i of l.attrs) props[l.header[i]!] = row[i]!;
    fieldInf.add(props);
    try {
      geomInf.add(rowGeometry(row, l, index));
    } catch {
      // reported with its row by features()
    }
  }
  if (!l) throw new FormatError("the CSV file is empty (no header row)");
  const lay = l;
  const fields = fieldInf.fields();
  const noGeom = lay.x < 0 && lay.wkt < 0;
  return {
    format: "CSV",
    layers: ["layer"],
    layer: "layer",
    info: { fields, geometryType: noGeom ? "NONE" : geomInf.result(), srs: null, count },
    features: (o) => readRows(path, encoding, delimiter, lay, fields, o),
    close: async () => {},
  };
}

async function* readRows(
  path: string,
  encoding: string,
  delimiter: string,
  l: Layout,
  fields: FieldDef[],
  opts?: FeatureReadOptions,
): AsyncGenerator<ReadFeature> {
  let index = -2; // the header row comes first
  for await (const row of rows(path, encoding, delimiter)) {
    if (++index < 0) continue;
    checkWidth(row, l, index);
    let geom: Geometry | null;
    try {
      geom = rowGeometry(row, l, index);
    } catch (e) {
      if (!(e instanceof FormatError) || !opts?.onSkip) throw e;
      opts.onSkip(e);
      continue;
    }
    const values: Record<string, FieldValue> = {};
    l.attrs.forEach((col, k) => {
      const f = fields[k]!;
      values[f.keyname] = coerceValue(row[col], f.datatype, true);
    });
    yield { geom, fields: values, index };
  }
}
