// Turns a parsed statement into an executable plan: compiled filters, join keys, ordering and the
// result window. Never throws; what cannot run becomes an error with its source range.
import type { Category, EventFilter, Statement, Step } from '../syntax/ast';
import type { Diagnostic } from '../diagnostic';
import { compileFilter, ExprContext, Pred } from './compile';
import { compileKeys, CompiledKeys } from './keys';
import { resolveField, Doc } from './fields';
import type { CompiledQuery, EngineOptions } from './types';
import { Value } from './values';

export interface StepPlan {
  /** Index of the step in the query as written (runs=N repeats share it). */
  queryIndex: number;
  missing: boolean;
  filter: Pred;
  keys: CompiledKeys;
  ast: Step;
}

export interface PipeOp {
  name: 'head' | 'tail';
  n: number;
}

export interface Plan {
  kind: 'event' | 'sequence' | 'sample';
  statement: Statement;
  options: EngineOptions;
  ctx: ExprContext;
  timestamp: (doc: Doc) => number | undefined;
  tiebreaker: ((doc: Doc) => Value) | undefined;
  size: number;
  position: 'head' | 'tail';
  pipes: PipeOp[];
  /** Event query: category and condition. */
  filter?: Pred;
  /** Sequence / sample steps with runs expanded. */
  steps: StepPlan[];
  until?: StepPlan;
  maxspan?: number;
  maxSamplesPerKey: number;
}

export interface CompiledPlanQuery extends CompiledQuery {
  plan?: Plan;
}

export function compileQuery(statement: Statement, options: EngineOptions = {}): CompiledPlanQuery {
  const errors: Diagnostic[] = [];
  try {
    const plan = buildPlan(statement, options, errors);
    if (errors.length || !plan) return { kind: plan?.kind, errors };
    return { kind: plan.kind, errors, plan };
  } catch (err) {
    // A bug here must not take the caller down: report it on the whole statement.
    errors.push({ range: statement.range, severity: 'error', code: 'EQL500', message: `cannot run this query: ${(err as Error).message}` });
    return { kind: undefined, errors };
  }
}

function buildPlan(statement: Statement, options: EngineOptions, errors: Diagnostic[]): Plan | undefined {
  const q = statement.query;
  const err = (range: { start: number; end: number }, message: string): void => {
    errors.push({ range, severity: 'error', code: 'EQL500', message });
  };
  if (!q) {
    err(statement.range, 'no query to run');
    return undefined;
  }
  const timestampField = options.timestampField ?? '@timestamp';
  const ctx: ExprContext = { fieldTypes: options.fieldTypes, timestampField, errors };
  const ts = resolveField(timestampField, options.fieldTypes, 'date');
  const timestamp = (doc: Doc): number | undefined => {
    const v = ts.get(doc);
    if (typeof v === 'number') return v;
    if (Array.isArray(v) && typeof v[0] === 'number') return v[0];
    return undefined;
  };
  const tb = options.tiebreakerField ? resolveField(options.tiebreakerField, options.fieldTypes).get : undefined;
  const categoryField = options.eventCategoryField ?? 'event.category';
  const category = resolveField(categoryField, options.fieldTypes).get;

  const compileCategory = (c: Category): Pred | undefined => {
    if (c.any) return undefined;
    const name = c.name;
    return (doc) => {
      const v = category(doc);
      return v === name || (Array.isArray(v) && v.includes(name));
    };
  };
  const compileEventFilter = (f: EventFilter): Pred => {
    const cat = compileCategory(f.category);
    const cond = compileFilter(f.condition, ctx);
    return cat ? (doc) => cat(doc) && cond(doc) : cond;
  };

  const pipes: PipeOp[] = [];
  for (const p of statement.pipes) {
    const name = p.name.toLowerCase();
    if (name !== 'head' && name !== 'tail') {
      err(p.nameRange, `unsupported pipe ${p.name}: Elasticsearch supports only head and tail`);
      continue;
    }
    const a = p.args[0];
    let n = 10;
    if (a) {
      if (a.kind === 'literal' && typeof a.value === 'number' && Number.isInteger(a.value) && a.value >= 0) n = a.value;
      else err(a.range, `${name} takes a non-negative integer`);
    }
    pipes.push({ name, n });
  }

  const base = {
    statement,
    options,
    ctx,
    timestamp,
    tiebreaker: tb,
    size: options.size ?? 10,
    position: options.resultPosition ?? 'tail',
    pipes,
    steps: [] as StepPlan[],
    maxSamplesPerKey: Math.max(1, options.maxSamplesPerKey ?? 1),
  };

  if (q.kind === 'join') {
    err(q.range, 'join is not supported by Elasticsearch; use sequence');
    return undefined;
  }
  if (q.kind === 'event') {
    return { ...base, kind: 'event', filter: compileEventFilter(q.filter) };
  }

  const globalBy = q.by;
  const compileStep = (s: Step, index: number): StepPlan => ({
    queryIndex: index,
    missing: s.missing,
    filter: compileEventFilter(s.filter),
    keys: compileKeys([...globalBy, ...s.by], ctx),
    ast: s,
  });
  const steps: StepPlan[] = [];
  q.steps.forEach((s, i) => {
    let runs = 1;
    if (s.runs) {
      const v = s.runs.value;
      if (q.kind === 'sample') err(s.runs.range, 'runs is not supported in sample queries');
      else if (v === undefined || !Number.isInteger(v) || v < 1 || v > 100) err(s.runs.range, 'runs must be an integer from 1 to 100');
      else runs = v;
    }
    const plan = compileStep(s, i);
    for (let r = 0; r < runs; r++) steps.push(plan);
  });
  const counts = new Set(steps.map((s) => s.keys.count));
  if (counts.size > 1) err(q.range, 'every step must have the same number of join keys');

  if (q.kind === 'sample') {
    if (steps.some((s) => s.missing)) err(q.range, 'missing events are not supported in sample queries');
    if (pipes.length) err(statement.pipes[0].range, 'pipes are not supported in sample queries');
    return { ...base, kind: 'sample', steps };
  }

  // sequence
  const positive = steps.filter((s) => !s.missing).length;
  if (positive === 0) err(q.range, 'a sequence needs at least one step that is not a missing event');
  else if (steps.length < 2) err(q.range, 'a sequence needs at least two steps');
  if (steps.some((s) => s.missing) && !q.maxspan) err(q.range, 'a sequence with missing events needs with maxspan');
  let maxspan: number | undefined;
  if (q.maxspan) {
    if (q.maxspan.ms === undefined) err(q.maxspan.range, `invalid maxspan ${q.maxspan.text}`);
    else maxspan = q.maxspan.ms;
  }
  let until: StepPlan | undefined;
  if (q.until) {
    until = compileStep(q.until, -1);
    if (until.keys.count !== steps[0]?.keys.count) err(q.until.range, 'until must have the same number of join keys as the steps');
  }
  return { ...base, kind: 'sequence', steps, until, maxspan };
}
