// Executes a compiled plan over events pushed one at a time.
// - Event queries keep only the matches the result window can still need (a bounded buffer).
// - Sequences keep the events that match some step (or until) with their keys, sort them by
//   (timestamp, tiebreaker, input order) at the end and run Elasticsearch's state machine: one
//   pending sequence per step and key, a newer one overwriting an older one in the same state.
// - Samples keep, per key and filter, the first few matching events.
import type { Plan, PipeOp, StepPlan } from './plan';
import type { KeyTuple } from './keys';
import { renderKeys } from './keys';
import type { Match, Run, RunResult, SampleEvent, MatchEvent } from './types';
import { compareScalars, Scalar, Value } from './values';

interface Cand {
  ev: SampleEvent;
  ts: number;
  tb: Value;
}

function tbScalar(v: Value): Scalar | null {
  return Array.isArray(v) ? v[0] : v;
}

function compareCands(a: Cand, b: Cand): number {
  if (a.ts !== b.ts) return a.ts < b.ts ? -1 : 1;
  const x = tbScalar(a.tb);
  const y = tbScalar(b.tb);
  if (x !== y) {
    if (x === null) return 1;
    if (y === null) return -1;
    const c = compareScalars(x, y, 'any');
    if (c) return c < 0 ? -1 : 1;
  }
  return a.ev.seq - b.ev.seq;
}

/** Applies head/tail pipes then `size` at the configured end. */
function applyWindow<T>(items: T[], pipes: PipeOp[], size: number, position: 'head' | 'tail'): T[] {
  let out = items;
  for (const p of pipes) out = p.name === 'head' ? out.slice(0, p.n) : out.slice(Math.max(0, out.length - p.n));
  if (out.length > size) out = position === 'head' ? out.slice(0, size) : out.slice(out.length - size);
  return out;
}

export function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}

export function createPlanRun(plan: Plan): Run {
  switch (plan.kind) {
    case 'event':
      return eventRun(plan);
    case 'sequence':
      return sequenceRun(plan);
    case 'sample':
      return sampleRun(plan);
  }
}

function eventRun(plan: Plan): Run {
  const started = now();
  const filter = plan.filter ?? (() => false);
  // The first pipe (or size without pipes) bounds how many matches from which end can matter.
  const first = plan.pipes[0];
  const keep = first ? first.n : plan.size;
  const side = first ? first.name : plan.position;
  const limit = Math.max(keep, 0);
  let buf: Cand[] = [];
  let events = 0;
  let noTs = 0;
  let lastTrimmed: Cand | undefined;
  const trim = (): void => {
    buf.sort(compareCands);
    buf = side === 'head' ? buf.slice(0, limit) : buf.slice(Math.max(0, buf.length - limit));
    lastTrimmed = side === 'head' ? buf[buf.length - 1] : buf[0];
  };
  return {
    push(ev) {
      events++;
      const doc = ev.doc;
      if (!filter(doc)) return;
      const ts = plan.timestamp(doc);
      if (ts === undefined) {
        noTs++;
        return;
      }
      const c: Cand = { ev, ts, tb: plan.tiebreaker ? plan.tiebreaker(doc) : null };
      // Once the buffer is full, a match outside the kept end can never be returned.
      if (lastTrimmed && buf.length >= limit) {
        const cmp = compareCands(c, lastTrimmed);
        if (side === 'head' ? cmp > 0 : cmp < 0) return;
      }
      buf.push(c);
      if (buf.length > 2 * limit + 1024) trim();
    },
    finish(): RunResult {
      buf.sort(compareCands);
      const chosen = applyWindow(buf, plan.pipes, plan.size, plan.position);
      const matches: Match[] = chosen.map((c) => ({ kind: 'event', joinKeys: [], events: [{ missing: false, event: c.ev }] }));
      return { kind: 'event', matches, stats: { events, matched: matches.length, ms: now() - started, noTimestamp: noTs } };
    },
  };
}

// ------------------------------------------------------------------------------------------------
// Sequences

interface SeqCand extends Cand {
  /** Per expanded step index: the key tuples this event matches the step with. */
  steps: (KeyTuple[] | undefined)[];
  until: KeyTuple[] | undefined;
  order: number;
}

interface Pending {
  events: SeqCand[];
  firstTs: number;
}

interface KeyState {
  stages: (Pending | undefined)[];
  values: (Scalar | null)[];
}

interface Completed {
  events: SeqCand[];
  keyValues: (Scalar | null)[];
  completion: number;
}

