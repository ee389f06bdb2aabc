// Elasticsearch's sequence state machine, fed one candidate at a time in the engine's event order
// (ordering.ts), keeping only what can still change the result:
// - per join key, one pending sequence per step (a newer one overwrites an older one in the same
//   state); with maxspan, a pending sequence whose first event is more than maxspan before the
//   current time can never advance, so it is dropped (dropping it is equivalent to keeping it: the
//   next event of its step would only consume it without advancing);
// - for missing steps, the events matching them within 3 x maxspan of the current time: a check
//   needs at most maxspan before the first and after the last positive event, and the check of a
//   sequence with trailing missing steps waits until time has passed its last event + maxspan;
// - the completed sequences the result window can return (first head/tail pipe, else size).
import type { Plan } from './plan';
import type { KeyTuple } from './keys';
import type { Cand } from './ordering';
import type { SampleEvent } from './types';
import type { Scalar } from './values';

export interface SeqCand extends Cand {
  /** Per expanded step index: the key tuples this event matches the step with. */
  steps: (KeyTuple[] | undefined)[];
  until: KeyTuple[] | undefined;
  /** Position in the engine's event order, set when fed. */
  order: number;
}

interface Pending {
  events: SeqCand[];
  firstTs: number;
}

interface KeyState {
  id: string;
  stages: (Pending | undefined)[];
  values: (Scalar | null)[];
}

/** A kept sequence: its events only (a candidate's key tuples and order are not needed once it is kept). */
export interface Completed {
  events: SampleEvent[];
  keyValues: (Scalar | null)[];
}

export interface MachineWindow {
  /** How many completed sequences from `side` the result can need. */
  limit: number;
  side: 'head' | 'tail';
  /** Fewest events fed between two sweeps of the open state (tests lower it to sweep after every event). */
  sweepInterval?: number;
  /** Called for each event of a sequence as it is kept for the result: returns what to keep (run.ts's `hold`). */
  keep?(ev: SampleEvent): SampleEvent;
}

/** Below this many fed events between sweeps, a sweep is not worth its cost. */
const MIN_SWEEP_INTERVAL = 1024;

export class SequenceMachine {
  private readonly positive: number[] = [];
  private readonly last: number;
  private readonly maxspan: number | undefined;
  private readonly states = new Map<string, KeyState>();
  /** Per missing step index: key id -> recent events matching that step, in order. */
  private readonly missing: Map<number, Map<string, SeqCand[]>> | undefined;
  private readonly trailingMissing: boolean;
  /** Completed sequences whose trailing missing steps cannot be checked yet (FIFO). */
  private deferred: { p: Pending; st: KeyState }[] = [];
  private deferredHead = 0;
  private kept: Completed[] = [];
  private order = 0;
  private now = -Infinity;
  private sinceSweep = 0;
  private readonly minSweep: number;
  private sweepEvery: number;
  /** Set once a head window is full: later completions cannot be returned. */
  private done = false;

  constructor(
    private readonly plan: Plan,
    private readonly window: MachineWindow,
  ) {
    plan.steps.forEach((s, i) => {
      if (!s.missing) this.positive.push(i);
    });
    this.last = this.positive.length - 1;
    this.maxspan = plan.maxspan;
    if (plan.steps.some((s) => s.missing)) {
      this.missing = new Map();
      plan.steps.forEach((s, i) => {
        if (s.missing) this.missing?.set(i, new Map());
      });
    }
    this.trailingMissing = plan.steps.length > 0 && plan.steps[plan.steps.length - 1].missing;
    if (window.side === 'head' && window.limit <= 0) this.done = true;
    this.minSweep = Math.max(1, window.sweepInterval ?? MIN_SWEEP_INTERVAL);
    this.sweepEvery = this.minSweep;
  }

