// "Why (not)?" for one event: per query step, the condition tree with each clause's source text,
// its value (true / false / null) and the field values it looked at. Explaining is rare, so the
// clauses are compiled on demand here rather than kept by the fast path.
import type { EventFilter, Expr, Statement, Step } from '../syntax/ast';
import { arithmeticChain, logicalOperands, unparen } from '../syntax/visit';
import { compileFilter, compileValue, ExprContext } from './compile';
import type { Doc } from './fields';
import { resolveField } from './fields';
import { compileKeys } from './keys';
import { compileQuery as compilePlan, CompiledPlanQuery, Plan } from './plan';
import type { CompiledQuery, EngineOptions, SampleEvent } from './types';
import { formatDate, renderValue, Value } from './values';

/** One clause of the condition and its value for an event (the server passes it to the panel as is). */
export interface ExplainNode {
  /** The clause's source text, e.g. `event.outcome == "success"`. */
  text: string;
  value: 'true' | 'false' | 'null';
  /** Field values the clause compared, e.g. `event.outcome = "failure"`. */
  detail?: string;
  children: ExplainNode[];
}

export interface ExplainStep {
  label: string;
  matched: boolean;
  tree: ExplainNode;
}

export interface Explanation {
  steps: ExplainStep[];
  notes: string[];
}

export interface StepFill {
  /** Index of the step as written in the query (0-based); -1 for `until`. */
  step: number;
  label: string;
  /** The event passes the step's category and condition. */
  matched: boolean;
  /** It also has usable join keys, so it can take this step's place. */
  canFill: boolean;
  /** Its join-key values for the step (one entry per key tuple). */
  keys: unknown[][];
  reason?: string;
}

function planOf(compiledOrStatement: CompiledQuery | Statement, options: EngineOptions): Plan | undefined {
  if ((compiledOrStatement as Statement).kind === 'statement') {
    return compilePlan(compiledOrStatement as Statement, options).plan;
  }
  return (compiledOrStatement as CompiledPlanQuery).plan;
}

function textOf(plan: Plan, node: { range: { start: number; end: number } }, fallback: () => string): string {
  const src = plan.options.source;
  if (src !== undefined && node.range.end <= src.length) return src.slice(node.range.start, node.range.end).replace(/\s+/g, ' ').trim();
  return fallback();
}

function labelOf(kind: Plan['kind'], index: number, missing: boolean, until: boolean): string {
  if (kind === 'event') return 'event';
  if (until) return 'until';
  return `${missing ? 'missing ' : ''}${kind === 'sample' ? 'filter' : 'step'} ${index + 1}`;
}

/** Explains an event against every step of the query. Options are used when given a statement. */
export function explain(compiledOrStatement: CompiledQuery | Statement, event: SampleEvent, options: EngineOptions = {}): Explanation {
  const plan = planOf(compiledOrStatement, options);
  if (!plan) return { steps: [], notes: ['the query cannot run: fix its errors first'] };
  const ctx: ExprContext = { ...plan.ctx, errors: [] };
  const doc = event.doc;
  const notes: string[] = [];
  if (plan.kind !== 'sample' && plan.timestamp(doc) === undefined) {
    notes.push(`the event has no usable ${plan.ctx.timestampField}: event and sequence queries leave it out`);
  }
  const q = plan.statement.query;
  const steps: ExplainStep[] = [];
  if (!q) return { steps, notes };
  if (q.kind === 'event') {
    steps.push(explainFilter(plan, ctx, q.filter, doc, 'event'));
    return { steps, notes };
  }
  const list: [Step, number, boolean][] = q.steps.map((s, i) => [s, i, false]);
  if (q.kind === 'sequence' && q.until) list.push([q.until, -1, true]);
  for (const [s, i, isUntil] of list) {
    const st = explainFilter(plan, ctx, s.filter, doc, labelOf(plan.kind, i, s.missing, isUntil));
    steps.push(st);
    const keys = compileKeys([...q.by, ...s.by], ctx);
    if (keys.count && st.matched) {
      const tuples = keys.tuples(doc);
      if (tuples.length === 0) notes.push(`${st.label}: a join key is missing (null), so the event cannot take part`);
      else notes.push(`${st.label}: join key ${tuples.map((t) => renderTuple(t.values, keys.kinds)).join(' or ')}`);
    }
  }
  if (plan.kind === 'sequence' && plan.maxspan !== undefined) notes.push(`all events of a sequence must lie within ${q.kind === 'sequence' ? q.maxspan?.text : ''} of the first`);
  return { steps, notes };
}

