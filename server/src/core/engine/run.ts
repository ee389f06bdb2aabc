// Executes a compiled plan over events pushed one at a time.
// - Event queries keep only the matches the result window can still need (a bounded buffer).
// - Sequences run Elasticsearch's state machine (sequenceMachine.ts) over the events that match some
//   step (or until), in (timestamp, tiebreaker, input order). By default every such event is held
//   until finish and sorted, which is exact whatever the input order. With a finite `lateness` the
//   events go through a reorder buffer and reach the machine as soon as time has moved `lateness`
//   past them, so memory is the open sequence state plus that buffer; an event arriving after a
//   later one was already fed is counted as late and left out.
// - Samples keep, per key and filter, the first few matching events (by input order).
import type { Plan, PipeOp, StepPlan } from './plan';
import type { KeyTuple } from './keys';
import { renderKeys } from './keys';
import { Cand, CandHeap, compareCands } from './ordering';
import { SeqCand, SequenceMachine } from './sequenceMachine';
import type { Match, Run, RunResult, SampleEvent, MatchEvent } from './types';
import { queriedDoc } from '../samples/types';
import { compareScalars, Scalar } from './values';

export interface PlanRunOptions {
  /**
   * Sequences only: how far (ms of event time) an event may arrive behind the latest one pushed and
   * still be ordered exactly. Infinity (default) holds all matching events until finish.
   */
  lateness?: number;
  /** Sequences only: fewest events between sweeps of expired open state (tests set 1). */
  sweepInterval?: number;
  /**
   * Called when the run starts holding an event, with what it is held for: `kept` for a result (an event query's
   * match, an event of a sequence kept for the result), else a sequence candidate it may let go again. Returns the
   * object to hold in its place (the caller may store it more compactly: io/runOnSamples); a kept candidate is passed
   * again, as returned before. The run reads an event's document only during its push.
   */
  hold?(ev: SampleEvent, kept: boolean): SampleEvent;
}

export interface PlanRun extends Run {
  /** True when the run holds the event after this push (a match kept for the results, a sequence candidate). */
  push(event: SampleEvent): boolean;
  /** Matching events the run currently holds (reorder buffer, open sequences, kept results). */
  retained(): number;
  /** Sequence events left out because they arrived more than `lateness` behind (always 0 by default). */
  late(): number;
  /**
   * Event queries: the matches so far, as finish() would give them if no more events came (the panel's first rows
   * while a run goes on). Does not change the run. Absent for sequences and samples.
   */
  peek?(): Match[];
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

export function createPlanRun(plan: Plan, options: PlanRunOptions = {}): PlanRun {
  switch (plan.kind) {
    case 'event':
      return eventRun(plan, options.hold);
    case 'sequence':
      return sequenceRun(plan, lateness(options.lateness), options.sweepInterval, options.hold);
    case 'sample':
      return sampleRun(plan);
  }
}

/** Absent or NaN: hold everything (exact for any order); negative: 0. */
function lateness(l: number | undefined): number {
  return l === undefined || Number.isNaN(l) ? Infinity : Math.max(0, l);
}

function eventRun(plan: Plan, hold: PlanRunOptions['hold']): PlanRun {
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
      const doc = queriedDoc(ev);
      if (!filter(doc)) return false;
      const ts = plan.timestamp(doc);
      if (ts === undefined) {
        noTs++;
        return false;
      }
      const c: Cand = { ev, ts, tb: plan.tiebreaker ? plan.tiebreaker(doc) : null };
      // Once the buffer is full, a match outside the kept end can never be returned.
      if (lastTrimmed && buf.length >= limit) {
        const cmp = compareCands(c, lastTrimmed);
        if (side === 'head' ? cmp > 0 : cmp < 0) return false;
      }
      if (hold) c.ev = hold(ev, true);
      buf.push(c);
      if (buf.length > 2 * limit + 1024) trim();
      return true;
    },
    finish(): RunResult {
      buf.sort(compareCands);
      const chosen = applyWindow(buf, plan.pipes, plan.size, plan.position);
      const matches: Match[] = chosen.map((c) => ({ kind: 'event', joinKeys: [], events: [{ missing: false, event: c.ev }] }));
      return { kind: 'event', matches, stats: { events, matched: matches.length, ms: now() - started, noTimestamp: noTs } };
    },
    peek(): Match[] {
      const chosen = applyWindow([...buf].sort(compareCands), plan.pipes, plan.size, plan.position);
      return chosen.map((c) => ({ kind: 'event', joinKeys: [], events: [{ missing: false, event: c.ev }] }));
    },
    retained: () => buf.length,
    late: () => 0,
  };
}

// ------------------------------------------------------------------------------------------------
// Sequences

