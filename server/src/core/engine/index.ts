// The engine's public face: compile a parsed statement once, then run it over sample events
// (streaming with createRun, or all at once with runQuery), and explain why an event matched or not.
import type { Statement } from '../syntax/ast';
import { compileQuery as compilePlan, CompiledPlanQuery } from './plan';
import { createPlanRun, now, type PlanRun, type PlanRunOptions } from './run';
import type { CompiledQuery, EngineOptions, RunResult, SampleEvent } from './types';
import type { Value } from './values';

export type { CompiledQuery, EngineOptions, Match, MatchEvent, Run, RunResult, RunStats, SampleEvent } from './types';
export type { PlanRun, PlanRunOptions } from './run';
export { fieldTypesFromMapping } from './fields';
export { explain, stepsEventCanFill } from './explain';
export type { StepFill, Explanation, ExplainNode, ExplainStep } from './explain';

/** Compiles a statement; never throws. A query that cannot run has `errors` (with ranges) and no plan. */
export function compileQuery(statement: Statement, options: EngineOptions = {}): CompiledQuery {
  return compilePlan(statement, options);
}

/** Starts a streaming run: push events in input order, then finish. */
export function createRun(compiled: CompiledQuery, options: PlanRunOptions = {}): PlanRun {
  const plan = (compiled as CompiledPlanQuery).plan;
  if (!plan || compiled.errors.length) {
    const started = now();
    let events = 0;
    return {
      push: () => void events++,
      finish: () => ({ kind: compiled.kind ?? 'event', matches: [], stats: { events, matched: 0, ms: now() - started, noTimestamp: 0 } }),
      retained: () => 0,
      late: () => 0,
    };
  }
  const inner = createPlanRun(plan, options);
  let failed = 0;
  // A defect on one odd event must not end the run: the event is skipped and counted.
  return {
    push(ev) {
      try {
        inner.push(ev);
      } catch {
        failed++;
      }
    },
    finish() {
      const r = inner.finish();
      if (failed) r.stats.errors = failed;
      return r;
    },
    retained: () => inner.retained(),
    late: () => inner.late(),
  };
}

/** How a sequence run orders events and which it holds: for putting input in that order outside the engine. */
export interface SequenceOrder {
  /** Event time in ms, undefined when the event has no usable timestamp (the run skips it). */
  timestamp(doc: Record<string, unknown>): number | undefined;
  tiebreaker(doc: Record<string, unknown>): Value;
  /** True when the event matches a step or `until` with a join key: the only events whose order matters. */
  holds(doc: Record<string, unknown>): boolean;
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
    holds(doc) {
      try {
        return steps.some((s) => s.filter(doc) && s.keys.tuples(doc).length > 0);
      } catch {
        return true; // the run counts the failure; keep the event where the run sees it
      }
    },
  };
}

export function runQuery(compiled: CompiledQuery, events: Iterable<SampleEvent>): RunResult {
  const run = createRun(compiled);
  for (const ev of events) run.push(ev);
  return run.finish();
}
