/**
 * @module OGC Filter Encoding 1.0/1.1 (`<ogc:Filter>` in SLD rules) to and from the model's
 * Filter AST: the comparison operators, PropertyIsLike/Null/Between and And/Or/Not. Spatial and
 * FeatureId filters are outside the model: reported, never guessed.
 */

import { escapeXml, type XmlElement } from "../xml.ts";
import { anyOf } from "./filter.ts";
import type { ComparisonOp, Filter, FilterValue } from "./model.ts";

export class UnsupportedFilter extends Error {}

const COMPARISONS: Record<string, ComparisonOp> = {
  PropertyIsEqualTo: "=",
  PropertyIsNotEqualTo: "!=",
  PropertyIsLessThan: "<",
  PropertyIsLessThanOrEqualTo: "<=",
  PropertyIsGreaterThan: ">",
  PropertyIsGreaterThanOrEqualTo: ">=",
};
const FLIP: Record<ComparisonOp, ComparisonOp> = {
  "=": "=",
  "!=": "!=",
  "<": ">",
  "<=": ">=",
  ">": "<",
  ">=": "<=",
};

/**
 * A literal as typed as the text allows: "12.5" → 12.5, but "007" stays a string (it would not
 * survive a round trip through a number), so text fields keep matching.
 */
export function typedLiteral(text: string): FilterValue {
  const t = text.trim();
  if (t !== "" && String(Number(t)) === t) return Number(t);
  return text;
}

/** Reads the single predicate inside an `<ogc:Filter>` element. */
export function readOgcFilter(filter: XmlElement): Filter {
  const preds = filter.children;
  if (preds.length !== 1) {
    if (!preds.length) throw new UnsupportedFilter("empty Filter");
    return { op: "and", filters: preds.map(readPredicate) };
  }
  return readPredicate(preds[0]!);
}

function propertyName(el: XmlElement | undefined): string | undefined {
  if (!el) return undefined;
  if (el.name === "PropertyName" || el.name === "ValueReference") return el.text.trim();
  return undefined;
}

function literal(el: XmlElement | undefined): FilterValue | undefined {
  if (el?.name === "Literal") return typedLiteral(el.text);
  return undefined;
}

function readPredicate(p: XmlElement): Filter {
  const cmp = COMPARISONS[p.name];
  if (cmp) {
    const [a, b] = p.children;
    const fa = propertyName(a);
    const fb = propertyName(b);
    const la = literal(a);
    const lb = literal(b);
    let f: Filter;
    if (fa !== undefined && lb !== undefined) f = { op: cmp, field: fa, value: lb };
    else if (fb !== undefined && la !== undefined) f = { op: FLIP[cmp], field: fb, value: la };
    else throw new UnsupportedFilter(`${p.name} needs a PropertyName and a Literal`);
    // matchCase="false" on equality: model equality is exact; a case-insensitive LIKE is not.
    if (p.attrs.matchCase === "false" && cmp === "=" && typeof f.value === "string") {
      return { op: "like", field: f.field, pattern: likeEscape(f.value), caseInsensitive: true };
    }
    return f;
  }
  switch (p.name) {
    case "And":
      return { op: "and", filters: p.children.map(readPredicate) };
    case "Or":
      return anyOf(p.children.map(readPredicate));
    case "Not": {
      const inner = p.children[0];
      if (!inner) throw new UnsupportedFilter("empty Not");
      return { op: "not", filter: readPredicate(inner) };
    }
    case "PropertyIsNull": {
      const field = propertyName(p.children[0]);
      if (field === undefined) throw new UnsupportedFilter("PropertyIsNull needs a PropertyName");
      return { op: "isnull", field };
    }
    case "PropertyIsLike":
      return readLike(p);
    case "PropertyIsBetween": {
      const field = propertyName(p.children[0]);
      const lo = literal(p.children.find((c) => c.name === "LowerBoundary")?.children[0]);
      const hi = literal(p.children.find((c) => c.name === "UpperBoundary")?.children[0]);
      if (field === undefined || lo === undefined || hi === undefined)
        throw new UnsupportedFilter("PropertyIsBetween needs a PropertyName and two Literals");
      return {
        op: "and",
        filters: [
          { op: ">=", field, value: lo },
          { op: "<=", field, value: hi },
        ],
      };
    }
    default:
      throw new UnsupportedFilter(`${p.name} filters are not supported`);
  }
}

