// Compiles EQL expressions into closures over a document, once per query, so running a query is
// calls into prebuilt functions rather than walking the tree for every event.
//
// Two evaluation modes mirror how Elasticsearch runs a where-clause:
// - value mode: SQL three-valued logic (null propagates), used inside functions and arithmetic;
// - filter mode: what a where-clause keeps. Elasticsearch translates the clause into a query where
//   `not` / `!=` / `not in` become `bool.must_not` (and scripted parts become
//   `not(nullSafeFilter(..))`), so a negation is true when the field is missing. docs/CONFORMANCE.md
//   records the evidence.
import type { Call, Comparison, Expr, InExpr, MatchExpr } from '../syntax/ast';
import { arithmeticChain, logicalOperands, unparen } from '../syntax/visit';
import type { Diagnostic } from '../diagnostic';
import { lookupFunction } from '../analysis/functions';
import { FieldTypes, resolveField, Doc } from './fields';
import { FnImpl, arith, implFor } from './functions';
import { compileMatchPattern, patternErrorRange, wildcardLowers } from './pattern';
import { Kind, Scalar, Value, compareScalars, parseDate, stringForm } from './values';
import { ipKey } from './ip';
import type { DiagnosticCode } from '../codes';

export type Ev = (doc: Doc) => Value;
export type Pred = (doc: Doc) => boolean;

export interface ExprContext {
  fieldTypes: FieldTypes;
  timestampField: string;
  errors: Diagnostic[];
}

function error(ctx: ExprContext, e: { range: { start: number; end: number } }, message: string, code: DiagnosticCode = 'EQL501'): void {
  ctx.errors.push({ range: e.range, severity: 'error', code, message });
}

const NULL_EV: Ev = () => null;

/** True when some value is `true` (a multi-valued boolean matches when any value does). */
export function truthy(v: Value): boolean {
  return v === true || (Array.isArray(v) && v.includes(true));
}

function isNullLiteral(e: Expr, ctx?: ExprContext): boolean {
  const u = unparen(e);
  if (u.kind === 'literal') return u.value === null;
  // An optional field the mapping does not know folds to null, as in Elasticsearch.
  return !!ctx && u.kind === 'field' && u.optional && fieldInfo(u.name, true, ctx).unmapped;
}

/** The kind a field operand gives a comparison (date, ip, version...). */
export function kindOf(e: Expr, ctx: ExprContext): Kind {
  const u = unparen(e);
  if (u.kind !== 'field') return 'any';
  return fieldInfo(u.name, u.optional, ctx).kind;
}

interface FieldCompiled {
  kind: Kind;
  get: Ev;
  /** Optional field absent from the mapping: folds to null, as Elasticsearch does. */
  unmapped: boolean;
}

const fieldCache = new WeakMap<ExprContext, Map<string, FieldCompiled>>();

