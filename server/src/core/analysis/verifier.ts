// The checks Elasticsearch's EQL verifier makes after parsing that do not depend on types: query
// shapes (sequence, sample, join), steps and join keys, pipes, function names and arities,
// literal-only arguments, field-to-field comparisons, patterns. The type checks are in
// typeChecks.ts; analyzer.ts runs both over one walk.
import type { Expr, Pipe, Query, Range, SequenceQuery, Step } from '../syntax/ast';
import type { Fix } from '../diagnostic';
import { TIME_UNITS } from '../syntax/parser';
import { stepsOf, unparen, walk, type Node } from '../syntax/visit';
import { parseCidr } from '../engine/ip';
import { editDistance } from '../editDistance';
import { compileMatchPattern, isTooComplex, patternErrorRange } from '../engine/pattern';
import { FUNCTIONS, arityText, lookupEndgameFunction, lookupFunction, signatureOf, type FunctionInfo, type FunctionParam } from './functions';
import { Checks, ordinal } from './checks';

/** Pipes Elasticsearch runs. */
export const PIPES: ReadonlyArray<{ name: string; summary: string }> = [
  { name: 'head', summary: 'Keep the first N results (in timestamp order).' },
  { name: 'tail', summary: 'Keep the last N results (in timestamp order).' },
];
/** Pipes of the older endgame engine that Elasticsearch rejects. */
export const ENDGAME_PIPES: readonly string[] = ['count', 'filter', 'sort', 'unique', 'unique_count', 'window'];

export class VerifierChecks extends Checks {
  /** The checks of one node of the tree (the walk's visitor). */
  node(n: Node): void {
    if (n.kind === 'call') this.call(n);
    else if (n.kind === 'comparison') this.comparison(n);
    else if (n.kind === 'in') this.inExpr(n);
    else if (n.kind === 'match') this.match(n);
  }

  // ---- statement ------------------------------------------------------------------------

  query(q: Query): void {
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
  pipe(p: Pipe, q: Query | undefined): void {
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

  call(c: Extract<Expr, { kind: 'call' }>): void {
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
    forEachArg(f, c.args, (i, p, a) => {
      if (p.literal && a.kind !== 'literal') {
        this.report(a.range, 'EQL106', `The ${ordinal(i + 1)} argument of ${f.name} (${p.name}) must be written as a literal value, not computed from a field.`);
        return;
      }
      if (p.type === 'integer' && a.kind === 'literal' && a.type === 'float') {
        this.report(a.range, 'EQL105', `The ${ordinal(i + 1)} argument of ${f.name} (${p.name}) must be a whole number.`);
      }
      if (f.name === 'cidrMatch' && i > 0 && a.kind === 'literal' && a.type === 'string' && !isCidr(String(a.value))) {
        this.report(a.range, 'EQL107', `"${String(a.value)}" is not an IP address or CIDR block such as "10.0.0.0/8" or "fe80::/10".`);
      }
    });
  }

  comparison(c: Extract<Expr, { kind: 'comparison' }>): void {
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
  }
  inExpr(e: Extract<Expr, { kind: 'in' }>): void {
    const v = unparen(e.value);
    for (const item of e.list) {
      const x = unparen(item);
      if (hasField(x) && hasField(v) && !(allFieldsOptional(x) && allFieldsOptional(v))) {
        this.report(x.range, 'EQL111', `Elasticsearch cannot compare a field with another field: the values after '${e.negated ? 'not ' : ''}${e.insensitive ? 'in~' : 'in'}' must be literals.`);
      }
    }
  }

  match(m: Extract<Expr, { kind: 'match' }>): void {
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
  }
}

/** Each argument of a call with the parameter it fills (variadic tails repeat the last), skipping parse errors. */
export function forEachArg(f: FunctionInfo, args: readonly Expr[], visit: (i: number, p: FunctionParam, a: Expr) => void): void {
  for (let i = 0; i < args.length; i++) {
    const p = f.params[Math.min(i, f.params.length - 1)];
    if (!p || (i >= f.params.length && !p.variadic)) break;
    const a = unparen(args[i]);
    if (a.kind === 'error') continue;
    visit(i, p, a);
  }
}

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

