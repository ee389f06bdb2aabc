// The checks Elasticsearch's EQL verifier makes after parsing, so a rule is rejected here with
// the same verdict it would get from a cluster — plus type checks when the caller knows field
// types (from a schema or a mapping). Each diagnostic points at the offending token and, where
// the repair is unambiguous, carries a quick fix.
import type { Expr, FieldRef, Pipe, Query, Range, SequenceQuery, Statement, Step } from '../syntax/ast';
import type { Diagnostic, Fix, Severity } from '../diagnostic';
import { parse, TIME_UNITS, type ParseResult } from '../syntax/parser';
import { stepsOf, unparen, walk } from '../syntax/visit';
import { parseCidr } from '../engine/ip';
import { editDistance } from '../editDistance';
import { compileMatchPattern, isTooComplex, patternErrorRange } from '../engine/pattern';
import { FUNCTIONS, arityText, lookupEndgameFunction, lookupFunction, signatureOf, type ParamType } from './functions';
import type { DiagnosticCode } from '../codes';

export interface AnalyzeOptions {
  /** The Elasticsearch type of a field (`keyword`, `long`, `ip`, `text`, ...), or undefined when unknown. */
  fieldType?: (name: string) => string | undefined;
}

/** Pipes Elasticsearch runs. */
export const PIPES: ReadonlyArray<{ name: string; summary: string }> = [
  { name: 'head', summary: 'Keep the first N results (in timestamp order).' },
  { name: 'tail', summary: 'Keep the last N results (in timestamp order).' },
];
/** Pipes of the older endgame engine that Elasticsearch rejects. */
export const ENDGAME_PIPES: readonly string[] = ['count', 'filter', 'sort', 'unique', 'unique_count', 'window'];

/** Type families the checks reason about. */
type Ty = 'string' | 'text' | 'number' | 'boolean' | 'ip' | 'date' | 'null' | 'unknown' | 'unsupported';

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

class Analyzer {
  readonly out: Diagnostic[] = [];
  private readonly fieldType: (name: string) => string | undefined;

  constructor(
    private readonly text: string,
    options: AnalyzeOptions | undefined,
  ) {
    this.fieldType = options?.fieldType ?? (() => undefined);
  }

  report(range: Range, code: DiagnosticCode, message: string, fixes?: Fix[], severity: Severity = 'error'): void {
    const d: Diagnostic = { range: { start: range.start, end: range.end }, severity, code, message };
    if (fixes && fixes.length > 0) d.fixes = fixes;
    this.out.push(d);
  }

  private src(r: Range): string {
    return this.text.slice(r.start, r.end);
  }

  // ---- types ----------------------------------------------------------------------------

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

  // ---- statement ------------------------------------------------------------------------

  statement(s: Statement): void {
    const q = s.query;
    if (q) this.query(q);
    for (const p of s.pipes) this.pipe(p, q);
    walk(s, (n) => {
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
    });
  }

  private query(q: Query): void {
    if (q.kind === 'join') {
      this.report(
        { start: q.range.start, end: q.range.start + 4 },
        'EQL130',
        "'join' is not supported by Elasticsearch: use `sequence by <key>` (ordered) or `sample by <key>` (unordered) instead.",
      );
      return;
    }
    if (q.kind === 'sequence') this.sequence(q);
    if (q.kind === 'sample') this.sample(q);
  }

  private stepCountOf(steps: Step[]): number {
    let n = 0;
    for (const s of steps) n += s.runs?.value !== undefined && Number.isInteger(s.runs.value) && s.runs.value >= 1 ? s.runs.value : 1;
    return n;
  }

