// The analyzer's type checks: what a value's type allows where it is used (conditions, boolean and
// arithmetic operands, function arguments, comparisons with literals, `in` lists, patterns, join
// keys), from the field types the caller knows (a schema or a mapping). The verifier's other
// checks are in verifier.ts; analyzer.ts runs both over one walk.
import type { Expr, FieldRef, Range, Step } from '../syntax/ast';
import type { Diagnostic } from '../diagnostic';
import { unparen, type Node } from '../syntax/visit';
import { lookupFunction, type ParamType } from './functions';
import { Checks, ordinal } from './checks';
import { forEachArg } from './verifier';

/** Type families the checks reason about. */
export type Ty = 'string' | 'text' | 'number' | 'boolean' | 'ip' | 'date' | 'null' | 'unknown' | 'unsupported';

const STRING_TYPES = new Set(['keyword', 'constant_keyword', 'wildcard', 'version', 'string']);
const TEXT_TYPES = new Set(['text', 'match_only_text']);
const NUMBER_TYPES = new Set(['long', 'integer', 'short', 'byte', 'double', 'float', 'half_float', 'scaled_float', 'unsigned_long', 'number']);
const DATE_TYPES = new Set(['date', 'date_nanos', 'datetime']);
/** Types that carry no value EQL can use, or that ES refuses outright. */
const UNSUPPORTED_TYPES = new Set(['alias', 'geo_point', 'geo_shape', 'point', 'shape', 'nested', 'binary', 'histogram', 'int']);
/** Types we know exist but don't reason about (no diagnostics either way). */
const OPAQUE_TYPES = new Set(['object', 'flattened', 'dense_vector', 'sparse_vector', 'rank_feature', 'rank_features', 'search_as_you_type', 'completion', 'token_count', 'percolator', 'join', 'aggregate_metric_double', 'semantic_text', 'counted_keyword']);

function tyOfEsType(t: string | undefined): Ty {
  if (t === undefined) return 'unknown';
  const s = t.toLowerCase();
  if (STRING_TYPES.has(s)) return 'string';
  if (TEXT_TYPES.has(s)) return 'text';
  if (NUMBER_TYPES.has(s)) return 'number';
  if (DATE_TYPES.has(s)) return 'date';
  if (s === 'ip') return 'ip';
  if (s === 'boolean') return 'boolean';
  if (UNSUPPORTED_TYPES.has(s) || s.endsWith('_range')) return 'unsupported';
  if (OPAQUE_TYPES.has(s)) return 'unknown';
  return 'unsupported';
}

const TY_NAME: Record<Ty, string> = {
  string: 'string (keyword)',
  text: 'text',
  number: 'number',
  boolean: 'boolean',
  ip: 'ip',
  date: 'date',
  null: 'null',
  unknown: 'unknown',
  unsupported: 'unsupported',
};

function paramAccepts(p: ParamType, t: Ty): boolean {
  if (t === 'unknown' || t === 'null' || p === 'any') return true;
  switch (p) {
    case 'string':
      return t === 'string' || t === 'text';
    case 'number':
    case 'integer':
      return t === 'number';
    case 'boolean':
      return t === 'boolean';
    case 'ip':
      return t === 'ip';
  }
}

const PARAM_NAME: Record<ParamType, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'a boolean',
  ip: 'an ip field',
  any: 'a value',
};

function describeTy(t: Ty): string {
  switch (t) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'ip':
      return 'an ip';
    case 'date':
      return 'a date';
    case 'text':
      return 'text';
    case 'null':
      return 'null';
    default:
      return 'a value';
  }
}

export class TypeChecks extends Checks {
  constructor(
    text: string,
    out: Diagnostic[],
    private readonly fieldType: (name: string) => string | undefined,
  ) {
    super(text, out);
  }

  /** The checks of one node of the tree (the walk's visitor). */
  node(n: Node): void {
    if (n.kind === 'filter') this.condition(n.condition);
    else if (n.kind === 'call') this.call(n);
    else if (n.kind === 'comparison') this.comparison(n);
    else if (n.kind === 'in') this.inExpr(n);
    else if (n.kind === 'match') this.match(n);
    else if (n.kind === 'field') this.fieldUse(n);
    else if (n.kind === 'not') this.booleanOperand(n.operand, "'not'");
    else if (n.kind === 'logical') {
      this.booleanOperand(n.left, `'${n.op}'`);
      this.booleanOperand(n.right, `'${n.op}'`);
    } else if (n.kind === 'arithmetic') {
      this.numericOperand(n.left, n.op);
      this.numericOperand(n.right, n.op);
    }
  }

