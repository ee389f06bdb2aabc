// Sequences run online: the default run (hold every matching event, sort at finish) and the
// streaming run (reorder buffer with a lateness, then the state machine with only open state) must
// return the same sequences for the same events, whatever order they arrive in, as long as no event
// arrives more than `lateness` behind; and the streaming run's memory must not grow with the input.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '../../../server/src/core/syntax/parser';
import { compileQuery, type CompiledPlanQuery, type Plan } from '../../../server/src/core/engine/plan';
import { createPlanRun } from '../../../server/src/core/engine/run';
import type { EngineOptions, RunResult, SampleEvent } from '../../../server/src/core/engine/types';
import { compareCands } from '../../../server/src/core/engine/ordering';
import { renderKeys, type KeyTuple } from '../../../server/src/core/engine/keys';
import type { PipeOp, StepPlan } from '../../../server/src/core/engine/plan';
import type { Scalar, Value } from '../../../server/src/core/engine/values';
import { prng } from '../../../scripts/lib/prng';

const fixtures = join(__dirname, '..', '..', '..', 'test-fixtures', 'engine');

function plan(query: string, options: EngineOptions = {}): Plan {
  const parsed = parse(query);
  assert.deepEqual(parsed.errors, [], `parse errors in ${query}`);
  const c: CompiledPlanQuery = compileQuery(parsed.statement, { size: 100, source: query, ...options });
  assert.deepEqual(c.errors, [], `compile errors in ${query}`);
  assert.ok(c.plan);
  return c.plan;
}

function events(docs: Record<string, unknown>[]): SampleEvent[] {
  return docs.map((doc, i) => ({ doc, source: { file: 'fixture', line: i + 1, column: 1 }, seq: i }));
}

/** Matches as event ids (-1 for a missing step) with their join keys. */
function shape(r: RunResult): unknown[] {
  return r.matches.map((m) => [m.joinKeys, m.events.map((e) => (e.missing ? -1 : (e.event?.doc.id as number)))]);
}


const ts = (e: SampleEvent): number | undefined => (typeof e.doc['@timestamp'] === 'number' ? (e.doc['@timestamp'] as number) : undefined);

/** The input orders every run must be indifferent to. */
function orders(evs: SampleEvent[], seed: number): [string, SampleEvent[]][] {
  const r = prng(seed);
  const shuffled = [...evs];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  // Several files, each in time order, read one after another (not in time order).
  const files: SampleEvent[][] = [[], [], [], []];
  evs.forEach((e, i) => files[i % 4].push(e));
  const byFile = [files[2], files[0], files[3], files[1]].flat();
  // Bounded disorder: each event moves a few places.
  const jittered = evs.map((e, i) => ({ e, k: i + r() * 8 })).sort((a, b) => a.k - b.k).map((x) => x.e);
  return [
    ['in order', evs],
    ['reversed', [...evs].reverse()],
    ['shuffled', shuffled],
    ['sorted files read one after another', byFile],
    ['locally jittered', jittered],
  ];
}

/** How far (ms) the most delayed event arrives behind the latest timestamp pushed before it. */
function disorder(evs: SampleEvent[]): number {
  let max = -Infinity;
  let d = 0;
  for (const e of evs) {
    const t = ts(e);
    if (t === undefined) continue;
    if (max - t > d) d = max - t;
    if (t > max) max = t;
  }
  return d;
}

/** Runs the events; a streaming run (with lateness) sweeps expired state after every event unless `sweepInterval` says otherwise. */
function runAll(p: Plan, evs: SampleEvent[], lateness?: number, sweepInterval = 1): { result: RunResult; late: number; peak: number } {
  const run = createPlanRun(p, lateness === undefined ? {} : { lateness, sweepInterval });
  let peak = 0;
  evs.forEach((e, i) => {
    run.push(e);
    if (i % 100 === 0) peak = Math.max(peak, run.retained());
  });
  return { result: run.finish(), late: run.late(), peak };
}

/** Same events, every order: the default run and the streaming run agree with the pre-streaming algorithm. */
function checkOrders(p: Plan, evs: SampleEvent[], seed: number): void {
  const expected = reference(p, evs);
  for (const [name, input] of orders(evs, seed)) {
    const exact = runAll(p, input);
    assert.deepEqual(shape(exact.result), expected, `default run, ${name}`);
    const lateness = disorder(input);
    const streamed = runAll(p, input, lateness);
    assert.equal(streamed.late, 0, `streaming run (lateness ${lateness}), ${name}: late events`);
    assert.deepEqual(shape(streamed.result), expected, `streaming run (lateness ${lateness}), ${name}`);
    assert.equal(streamed.result.stats.events, input.length);
  }
}