  private sequence(q: SequenceQuery): void {
    const keyword = { start: q.range.start, end: q.range.start + 'sequence'.length };
    const missing = q.steps.filter((s) => s.missing);
    const positive = q.steps.length - missing.length;
    if (q.steps.length > 0 && this.stepCountOf(q.steps) < 2) {
      this.report(keyword, 'EQL120', 'A sequence needs at least two steps: add another `[category where condition]`, or use an event query for a single step.');
    }
    if (missing.length > 0 && positive === 0) {
      this.report(keyword, 'EQL123', 'A sequence needs at least one step that is not a missing event `![...]`.');
    }
    if (missing.length > 0 && !q.maxspan) {
      this.report(
        { start: missing[0].range.start, end: missing[0].range.start + 2 },
        'EQL122',
        'Missing-event steps `![...]` need a time window: add `with maxspan=<time>` after `sequence [by ...]`.',
        [{ title: 'Add with maxspan=5m', edits: [{ range: afterKeys(keyword, q.by), newText: ' with maxspan=5m' }] }],
      );
    }
    if (q.until?.missing) {
      this.report({ start: q.until.range.start, end: q.until.range.start + 2 }, 'EQL123', "An 'until' step cannot be a missing event: write `until [category where condition]`.");
    }
    if (q.maxspan) {
      const ms = q.maxspan;
      if (ms.value !== undefined && ms.text !== '') {
        if (ms.unit === '') {
          this.report(ms.range, 'EQL124', `'maxspan' needs a time unit: write e.g. ${ms.value}s or ${ms.value}m (units: ms, s, m, h, d).`, [
            { title: `Use ${ms.value}s`, edits: [{ range: { start: ms.range.end, end: ms.range.end }, newText: 's' }], preferred: true },
          ]);
        } else if (TIME_UNITS[ms.unit] === undefined) {
          const lower = ms.unit.toLowerCase();
          const fix = TIME_UNITS[lower] !== undefined ? lower : undefined;
          const unitStart = ms.range.end - ms.unit.length;
          this.report(
            { start: unitStart, end: ms.range.end },
            'EQL125',
            `Unknown time unit '${ms.unit}' in maxspan: use ms, s, m, h or d (e.g. maxspan=${ms.value}m).`,
            fix ? [{ title: `Use '${fix}'`, edits: [{ range: { start: unitStart, end: ms.range.end }, newText: fix }], preferred: true }] : undefined,
          );
        } else if (!Number.isInteger(ms.value) || !/^\d+\s*[A-Za-z]*$/.test(ms.text)) {
          this.report(ms.range, 'EQL125', `'maxspan' takes a whole number of units: write e.g. ${Math.round(ms.value * (TIME_UNITS[ms.unit] ?? 1))}ms instead of ${ms.text}.`);
        } else if (ms.value <= 0) {
          this.report(ms.range, 'EQL125', "'maxspan' must be a positive time span, e.g. maxspan=5m.");
        }
      }
    }
    for (const s of q.steps) this.stepParams(s);
    const steps = stepsOf(q);
    this.keyCounts(q.by, steps);
    this.keyTypes(steps);
  }

  private sample(q: Extract<Query, { kind: 'sample' }>): void {
    const keyword = { start: q.range.start, end: q.range.start + 'sample'.length };
    if (q.steps.length > 0 && q.steps.length < 2) {
      this.report(keyword, 'EQL120', 'A sample needs at least two filters: add another `[category where condition]`.');
    }
    for (const s of q.steps) {
      if (s.missing) {
        this.report({ start: s.range.start, end: s.range.start + 2 }, 'EQL129', 'Samples have no missing-event steps: remove the `!` (only sequences support `![...]`).', [
          { title: "Remove '!'", edits: [{ range: { start: s.range.start, end: s.range.start + 1 }, newText: '' }], preferred: true },
        ]);
      }
      if (s.runs) {
        this.report(s.runs.range, 'EQL129', "'with runs' applies to sequence steps only; samples ignore order, so remove it.", [
          { title: 'Remove with runs', edits: [{ range: this.withLeadingSpace(s.runs.range), newText: '' }], preferred: true },
        ]);
      }
    }
    if (q.until) {
      this.report(
        { start: this.untilStart(q.until), end: this.untilStart(q.until) + 5 },
        'EQL128',
        "'until' applies to sequences only: a sample has no order, so remove the until step.",
      );
    }
    this.keyCounts(q.by, q.steps);
    this.keyTypes(q.steps);
  }

  private untilStart(until: Step): number {
    const i = this.text.lastIndexOf('until', until.range.start);
    return i >= 0 ? i : until.range.start;
  }

  private withLeadingSpace(r: Range): Range {
    let s = r.start;
    while (s > 0 && (this.text[s - 1] === ' ' || this.text[s - 1] === '\t')) s--;
    return { start: s, end: r.end };
  }

