/**
 * @module The WFS filter AST: what OGC Filter 1.0/1.1, FES 2.0 and the WFS KVP parameters (BBOX,
 * FEATUREID, RESOURCEID) mean, as plain data. Only property names, literals and geometries
 * appear: there are no functions or arithmetic, so nothing a client sends is ever evaluated as
 * an expression (GeoServer's CVE-2024-36401 came from evaluating property names as XPath).
 */
import type { Geometry } from "../geometry/types.ts";

export type CompareOp = "eq" | "ne" | "lt" | "le" | "gt" | "ge";

export type SpatialOp =
  | "bbox"
  | "intersects"
  | "disjoint"
  | "within"
  | "contains"
  | "dwithin"
  | "beyond";

/** A geometry literal with the EPSG code its coordinates are in (x/y order); null = default. */
export interface GeometryLiteral {
  geometry: Geometry;
  srs: number | null;
}

export type FilterNode =
  | { op: "and" | "or"; args: FilterNode[] }
  | { op: "not"; arg: FilterNode }
  | { op: "compare"; cmp: CompareOp; prop: string; value: string; matchCase: boolean }
  | { op: "between"; prop: string; lower: string; upper: string }
  /** `pattern` keeps the client's wildcards, named by the three characters. */
  | {
      op: "like";
      prop: string;
      pattern: string;
      wildCard: string;
      singleChar: string;
      escapeChar: string;
      matchCase: boolean;
    }
  | { op: "null"; prop: string }
  /** Feature ids as sent ("layer.12", "12"); resolved against the layer later. */
  | { op: "ids"; ids: string[] }
  /** `prop` undefined means the layer's geometry; `distance` in `units` for dwithin/beyond. */
  | {
      op: "spatial";
      rel: SpatialOp;
      prop?: string;
      geometry: GeometryLiteral;
      distance?: number;
      units?: string;
    };
