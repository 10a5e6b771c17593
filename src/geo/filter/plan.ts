/**
 * @module A filter AST planned against one layer: every property name is checked against the
 * schema and every literal coerced to its field's type first (a bad name or value is a 400 here,
 * never a query), then the top-level conjuncts the FeatureSource can answer itself — attribute
 * comparisons, LIKE, IS NULL, ids, one BBOX/Intersects — become the FeatureQuery it compiles to
 * bound SQL parameters; the rest (OR, NOT, other spatial operators, case-insensitive compares)
 * becomes a residual predicate evaluated over the streamed candidates.
 */
import { bboxOf } from "../geometry/bbox.ts";
import type { BBox, Geometry } from "../geometry/types.ts";
import { compileMatch } from "../sources/evaluate.ts";
import type {
  AttrFilter,
  Feature,
  FeatureQuery,
  FieldDef,
  FieldType,
  FieldValue,
} from "../sources/feature-source.ts";
import { coerceValue, likeText } from "../sources/values.ts";
import { isGeographic, reprojectGeometry } from "../srs/index.ts";
import type { FilterNode } from "./ast.ts";
import { FilterError } from "./errors.ts";
import { spatialTest } from "./spatial.ts";

export interface FilterSchema {
  fields: FieldDef[];
  /** Name of the geometry property ("geom"). */
  geometryName: string;
  /** EPSG code of stored geometries; 0 when the layer has none. */
  srs: number;
  /** EPSG code of geometry literals that name no CRS. */
  defaultSrs: number;
  /** This layer's feature id named by a sent id ("layer.12"); null for another layer's. */
  featureId(raw: string): number | null;
}

type Pred = (f: Feature) => boolean;

export interface FilterPlan {
  /** Conditions the source evaluates (bound parameters in SQL sources). */
  query: Pick<FeatureQuery, "filter" | "fids" | "intersects" | "bbox">;
  /** What the source could not evaluate; null when `query` is exact. */
  residual: Pred | null;
}

/** Distance units read as metres (GeoServer and OWSLib send these). */
const METRES = new Set(["m", "meter", "meters", "metre", "metres", "urn:ogc:def:uom:epsg::9001"]);
const METRES_PER_DEGREE = 111_320;

class Planner {
  private readonly types: Map<string, FieldType>;
  constructor(private readonly s: FilterSchema) {
    this.types = new Map(s.fields.map((f) => [f.keyname, f.datatype]));
  }

  field(prop: string): FieldType {
    const t = this.types.get(prop);
    if (t) return t;
    if (prop === this.s.geometryName)
      throw new FilterError(`'${prop}' is the geometry; use a spatial operator.`);
    throw new FilterError(`Unknown property '${prop.slice(0, 60)}'.`);
  }

  value(prop: string, t: FieldType, v: string): FieldValue {
    if (t === "JSON") throw new FilterError(`JSON property '${prop}' cannot be compared.`);
    try {
      return coerceValue(t, t === "BOOLEAN" ? v.trim().toLowerCase() : v, prop);
    } catch (err) {
      throw new FilterError(err instanceof Error ? err.message : String(err));
    }
  }

  geometry(node: Extract<FilterNode, { op: "spatial" }>): Geometry {
    if (node.prop !== undefined && node.prop !== this.s.geometryName)
      throw new FilterError(`'${node.prop.slice(0, 60)}' is not the geometry property.`);
    const from = node.geometry.srs ?? this.s.defaultSrs;
    if (!this.s.srs) return node.geometry.geometry;
    try {
      return reprojectGeometry(node.geometry.geometry, from, this.s.srs);
    } catch (err) {
      throw new FilterError(err instanceof Error ? err.message : String(err));
    }
  }

  distance(node: Extract<FilterNode, { op: "spatial" }>): number {
    const d = node.distance ?? 0;
    const metres = node.units !== undefined && METRES.has(node.units.toLowerCase());
    const km = node.units?.toLowerCase() === "km";
    if (this.s.srs && isGeographic(this.s.srs) && (metres || km))
      return ((km ? 1000 : 1) * d) / METRES_PER_DEGREE;
    return km ? d * 1000 : d;
  }

  /** An attribute leaf as source conditions, and whether they are exact. */
  pushable(n: FilterNode): { filter: AttrFilter[]; exact: boolean } | null {
    switch (n.op) {
      case "compare": {
        const t = this.field(n.prop);
        const value = this.value(n.prop, t, n.value);
        // Caseless text compares stay in the residual: the sources have no caseless "=".
        if (!n.matchCase && t === "STRING") return null;
        return { filter: [{ field: n.prop, op: n.cmp, value }], exact: true };
      }
      case "between": {
        const t = this.field(n.prop);
        return {
          filter: [
            { field: n.prop, op: "ge", value: this.value(n.prop, t, n.lower) },
            { field: n.prop, op: "le", value: this.value(n.prop, t, n.upper) },
          ],
          exact: true,
        };
      }
      case "null":
        this.field(n.prop);
        return { filter: [{ field: n.prop, op: "isnull", value: true }], exact: true };
      case "like": {
        this.field(n.prop);
        const { sql, exact } = likeToSql(n);
        return {
          filter: [{ field: n.prop, op: n.matchCase ? "like" : "ilike", value: sql }],
          exact,
        };
      }
      default:
        return null;
    }
  }