  private stepParams(s: Step): void {
    const r = s.runs;
    if (!r) return;
    if (r.name !== 'runs') {
      const nameRange = { start: r.range.start + this.src(r.range).indexOf(r.name), end: 0 };
      nameRange.end = nameRange.start + r.name.length;
      this.report(nameRange, 'EQL126', `Unknown step option '${r.name}': a step takes only \`with runs=N\`.`, r.name.toLowerCase() === 'runs' ? [{ title: "Use 'runs'", edits: [{ range: nameRange, newText: 'runs' }], preferred: true }] : undefined);
      return;
    }
    if (r.value !== undefined && (!Number.isInteger(r.value) || r.value < 1 || r.value > 100)) {
      this.report(r.range, 'EQL127', `'runs' must be a whole number from 1 to 100, not ${r.value}.`);
    }
  }

  /** ES joins on field values only: a key must be a field, not an expression. */
  private keysAreFields(keys: Expr[]): void {
    for (const k of keys) {
      const e = unparen(k);
      if (e.kind === 'field' || e.kind === 'error') continue;
      this.report(e.range, 'EQL141', `A join key must be a field name, not an expression: join on the field itself (e.g. \`by process.entity_id\`).`);
    }
  }

  private keyCounts(global: Expr[], steps: Step[]): void {
    this.keysAreFields(global);
    for (const s of steps) this.keysAreFields(s.by);
    if (steps.length < 2) return;
    const counts = steps.map((s) => global.length + s.by.length);
    const expected = counts[0];
    for (let i = 1; i < steps.length; i++) {
      if (counts[i] === expected) continue;
      const s = steps[i];
      const range = s.by.length > 0 ? { start: s.by[0].range.start, end: s.by[s.by.length - 1].range.end } : { start: s.range.start, end: Math.min(s.range.end, s.range.start + 1) };
      this.report(
        range,
        'EQL121',
        `Every step must have the same number of join keys: the first step has ${expected}, this one has ${counts[i]}. Add or remove 'by' keys so they line up.`,
      );
    }
  }