interface QueryFixture {
  events: Record<string, unknown>[];
  cases: { query: string; options?: EngineOptions; ids: number[][] }[];
}

describe('streaming sequences: the fixture cases in every input order', () => {
  const fx = JSON.parse(readFileSync(join(fixtures, 'sequences.json'), 'utf8')) as QueryFixture;
  const evs = events(fx.events);
  fx.cases.forEach((c, i) => {
    test(`sequences.json#${i} ${c.query} ${c.options ? JSON.stringify(c.options) : ''}`, () => {
      const p = plan(c.query, c.options);
      // The expected sequences, in order, straight from a streaming run over time-ordered input.
      const sorted = [...evs].sort((a, b) => (ts(a) ?? 0) - (ts(b) ?? 0) || a.seq - b.seq);
      const streamed = runAll(p, sorted, 0).result;
      assert.deepEqual(streamed.matches.map((m) => m.events.map((e) => (e.missing ? -1 : (e.event?.doc.id as number)))), c.ids);
      checkOrders(p, evs, i + 1);
    });
  });
});

// A generated stream long enough for open state to be swept (over a thousand matching events),
// with equal timestamps, multi-valued keys and every sequence feature.
function generated(n: number, seed: number, users = 8): SampleEvent[] {
  const r = prng(seed);
  const docs: Record<string, unknown>[] = [];
  let t = 1_700_000_000_000;
  for (let i = 0; i < n; i++) {
    t += r() < 0.2 ? 0 : Math.floor(r() * 700);
    const user = `u${Math.floor(r() * users)}`;
    const host = r() < 0.1 ? ['h1', 'h2'] : `h${Math.floor(r() * 3)}`;
    docs.push({ id: i, '@timestamp': t, user: { name: user }, host, action: 'ABCU'[Math.floor(r() * 4)], tb: Math.floor(r() * 5) });
  }
  return events(docs);
}

const GENERATED: [string, EngineOptions?][] = [
  ['sequence by user.name with maxspan=5s [any where action == "A"] [any where action == "B"] [any where action == "C"]'],
  ['sequence by user.name [any where action == "A"] [any where action == "B"] [any where action == "C"]'],
  ['sequence by user.name with maxspan=5s [any where action == "A"] [any where action == "B"] until [any where action == "U"]'],
  ['sequence by user.name with maxspan=6s [any where action == "A"] ![any where action == "U"] [any where action == "B"]'],
  ['sequence by user.name with maxspan=3s [any where action == "A"] [any where action == "B"] ![any where action == "C"]'],
  ['sequence by user.name with maxspan=3s ![any where action == "U"] [any where action == "A"] [any where action == "B"]'],
  ['sequence by user.name with maxspan=4s [any where action == "A"] ![any where action == "U"] [any where action == "B"] ![any where action == "C"]'],
  ['sequence by user.name with maxspan=4s [any where action == "A"] with runs=2 [any where action == "B"]'],
  ['sequence by user.name with maxspan=8s [any where action == "A"] by host [any where action == "B"] by host'],
  ['sequence with maxspan=2s [any where action == "A"] [any where action == "C"] | head 3'],
  ['sequence by user.name with maxspan=5s [any where action == "A"] [any where action == "B"] | tail 4 | head 2'],
  ['sequence by user.name with maxspan=5s [any where action == "A"] [any where action == "B"]', { size: 5, resultPosition: 'head' }],
  ['sequence by user.name with maxspan=5s [any where action == "A"] [any where action == "B"]', { size: 5, resultPosition: 'tail', tiebreakerField: 'tb' }],
];

describe('streaming sequences: generated stream in every input order', () => {
  const evs = generated(2_500, 7);
  GENERATED.forEach(([query, options], i) => {
    test(`${query} ${options ? JSON.stringify(options) : ''}`, () => {
      const p = plan(query, options);
      assert.ok(reference(p, evs).length > 0, 'the generated stream should hold some matches');
      checkOrders(p, evs, 100 + i);
    });
  });
});

