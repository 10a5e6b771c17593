/**
 * @module The WFS key-value parameters that select features: BBOX (with its optional CRS),
 * FEATUREID/RESOURCEID, SORTBY, and FILTER/PROPERTYNAME lists given per type name as
 * `(…)(…)`. Each becomes filter AST or plain lists; names are checked by plan.ts/requireFields.
 */

import { parseSrsName } from "../formats/gml/axis.ts";
import { bboxToPolygon } from "../geometry/bbox.ts";
import type { FilterNode } from "./ast.ts";
import { FilterError } from "./errors.ts";
import { propertyName } from "./read-xml.ts";

function finite(s: string, locator: string): number {
  const t = s.trim();
  const n = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) ? Number(t) : Number.NaN;
  if (!Number.isFinite(n))
    throw new FilterError(
      `${locator}: '${t.slice(0, 40)}' is not a finite number.`,
      undefined,
      locator,
    );
  return n;
}

/**
 * `minx,miny,maxx,maxy[,crs]` as a bbox filter. The four numbers follow the axis order of the
 * CRS named (or of `defaultSrsName` when none is), so a URN 4326 box is lat/lon.
 */
export function parseBboxParam(text: string, defaultSrsName: string): FilterNode {
  const parts = text.split(",");
  if (parts.length !== 4 && parts.length !== 5)
    throw new FilterError("BBOX needs four numbers and an optional CRS.", undefined, "BBOX");
  const nums = parts.slice(0, 4).map((p) => finite(p, "BBOX"));
  const name = parts[4]?.trim() || defaultSrsName;
  let srs: { code: number; latFirst: boolean };
  try {
    srs = parseSrsName(name);
  } catch (err) {
    throw new FilterError(`BBOX: ${err instanceof Error ? err.message : err}`, undefined, "BBOX");
  }
  const [x0, y0, x1, y1] = srs.latFirst ? [nums[1]!, nums[0]!, nums[3]!, nums[2]!] : nums;
  if (x0! > x1! || y0! > y1!)
    throw new FilterError(
      "BBOX: the lower corner must be below and left of the upper one.",
      undefined,
      "BBOX",
    );
  const geometry = bboxToPolygon([x0!, y0!, x1!, y1!]);
  return { op: "spatial", rel: "bbox", geometry: { geometry, srs: srs.code } };
}

/** FEATUREID / RESOURCEID: comma-separated ids, optionally grouped per type name. */
export function parseIdsParam(text: string, locator = "RESOURCEID"): FilterNode {
  const ids = text
    .split(/[,()]/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (ids.length === 0) throw new FilterError(`${locator} is empty.`, undefined, locator);
  if (ids.length > 10_000)
    throw new FilterError(`${locator} names too many ids.`, undefined, locator);
  return { op: "ids", ids };
}

/** SORTBY: `name`, `name A|D` (WFS 1.1) or `name ASC|DESC` (2.0), comma-separated. */
export function parseSortBy(text: string): { field: string; desc: boolean }[] {
  return text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item) => {
      const [name, dir, extra] = item.split(/[\s+]+/);
      const d = (dir ?? "ASC").toUpperCase();
      if (extra !== undefined || !["A", "ASC", "D", "DESC"].includes(d))
        throw new FilterError(
          `SORTBY: '${item.slice(0, 60)}' is not 'name [ASC|DESC]'.`,
          undefined,
          "SORTBY",
        );
      return { field: propertyName(name!, "SORTBY"), desc: d.startsWith("D") };
    });
}

/**
 * A KVP value given once per type name as `(a)(b)`; a value without parentheses applies to
 * every type name. Returns one entry per group.
 */
export function splitPerType(text: string): string[] {
  const t = text.trim();
  if (!t.startsWith("(") || !t.endsWith(")")) return [t];
  return t.slice(1, -1).split(/\)\s*\(/);
}

/** Throws unless every name is one of the layer's properties. */
export function requireFields(names: string[], known: string[], locator: string): void {
  const set = new Set(known);
  for (const n of names) {
    if (!set.has(n))
      throw new FilterError(`Unknown property '${n.slice(0, 60)}'.`, undefined, locator);
  }
}