function sequenceRun(plan: Plan): Run {
  const started = now();
  const steps = plan.steps;
  const cands: SeqCand[] = [];
  let events = 0;
  let noTs = 0;
  // Steps repeated by runs=N share one filter; evaluate each distinct step once per event.
  const distinct: StepPlan[] = [...new Set(steps)];
  const slotOf = steps.map((s) => distinct.indexOf(s));

  return {
    push(ev) {
      events++;
      const doc = ev.doc;
      let any = false;
      // Most events match no step: allocate only for those that do.
      let hits: (KeyTuple[] | undefined)[] | undefined;
      for (let i = 0; i < distinct.length; i++) {
        const s = distinct[i];
        if (s.filter(doc)) {
          const t = s.keys.tuples(doc);
          if (t.length) {
            if (!hits) hits = new Array(distinct.length);
            hits[i] = t;
            any = true;
          }
        }
      }
      let until: KeyTuple[] | undefined;
      if (plan.until && plan.until.filter(doc)) {
        const t = plan.until.keys.tuples(doc);
        if (t.length) {
          until = t;
          any = true;
        }
      }
      if (!any) return;
      const ts = plan.timestamp(doc);
      if (ts === undefined) {
        noTs++;
        return;
      }
      const h = hits;
      cands.push({ ev, ts, tb: plan.tiebreaker ? plan.tiebreaker(doc) : null, steps: h ? slotOf.map((k) => h[k]) : [], until, order: 0 });
    },
    finish(): RunResult {
      cands.sort(compareCands);
      cands.forEach((c, i) => (c.order = i));
      const completed = matchSequences(plan, cands);
      // Elasticsearch returns sequences in the order they complete.
      completed.sort((a, b) => a.completion - b.completion);
      const chosen = applyWindow(completed, plan.pipes, plan.size, plan.position);
      const kinds = steps[0]?.keys.kinds ?? [];
      const matches: Match[] = chosen.map((c) => {
        const out: MatchEvent[] = [];
        let k = 0;
        for (const s of steps) {
          if (s.missing) out.push({ missing: true });
          else out.push({ missing: false, event: c.events[k++].ev });
        }
        return { kind: 'sequence', joinKeys: renderKeys(c.keyValues, kinds, 'iso'), events: out };
      });
      return { kind: 'sequence', matches, stats: { events, matched: matches.length, ms: now() - started, noTimestamp: noTs } };
    },
  };
}

function matchSequences(plan: Plan, cands: SeqCand[]): Completed[] {
  const steps = plan.steps;
  const positive: number[] = [];
  steps.forEach((s, i) => {
    if (!s.missing) positive.push(i);
  });
  const last = positive.length - 1;
  const maxspan = plan.maxspan;
  const states = new Map<string, KeyState>();
  const completed: Completed[] = [];
  const missingIndex = buildMissingIndex(steps, cands);

  for (const c of cands) {
    for (let k = last; k >= 0; k--) {
      const tuples = c.steps[positive[k]];
      if (!tuples) continue;
      for (const t of tuples) {
        let st = states.get(t.id);
        if (k === 0) {
          if (!st) states.set(t.id, (st = { stages: new Array(positive.length).fill(undefined), values: t.values }));
          const p: Pending = { events: [c], firstTs: c.ts };
          if (last === 0) complete(p, st);
          else st.stages[0] = p;
          continue;
        }
        const prev = st?.stages[k - 1];
        if (!st || !prev) continue;
        st.stages[k - 1] = undefined;
        if (maxspan !== undefined && c.ts - prev.firstTs > maxspan) continue;
        const next: Pending = { events: [...prev.events, c], firstTs: prev.firstTs };
        if (k === last) complete(next, st);
        else st.stages[k] = next;
      }
    }
    // An until event ends the key's pending sequences, after a sequence it completes was kept.
    if (c.until) {
      for (const t of c.until) {
        const st = states.get(t.id);
        if (st) st.stages.fill(undefined);
      }
    }
  }
  return completed;

  function complete(p: Pending, st: KeyState): void {
    if (missingIndex && !missingOk(plan, p, st, missingIndex)) return;
    completed.push({ events: p.events, keyValues: st.values, completion: completed.length });
  }
}

/** For each missing step: key id -> candidates (in order) that match it. */
type MissingIndex = Map<number, Map<string, SeqCand[]>>;

function buildMissingIndex(steps: StepPlan[], cands: SeqCand[]): MissingIndex | undefined {
  if (!steps.some((s) => s.missing)) return undefined;
  const idx: MissingIndex = new Map();
  steps.forEach((s, i) => {
    if (!s.missing) return;
    const byKey = new Map<string, SeqCand[]>();
    for (const c of cands) {
      const t = c.steps[i];
      if (!t) continue;
      for (const k of t) {
        let l = byKey.get(k.id);
        if (!l) byKey.set(k.id, (l = []));
        l.push(c);
      }
    }
    idx.set(i, byKey);
  });
  return idx;
}

/**
 * Whether a positive match survives its missing steps (Elasticsearch's semantics as the QA suite
 * pins them down, docs/CONFORMANCE.md):
 * - a missing step between two positive steps rejects the match when any event matching it (same
 *   key) lies between them;
 * - the leading and trailing missing steps together reject it only when all of them can be filled
 *   (in order, same key) with the whole filled-in sequence within maxspan. Taking the latest events
 *   before the first positive one and the earliest after the last keeps the span smallest.
 */
