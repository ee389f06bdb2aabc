// "Why not?" for sequences and samples, in words: for each step an event takes, what its neighbour
// steps lacked among the run's other events — "No AssumeRole (step 2) by user.name = "u17" within
// 30m after this event; the nearest, event #812, comes 42 min after it", "the join key user.name is
// null", "a newer CreateAccessKey (step 1) by the same user.name took this event's place". The same
// order (timestamp, tiebreaker, input order), maxspan and per-key overwrite rules as the engine's
// sequence machine (sequenceMachine.ts), looked at from one event.
import type { Expr, Statement } from '../syntax/ast';
import { unparen } from '../syntax/visit';
import { compileQuery as compilePlan, type CompiledPlanQuery, type Plan, type StepPlan } from './plan';
import { compareCands, type Cand } from './ordering';
import type { CompiledQuery, EngineOptions, SampleEvent } from './types';
import { formatDuration } from './duration';
import { renderValue, type Scalar } from './values';

export interface SequenceReason {
  /** The step (as written, 0-based) the reason is about; -1 for `until`. */
  step: number;
  text: string;
  /** Sample events (by seq) the text names, nearest first. */
  events: number[];
}

export interface SequenceExplanation {
  /** The join-key fields (`by` of the query and of its steps), for highlighting in the event. */
  joinFields: string[];
  /** Why the event does not complete a sequence (or sample), in words; empty for event queries. */
  reasons: SequenceReason[];
}

/** At most this many other events are named per reason. */
const NAMED = 3;

function planOf(q: CompiledQuery | Statement, options: EngineOptions): Plan | undefined {
  return (q as Statement).kind === 'statement' ? compilePlan(q as Statement, options).plan : (q as CompiledPlanQuery).plan;
}

/** The join-key fields of a sequence or sample query, in order, each once. */
export function joinFieldsOf(statement: Statement): string[] {
  const q = statement.query;
  if (!q || q.kind === 'event') return [];
  const out: string[] = [];
  const add = (e: Expr) => {
    const u = unparen(e);
    if (u.kind === 'field' && !out.includes(u.name)) out.push(u.name);
  };
  q.by.forEach(add);
  for (const s of q.steps) s.by.forEach(add);
  if (q.kind === 'sequence' && q.until) q.until.by.forEach(add);
  return out;
}

/** `event.action == "X"` / `event.action in ("X", "Y")` among a condition's top-level `and` operands. */
function actionOf(e: Expr): string | undefined {
  const u = unparen(e);
  if (u.kind === 'logical' && u.op === 'and') return actionOf(u.left) ?? actionOf(u.right);
  const isAction = (x: Expr) => {
    const f = unparen(x);
    return f.kind === 'field' && f.name === 'event.action';
  };
  const str = (x: Expr) => {
    const l = unparen(x);
    return l.kind === 'literal' && typeof l.value === 'string' ? l.value : undefined;
  };
  if (u.kind === 'comparison' && u.op === '==') {
    if (isAction(u.left)) return str(u.right);
    if (isAction(u.right)) return str(u.left);
  }
  if (u.kind === 'in' && !u.negated && isAction(u.value)) {
    const names = u.list.map(str);
    if (names.length > 0 && names.length <= 3 && names.every((n) => n !== undefined)) return names.join(' or ');
  }
  return undefined;
}

interface Other {
  ev: SampleEvent;
  cand: Cand;
  /** Key-tuple ids per written step, undefined where the event does not pass the step. */
  keys: (Set<string> | undefined)[];
  until?: Set<string>;
}

/**
 * Why `event` is not (or is) part of a sequence/sample match, judged against `others` (the run's
 * events; the event itself may be among them). Event queries get only their join fields (none).
 */
