/**
 * @module OGC Filter 1.0/1.1 and FES 2.0 XML (`<ogc:Filter>`, `<fes:Filter>`) into the filter
 * AST. Operands are only property names (checked to be plain names; the schema check comes in
 * plan.ts) and literals: Function, Add, Sub and every other expression element are refused, so
 * no client text is ever evaluated. Geometry literals are read by the GML reader.
 */
import { GmlError, readGml } from "../formats/gml/reader.ts";
import { parseXmlSafe, type XmlElement, XmlError } from "../xml.ts";
import type { CompareOp, FilterNode, SpatialOp } from "./ast.ts";
import { FilterError } from "./errors.ts";

export interface FilterReadOptions {
  /** srsName assumed for geometry literals that name none (the request's SRSNAME). */
  defaultSrsName?: string;
}

/** Filters are small; a huge one is a denial of service, not a query. */
const MAX_FILTER_BYTES = 1024 * 1024;

const COMPARE: Record<string, CompareOp> = {
  PropertyIsEqualTo: "eq",
  PropertyIsNotEqualTo: "ne",
  PropertyIsLessThan: "lt",
  PropertyIsLessThanOrEqualTo: "le",
  PropertyIsGreaterThan: "gt",
  PropertyIsGreaterThanOrEqualTo: "ge",
};
/** `literal < prop` read as `prop > literal`. */
const FLIP: Record<CompareOp, CompareOp> = {
  eq: "eq",
  ne: "ne",
  lt: "gt",
  le: "ge",
  gt: "lt",
  ge: "le",
};
const SPATIAL: Record<string, SpatialOp> = {
  BBOX: "bbox",
  Intersects: "intersects",
  Disjoint: "disjoint",
  Within: "within",
  Contains: "contains",
  DWithin: "dwithin",
  Beyond: "beyond",
};
const UNSUPPORTED_SPATIAL = new Set(["Equals", "Touches", "Crosses", "Overlaps"]);

const NAME = /^[\p{L}_][\p{L}\p{N}_.-]*$/u;

/**
 * A property reference as a bare name: an optional namespace prefix is dropped ("ngw:name"),
 * anything else XPath could express (steps, predicates, functions) is refused.
 */
export function propertyName(text: string, locator = "FILTER"): string {
  const t = text.trim();
  const bare = t.includes(":") ? t.slice(t.indexOf(":") + 1) : t;
  if (!NAME.test(bare) || bare.length > 200) {
    throw new FilterError(`'${t.slice(0, 60)}' is not a property name.`, undefined, locator);
  }
  return bare;
}

function isProp(el: XmlElement | undefined): boolean {
  return el?.name === "PropertyName" || el?.name === "ValueReference";
}

function literalText(el: XmlElement, op: string): string {
  if (el.children.length) throw new FilterError(`${op}: a Literal must hold text only.`);
  return el.text;
}

/** Refuses any operand that is neither a property name nor a literal (Function, Add, ...). */
function operands(p: XmlElement): XmlElement[] {
  for (const k of p.children) {
    if (!isProp(k) && k.name !== "Literal") {
      throw new FilterError(
        `${p.name}: '${k.name.slice(0, 60)}' operands are not supported; use a property name and a literal.`,
        "OperationNotSupported",
      );
    }
  }
  return p.children;
}

function compare(p: XmlElement, cmp: CompareOp): FilterNode {
  const [a, b, extra] = operands(p);
  if (!a || !b || extra) throw new FilterError(`${p.name} needs two operands.`);
  const matchCase = p.attrs.matchCase !== "false";
  if (isProp(a) && b.name === "Literal") {
    return {
      op: "compare",
      cmp,
      prop: propertyName(a.text),
      value: literalText(b, p.name),
      matchCase,
    };
  }
  if (isProp(b) && a.name === "Literal") {
    return {
      op: "compare",
      cmp: FLIP[cmp],
      prop: propertyName(b.text),
      value: literalText(a, p.name),
      matchCase,
    };
  }
  throw new FilterError(`${p.name} needs a property name and a literal.`, "OperationNotSupported");
}

function like(p: XmlElement): FilterNode {
  const [a, b] = operands(p);
  if (!isProp(a) || b?.name !== "Literal" || p.children.length !== 2)
    throw new FilterError("PropertyIsLike needs a property name and a literal.");
  const wildCard = p.attrs.wildCard ?? "*";
  const singleChar = p.attrs.singleChar ?? ".";
  const escapeChar = p.attrs.escapeChar ?? p.attrs.escape ?? "\\";
  for (const ch of [wildCard, singleChar, escapeChar]) {
    if ([...ch].length !== 1)
      throw new FilterError("PropertyIsLike wildcards must be one character.");
  }
  return {
    op: "like",
    prop: propertyName(a!.text),
    pattern: literalText(b, p.name),
    wildCard,
    singleChar,
    escapeChar,
    matchCase: p.attrs.matchCase !== "false",
  };
}

