// The engine's event order (engine/ordering.ts): CandHeap gives its items in compareCands order, popped one at a time
// or drained at once (a sequence run's finish), for items pushed in any order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CandHeap, compareCands, type Cand } from '../../../server/src/core/engine/ordering';
import type { SampleEvent } from '../../../server/src/core/engine/types';
import { prng } from '../../../scripts/lib/prng';

function cands(n: number, seed: number): Cand[] {
  const rnd = prng(seed);
  return Array.from({ length: n }, (_, i) => {
    const ev: SampleEvent = { doc: {}, source: { file: 'f', line: i + 1, column: 1 }, seq: Math.floor(rnd() * 50) };
    return { ev, ts: Math.floor(rnd() * 20), tb: rnd() < 0.3 ? null : Math.floor(rnd() * 4) };
  });
}

test('drain gives every item in the engine order (as pops do) and leaves the heap empty and usable', () => {
  for (const seed of [1, 2, 3]) {
    const items = cands(500, seed);
    const a = new CandHeap<Cand>();
    const b = new CandHeap<Cand>();
    for (const c of items) {
      a.push(c);
      b.push(c);
    }
    const popped: Cand[] = [];
    for (let c = a.pop(); c; c = a.pop()) popped.push(c);
    const drained = b.drain();
    assert.equal(b.size, 0);
    assert.equal(drained.length, items.length);
    for (let i = 1; i < drained.length; i++) assert.ok(compareCands(drained[i - 1], drained[i]) <= 0, `out of order at ${i}`);
    assert.deepEqual(drained.map((c) => [c.ts, c.tb, c.ev.seq]), popped.map((c) => [c.ts, c.tb, c.ev.seq]));
    b.push(items[0]);
    assert.equal(b.pop(), items[0]);
  }
});