export function explainSequence(
  compiledOrStatement: CompiledQuery | Statement,
  event: SampleEvent,
  others: Iterable<SampleEvent>,
  options: EngineOptions = {},
): SequenceExplanation {
  const plan = planOf(compiledOrStatement, options);
  const q = plan?.statement.query;
  if (!plan || !q || q.kind === 'event' || q.kind === 'join' || plan.kind === 'event') return { joinFields: [], reasons: [] };
  const joinFields = joinFieldsOf(plan.statement);
  const reasons: SequenceReason[] = [];

  // One plan per step as written (runs=N repeats share one).
  const steps: StepPlan[] = [];
  for (const s of plan.steps) if (!steps.some((x) => x.queryIndex === s.queryIndex)) steps.push(s);
  const source = plan.options.source;
  const stepText = (s: StepPlan) => {
    const r = s.ast.filter.range;
    return source !== undefined && r.end <= source.length ? source.slice(r.start, r.end).replace(/\s+/g, ' ').trim() : undefined;
  };
  const kindWord = plan.kind === 'sample' ? 'filter' : 'step';
  const nameOf = (i: number) => {
    const action = actionOf(steps[i].ast.filter.condition);
    return action ? `${action} (${kindWord} ${i + 1})` : `${kindWord} ${i + 1}${stepText(steps[i]) ? ` [${stepText(steps[i])}]` : ''}`;
  };
  const keyNames = (() => {
    const names = [...q.by, ...steps[0].ast.by].map((e) => {
      const u = unparen(e);
      return u.kind === 'field' ? u.name : (source?.slice(e.range.start, e.range.end) ?? 'key');
    });
    return names;
  })();
  const keyText = (values: (Scalar | null)[]) => keyNames.map((n, i) => `${n} = ${renderValue(values[i] ?? null)}`).join(', ');
  const at = (ev: SampleEvent): Cand => ({ ev, ts: plan.timestamp(ev.doc) ?? NaN, tb: plan.tiebreaker ? plan.tiebreaker(ev.doc) : null });
  const idsOf = (s: StepPlan, ev: SampleEvent) => (s.filter(ev.doc) ? new Set(s.keys.tuples(ev.doc).map((t) => t.id)) : undefined);

  const me = at(event);
  if (plan.kind === 'sequence' && Number.isNaN(me.ts)) return { joinFields, reasons }; // explain() says the timestamp is missing

  const all: Other[] = [];
  for (const ev of others) {
    if (ev.seq === event.seq) continue;
    const cand = at(ev);
    if (plan.kind === 'sequence' && Number.isNaN(cand.ts)) continue;
    const keys = steps.map((s) => idsOf(s, ev));
    const until = plan.until ? idsOf(plan.until, ev) : undefined;
    if (keys.every((k) => k === undefined) && until === undefined) continue;
    all.push({ ev, cand, keys, until });
  }
  all.sort((a, b) => compareCands(a.cand, b.cand));
  const shares = (ids: Set<string> | undefined, mine: Set<string>) => ids !== undefined && [...ids].some((id) => mine.has(id));
  const span = plan.maxspan;
  const maxspanText = q.kind === 'sequence' ? q.maxspan?.text : undefined;
  const gap = (o: Other) => Math.abs(o.cand.ts - me.ts);
  const named = (list: Other[]) => list.slice(0, NAMED).map((o) => o.ev.seq);
  const ids = (list: Other[]) => list.slice(0, NAMED).map((o) => `#${o.ev.seq}`).join(', ');

  steps.forEach((step, i) => {
    if (step.missing || !step.filter(event.doc)) return;
    const tuples = step.keys.tuples(event.doc);
    if (tuples.length === 0) {
      reasons.push({ step: i, text: `As ${nameOf(i)}: the join key ${keyNames.join(', ')} is null (missing) in this event, so it cannot take part.`, events: [] });
      return;
    }
    const mine = new Set(tuples.map((t) => t.id));
    const who = keyText(tuples[0].values);

    if (plan.kind === 'sample') {
      steps.forEach((other, j) => {
        if (j === i) return;
        const same = all.filter((o) => shares(o.keys[j], mine));
        if (same.length > 0) return;
        const any = all.filter((o) => o.keys[j] !== undefined);
        reasons.push({
          step: j,
          text: `As ${nameOf(i)}: no event matches ${nameOf(j)} with ${who}${any.length ? `; ${any.length} match it with another ${keyNames.join(', ')}` : '; no event matches it at all'}.`,
          events: named(any),
        });
      });
      return;
    }

    // Sequences: the next step after this event and the previous one before it.
    const after = (o: Other) => compareCands(o.cand, me) > 0;
    const inSpan = (o: Other) => span === undefined || gap(o) <= span;
    const within = span === undefined ? '' : ` within ${maxspanText ?? formatDuration(span)}`;
    const j = i + 1;
    if (j < steps.length && !steps[j].missing) {
      const matching = all.filter((o) => o.keys[j] !== undefined);
      const sameLater = matching.filter((o) => after(o) && shares(o.keys[j], mine));
      const taking = sameLater.filter(inSpan);
      if (taking.length > 0) {
        const next = taking[0];
        // Between this event and its successor: an `until` ends the pending sequence, and a newer
        // event for this step (same key) overwrites it, as in the engine.
        const between = all.filter((o) => after(o) && compareCands(o.cand, next.cand) < 0);
        const ended = between.find((o) => shares(o.until, mine));
        const newer = between.find((o) => shares(o.keys[i], mine));
        if (ended) {
          reasons.push({ step: -1, text: `As ${nameOf(i)}: event #${ended.ev.seq} matches the until condition with ${who} ${formatDuration(gap(ended))} later, which ends the sequence before ${nameOf(j)} (event #${next.ev.seq}).`, events: [ended.ev.seq, next.ev.seq] });
        } else if (newer) {
          reasons.push({ step: i, text: `As ${nameOf(i)}: a newer event for this step with ${who}, event #${newer.ev.seq} (${formatDuration(gap(newer))} later), took this event's place before ${nameOf(j)} arrived (event #${next.ev.seq}).`, events: [newer.ev.seq, next.ev.seq] });
        } else {
          reasons.push({ step: j, text: `As ${nameOf(i)}: event #${next.ev.seq} takes ${nameOf(j)} with ${who} ${formatDuration(gap(next))} later${within ? `, ${within.trim()}` : ''}.`, events: [next.ev.seq] });
        }
      } else {
        const parts = [`As ${nameOf(i)}: no ${nameOf(j)} with ${who}${within} after this event.`];
        const events: number[] = [];
        if (sameLater.length > 0) {
          parts.push(`The nearest, event #${sameLater[0].ev.seq}, comes ${formatDuration(gap(sameLater[0]))} after it — beyond maxspan ${maxspanText}.`);
          events.push(sameLater[0].ev.seq);
        }
        const sameEarlier = matching.filter((o) => !after(o) && shares(o.keys[j], mine)).reverse();
        if (sameEarlier.length > 0) {
          parts.push(`Event${sameEarlier.length === 1 ? '' : 's'} ${ids(sameEarlier)} ${sameEarlier.length === 1 ? 'matches' : 'match'} it with the same key but ${sameEarlier.length === 1 ? 'comes' : 'come'} before this event (the nearest ${formatDuration(gap(sameEarlier[0]))} earlier).`);
          events.push(...named(sameEarlier));
        }
        const otherKey = matching.filter((o) => after(o) && inSpan(o) && !shares(o.keys[j], mine));
        if (otherKey.length > 0) {
          const example = steps[j].keys.tuples(otherKey[0].ev.doc)[0]?.values ?? [];
          parts.push(`${otherKey.length} event${otherKey.length === 1 ? '' : 's'} match${otherKey.length === 1 ? 'es' : ''} it${within} after this event with another key (e.g. ${keyText(example)}).`);
          events.push(...named(otherKey));
        }
        if (matching.length === 0) parts.push(`No sample event matches ${kindWord} ${j + 1} at all.`);
        reasons.push({ step: j, text: parts.join(' '), events: [...new Set(events)] });
      }
    } else if (j < steps.length && steps[j].missing) {
      const blocker = all.find((o) => after(o) && inSpan(o) && shares(o.keys[j], mine));
      if (blocker)
        reasons.push({ step: j, text: `As ${nameOf(i)}: event #${blocker.ev.seq} matches the missing ${kindWord} ${j + 1} with ${who} ${formatDuration(gap(blocker))} later, so the sequence cannot complete.`, events: [blocker.ev.seq] });
    }
    const p = i - 1;
    if (p >= 0 && !steps[p].missing) {
      const before = all.filter((o) => !after(o) && inSpan(o) && shares(o.keys[p], mine));
      if (before.length === 0)
        reasons.push({ step: p, text: `As ${nameOf(i)}: no ${nameOf(p)} with ${who}${within} before this event.`, events: [] });
    }
  });
  return { joinFields, reasons };
}