function fieldInfo(name: string, optional: boolean, ctx: ExprContext): FieldCompiled {
  let cache = fieldCache.get(ctx);
  if (!cache) fieldCache.set(ctx, (cache = new Map()));
  const key = `${optional ? '?' : ''}${name}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let out: FieldCompiled;
  if (optional && ctx.fieldTypes && ctx.fieldTypes(name) === undefined) {
    out = { kind: 'any', get: NULL_EV, unmapped: true };
  } else {
    const declared = ctx.fieldTypes?.(name);
    const force: Kind | undefined = declared === undefined && name === ctx.timestampField ? 'date' : undefined;
    const info = resolveField(name, ctx.fieldTypes, force);
    out = { kind: info.kind, get: info.get, unmapped: false };
  }
  cache.set(key, out);
  return out;
}

/** A literal converted to the kind of the field it is compared with (dates to millis, ips to keys). */
function literalFor(v: Value, kind: Kind): Value {
  if (v === null || Array.isArray(v)) return v;
  if (kind === 'date') return parseDate(v) ?? v;
  return v;
}

function eqScalar(a: Scalar, b: Scalar, kind: Kind): boolean {
  if (a === b) return true;
  if (kind === 'ip') {
    const x = ipKey(String(a));
    return x !== undefined && x === ipKey(String(b));
  }
  return compareScalars(a, b, kind) === 0;
}

function cmpOp(op: string, a: Scalar, b: Scalar, kind: Kind): boolean {
  if (op === '==') return eqScalar(a, b, kind);
  if (op === '!=') return !eqScalar(a, b, kind);
  const c = compareScalars(a, b, kind);
  if (Number.isNaN(c)) return false;
  switch (op) {
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    default:
      return c >= 0;
  }
}

/** Any pair of values satisfies the comparison (multi-valued fields match when any value does). */
function anyCmp(op: string, a: Value, b: Value, kind: Kind): boolean {
  if (a === null || b === null) return false;
  if (Array.isArray(a)) return a.some((x) => anyCmp(op, x, b, kind));
  if (Array.isArray(b)) return b.some((y) => cmpOp(op, a, y, kind));
  return cmpOp(op, a, b, kind);
}

// ------------------------------------------------------------------------------------------------
// Value mode

export function compileValue(e: Expr, ctx: ExprContext): Ev {
  switch (e.kind) {
    case 'literal': {
      const v = e.value;
      return () => v;
    }
    case 'paren':
      return compileValue(e.expr, ctx);
    case 'error':
      error(ctx, e, 'cannot run a query with a syntax error here');
      return NULL_EV;
    case 'field':
      return fieldInfo(e.name, e.optional, ctx).get;
    case 'not': {
      const f = compileValue(e.operand, ctx);
      return (doc) => {
        const v = f(doc);
        return v === null ? null : !truthy(v);
      };
    }
    case 'logical': {
      // A chain of one operator is one loop (three-valued and/or are associative), so a
      // 50,000-term condition neither compiles nor evaluates recursively.
      const fs = logicalOperands(e, e.op).map((x) => compileValue(x, ctx));
      if (e.op === 'and') {
        return (doc) => {
          let sawNull = false;
          for (const f of fs) {
            const v = f(doc);
            if (v === null) sawNull = true;
            else if (!truthy(v)) return false;
          }
          return sawNull ? null : true;
        };
      }
      return (doc) => {
        let sawNull = false;
        for (const f of fs) {
          const v = f(doc);
          if (truthy(v)) return true;
          if (v === null) sawNull = true;
        }
        return sawNull ? null : false;
      };
    }
    case 'comparison':
      return compileComparisonValue(e, ctx);
    case 'arithmetic': {
      // `1 + 2 - x + ...` folds left in a loop; each step is float when any operand so far is.
      const { first, rest } = arithmeticChain(e);
      const head = compileValue(first, ctx);
      let float = isFloat(first, ctx);
      const steps = rest.map(({ op, operand }) => {
        float = float || isFloat(operand, ctx);
        return { op, f: compileValue(operand, ctx), float };
      });
      return (doc) => {
        let acc = head(doc);
        for (const s of steps) {
          if (acc === null) return null;
          acc = lift2(acc, s.f(doc), (a, b) => arith(s.op, a, b, s.float));
        }
        return acc;
      };
    }
    case 'unary': {
      const f = compileValue(e.operand, ctx);
      if (e.op === '+') return f;
      return (doc) => lift1(f(doc), (a) => (typeof a === 'number' ? -a : null));
    }
    case 'in': {
      const test = compileInAny(e, ctx);
      const val = compileValue(e.value, ctx);
      return (doc) => {
        if (val(doc) === null) return null;
        const hit = test(doc);
        return e.negated ? !hit : hit;
      };
    }
    case 'match': {
      const test = compileMatchAny(e, ctx);
      const val = compileValue(e.value, ctx);
      return (doc) => (val(doc) === null ? null : test(doc));
    }
    case 'call':
      return compileCall(e, ctx);
  }
}

const FLOAT_TYPES = new Set(['double', 'float', 'half_float', 'scaled_float']);

/**
 * Whether an operand is floating point by its type (a `4.0` literal, a double field): JSON and JS
 * numbers cannot tell 4.0 from 4, but Elasticsearch divides integers only when both sides are integers.
 */
export function isFloat(e: Expr, ctx: ExprContext): boolean {
  switch (e.kind) {
    case 'literal':
      return e.type === 'float';
    case 'paren':
      return isFloat(e.expr, ctx);
    case 'unary':
      return isFloat(e.operand, ctx);
    case 'arithmetic': {
      const { first, rest } = arithmeticChain(e);
      return isFloat(first, ctx) || rest.some((r) => isFloat(r.operand, ctx));
    }
    case 'field':
      return FLOAT_TYPES.has((ctx.fieldTypes?.(e.name) ?? '').split(';')[0]);
    case 'call': {
      const n = e.name.toLowerCase();
      return ['add', 'subtract', 'multiply', 'divide', 'modulo'].includes(n) && e.args.some((a) => isFloat(a, ctx));
    }
    default:
      return false;
  }
}

function lift1(a: Value, f: (x: Scalar) => Scalar | null): Value {
  if (a === null) return null;
  if (!Array.isArray(a)) return f(a);
  const out: Scalar[] = [];
  for (const x of a) {
    const r = f(x);
    if (r !== null) out.push(r);
  }
  return out.length === 0 ? null : out.length === 1 ? out[0] : out;
}

function lift2(a: Value, b: Value, f: (x: Scalar, y: Scalar) => Scalar | null): Value {
  if (a === null || b === null) return null;
  if (Array.isArray(a)) return lift1(a, (x) => lift2(x, b, f) as Scalar | null);
  if (Array.isArray(b)) return lift1(b, (y) => f(a, y));
  return f(a, b);
}

function compileComparisonValue(e: Comparison, ctx: ExprContext): Ev {
  if (e.op === '==' || e.op === '!=') {
    // `x == null` / `x != null` are existence tests (Elasticsearch rewrites them to IsNull / IsNotNull).
    const lNull = isNullLiteral(e.left, ctx);
    const rNull = isNullLiteral(e.right, ctx);
    if (lNull || rNull) {
      const other = compileValue(lNull ? e.right : e.left, ctx);
      const want = e.op === '==';
      if (lNull && rNull) return () => want;
      return (doc) => (other(doc) === null) === want;
    }
  }
  const kind = comparisonKind(e, ctx);
  const l = compileOperand(e.left, kind, ctx);
  const r = compileOperand(e.right, kind, ctx);
  const op = e.op;
  return (doc) => {
    const a = l(doc);
    const b = r(doc);
    if (a === null || b === null) return null;
    return anyCmp(op, a, b, kind);
  };
}

function comparisonKind(e: { left: Expr; right: Expr }, ctx: ExprContext): Kind {
  const k = kindOf(e.left, ctx);
  return k !== 'any' && k !== 'keyword' ? k : kindOf(e.right, ctx);
}

function compileOperand(e: Expr, kind: Kind, ctx: ExprContext): Ev {
  const u = unparen(e);
  if (u.kind === 'literal' && kind === 'date' && u.value !== null) {
    const v = literalFor(u.value as Scalar, kind);
    if (typeof v !== 'number') error(ctx, u, `cannot parse ${JSON.stringify(u.value)} as a date`);
    return () => v;
  }
  return compileValue(e, ctx);
}

// ------------------------------------------------------------------------------------------------
// in / match

function compileInAny(e: InExpr, ctx: ExprContext): Pred {
  const kind = kindOf(e.value, ctx);
  const val = compileValue(e.value, ctx);
  const items = e.list.map((x) => unparen(x));
  const allLiterals = items.every((x) => x.kind === 'literal');
  if (allLiterals && (kind === 'any' || kind === 'keyword')) {
    const lits = items.map((x) => (x.kind === 'literal' ? x.value : null)).filter((v): v is Scalar => v !== null);
    const fold = (s: Scalar): Scalar => (e.insensitive && typeof s === 'string' ? s.toLowerCase() : s);
    const set = new Set<Scalar>(lits.map(fold));
    // Mixed types (a number against "42") fall back to ES's coercing comparison. A string value,
    // the usual case, only needs the list's other-typed literals: usually none.
    const nonStrings = lits.filter((l) => typeof l !== 'string');
    const test = (x: Scalar): boolean => {
      if (set.has(fold(x))) return true;
      for (const l of typeof x === 'string' ? nonStrings : lits) if (typeof l !== typeof x && compareScalars(l, x, kind) === 0) return true;
      return false;
    };
    return (doc) => {
      const v = val(doc);
      if (v === null) return false;
      if (Array.isArray(v)) return v.some(test);
      return test(v);
    };
  }
  const evs = e.list.map((x) => compileOperand(x, kind, ctx));
  return (doc) => {
    const v = val(doc);
    if (v === null) return false;
    for (const f of evs) {
      const w = f(doc);
      if (w === null) continue;
      if (e.insensitive) {
        const lower = (s: Value): Value =>
          s === null ? null : Array.isArray(s) ? s.map((y) => (typeof y === 'string' ? y.toLowerCase() : y)) : typeof s === 'string' ? s.toLowerCase() : s;
        if (anyCmp('==', lower(v), lower(w), kind)) return true;
      } else if (anyCmp('==', v, w, kind)) return true;
    }
    return false;
  };
}

function compileMatchAny(e: MatchExpr, ctx: ExprContext): Pred {
  const val = compileValue(e.value, ctx);
  // `:` and the `~` wildcard forms compare lower-cased: the value is lowered once per event, not
  // once per pattern.
  const lower = wildcardLowers(e.op, e.insensitive);
  const tests: ((s: string) => boolean)[] = [];
  for (const p of e.patterns) {
    const u = unparen(p);
    if (u.kind !== 'literal' || typeof u.value !== 'string') {
      error(ctx, p, `the pattern of ${e.op} must be a string literal`);
      continue;
    }
    try {
      tests.push(compileMatchPattern(e.op, u.value, e.insensitive));
    } catch (err) {
      ctx.errors.push({ range: patternErrorRange(err, u.range), severity: 'error', code: 'EQL502', message: (err as Error).message });
    }
  }
  const one = (x: Scalar): boolean => {
    const s = lower ? stringForm(x).toLowerCase() : stringForm(x);
    for (const t of tests) if (t(s)) return true;
    return false;
  };
  return (doc) => {
    const v = val(doc);
    if (v === null) return false;
    if (Array.isArray(v)) return v.some(one);
    return one(v);
  };
}

// ------------------------------------------------------------------------------------------------
// function calls

/** Functions Elasticsearch turns into queries, so `f(..) == false` / `!= true` negate like `not f(..)`. */
const QUERY_FUNCTIONS = new Set(['startswith', 'endswith', 'stringcontains', 'cidrmatch']);

function compileCall(e: Call, ctx: ExprContext): Ev {
  const info = lookupFunction(e.name);
  const impl: FnImpl | undefined = info ? implFor(info.name) : undefined;
  if (!info || !impl) {
    error(ctx, { range: e.nameRange }, `unknown function ${e.name}`, 'EQL503');
    return NULL_EV;
  }
  if (e.args.length < info.minArgs || e.args.length > info.maxArgs) {
    error(ctx, e, `${info.name} takes ${info.minArgs === info.maxArgs ? info.minArgs : `${info.minArgs} to ${info.maxArgs}`} arguments`, 'EQL504');
    return NULL_EV;
  }
  if (e.insensitive && !info.caseInsensitive) {
    error(ctx, { range: e.nameRange }, `${info.name} has no case-insensitive ~ form`, 'EQL505');
    return NULL_EV;
  }
  const args = e.args.map((a) => compileValue(a, ctx));
  const ci = e.insensitive;
  if (info.name === 'divide' && e.args.some((a) => isFloat(a, ctx))) {
    const [l, r] = args;
    return (doc) => lift2(l(doc), r(doc), (a, b) => arith('/', a, b, true));
  }
  const n = args.length;
  return (doc) => {
    const vals: Value[] = new Array(n);
    let multi = -1;
    for (let i = 0; i < n; i++) {
      vals[i] = args[i](doc);
      if (multi < 0 && Array.isArray(vals[i])) multi = i;
    }
    if (multi < 0) return impl(vals as (Scalar | null)[], ci);
    // A multi-valued argument: evaluate per value (Elasticsearch's multiValueDocValues).
    const out: Scalar[] = [];
    for (const x of vals[multi] as Scalar[]) {
      const copy = vals.slice();
      copy[multi] = x;
      const r = impl(copy.map((v) => (Array.isArray(v) ? v[0] : v)), ci);
      if (r !== null) out.push(r);
    }
    return out.length === 0 ? null : out.length === 1 ? out[0] : out;
  };
}

// ------------------------------------------------------------------------------------------------
// Filter mode

export function compileFilter(e: Expr, ctx: ExprContext): Pred {
  switch (e.kind) {
    case 'paren':
      return compileFilter(e.expr, ctx);
    case 'literal': {
      const v = e.value === true;
      return () => v;
    }
    case 'not': {
      if (isNullLiteral(e.operand)) return () => false;
      const f = compileFilter(e.operand, ctx);
      return (doc) => !f(doc);
    }
    case 'logical': {
      const fs = logicalOperands(e, e.op).map((x) => compileFilter(x, ctx));
      if (fs.length === 2) {
        const [l, r] = fs;
        return e.op === 'and' ? (doc) => l(doc) && r(doc) : (doc) => l(doc) || r(doc);
      }
      return e.op === 'and' ? (doc) => fs.every((f) => f(doc)) : (doc) => fs.some((f) => f(doc));
    }
    case 'in': {
      const test = compileInAny(e, ctx);
      return e.negated ? (doc) => !test(doc) : test;
    }
    case 'match':
      return compileMatchAny(e, ctx);
    case 'comparison':
      return compileComparisonFilter(e, ctx);
    default: {
      const f = compileValue(e, ctx);
      return (doc) => truthy(f(doc));
    }
  }
}

function compileComparisonFilter(e: Comparison, ctx: ExprContext): Pred {
  const l = unparen(e.left);
  const r = unparen(e.right);
  if ((e.op === '==' || e.op === '!=') && !isNullLiteral(l, ctx) && !isNullLiteral(r, ctx)) {
    // `startsWith(..) == false`, `cidrMatch(..) != true`: a negated query.
    const boolLit = r.kind === 'literal' && typeof r.value === 'boolean' ? r.value : undefined;
    if (l.kind === 'call' && boolLit !== undefined && QUERY_FUNCTIONS.has((lookupFunction(l.name)?.name ?? '').toLowerCase())) {
      const f = compileFilter(l, ctx);
      const positive = (e.op === '==') === boolLit;
      return positive ? f : (doc) => !f(doc);
    }
    // `field != value` is `must_not term`: true when the field is missing or no value equals.
    if (e.op === '!=' && ((l.kind === 'field' && r.kind === 'literal') || (r.kind === 'field' && l.kind === 'literal'))) {
      const kind = comparisonKind(e, ctx);
      const a = compileOperand(e.left, kind, ctx);
      const b = compileOperand(e.right, kind, ctx);
      return (doc) => !anyCmp('==', a(doc), b(doc), kind);
    }
    if (e.op === '==' && l.kind === 'field' && r.kind === 'literal') {
      const kind = comparisonKind(e, ctx);
      const get = compileValue(l, ctx);
      const lit = literalFor(r.value as Scalar, kind);
      if (kind === 'date' && typeof lit !== 'number') error(ctx, r, `cannot parse ${JSON.stringify(r.value)} as a date`);
      if (typeof lit === 'string' && (kind === 'any' || kind === 'keyword')) {
        // The hot path of most rules: a keyword field against a string.
        return (doc) => {
          const v = get(doc);
          if (v === lit) return true;
          if (v === null || typeof v === 'string') return false;
          return anyCmp('==', v, lit, kind);
        };
      }
      return (doc) => anyCmp('==', get(doc), lit, kind);
    }
  }
  const f = compileComparisonValue(e, ctx);
  return (doc) => f(doc) === true;
}