  private keyTypes(steps: Step[]): void {
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

  private pipe(p: Pipe, q: Query | undefined): void {
    const name = p.name.toLowerCase();
    if (name === '') return;
    if (name === 'head' || name === 'tail') {
      if (name !== p.name) {
        this.report(p.nameRange, 'EQL131', `Pipe names are lower-case: write '${name}'.`, [{ title: `Use '${name}'`, edits: [{ range: p.nameRange, newText: name }], preferred: true }]);
      }
      if (p.args.length !== 1) {
        const range = p.args.length === 0 ? p.nameRange : { start: p.args[1].range.start, end: p.args[p.args.length - 1].range.end };
        this.report(range, 'EQL133', `'${name}' takes one argument, the number of results to keep: \`| ${name} 10\`.`);
        return;
      }
      const a = p.args[0];
      if (!(a.kind === 'literal' && a.type === 'integer' && typeof a.value === 'number' && a.value > 0)) {
        this.report(a.range, 'EQL133', `The argument of '${name}' must be a positive whole number, e.g. \`| ${name} 10\`.`);
      }
      if (q?.kind === 'sample') {
        // Elasticsearch documents pipes for event and sequence queries only; unverified for samples, so a warning.
        this.report(
          p.nameRange,
          'EQL134',
          "Pipes are documented for event and sequence queries, not samples: limit samples with the request's size and max_samples_per_key instead.",
          undefined,
          'warning',
        );
      }
      return;
    }
    if (ENDGAME_PIPES.includes(name)) {
      this.report(
        p.nameRange,
        'EQL132',
        `The '${p.name}' pipe is not supported by Elasticsearch: only '| head N' and '| tail N' are; filter, count or sort the results outside the query.`,
      );
      return;
    }
    const close = closest(name, PIPES.map((x) => x.name));
    this.report(
      p.nameRange,
      'EQL131',
      `Unknown pipe '${p.name}': Elasticsearch supports only '| head N' and '| tail N'.`,
      close ? [{ title: `Change to '${close}'`, edits: [{ range: p.nameRange, newText: close }], preferred: true }] : undefined,
    );
  }

  // ---- expressions ----------------------------------------------------------------------

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
    if (!f) {
      const eg = lookupEndgameFunction(c.name);
      if (eg) {
        const hint: Record<string, string> = {
          wildcard: 'use `field : "pattern*"` or `like~`',
          match: 'use `field regex "..."`',
          matchlite: 'use `field regex "..."`',
          safe: 'drop the wrapper (ES returns null instead of failing)',
          arraycontains: 'compare the field directly: a multi-valued field matches when any value does',
          arraysearch: 'compare the field directly: a multi-valued field matches when any value does',
          arraycount: 'there is no equivalent',
        };
        this.report(c.nameRange, 'EQL102', `${eg}() is an endgame function that Elasticsearch does not support: ${hint[eg.toLowerCase()] ?? 'rewrite without it'}.`);
        return;
      }
      const close = closest(c.name.toLowerCase(), FUNCTIONS.map((x) => x.name));
      this.report(
        c.nameRange,
        'EQL101',
        `Unknown function '${c.name}'${close ? `: did you mean ${close}?` : '.'} Elasticsearch's functions: ${FUNCTIONS.map((x) => x.name).join(', ')}.`,
        close ? [{ title: `Change to ${close}`, edits: [{ range: c.nameRange, newText: close }], preferred: true }] : undefined,
      );
      return;
    }
    if (c.insensitive && !f.caseInsensitive) {
      const tilde = { start: c.nameRange.end, end: c.nameRange.end + 1 };
      this.report(
        { start: c.nameRange.start, end: tilde.end },
        'EQL104',
        `${f.name} has no case-insensitive form: remove the '~'. (Only ${FUNCTIONS.filter((x) => x.caseInsensitive).map((x) => x.name + '~').join(', ')} exist.)`,
        [{ title: "Remove '~'", edits: [{ range: tilde, newText: '' }], preferred: true }],
      );
    }
    const n = c.args.length;
    if (n < f.minArgs || n > f.maxArgs) {
      const range = n > f.maxArgs ? { start: c.args[f.maxArgs].range.start, end: c.args[n - 1].range.end } : c.range;
      this.report(range, 'EQL103', `${f.name} takes ${arityText(f)} argument${f.maxArgs === 1 ? '' : 's'}, got ${n}: ${signatureOf(f)}.`);
    }
    for (let i = 0; i < n; i++) {
      const p = f.params[Math.min(i, f.params.length - 1)];
      if (!p || (i >= f.params.length && !p.variadic)) break;
      const a = unparen(c.args[i]);
      if (a.kind === 'error') continue;
      if (p.literal && a.kind !== 'literal') {
        this.report(a.range, 'EQL106', `The ${ordinal(i + 1)} argument of ${f.name} (${p.name}) must be written as a literal value, not computed from a field.`);
        continue;
      }
      const t = this.typeOf(a);
      if (t === 'text' && a.kind === 'field') {
        this.report(c.range, 'EQL204', `[${a.name}] is a text field, which functions cannot read exactly: use its keyword sub-field (often ${a.name}.keyword) or a keyword field.`);
        continue;
      }
      if (!paramAccepts(p.type, t)) {
        const code = a.kind === 'field' ? 'EQL206' : 'EQL105';
        const what = a.kind === 'field' ? `[${a.name}] is a ${this.fieldTypeName(a)} field` : `this is ${describeTy(t)}`;
        this.report(a.range, code, `The ${ordinal(i + 1)} argument of ${f.name} (${p.name}) must be ${PARAM_NAME[p.type]}, but ${what}.`);
        continue;
      }
      if (p.type === 'integer' && a.kind === 'literal' && a.type === 'float') {
        this.report(a.range, 'EQL105', `The ${ordinal(i + 1)} argument of ${f.name} (${p.name}) must be a whole number.`);
      }
      if (f.name === 'cidrMatch' && i > 0 && a.kind === 'literal' && a.type === 'string' && !isCidr(String(a.value))) {
        this.report(a.range, 'EQL107', `"${String(a.value)}" is not an IP address or CIDR block such as "10.0.0.0/8" or "fe80::/10".`);
      }
    }
  }

