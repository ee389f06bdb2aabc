// The engine's public face: compile a parsed statement once, then run it over sample events
// (streaming with createRun, or all at once with runQuery), and explain why an event matched or not.
import type { Statement } from '../syntax/ast';
import { compileQuery as compilePlan, CompiledPlanQuery } from './plan';
import { createPlanRun, now, type PlanRun, type PlanRunOptions } from './run';
import { EVALUATION_ERROR_EXAMPLES, type CompiledQuery, type EngineOptions, type EvaluationError, type RunResult, type SampleEvent } from './types';
import type { Value } from './values';

export type { CompiledQuery, EngineOptions, EvaluationError, Match, MatchEvent, Run, RunResult, RunStats, SampleEvent } from './types';
export { EVALUATION_ERROR_EXAMPLES } from './types';
export type { PlanRun, PlanRunOptions } from './run';
export { fieldTypesFromMapping } from './fields';
export { explain, stepsEventCanFill } from './explain';
export { explainSequence, joinFieldsOf } from './explainSequence';
export type { SequenceExplanation, SequenceReason } from './explainSequence';
export type { StepFill, Explanation, ExplainNode, ExplainStep } from './explain';

/** Compiles a statement; never throws. A query that cannot run has `errors` (with ranges) and no plan. */
export function compileQuery(statement: Statement, options: EngineOptions = {}): CompiledQuery {
  return compilePlan(statement, options);
}

export interface RunOptions extends PlanRunOptions {
  /** Called for every event the engine could not evaluate (the event is left out and counted). */
  onEvaluationError?(error: EvaluationError): void;
}

/** The message of an evaluation failure, as users see it. */
function evaluationMessage(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  if (err instanceof RangeError && /call stack/i.test(m)) return 'the event is nested too deeply to evaluate';
  if (err instanceof RangeError && /string length/i.test(m)) return 'a value computed for this event is longer than the largest string the engine can hold';
  return m;
}

/** Starts a streaming run: push events in input order, then finish. */
export function createRun(compiled: CompiledQuery, options: RunOptions = {}): PlanRun {
  const plan = (compiled as CompiledPlanQuery).plan;
  if (!plan || compiled.errors.length) {
    const started = now();
    let events = 0;
    return {
      push: () => {
        events++;
        return false;
      },
      finish: () => ({ kind: compiled.kind ?? 'event', matches: [], stats: { events, matched: 0, ms: now() - started, noTimestamp: 0 } }),
      retained: () => 0,
      late: () => 0,
    };
  }
  const inner = createPlanRun(plan, options);
  let failed = 0;
  const examples: EvaluationError[] = [];
  // One event the engine cannot evaluate must not end the run: it is left out, counted, and the
  // first few are kept with their file:line so every caller can report them.
  return {
    push(ev) {
      try {
        return inner.push(ev);
      } catch (err) {
        failed++;
        const e: EvaluationError = { file: ev.source.file, line: ev.source.line, column: ev.source.column, seq: ev.seq, message: evaluationMessage(err) };
        if (examples.length < EVALUATION_ERROR_EXAMPLES) examples.push(e);
        options.onEvaluationError?.(e);
        return false;
      }
    },
    finish() {
      const r = inner.finish();
      if (failed) {
        r.stats.errors = failed;
        r.stats.errorExamples = examples;
      }
      return r;
    },
    retained: () => inner.retained(),
    late: () => inner.late(),
    ...(inner.peek ? { peek: inner.peek } : {}),
  };
}

/** How a sequence run orders events and which it holds: for putting input in that order outside the engine. */
export interface SequenceOrder {
  /** Event time in ms, undefined when the event has no usable timestamp (the run skips it). */
  timestamp(doc: Record<string, unknown>): number | undefined;
  tiebreaker(doc: Record<string, unknown>): Value;
  /** True when the event matches a step or `until` with a join key: the only events whose order matters. */
  holds(doc: Record<string, unknown>): boolean;
  /** The sequence's maxspan in ms (undefined: none). */
  maxspan: number | undefined;
}

/** The order a sequence query's run needs (undefined for event and sample queries, or one that cannot run). */
export function sequenceOrder(compiled: CompiledQuery): SequenceOrder | undefined {
  const plan = (compiled as CompiledPlanQuery).plan;
  if (!plan || plan.kind !== 'sequence' || compiled.errors.length) return undefined;
  const steps = [...new Set(plan.steps), ...(plan.until ? [plan.until] : [])];
  const tiebreaker = plan.tiebreaker;
  return {
    timestamp: (doc) => plan.timestamp(doc),
    tiebreaker: (doc) => (tiebreaker ? tiebreaker(doc) : null),
    maxspan: plan.maxspan,
    holds(doc) {
      try {
        return steps.some((s) => s.filter(doc) && s.keys.tuples(doc).length > 0);
      } catch {
        return true; // the run counts the failure; keep the event where the run sees it
      }
    },
  };
}

export function runQuery(compiled: CompiledQuery, events: Iterable<SampleEvent>, options: RunOptions = {}): RunResult {
  const run = createRun(compiled, options);
  for (const ev of events) run.push(ev);
  return run.finish();
}