  typeOf(e: Expr): Ty {
    switch (e.kind) {
      case 'literal':
        if (e.type === 'string') return 'string';
        if (e.type === 'integer' || e.type === 'float') return 'number';
        if (e.type === 'boolean') return 'boolean';
        return 'null';
      case 'field':
        return tyOfEsType(this.fieldType(e.name));
      case 'not':
      case 'logical':
      case 'comparison':
      case 'in':
      case 'match':
        return 'boolean';
      case 'arithmetic':
      case 'unary':
        return 'number';
      case 'call': {
        const f = lookupFunction(e.name);
        if (!f) return 'unknown';
        return f.returns === 'integer' ? 'number' : f.returns;
      }
      case 'paren':
        return this.typeOf(e.expr);
      default:
        return 'unknown';
    }
  }
  private fieldTypeName(f: FieldRef): string {
    return this.fieldType(f.name) ?? 'unknown';
  }
  keyTypes(steps: Step[]): void {
    if (steps.length < 2) return;
    const first = steps[0].by;
    for (let i = 1; i < steps.length; i++) {
      const keys = steps[i].by;
      for (let k = 0; k < Math.min(first.length, keys.length); k++) {
        const a = this.typeOf(first[k]);
        const b = this.typeOf(keys[k]);
        if (a === 'unknown' || b === 'unknown' || a === 'null' || b === 'null' || a === 'unsupported' || b === 'unsupported') continue;
        const fam = (t: Ty): Ty => (t === 'text' ? 'string' : t);
        if (fam(a) !== fam(b)) {
          this.report(
            keys[k].range,
            'EQL207',
            `Join key [${this.src(keys[k].range)}] is ${TY_NAME[b]} but the matching key [${this.src(first[k].range)}] of the first step is ${TY_NAME[a]}: keys are compared by value, so use keys of the same type.`,
          );
        }
      }
    }
  }
  private condition(c: Expr): void {
    const e = unparen(c);
    if (e.kind === 'error') return;
    const t = this.typeOf(e);
    if (t === 'boolean' || t === 'unknown' || t === 'null' || t === 'unsupported') return;
    if (e.kind === 'field') {
      this.report(
        e.range,
        'EQL205',
        `A condition must be true or false, but [${e.name}] is a ${this.fieldTypeName(e)} field: compare it, e.g. \`${e.name} == ...\` or \`${e.name} != null\`.`,
      );
    } else {
      this.report(e.range, 'EQL113', `A condition must be true or false, but this is ${describeTy(t)}: compare it with a value (==, :, in, ...).`);
    }
  }
  private booleanOperand(e0: Expr, op: string): void {
    const e = unparen(e0);
    if (e.kind === 'error' || e.kind === 'field') {
      if (e.kind === 'field') {
        const t = this.typeOf(e);
        if (t !== 'boolean' && t !== 'unknown' && t !== 'null' && t !== 'unsupported') {
          this.report(e.range, 'EQL205', `${op} needs true or false, but [${e.name}] is a ${this.fieldTypeName(e)} field: compare it with a value.`);
        }
      }
      return;
    }
    const t = this.typeOf(e);
    if (t === 'number' || t === 'string') {
      this.report(e.range, 'EQL113', `${op} needs true or false, but this is ${describeTy(t)}: compare it with a value.`);
    }
  }
  private numericOperand(e0: Expr, op: string): void {
    const e = unparen(e0);
    const t = this.typeOf(e);
    if (t === 'string' || t === 'boolean' || t === 'text' || t === 'ip') {
      const code = e.kind === 'field' ? 'EQL206' : 'EQL105';
      this.report(e.range, code, `'${op}' works on numbers, but this is ${describeTy(t)}.`);
    }
  }
  private fieldUse(f: FieldRef): void {
    const t = this.fieldType(f.name);
    if (t === undefined) return;
    if (tyOfEsType(t) === 'unsupported') {
      this.report(f.range, 'EQL208', `Field [${f.name}] has type [${t}], which EQL cannot query: use a field of a supported type (keyword, numeric, date, ip, boolean).`);
    }
  }
  private call(c: Extract<Expr, { kind: 'call' }>): void {
    const f = lookupFunction(c.name);
    if (!f) return;
    forEachArg(f, c.args, (i, p, a) => {
      if (p.literal && a.kind !== 'literal') return;
      const t = this.typeOf(a);
      if (t === 'text' && a.kind === 'field') {
        this.report(c.range, 'EQL204', `[${a.name}] is a text field, which functions cannot read exactly: use its keyword sub-field (often ${a.name}.keyword) or a keyword field.`);
        return;
      }
      if (!paramAccepts(p.type, t)) {
        const code = a.kind === 'field' ? 'EQL206' : 'EQL105';
        const what = a.kind === 'field' ? `[${a.name}] is a ${this.fieldTypeName(a)} field` : `this is ${describeTy(t)}`;
        this.report(a.range, code, `The ${ordinal(i + 1)} argument of ${f.name} (${p.name}) must be ${PARAM_NAME[p.type]}, but ${what}.`);
      }
    });
  }