function renderTuple(values: unknown[], kinds: string[]): string {
  return `(${values.map((v, i) => (kinds[i] === 'date' && typeof v === 'number' ? formatDate(v) : JSON.stringify(v))).join(', ')})`;
}

function explainFilter(plan: Plan, ctx: ExprContext, f: EventFilter, doc: Doc, label: string): ExplainStep {
  const children: ExplainNode[] = [];
  let catOk = true;
  if (!f.category.any) {
    const field = plan.options.eventCategoryField ?? 'event.category';
    const v = resolveField(field, plan.options.fieldTypes).get(doc);
    catOk = v === f.category.name || (Array.isArray(v) && v.includes(f.category.name));
    children.push({
      text: `${field} == ${JSON.stringify(f.category.name)}`,
      value: catOk ? 'true' : v === null ? 'null' : 'false',
      detail: `${field} = ${v === null ? '(missing)' : renderValue(v)}`,
      children: [],
    });
  }
  const cond = explainExpr(plan, ctx, f.condition, doc);
  children.push(cond);
  const matched = catOk && cond.value === 'true';
  return {
    label,
    matched,
    tree: { text: textOf(plan, f, () => `${f.category.any ? 'any' : f.category.name} where ${cond.text}`), value: matched ? 'true' : 'false', children },
  };
}

function explainExpr(plan: Plan, ctx: ExprContext, e: Expr, doc: Doc): ExplainNode {
  const u = unparen(e);
  const inFilter = compileFilter(u, ctx)(doc);
  const asValue = compileValue(u, ctx)(doc);
  const value: ExplainNode['value'] = inFilter ? 'true' : asValue === null ? 'null' : 'false';
  const text = textOf(plan, e, () => printExpr(e));
  let children: ExplainNode[] = [];
  if (u.kind === 'logical') children = logicalOperands(u, u.op).map((c) => explainExpr(plan, ctx, c, doc));
  else if (u.kind === 'not') children = [explainExpr(plan, ctx, u.operand, doc)];
  const detail = children.length ? undefined : fieldDetail(ctx, u, doc);
  return detail ? { text, value, detail, children } : { text, value, children };
}

function fieldDetail(ctx: ExprContext, e: Expr, doc: Doc): string | undefined {
  const seen = new Set<string>();
  const parts: string[] = [];
  const walk = (x: Expr): void => {
    switch (x.kind) {
      case 'field': {
        if (seen.has(x.name)) return;
        seen.add(x.name);
        const v: Value = compileValue(x, ctx)(doc);
        const kind = resolveField(x.name, ctx.fieldTypes, x.name === ctx.timestampField ? 'date' : undefined).kind;
        parts.push(`${x.name} = ${v === null ? '(missing)' : renderValue(v, kind)}`);
        return;
      }
      case 'paren':
        return walk(x.expr);
      case 'not':
      case 'unary':
        return walk(x.operand);
      // Chains in a loop: a 10,000-term `1 + 1 + ...` must not recurse once per operator.
      case 'logical':
        return logicalOperands(x, x.op).forEach(walk);
      case 'arithmetic': {
        const chain = arithmeticChain(x);
        walk(chain.first);
        return chain.rest.forEach((r) => walk(r.operand));
      }
      case 'comparison':
        walk(x.left);
        return walk(x.right);
      case 'in':
        walk(x.value);
        return x.list.forEach(walk);
      case 'match':
        return walk(x.value);
      case 'call': {
        x.args.forEach(walk);
        const r = compileValue(x, ctx)(doc);
        parts.push(`${x.name}${x.insensitive ? '~' : ''}(…) = ${renderValue(r)}`);
        return;
      }
      default:
        return;
    }
  };
  walk(e);
  return parts.length ? parts.join(', ') : undefined;
}