  private comparison(c: Extract<Expr, { kind: 'comparison' }>): void {
    const left = unparen(c.left);
    const right = unparen(c.right);
    if (left.kind === 'error' || right.kind === 'error') return;
    // field vs field: ES evaluates filters as queries and cannot compare two fields.
    if (hasField(left) && hasField(right) && !(allFieldsOptional(left) && allFieldsOptional(right))) {
      this.report(
        c.opRange,
        'EQL111',
        `Elasticsearch cannot compare a field with another field (${this.src(left.range)} ${c.op} ${this.src(right.range)}): compare each field with a literal value, or join on both in a sequence with 'by'.`,
      );
      return;
    }
    // `==` against a wildcard string: `*` is literal there.
    if ((c.op === '==' || c.op === '!=') && right.kind === 'literal' && right.type === 'string' && String(right.value).includes('*') && left.kind !== 'literal') {
      const fixes: Fix[] = [];
      if (c.op === '==') {
        fixes.push({ title: "Use ':' (wildcard, case-insensitive)", edits: [{ range: c.opRange, newText: ':' }], preferred: true });
        fixes.push({ title: "Use 'like' (wildcard, case-sensitive)", edits: [{ range: c.opRange, newText: 'like' }] });
      } else {
        fixes.push({
          title: "Use 'not ... :' (wildcard, case-insensitive)",
          edits: [
            { range: { start: c.range.start, end: c.range.start }, newText: 'not ' },
            { range: c.opRange, newText: ':' },
          ],
          preferred: true,
        });
      }
      this.report(
        right.range,
        'EQL110',
        `'${c.op}' compares exactly, so '*' here matches only a literal asterisk. For a wildcard match write ${c.op === '==' ? "`x : \"...\"` (case-insensitive) or `x like \"...\"`" : '`not x : "..."`'}.`,
        fixes,
        'warning',
      );
    }
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
    for (const item of e.list) {
      const x = unparen(item);
      if (hasField(x) && hasField(v) && !(allFieldsOptional(x) && allFieldsOptional(v))) {
        this.report(x.range, 'EQL111', `Elasticsearch cannot compare a field with another field: the values after '${e.negated ? 'not ' : ''}${e.insensitive ? 'in~' : 'in'}' must be literals.`);
      }
    }
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
    for (const p of m.patterns) {
      if (p.kind === 'literal' && p.type !== 'string') {
        this.report(p.range, 'EQL112', `The pattern after '${opText}' must be a string, e.g. "*.exe"; for numbers and other values use '=='.`);
      }
      const u = unparen(p);
      if (u.kind === 'literal' && typeof u.value === 'string') {
        // The engine's own compile (cached), so check refuses exactly what run refuses.
        try {
          compileMatchPattern(m.op, u.value, m.insensitive);
        } catch (err) {
          const code = isTooComplex(err) ? 'EQL109' : 'EQL108';
          this.report(patternErrorRange(err, u.range), code, `${(err as Error).message}.`);
        }
      }
    }
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
  }
}

// ---- helpers --------------------------------------------------------------------------

function hasField(e: Expr): boolean {
  // Most operands are a bare field or literal: no walk (it allocates) for those.
  if (e.kind === 'field') return true;
  if (e.kind === 'literal' || e.kind === 'error') return false;
  let found = false;
  walk(e, (n) => {
    if (n.kind === 'field') found = true;
    return !found;
  });
  return found;
}

function allFieldsOptional(e: Expr): boolean {
  if (e.kind === 'field') return e.optional;
  if (e.kind === 'literal' || e.kind === 'error') return true;
  let all = true;
  walk(e, (n) => {
    if (n.kind === 'field' && !n.optional) all = false;
  });
  return all;
}

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

function ordinal(n: number): string {
  return n === 1 ? '1st' : n === 2 ? '2nd' : n === 3 ? '3rd' : `${n}th`;
}

function afterKeys(keyword: Range, by: Expr[]): Range {
  const at = by.length > 0 ? by[by.length - 1].range.end : keyword.end;
  return { start: at, end: at };
}

/** The candidate closest to `name` (case-insensitive), when it is close enough to be a typo. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(lower, c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  const limit = Math.max(2, Math.floor(lower.length / 3));
  return bestD <= limit ? best : undefined;
}

/** An IP address or a CIDR block (IPv4 or IPv6), as cidrMatch reads it. */
export function isCidr(s: string): boolean {
  return parseCidr(s) !== undefined;
}

/** Semantic and type diagnostics for a parsed query (the parser's own errors are in `parsed.errors`). Never throws. */
export function analyze(parsed: ParseResult, options?: AnalyzeOptions): Diagnostic[] {
  const a = new Analyzer(parsed.text, options);
  try {
    a.statement(parsed.statement);
  } catch (e) {
    a.report({ start: 0, end: 0 }, 'EQL199', `Internal analyzer error (please report): ${e instanceof Error ? e.message : String(e)}`);
  }
  return a.out.sort((x, y) => x.range.start - y.range.start);
}

/** Parse errors and analyzer diagnostics of a query, in text order: what an editor or the CLI shows. */
export function diagnose(text: string, options?: AnalyzeOptions): Diagnostic[] {
  const parsed = parse(text);
  return [...parsed.errors, ...analyze(parsed, options)].sort((x, y) => x.range.start - y.range.start);
}