function missingOk(plan: Plan, p: Pending, st: KeyState, idx: MissingIndex): boolean {
  const steps = plan.steps;
  const keyId = keyIdOf(st);
  const listFor = (i: number): SeqCand[] => idx.get(i)?.get(keyId) ?? [];
  const firstPos = steps.findIndex((s) => !s.missing);
  let lastPos = steps.length - 1;
  while (steps[lastPos].missing) lastPos--;
  // inner missing steps
  let k = 0;
  for (let i = firstPos; i <= lastPos; i++) {
    if (!steps[i].missing) {
      k++;
      continue;
    }
    const list = listFor(i);
    const j = firstAfter(list, p.events[k - 1].order);
    if (j < list.length && list[j].order < p.events[k].order) return false;
  }
  if (firstPos === 0 && lastPos === steps.length - 1) return true;
  // leading missing steps, backwards from the first positive event
  let bound = p.events[0].order;
  let minTs = p.events[0].ts;
  for (let i = firstPos - 1; i >= 0; i--) {
    const list = listFor(i);
    const j = lastBefore(list, bound);
    if (j < 0) return true;
    bound = list[j].order;
    minTs = list[j].ts;
  }
  // trailing missing steps, forwards from the last positive event
  let cur = p.events[p.events.length - 1].order;
  let maxTs = p.events[p.events.length - 1].ts;
  for (let i = lastPos + 1; i < steps.length; i++) {
    const list = listFor(i);
    const j = firstAfter(list, cur);
    if (j >= list.length) return true;
    cur = list[j].order;
    maxTs = list[j].ts;
  }
  return plan.maxspan !== undefined && maxTs - minTs > plan.maxspan;
}

function lastBefore(list: SeqCand[], order: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].order < order) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

function firstAfter(list: SeqCand[], order: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].order <= order) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const keyIds = new WeakMap<KeyState, string>();
function keyIdOf(st: KeyState): string {
  let id = keyIds.get(st);
  if (id === undefined) {
    const v = st.values;
    id = v.length === 0 ? '' : v.length === 1 ? (v[0] === null ? 'n' : typeof v[0] === 'string' ? 's' + v[0] : 'o' + String(v[0])) : JSON.stringify(v);
    keyIds.set(st, id);
  }
  return id;
}

// ------------------------------------------------------------------------------------------------
// Samples

interface SampleGroup {
  values: (Scalar | null)[];
  perStep: SampleEvent[][];
}

function sampleRun(plan: Plan): Run {
  const started = now();
  const steps = plan.steps;
  const groups = new Map<string, SampleGroup>();
  const perStepCap = plan.maxSamplesPerKey + steps.length;
  let events = 0;
  return {
    push(ev) {
      events++;
      const doc = ev.doc;
      for (let i = 0; i < steps.length; i++) {
        const s = steps[i];
        if (!s.filter(doc)) continue;
        for (const t of s.keys.tuples(doc)) {
          let g = groups.get(t.id);
          if (!g) groups.set(t.id, (g = { values: t.values, perStep: steps.map(() => []) }));
          const list = g.perStep[i];
          if (list.length < perStepCap) list.push(ev);
        }
      }
    },
    finish(): RunResult {
      const kinds = steps[0]?.keys.kinds ?? [];
      const sorted = [...groups.values()].sort((a, b) => compareKeyValues(a.values, b.values));
      const matches: Match[] = [];
      for (const g of sorted) {
        if (g.perStep.some((l) => l.length === 0)) continue;
        for (const combo of combinations(g.perStep, plan.maxSamplesPerKey)) {
          matches.push({
            kind: 'sample',
            joinKeys: renderKeys(g.values, kinds, 'millis'),
            events: combo.map((ev) => ({ missing: false, event: ev })),
          });
        }
      }
      const chosen = matches.slice(0, Math.max(0, plan.size));
      return { kind: 'sample', matches: chosen, stats: { events, matched: chosen.length, ms: now() - started, noTimestamp: 0 } };
    },
  };
}

function compareKeyValues(a: (Scalar | null)[], b: (Scalar | null)[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === y) continue;
    if (x === null) return -1;
    if (y === null) return 1;
    const c = compareScalars(x, y, 'any');
    if (c) return c < 0 ? -1 : 1;
    if (typeof x !== typeof y) return typeof x < typeof y ? -1 : 1;
  }
  return 0;
}

/** Up to `max` picks of one event per step, each pick using distinct events, in odometer order. */
function combinations(perStep: SampleEvent[][], max: number): SampleEvent[][] {
  const out: SampleEvent[][] = [];
  const pick: SampleEvent[] = [];
  const used = new Set<number>();
  const walk = (i: number): void => {
    if (out.length >= max) return;
    if (i === perStep.length) {
      out.push([...pick]);
      return;
    }
    for (const ev of perStep[i]) {
      if (used.has(ev.seq)) continue;
      used.add(ev.seq);
      pick.push(ev);
      walk(i + 1);
      pick.pop();
      used.delete(ev.seq);
      if (out.length >= max) return;
    }
  };
  walk(0);
  return out;
}
