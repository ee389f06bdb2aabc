// The engine's public face: compile a parsed statement once, then run it over sample events
// (streaming with createRun, or all at once with runQuery), and explain why an event matched or not.
import type { Statement } from '../syntax/ast';
import { compileQuery as compilePlan, CompiledPlanQuery } from './plan';
import { createPlanRun, now, type PlanRun, type PlanRunOptions } from './run';
import type { CompiledQuery, EngineOptions, RunResult, SampleEvent } from './types';

export type { CompiledQuery, EngineOptions, Match, MatchEvent, Run, RunResult, RunStats, SampleEvent } from './types';
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

export function runQuery(compiled: CompiledQuery, events: Iterable<SampleEvent>): RunResult {
  const run = createRun(compiled);
  for (const ev of events) run.push(ev);
  return run.finish();
}