/** A readable form of an expression when the query text is not at hand. */
export function printExpr(e: Expr): string {
  switch (e.kind) {
    case 'literal':
      return e.value === null ? 'null' : typeof e.value === 'string' ? JSON.stringify(e.value) : String(e.value);
    case 'field':
      return (e.optional ? '?' : '') + e.path.map((p) => (/^[A-Za-z_@][A-Za-z0-9_]*$/.test(p) ? p : '`' + p.replace(/`/g, '``') + '`')).join('.');
    case 'paren':
      return `(${printExpr(e.expr)})`;
    case 'not':
      return `not ${printExpr(e.operand)}`;
    case 'logical':
    case 'comparison':
    case 'arithmetic':
      return `${printExpr(e.left)} ${e.op} ${printExpr(e.right)}`;
    case 'unary':
      return `${e.op}${printExpr(e.operand)}`;
    case 'in':
      return `${printExpr(e.value)}${e.negated ? ' not' : ''} in${e.insensitive ? '~' : ''} (${e.list.map(printExpr).join(', ')})`;
    case 'match': {
      const op = e.op === ':' ? ':' : `${e.op}${e.insensitive ? '~' : ''}`;
      const pats = e.patterns.length === 1 ? printExpr(e.patterns[0]) : `(${e.patterns.map(printExpr).join(', ')})`;
      return `${printExpr(e.value)} ${op} ${pats}`;
    }
    case 'call':
      return `${e.name}${e.insensitive ? '~' : ''}(${e.args.map(printExpr).join(', ')})`;
    case 'error':
      return '<error>';
  }
}

/** Which steps of a sequence (or filters of a sample) this event could take, and with which keys. */
export function stepsEventCanFill(compiledOrStatement: CompiledQuery | Statement, event: SampleEvent, options: EngineOptions = {}): StepFill[] {
  const plan = planOf(compiledOrStatement, options);
  const q = plan?.statement.query;
  if (!plan || !q || q.kind === 'event' || q.kind === 'join') return [];
  const ctx: ExprContext = { ...plan.ctx, errors: [] };
  const doc = event.doc;
  const noTs = plan.kind === 'sequence' && plan.timestamp(doc) === undefined;
  const list: [Step, number][] = q.steps.map((s, i) => [s, i]);
  if (q.kind === 'sequence' && q.until) list.push([q.until, -1]);
  return list.map(([s, i]) => {
    const label = labelOf(plan.kind, i, s.missing, i === -1);
    const cat = s.filter.category;
    let matched = compileFilter(s.filter.condition, ctx)(doc);
    if (!cat.any) {
      const v = resolveField(plan.options.eventCategoryField ?? 'event.category', plan.options.fieldTypes).get(doc);
      matched = matched && (v === cat.name || (Array.isArray(v) && v.includes(cat.name)));
    }
    const keys = compileKeys([...q.by, ...s.by], ctx);
    const tuples = matched ? keys.tuples(doc) : [];
    const fill: StepFill = { step: i, label, matched, canFill: matched && tuples.length > 0 && !noTs, keys: tuples.map((t) => t.values) };
    if (!matched) fill.reason = 'the event does not match the step';
    else if (noTs) fill.reason = `the event has no usable ${plan.ctx.timestampField}`;
    else if (tuples.length === 0) fill.reason = 'a join key is missing (null)';
    return fill;
  });
}
