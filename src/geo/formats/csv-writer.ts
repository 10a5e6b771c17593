/**
 * @module CSV writer: geometry as a leading WKT column (as GDAL's GEOMETRY=AS_WKT), RFC 4180
 * quoting, and text cells that a spreadsheet would run as a formula (= + - @ tab CR) prefixed
 * with a single quote (OWASP "CSV injection").
 */
import { toWkt } from "../geometry/wkt.ts";
import type { Feature, FieldDef, FieldValue } from "../sources/feature-source.ts";

const FORMULA_START = /^[=+\-@\t\r]/;

/** Quotes a cell when needed and defuses formulas in text. */
export function csvCell(v: FieldValue, isText: boolean): string {
  if (v === null || v === undefined) return "";
  let s = typeof v === "object" ? JSON.stringify(v) : String(v);
  if (isText && FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n;\t|]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export interface CsvWriteOptions {
  fields: FieldDef[];
  fidField?: string;
  withGeometry: boolean;
}

export async function* csvText(
  features: AsyncIterable<Feature>,
  opts: CsvWriteOptions,
): AsyncGenerator<string> {
  const head = [
    ...(opts.withGeometry ? ["WKT"] : []),
    ...(opts.fidField ? [opts.fidField] : []),
    ...opts.fields.map((f) => f.keyname),
  ];
  yield `${head.map((h) => csvCell(h, true)).join(",")}\r\n`;
  for await (const f of features) {
    const cells: string[] = [];
    if (opts.withGeometry) cells.push(f.geom ? csvCell(toWkt(f.geom), false) : "");
    if (opts.fidField) cells.push(String(f.id));
    for (const fd of opts.fields)
      cells.push(
        csvCell(f.fields[fd.keyname] ?? null, fd.datatype === "STRING" || fd.datatype === "JSON"),
      );
    yield `${cells.join(",")}\r\n`;
  }
}