  private comparison(c: Extract<Expr, { kind: 'comparison' }>): void {
    const left = unparen(c.left);
    const right = unparen(c.right);
    this.literalVsField(left, right, c.op);
    this.literalVsField(right, left, c.op);
  }

  /** Type checks of `field <op> literal` when the field's type is known. */
  private literalVsField(field: Expr, other: Expr, op: string, mismatchRange?: Range): void {
    if (field.kind !== 'field' || other.kind !== 'literal' || other.type === 'null') return;
    const ft = this.typeOf(field);
    const lt = this.typeOf(other);
    if (ft === 'unknown' || ft === 'unsupported') return;
    if (ft === 'text') {
      this.report(
        field.range,
        'EQL204',
        `[${field.name}] is a text field, which EQL cannot match exactly: use its keyword sub-field (often ${field.name}.keyword) or a keyword field.`,
      );
      return;
    }
    if (ft === 'ip' && lt === 'string') {
      const v = String(other.value);
      if (v.includes('/')) {
        this.report(
          other.range,
          'EQL203',
          `[${field.name}] is an ip field and "${v}" is a CIDR block: use cidrMatch(${field.name}, "${v}") to test membership.`,
          op === '==' || op === '!='
            ? [{ title: 'Use cidrMatch', edits: [{ range: { start: Math.min(field.range.start, other.range.start), end: Math.max(field.range.end, other.range.end) }, newText: `${op === '!=' ? 'not ' : ''}cidrMatch(${this.src(field.range)}, ${this.src(other.range)})` }], preferred: true }]
            : undefined,
        );
      }
      return;
    }
    const compatible = ft === lt || (ft === 'date' && (lt === 'string' || lt === 'number')) || (ft === 'string' && lt === 'string');
    if (!compatible) {
      this.report(
        mismatchRange ?? other.range,
        'EQL202',
        `[${field.name}] is a ${this.fieldTypeName(field)} field but ${this.src(other.range)} is ${describeTy(lt)}: ${ft === 'number' ? 'write the number without quotes' : ft === 'string' ? 'write the value in double quotes' : `compare it with ${describeTy(ft)}`}.`,
        ft === 'string' && lt === 'number'
          ? [{ title: 'Quote the value', edits: [{ range: other.range, newText: `"${this.src(other.range)}"` }], preferred: true }]
          : ft === 'number' && lt === 'string' && /^-?\d+(\.\d+)?$/.test(String(other.value))
            ? [{ title: 'Remove the quotes', edits: [{ range: other.range, newText: String(other.value) }], preferred: true }]
            : undefined,
      );
    }
  }
  private inExpr(e: Extract<Expr, { kind: 'in' }>): void {
    const v = unparen(e.value);
    if (v.kind !== 'field') return;
    const ft = this.typeOf(v);
    if (ft === 'unknown' || ft === 'unsupported') return;
    if (ft === 'text') {
      this.report(v.range, 'EQL204', `[${v.name}] is a text field, which EQL cannot match exactly: use its keyword sub-field (often ${v.name}.keyword) or a keyword field.`);
      return;
    }
    if (ft === 'ip') {
      const strings = e.list.filter((x) => x.kind === 'literal' && x.type === 'string');
      if (strings.length > 0) {
        const values = strings.map((x) => this.src(x.range)).join(', ');
        this.report(
          strings[0].range,
          'EQL203',
          `Elasticsearch rejects string values in a list for the ip field [${v.name}]: test addresses and blocks with cidrMatch(${v.name}, ${values}).`,
          !e.insensitive && strings.length === e.list.length
            ? [{ title: 'Use cidrMatch', edits: [{ range: e.range, newText: `${e.negated ? 'not ' : ''}cidrMatch(${this.src(v.range)}, ${values})` }], preferred: true }]
            : undefined,
        );
      }
      return;
    }
    e.list.forEach((x) => {
      if (x.kind === 'literal') this.literalVsField(v, x, 'in', { start: v.range.start, end: x.range.end });
    });
  }
  private match(m: Extract<Expr, { kind: 'match' }>): void {
    const opText = this.src(m.opRange);
    const v = unparen(m.value);
    const t = this.typeOf(v);
    if (t === 'unknown' || t === 'unsupported' || t === 'string' || t === 'null') return;
    if (t === 'text' && v.kind === 'field') {
      this.report(v.range, 'EQL204', `[${v.name}] is a text field, which '${opText}' cannot match: use its keyword sub-field (often ${v.name}.keyword) or a keyword field.`);
      return;
    }
    const what = v.kind === 'field' ? `[${v.name}] is a ${this.fieldTypeName(v)} field` : `this is ${describeTy(t)}`;
    const hint = t === 'ip' ? `; for address ranges use cidrMatch(${this.src(v.range)}, "10.0.0.0/8")` : "; use '==' to compare exactly";
    this.report(v.range, v.kind === 'field' ? 'EQL210' : 'EQL112', `'${opText}' matches strings only, but ${what}${hint}.`);
  }}