function between(p: XmlElement): FilterNode {
  const prop = p.children[0];
  const bound = (name: string): string => {
    const el = p.children.find((k) => k.name === name);
    const lit = el?.children[0];
    if (el?.children.length !== 1 || lit?.name !== "Literal")
      throw new FilterError(
        `PropertyIsBetween: ${name} needs one Literal.`,
        "OperationNotSupported",
      );
    return literalText(lit, p.name);
  };
  if (!isProp(prop)) throw new FilterError("PropertyIsBetween needs a property name first.");
  return {
    op: "between",
    prop: propertyName(prop!.text),
    lower: bound("LowerBoundary"),
    upper: bound("UpperBoundary"),
  };
}

function spatial(p: XmlElement, rel: SpatialOp, o: FilterReadOptions): FilterNode {
  let prop: string | undefined;
  let geom: XmlElement | undefined;
  let distance: number | undefined;
  let units: string | undefined;
  for (const k of p.children) {
    if (isProp(k)) prop = propertyName(k.text);
    else if (k.name === "Distance") {
      distance = Number(k.text.trim());
      units = k.attrs.units ?? k.attrs.uom;
      if (!Number.isFinite(distance) || distance < 0 || k.text.trim() === "")
        throw new FilterError(`${p.name}: the distance must be a non-negative number.`);
    } else if (k.name === "Literal" && k.children.length === 1) geom = k.children[0];
    else if (!geom) geom = k;
    else throw new FilterError(`${p.name} takes one geometry.`);
  }
  if (!geom) throw new FilterError(`${p.name} needs a geometry.`);
  if ((rel === "dwithin" || rel === "beyond") && distance === undefined)
    throw new FilterError(`${p.name} needs a Distance.`);
  try {
    const geometry = readGml(geom, { defaultSrsName: o.defaultSrsName });
    return { op: "spatial", rel, prop, geometry, distance, units };
  } catch (err) {
    if (err instanceof GmlError) throw new FilterError(`${p.name}: ${err.message}`);
    throw err;
  }
}

function ids(els: XmlElement[]): FilterNode {
  const out: string[] = [];
  for (const el of els) {
    const v = el.attrs.rid ?? el.attrs.fid ?? el.attrs.id;
    if (v === undefined) throw new FilterError(`${el.name} needs an identifier attribute.`);
    out.push(v);
  }
  return { op: "ids", ids: out };
}

const ID_ELEMENTS = new Set(["FeatureId", "GmlObjectId", "ResourceId"]);

function predicate(p: XmlElement, o: FilterReadOptions): FilterNode {
  const cmp = COMPARE[p.name];
  if (cmp) return compare(p, cmp);
  const rel = SPATIAL[p.name];
  if (rel) return spatial(p, rel, o);
  switch (p.name) {
    case "And":
    case "Or": {
      if (p.children.length < 2) throw new FilterError(`${p.name} needs at least two operands.`);
      return { op: p.name === "And" ? "and" : "or", args: list(p.children, o) };
    }
    case "Not": {
      if (p.children.length !== 1) throw new FilterError("Not needs exactly one operand.");
      return { op: "not", arg: predicate(p.children[0]!, o) };
    }
    case "PropertyIsLike":
      return like(p);
    case "PropertyIsNull":
    case "PropertyIsNil": {
      const a = p.children[0];
      if (!isProp(a) || p.children.length !== 1)
        throw new FilterError(`${p.name} needs one property name.`);
      return { op: "null", prop: propertyName(a!.text) };
    }
    case "PropertyIsBetween":
      return between(p);
  }
  if (ID_ELEMENTS.has(p.name)) return ids([p]);
  if (UNSUPPORTED_SPATIAL.has(p.name))
    throw new FilterError(`The ${p.name} operator is not supported.`, "OperationNotSupported");
  throw new FilterError(
    `'${p.name.slice(0, 60)}' is not a filter operator.`,
    "OperationNotSupported",
  );
}

/** A list of predicates, with consecutive id elements (`<FeatureId/><FeatureId/>`) joined. */
function list(els: XmlElement[], o: FilterReadOptions): FilterNode[] {
  const idEls = els.filter((e) => ID_ELEMENTS.has(e.name));
  const rest = els.filter((e) => !ID_ELEMENTS.has(e.name)).map((e) => predicate(e, o));
  return idEls.length ? [ids(idEls), ...rest] : rest;
}

/** Reads a parsed `<Filter>` element. */
export function readFilterElement(filter: XmlElement, o: FilterReadOptions = {}): FilterNode {
  if (filter.name !== "Filter")
    throw new FilterError(`Expected a Filter, found ${filter.name.slice(0, 60)}.`);
  const preds = list(filter.children, o);
  if (preds.length === 0) throw new FilterError("The Filter is empty.");
  return preds.length === 1 ? preds[0]! : { op: "and", args: preds };
}

/** Parses filter text (the FILTER parameter) with the guarded XML reader. */
export function parseFilterXml(text: string, o: FilterReadOptions = {}): FilterNode {
  let root: XmlElement;
  try {
    root = parseXmlSafe(text, { maxBytes: MAX_FILTER_BYTES, maxDepth: 64 });
  } catch (err) {
    if (err instanceof XmlError) throw new FilterError(`Invalid FILTER: ${err.message}`);
    throw err;
  }
  return readFilterElement(root, o);
}