describe('hold: a run keeps what its hold hook returns, in place of the event (io/runOnSamples stores it as bytes)', () => {
  const evs = generated(2_500, 7);
  type Held = SampleEvent & { held: true; kept: boolean };
  const run = (p: Plan, lateness: number | undefined): { result: RunResult; calls: number } => {
    let calls = 0;
    const hold = (ev: SampleEvent, kept: boolean): SampleEvent => {
      calls++;
      if ('held' in ev) {
        assert.ok(kept, 'only a kept event is passed again');
        (ev as Held).kept = true;
        return ev;
      }
      return { ...ev, held: true, kept } as Held;
    };
    const r = createPlanRun(p, { ...(lateness === undefined ? {} : { lateness, sweepInterval: 1 }), hold });
    for (const e of evs) r.push(e);
    return { result: r.finish(), calls };
  };
  const queries: [string, EngineOptions?][] = [
    ...GENERATED,
    ['any where action == "A"'],
    ['any where action != "B" | tail 7', { size: 5 }],
  ];
  queries.forEach(([query, options]) => {
    test(`${query} ${options ? JSON.stringify(options) : ''}`, () => {
      const p = plan(query, options);
      const plain = runAll(p, evs);
      for (const lateness of [undefined, 0]) {
        const { result, calls } = run(p, lateness);
        assert.deepEqual(shape(result), shape(plain.result), `lateness ${lateness}`);
        assert.ok(calls > 0);
        for (const m of result.matches) {
          for (const e of m.events) {
            if (e.missing) continue;
            assert.ok(e.event && 'held' in e.event && (e.event as Held).kept, `a returned event is the held one, marked kept (lateness ${lateness})`);
          }
        }
      }
    });
  });
});

describe('streaming sequences: memory and late events', () => {
  const query = 'sequence by user.name with maxspan=10s [any where action == "A"] [any where action == "B"] [any where action == "C"]';

  test('100,000 ordered events: retained events stay small with lateness, grow without', () => {
    const evs = generated(100_000, 11, 50);
    const p = plan(query);
    const streamed = runAll(p, evs, 0, 1024);
    const exact = runAll(p, evs);
    assert.deepEqual(shape(streamed.result), reference(p, evs));
    assert.deepEqual(shape(exact.result), reference(p, evs));
    assert.ok(streamed.peak < 2_000, `streaming run retained up to ${streamed.peak} events`);
    assert.ok(exact.peak > 50_000, `default run retained up to ${exact.peak} events`);
  });

  test('a negative lateness counts as 0, NaN as unbounded (hold everything)', () => {
    const evs = generated(1_500, 5);
    const p = plan(query);
    const negative = runAll(p, evs, -5);
    assert.equal(negative.late, 0);
    assert.deepEqual(shape(negative.result), reference(p, evs));
    const unbounded = runAll(p, [...evs].reverse(), NaN);
    assert.equal(unbounded.late, 0);
    assert.deepEqual(shape(unbounded.result), reference(p, evs));
  });

  test('an event arriving more than lateness behind is counted as late and left out', () => {
    const evs = generated(2_000, 3);
    const p = plan(query);
    const reversed = [...evs].reverse();
    const r = runAll(p, reversed, 1_000);
    assert.ok(r.late > 0);
    // The result is that of the input without the late events: here only the first few remain.
    assert.ok(r.result.matches.length < runAll(p, evs).result.matches.length);
  });
});

// ------------------------------------------------------------------------------------------------
// The oracle: the engine's sequence algorithm before it ran online (sort every matching event, then
// run the state machine over all of them, checking missing steps against all of them).

interface RefCand {
  ev: SampleEvent;
  ts: number;
  tb: Value;
  steps: (KeyTuple[] | undefined)[];
  until: KeyTuple[] | undefined;
  order: number;
}
type SeqCand = RefCand;
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

function reference(plan: Plan, evs: SampleEvent[]): unknown[] {
  const cands: RefCand[] = [];
  for (const ev of evs) {
    const steps = plan.steps.map((s) => (s.filter(ev.doc) ? s.keys.tuples(ev.doc) : []));
    const u = plan.until && plan.until.filter(ev.doc) ? plan.until.keys.tuples(ev.doc) : [];
    if (!steps.some((t) => t.length) && !u.length) continue;
    const ts = plan.timestamp(ev.doc);
    if (ts === undefined) continue;
    cands.push({ ev, ts, tb: plan.tiebreaker ? plan.tiebreaker(ev.doc) : null, steps: steps.map((t) => (t.length ? t : undefined)), until: u.length ? u : undefined, order: 0 });
  }
  cands.sort(compareCands);
  cands.forEach((c, i) => (c.order = i));
  const completed = matchSequences(plan, cands);
  const chosen = applyWindow(completed, plan.pipes, plan.size, plan.position);
  const kinds = plan.steps[0]?.keys.kinds ?? [];
  return chosen.map((c) => {
    let k = 0;
    return [renderKeys(c.keyValues, kinds, 'iso'), plan.steps.map((s) => (s.missing ? -1 : (c.events[k++].ev.doc.id as number)))];
  });
}

/** Applies head/tail pipes then `size` at the configured end. */
function applyWindow<T>(items: T[], pipes: PipeOp[], size: number, position: 'head' | 'tail'): T[] {
  let out = items;
  for (const p of pipes) out = p.name === 'head' ? out.slice(0, p.n) : out.slice(Math.max(0, out.length - p.n));
  if (out.length > size) out = position === 'head' ? out.slice(0, size) : out.slice(out.length - size);
  return out;
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

