/**
 * @module NGW's JSON filter expressions (`filter=` on feature lists, counts and extents;
 * feature_layer/filter.py): ["all", ["==", ["get", "f"], 1], ["in", ["fid"], 1, 2], …]. gisd's
 * FeatureQuery ANDs its conditions, so `any` is accepted only with a single member; everything
 * else NGW knows becomes attribute filters, anything malformed is NGW's 422.
 */
import { ValidationError } from "../../catalog/errors.ts";
import type { OpenLayer } from "../../catalog/features.ts";
import { FieldValueError, loadValue } from "../../geo/features/values.ts";
import type {
  AttrFilter,
  FieldType,
  FieldValue,
  FilterOp,
} from "../../geo/sources/feature-source.ts";

const BINARY: Record<string, FilterOp> = {
  "==": "eq",
  "!=": "ne",
  ">": "gt",
  ">=": "ge",
  "<": "lt",
  "<=": "le",
  ilike: "ilike",
};
/** `a > literal` written the other way round: `literal < a`. */
const FLIP: Record<string, FilterOp> = {
  gt: "lt",
  ge: "le",
  lt: "gt",
  le: "ge",
  eq: "eq",
  ne: "ne",
};

function invalid(reason?: string): never {
  throw new ValidationError(`Invalid filter expression${reason ? `: ${reason}` : ""}.`);
}

function operand(layer: OpenLayer, v: unknown): { field: string; type: FieldType | "ID" } | null {
  if (!Array.isArray(v) || typeof v[0] !== "string") return null;
  if (v[0] === "fid" && v.length === 1) return { field: "id", type: "ID" };
  if (v[0] === "get" && v.length === 2 && typeof v[1] === "string") {
    const f = layer.fields.find((x) => x.keyname === v[1]);
    if (!f) invalid(`field '${v[1]}' not found`);
    return { field: f.keyname, type: f.datatype };
  }
  return invalid(`unknown operand '${v[0]}'`);
}

function literal(type: FieldType | "ID", v: unknown): FieldValue {
  if (Array.isArray(v) || (typeof v === "object" && v !== null)) invalid("a literal was expected");
  try {
    return type === "ID" ? (loadValue("BIGINT", v) as FieldValue) : loadValue(type, v);
  } catch (err) {
    if (err instanceof FieldValueError) invalid(err.message);
    throw err;
  }
}

function condition(layer: OpenLayer, e: unknown[], out: AttrFilter[]): void {
  const [op, ...args] = e as [string, ...unknown[]];
  if (op === "all") {
    for (const a of args) node(layer, a, out);
    return;
  }
  if (op === "any") {
    if (args.length !== 1) invalid("'any' with more than one condition is not supported");
    node(layer, args[0], out);
    return;
  }
  if (op === "is_null" || op === "!is_null") {
    const o = args.length === 1 ? operand(layer, args[0]) : null;
    if (!o) invalid(`invalid operands of ${op}`);
    out.push({ field: o.field, op: "isnull", value: op === "is_null" });
    return;
  }
  if (op === "in" || op === "!in") {
    const o = operand(layer, args[0]);
    const values = args.length === 2 && Array.isArray(args[1]) ? args[1] : args.slice(1);
    if (!o || values.length === 0) invalid(`operator ${op} requires a field and values`);
    out.push({
      field: o.field,
      op: op === "in" ? "in" : "notin",
      value: values.map((v) => literal(o.type, v)),
    });
    return;
  }
  const mapped = BINARY[op];
  if (!mapped || args.length !== 2) invalid(`unsupported operator '${String(op)}'`);
  let o = operand(layer, args[0]);
  let value = args[1];
  let fop = mapped;
  if (!o) {
    o = operand(layer, args[1]);
    value = args[0];
    const flipped = FLIP[mapped];
    if (!o || !flipped) invalid(`invalid operands of ${op}`);
    fop = flipped;
  }
  if (value === null && (fop === "eq" || fop === "ne")) {
    out.push({ field: o.field, op: "isnull", value: fop === "eq" });
    return;
  }
  out.push({
    field: o.field,
    op: fop,
    value: fop === "ilike" ? String(value) : literal(o.type, value),
  });
}

function node(layer: OpenLayer, e: unknown, out: AttrFilter[]): void {
  if (!Array.isArray(e) || e.length === 0 || typeof e[0] !== "string") invalid();
  condition(layer, e, out);
}

/** The attribute filters of a `filter` parameter; [] for an empty expression ({} or []). */
export function parseFilterExpression(text: string, layer: OpenLayer): AttrFilter[] {
  let e: unknown;
  try {
    e = JSON.parse(text);
  } catch {
    invalid();
  }
  if (Array.isArray(e) && e.length === 0) return [];
  if (typeof e === "object" && e !== null && !Array.isArray(e) && Object.keys(e).length === 0)
    return [];
  const out: AttrFilter[] = [];
  node(layer, e, out);
  return out;
}