function sequenceRun(plan: Plan, lateness: number, sweepInterval: number | undefined, hold: PlanRunOptions['hold']): PlanRun {
  const started = now();
  const steps = plan.steps;
  let events = 0;
  let noTs = 0;
  let late = 0;
  // Steps repeated by runs=N share one filter; evaluate each distinct step once per event.
  const distinct: StepPlan[] = [...new Set(steps)];
  const slotOf = steps.map((s) => distinct.indexOf(s));
  // Without repeated steps, an event's hits per distinct step are its hits per step.
  const sameSlots = slotOf.every((k, i) => k === i);
  const first = plan.pipes[0];
  const machine = new SequenceMachine(plan, {
    limit: Math.max(first ? first.n : plan.size, 0),
    side: first ? first.name : plan.position,
    sweepInterval,
    ...(hold ? { keep: (ev: SampleEvent) => hold(ev, true) } : {}),
  });
  // Exact for any input order: hold every candidate until finish (lateness = Infinity), else a
  // reorder buffer that feeds the machine once time has moved `lateness` past a candidate. Candidates
  // wait in arrival order (`waiting`) until time has moved `lateness` past the earliest of them, and
  // only then go into the heap: a read merged by time whose files overlap in time by less than
  // `lateness` puts none of them in the heap, and they are sorted once at finish (its arrival order
  // is a few sorted runs, which the sort merges) instead of sifted in and popped one by one.
  const held: SeqCand[] = [];
  const heap = new CandHeap<SeqCand>();
  const waiting: SeqCand[] = [];
  let minWaiting = Infinity;
  let maxTs = -Infinity;
  let lastFed: SeqCand | undefined;
  const feed = (c: SeqCand): void => {
    lastFed = c;
    machine.feed(c);
  };

  return {
    push(ev) {
      events++;
      const doc = queriedDoc(ev);
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
      if (!any) return false;
      const ts = plan.timestamp(doc);
      if (ts === undefined) {
        noTs++;
        return false;
      }
      const h = hits;
      const c: SeqCand = { ev, ts, tb: plan.tiebreaker ? plan.tiebreaker(doc) : null, steps: h ? (sameSlots ? h : slotOf.map((k) => h[k])) : [], until, order: 0 };
      if (lastFed && lateness !== Infinity && compareCands(c, lastFed) < 0) {
        late++;
        return false;
      }
      if (hold) c.ev = hold(ev, false);
      if (lateness === Infinity) {
        held.push(c);
        return true;
      }
      waiting.push(c);
      if (ts < minWaiting) minWaiting = ts;
      if (ts > maxTs) maxTs = ts;
      const release = maxTs - lateness;
      const top = heap.peek();
      if (minWaiting < release || (top && top.ts < release)) {
        for (const w of waiting) heap.push(w);
        waiting.length = 0;
        minWaiting = Infinity;
        for (let t = heap.peek(); t && t.ts < release; t = heap.peek()) feed(heap.pop() as SeqCand);
      }
      return true;
    },
    finish(): RunResult {
      held.sort(compareCands);
      for (const c of held) feed(c);
      held.length = 0;
      if (heap.size === 0) waiting.sort(compareCands);
      else {
        for (const w of waiting) heap.push(w);
        waiting.length = 0;
      }
      for (const c of heap.drain()) feed(c);
      for (const c of waiting) feed(c);
      waiting.length = 0;
      const chosen = applyWindow(machine.finish(), plan.pipes, plan.size, plan.position);
      const kinds = steps[0]?.keys.kinds ?? [];
      const matches: Match[] = chosen.map((c) => {
        const out: MatchEvent[] = [];
        let k = 0;
        for (const s of steps) {
          if (s.missing) out.push({ missing: true });
          else out.push({ missing: false, event: c.events[k++] });
        }
        return { kind: 'sequence', joinKeys: renderKeys(c.keyValues, kinds, 'iso'), events: out };
      });
      return { kind: 'sequence', matches, stats: { events, matched: matches.length, ms: now() - started, noTimestamp: noTs } };
    },
    retained: () => held.length + heap.size + waiting.length + machine.retained(),
    late: () => late,
  };
}

// ------------------------------------------------------------------------------------------------
// Samples

interface SampleGroup {
  values: (Scalar | null)[];
  perStep: SampleEvent[][];
}

function sampleRun(plan: Plan): PlanRun {
  const started = now();
  const steps = plan.steps;
  const groups = new Map<string, SampleGroup>();
  const perStepCap = plan.maxSamplesPerKey + steps.length;
  let events = 0;
  return {
    push(ev) {
      events++;
      const doc = queriedDoc(ev);
      for (let i = 0; i < steps.length; i++) {
        const s = steps[i];
        if (!s.filter(doc)) continue;
        for (const t of s.keys.tuples(doc)) {
          let g = groups.get(t.id);
          if (!g) groups.set(t.id, (g = { values: t.values, perStep: steps.map(() => []) }));
          // The first few by input order (seq), whatever order they arrive in (several rules share a read
          // merged by time): in input order this is a push, exactly as before.
          const list = g.perStep[i];
          if (list.length < perStepCap || ev.seq < list[list.length - 1].seq) {
            let at = list.length;
            while (at > 0 && list[at - 1].seq > ev.seq) at--;
            list.splice(at, 0, ev);
            if (list.length > perStepCap) list.pop();
          }
        }
      }
      return false; // samples read documents again at the end
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
    retained: () => {
      let n = 0;
      for (const g of groups.values()) for (const l of g.perStep) n += l.length;
      return n;
    },
    late: () => 0,
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