  /** Feeds the next candidate; candidates must come in the engine's event order. */
  feed(c: SeqCand): void {
    if (this.done) return;
    c.order = this.order++;
    this.now = c.ts;
    const maxspan = this.maxspan;
    if (maxspan !== undefined) {
      while (this.deferredHead < this.deferred.length) {
        const d = this.deferred[this.deferredHead];
        if (d.p.events[d.p.events.length - 1].ts + maxspan >= c.ts) break;
        this.deferredHead++;
        this.check(d.p, d.st);
      }
      if (this.deferredHead > 1024 && this.deferredHead * 2 > this.deferred.length) {
        this.deferred = this.deferred.slice(this.deferredHead);
        this.deferredHead = 0;
      }
    }
    if (++this.sinceSweep >= this.sweepEvery) this.sweep();
    if (this.missing) {
      for (const [i, byKey] of this.missing) {
        const tuples = c.steps[i];
        if (!tuples) continue;
        for (const t of tuples) {
          let l = byKey.get(t.id);
          if (!l) byKey.set(t.id, (l = []));
          l.push(c);
        }
      }
    }
    const positive = this.positive;
    const last = this.last;
    const states = this.states;
    for (let k = last; k >= 0; k--) {
      const tuples = c.steps[positive[k]];
      if (!tuples) continue;
      for (const t of tuples) {
        let st = states.get(t.id);
        if (k === 0) {
          if (!st) states.set(t.id, (st = { id: t.id, stages: new Array(positive.length).fill(undefined), values: t.values }));
          const p: Pending = { events: [c], firstTs: c.ts };
          if (last === 0) this.complete(p, st);
          else st.stages[0] = p;
          continue;
        }
        const prev = st?.stages[k - 1];
        if (!st || !prev) continue;
        st.stages[k - 1] = undefined;
        if (maxspan !== undefined && c.ts - prev.firstTs > maxspan) continue;
        const next: Pending = { events: [...prev.events, c], firstTs: prev.firstTs };
        if (k === last) this.complete(next, st);
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

  /** Checks what is still waiting; returns the kept completed sequences in completion order. */
  finish(): Completed[] {
    while (this.deferredHead < this.deferred.length && !this.done) {
      const d = this.deferred[this.deferredHead++];
      this.check(d.p, d.st);
    }
    const { limit, side } = this.window;
    const k = this.kept;
    return side === 'tail' && k.length > limit ? k.slice(Math.max(0, k.length - limit)) : k;
  }

  /** Events this machine still references (open sequences, missing-step events, kept results). */
  retained(): number {
    let n = 0;
    for (const st of this.states.values()) for (const p of st.stages) if (p) n += p.events.length;
    if (this.missing) for (const byKey of this.missing.values()) for (const l of byKey.values()) n += l.length;
    for (let i = this.deferredHead; i < this.deferred.length; i++) n += this.deferred[i].p.events.length;
    for (const c of this.kept) n += c.events.length;
    return n;
  }

  private complete(p: Pending, st: KeyState): void {
    if (this.missing && this.trailingMissing) this.deferred.push({ p, st });
    else this.check(p, st);
  }

  private check(p: Pending, st: KeyState): void {
    if (this.done) return;
    if (this.missing && !this.missingOk(p, st)) return;
    const { limit, side } = this.window;
    const keep = this.window.keep;
    // A candidate kept twice (the last event of one sequence, the first of the next) is held as returned the first time.
    this.kept.push({ events: p.events.map((c) => (keep ? (c.ev = keep(c.ev)) : c.ev)), keyValues: st.values });
    if (side === 'head') {
      if (this.kept.length >= limit) this.done = true;
    } else if (this.kept.length > 2 * limit + 64) {
      this.kept = this.kept.slice(this.kept.length - limit);
    }
  }

  /** Drops pending sequences that can no longer advance, keys without any, and old missing-step events. */
  private sweep(): void {
    this.sinceSweep = 0;
    const maxspan = this.maxspan;
    const now = this.now;
    for (const [id, st] of this.states) {
      let open = false;
      for (let i = 0; i < st.stages.length; i++) {
        const p = st.stages[i];
        if (!p) continue;
        if (maxspan !== undefined && now - p.firstTs > maxspan) st.stages[i] = undefined;
        else open = true;
      }
      if (!open) this.states.delete(id);
    }
    if (this.missing && maxspan !== undefined) {
      const cutoff = now - 3 * maxspan;
      for (const byKey of this.missing.values()) {
        for (const [id, l] of byKey) {
          let j = 0;
          while (j < l.length && l[j].ts < cutoff) j++;
          if (j === l.length) byKey.delete(id);
          else if (j > 0) byKey.set(id, l.slice(j));
        }
      }
    }
    // Sweeping costs one pass over the open state: space sweeps so that this stays O(1) per event.
    this.sweepEvery = Math.max(this.minSweep, this.states.size);
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
  private missingOk(p: Pending, st: KeyState): boolean {
    const steps = this.plan.steps;
    const listFor = (i: number): SeqCand[] => this.missing?.get(i)?.get(st.id) ?? [];
    const firstPos = this.positive[0];
    const lastPos = this.positive[this.last];
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
    return this.maxspan !== undefined && maxTs - minTs > this.maxspan;
  }
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
