/**
 * @module The subset of QGIS expressions that rule filters use, to and from the model's Filter
 * AST: comparisons of a field with a literal, IN, LIKE/ILIKE, IS [NOT] NULL, BETWEEN, AND/OR/NOT
 * and parentheses. Anything else (functions, arithmetic) is reported as unsupported, never run.
 */
import { anyOf } from "./filter.ts";
import type { ComparisonOp, Filter, FilterValue } from "./model.ts";

export class UnsupportedExpression extends Error {}

type Tok =
  | { t: "field"; v: string }
  | { t: "str"; v: string }
  | { t: "num"; v: number }
  | { t: "word"; v: string }
  | { t: "op"; v: string };

const MAX_EXPRESSION = 64 * 1024;

function tokenize(src: string): Tok[] {
  if (src.length > MAX_EXPRESSION) throw new UnsupportedExpression("expression too long");
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'") {
      // Both quote kinds double themselves to escape ("a""b", 'it''s').
      let v = "";
      i++;
      for (;;) {
        if (i >= src.length) throw new UnsupportedExpression("unterminated quote");
        if (src[i] === c) {
          if (src[i + 1] === c) {
            v += c;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (c === "'" && src[i] === "\\" && i + 1 < src.length) i++;
        v += src[i++];
      }
      out.push(c === '"' ? { t: "field", v } : { t: "str", v });
    } else if (
      /[0-9.]/.test(c) ||
      (c === "-" && /[0-9.]/.test(src[i + 1] ?? "") && isValueStart(out))
    ) {
      const m = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(src.slice(i))!;
      out.push({ t: "num", v: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))!;
      out.push({ t: "word", v: m[0] });
      i += m[0].length;
    } else {
      const m = /^(<=|>=|<>|!=|=|<|>|\(|\)|,)/.exec(src.slice(i));
      if (!m) throw new UnsupportedExpression(`operator '${c}'`);
      out.push({ t: "op", v: m[0] });
      i += m[0].length;
    }
  }
  return out;
}

/** A minus sign starts a number only where a value may begin (not after a value: "a -1"). */
function isValueStart(prev: Tok[]): boolean {
  const last = prev[prev.length - 1];
  return !last || (last.t === "op" && last.v !== ")") || (last.t === "word" && isKeyword(last.v));
}

const KEYWORDS = new Set(["AND", "OR", "NOT", "IN", "LIKE", "ILIKE", "IS", "NULL", "BETWEEN"]);
const isKeyword = (w: string) => KEYWORDS.has(w.toUpperCase());

class Parser {
  i = 0;
  constructor(readonly toks: Tok[]) {}

  peekWord(w: string): boolean {
    const t = this.toks[this.i];
    return t?.t === "word" && t.v.toUpperCase() === w;
  }
  peekOp(o: string): boolean {
    const t = this.toks[this.i];
    return t?.t === "op" && t.v === o;
  }
  expectOp(o: string): void {
    if (!this.peekOp(o)) throw new UnsupportedExpression(`expected '${o}'`);
    this.i++;
  }

  or(): Filter {
    const parts = [this.and()];
    while (this.peekWord("OR")) {
      this.i++;
      parts.push(this.and());
    }
    return anyOf(parts);
  }

  and(): Filter {
    const parts = [this.not()];
    while (this.peekWord("AND")) {
      this.i++;
      parts.push(this.not());
    }
    return parts.length === 1 ? parts[0]! : { op: "and", filters: parts };
  }

  not(): Filter {
    if (this.peekWord("NOT")) {
      this.i++;
      return { op: "not", filter: this.not() };
    }
    return this.predicate();
  }