/** SLD LIKE patterns name their own wildcards; they are rewritten to SQL's % and _ with \ escapes. */
function readLike(p: XmlElement): Filter {
  const field = propertyName(p.children[0]);
  const lit = p.children.find((c) => c.name === "Literal");
  if (field === undefined || !lit)
    throw new UnsupportedFilter("PropertyIsLike needs a PropertyName and a Literal");
  const wild = p.attrs.wildCard ?? "*";
  const single = p.attrs.singleChar ?? ".";
  const esc = p.attrs.escape ?? p.attrs.escapeChar ?? "\\";
  let out = "";
  const s = lit.text;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === esc && i + 1 < s.length) out += likeEscape(s[++i]!);
    else if (ch === wild) out += "%";
    else if (ch === single) out += "_";
    else out += likeEscape(ch);
  }
  const f: Filter = { op: "like", field, pattern: out };
  if (p.attrs.matchCase === "false") f.caseInsensitive = true;
  return f;
}

function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, "\\$&");
}

// ---------------------------------------------------------------- writing

const OP_NAME: Record<ComparisonOp, string> = {
  "=": "PropertyIsEqualTo",
  "!=": "PropertyIsNotEqualTo",
  "<": "PropertyIsLessThan",
  "<=": "PropertyIsLessThanOrEqualTo",
  ">": "PropertyIsGreaterThan",
  ">=": "PropertyIsGreaterThanOrEqualTo",
};

const prop = (f: string) => `<ogc:PropertyName>${escapeXml(f)}</ogc:PropertyName>`;
const lit = (v: FilterValue) =>
  `<ogc:Literal>${escapeXml(v === null ? "" : String(v))}</ogc:Literal>`;

/** The predicate XML (without the enclosing ogc:Filter). */
export function writeOgcPredicate(f: Filter): string {
  switch (f.op) {
    case "and":
    case "or": {
      const tag = f.op === "and" ? "ogc:And" : "ogc:Or";
      if (f.filters.length === 1) return writeOgcPredicate(f.filters[0]!);
      return `<${tag}>${f.filters.map(writeOgcPredicate).join("")}</${tag}>`;
    }
    case "not":
      return `<ogc:Not>${writeOgcPredicate(f.filter)}</ogc:Not>`;
    case "isnull":
      return `<ogc:PropertyIsNull>${prop(f.field)}</ogc:PropertyIsNull>`;
    case "in":
      return writeOgcPredicate({
        op: "or",
        filters: f.values.map((value) => ({ op: "=", field: f.field, value })),
      });
    case "like": {
      // SQL % and _ become * and . ; literal *, . and ! are escaped with !.
      let pat = "";
      for (let i = 0; i < f.pattern.length; i++) {
        const ch = f.pattern[i]!;
        if (ch === "\\" && i + 1 < f.pattern.length) pat += sldLikeEscape(f.pattern[++i]!);
        else if (ch === "%") pat += "*";
        else if (ch === "_") pat += ".";
        else pat += sldLikeEscape(ch);
      }
      const mc = f.caseInsensitive ? ` matchCase="false"` : "";
      return `<ogc:PropertyIsLike wildCard="*" singleChar="." escape="!"${mc}>${prop(f.field)}${lit(pat)}</ogc:PropertyIsLike>`;
    }
    default:
      return `<ogc:${OP_NAME[f.op]}>${prop(f.field)}${lit(f.value)}</ogc:${OP_NAME[f.op]}>`;
  }
}

const sldLikeEscape = (ch: string) => (ch === "*" || ch === "." || ch === "!" ? `!${ch}` : ch);