  /** The exact in-memory predicate of any node. */
  predicate(n: FilterNode): Pred {
    switch (n.op) {
      case "and": {
        const ps = n.args.map((a) => this.predicate(a));
        return (f) => ps.every((p) => p(f));
      }
      case "or": {
        const ps = n.args.map((a) => this.predicate(a));
        return (f) => ps.some((p) => p(f));
      }
      case "not": {
        const p = this.predicate(n.arg);
        return (f) => !p(f);
      }
      case "ids": {
        const set = new Set(this.ids(n.ids));
        return (f) => set.has(f.id);
      }
      case "spatial": {
        const test = spatialTest(n.rel, this.geometry(n), this.distance(n));
        return (f) => f.geom !== null && test(f.geom);
      }
      case "like": {
        const t = this.field(n.prop);
        const re = likeRegExp(n);
        return (f) => {
          const s = likeText(t, f.fields[n.prop] ?? null);
          return s !== null && re.test(s);
        };
      }
      case "compare":
        if (!n.matchCase && this.field(n.prop) === "STRING") return this.caseless(n);
    }
    const pushed = this.pushable(n)!;
    return compileMatch(this.s.fields, { filter: pushed.filter });
  }

  /** A caseless text compare: the same comparison over lower-cased values. */
  caseless(n: Extract<FilterNode, { op: "compare" }>): Pred {
    const value = n.value.toLowerCase();
    const match = compileMatch(this.s.fields, { filter: [{ field: n.prop, op: n.cmp, value }] });
    return (f) => {
      const v = f.fields[n.prop];
      const lower = typeof v === "string" ? v.toLowerCase() : v;
      return match({ ...f, fields: { ...f.fields, [n.prop]: lower ?? null } });
    };
  }

  ids(raw: string[]): number[] {
    return raw.map((r) => this.s.featureId(r)).filter((x): x is number => x !== null);
  }
}

type LikeToken = { any: true } | { one: true } | { char: string };

/** A LIKE pattern in the client's wildcards as tokens (escaped characters are plain chars). */
function likeTokens(n: Extract<FilterNode, { op: "like" }>): LikeToken[] {
  const out: LikeToken[] = [];
  const chars = [...n.pattern];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === n.escapeChar && i + 1 < chars.length) out.push({ char: chars[++i]! });
    else if (ch === n.wildCard) out.push({ any: true });
    else if (ch === n.singleChar) out.push({ one: true });
    else out.push({ char: ch });
  }
  return out;
}

/** The SQL LIKE pattern (no escape character there: a literal % or _ becomes _, inexact). */
function likeToSql(n: Extract<FilterNode, { op: "like" }>): { sql: string; exact: boolean } {
  let sql = "";
  let exact = true;
  for (const t of likeTokens(n)) {
    if ("any" in t) sql += "%";
    else if ("one" in t) sql += "_";
    else if (t.char === "%" || t.char === "_") {
      sql += "_";
      exact = false;
    } else sql += t.char;
  }
  return { sql, exact };
}

function likeRegExp(n: Extract<FilterNode, { op: "like" }>): RegExp {
  // Only syntax characters are escaped: under the u flag "\\-" is an invalid escape.
  const src = likeTokens(n)
    .map((t) =>
      "any" in t
        ? "[\\s\\S]*"
        : "one" in t
          ? "[\\s\\S]"
          : t.char.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"),
    )
    .join("");
  return new RegExp(`^${src}$`, n.matchCase ? "u" : "iu");
}

function conjuncts(n: FilterNode): FilterNode[] {
  return n.op === "and" ? n.args.flatMap(conjuncts) : [n];
}

/** Plans a filter (undefined: everything) for one layer. */
export function planFilter(node: FilterNode | undefined, schema: FilterSchema): FilterPlan {
  const p = new Planner(schema);
  const query: FilterPlan["query"] = {};
  const rest: Pred[] = [];
  for (const c of node ? conjuncts(node) : []) {
    if (c.op === "ids") {
      const ids = p.ids(c.ids);
      query.fids = query.fids ? query.fids.filter((id) => ids.includes(id)) : ids;
      continue;
    }
    if (c.op === "spatial") {
      const g = p.geometry(c);
      const exact = c.rel === "bbox" || c.rel === "intersects";
      if (!schema.srs) {
        rest.push(() => false);
        continue;
      }
      if (c.rel !== "disjoint" && c.rel !== "beyond" && !query.intersects && !query.bbox) {
        if (c.rel === "dwithin") query.bbox = grow(bboxOf(g), p.distance(c));
        else query.intersects = g;
        if (exact) continue;
      }
      rest.push(p.predicate(c));
      continue;
    }
    const pushed = p.pushable(c);
    if (pushed) {
      query.filter = [...(query.filter ?? []), ...pushed.filter];
      if (pushed.exact) continue;
    }
    rest.push(p.predicate(c));
  }
  const residual: Pred | null = rest.length ? (f) => rest.every((r) => r(f)) : null;
  return { query, residual };
}

function grow(b: BBox | null, d: number): BBox | undefined {
  return b ? [b[0] - d, b[1] - d, b[2] + d, b[3] + d] : undefined;
}