  predicate(): Filter {
    if (this.peekOp("(")) {
      this.i++;
      const f = this.or();
      this.expectOp(")");
      return f;
    }
    const left = this.operand();
    const t = this.toks[this.i];
    if (!t) throw new UnsupportedExpression("a bare value is not a condition");
    if (t.t === "op" && ["=", "!=", "<>", "<", "<=", ">", ">="].includes(t.v)) {
      this.i++;
      const right = this.operand();
      let op = (t.v === "<>" ? "!=" : t.v) as ComparisonOp;
      if ("field" in left && "value" in right) return { op, field: left.field, value: right.value };
      if ("value" in left && "field" in right) {
        op = FLIP[op];
        return { op, field: right.field, value: left.value };
      }
      throw new UnsupportedExpression("comparison must be between a field and a value");
    }
    if (!("field" in left)) throw new UnsupportedExpression("condition must start with a field");
    const field = left.field;
    let negate = false;
    if (this.peekWord("IS")) {
      this.i++;
      if (this.peekWord("NOT")) {
        this.i++;
        negate = true;
      }
      if (!this.peekWord("NULL")) throw new UnsupportedExpression("expected NULL");
      this.i++;
      const f: Filter = { op: "isnull", field };
      return negate ? { op: "not", filter: f } : f;
    }
    if (this.peekWord("NOT")) {
      this.i++;
      negate = true;
    }
    let f: Filter;
    if (this.peekWord("IN")) {
      this.i++;
      this.expectOp("(");
      const values: FilterValue[] = [];
      for (;;) {
        const v = this.operand();
        if (!("value" in v)) throw new UnsupportedExpression("IN list must hold values");
        values.push(v.value);
        if (this.peekOp(",")) this.i++;
        else break;
      }
      this.expectOp(")");
      f = { op: "in", field, values };
    } else if (this.peekWord("LIKE") || this.peekWord("ILIKE")) {
      const ci = this.peekWord("ILIKE");
      this.i++;
      const v = this.operand();
      if (!("value" in v) || typeof v.value !== "string")
        throw new UnsupportedExpression("LIKE needs a string pattern");
      f = { op: "like", field, pattern: v.value, ...(ci ? { caseInsensitive: true } : {}) };
    } else if (this.peekWord("BETWEEN")) {
      this.i++;
      const lo = this.operand();
      if (!this.peekWord("AND")) throw new UnsupportedExpression("BETWEEN needs AND");
      this.i++;
      const hi = this.operand();
      if (!("value" in lo) || !("value" in hi)) throw new UnsupportedExpression("BETWEEN values");
      f = {
        op: "and",
        filters: [
          { op: ">=", field, value: lo.value },
          { op: "<=", field, value: hi.value },
        ],
      };
    } else {
      throw new UnsupportedExpression(`unexpected '${String(t.v)}'`);
    }
    return negate ? { op: "not", filter: f } : f;
  }

  operand(): { field: string } | { value: FilterValue } {
    const t = this.toks[this.i++];
    if (!t) throw new UnsupportedExpression("unexpected end");
    if (t.t === "field") return { field: t.v };
    if (t.t === "str" || t.t === "num") return { value: t.v };
    if (t.t === "word") {
      const u = t.v.toUpperCase();
      if (u === "NULL") return { value: null };
      if (u === "TRUE") return { value: true };
      if (u === "FALSE") return { value: false };
      if (this.peekOp("(")) throw new UnsupportedExpression(`function ${t.v}()`);
      if (!isKeyword(t.v)) return { field: t.v };
    }
    throw new UnsupportedExpression(`unexpected '${String(t.v)}'`);
  }
}

const FLIP: Record<ComparisonOp, ComparisonOp> = {
  "=": "=",
  "!=": "!=",
  "<": ">",
  "<=": ">=",
  ">": "<",
  ">=": "<=",
};

/** Parses a QGIS filter expression; throws UnsupportedExpression for anything outside the subset. */
export function parseQgisExpression(src: string): Filter {
  const p = new Parser(tokenize(src));
  const f = p.or();
  if (p.i !== p.toks.length) throw new UnsupportedExpression("trailing tokens");
  return f;
}

/** The field an expression names when it is only a field reference ("name", name), else null. */
export function expressionField(src: string): string | null {
  try {
    const toks = tokenize(src);
    const t = toks[0];
    if (toks.length === 1 && (t?.t === "field" || (t?.t === "word" && !isKeyword(t.v)))) return t.v;
  } catch {
    // not a plain field
  }
  return null;
}

export function quoteField(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteValue(v: FilterValue): string {
  if (v === null) return "NULL";
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
  if (typeof v === "number") return String(v);
  return `'${v.replace(/'/g, "''")}'`;
}

/** Writes a filter as a QGIS expression. */
export function filterToQgis(f: Filter): string {
  switch (f.op) {
    case "and":
    case "or":
      return f.filters.map((x) => `(${filterToQgis(x)})`).join(f.op === "and" ? " AND " : " OR ");
    case "not":
      return `NOT (${filterToQgis(f.filter)})`;
    case "isnull":
      return `${quoteField(f.field)} IS NULL`;
    case "in":
      return `${quoteField(f.field)} IN (${f.values.map(quoteValue).join(", ")})`;
    case "like":
      return `${quoteField(f.field)} ${f.caseInsensitive ? "ILIKE" : "LIKE"} ${quoteValue(f.pattern)}`;
    default:
      return `${quoteField(f.field)} ${f.op === "!=" ? "<>" : f.op} ${quoteValue(f.value)}`;
  }
}
