// The engine's event order: (timestamp, tiebreaker, input sequence number), as Elasticsearch sorts
// search hits, and a min-heap over it that restores that order for events arriving out of order.
import type { SampleEvent } from './types';
import { compareScalars, Scalar, Value } from './values';

export interface Cand {
  ev: SampleEvent;
  ts: number;
  tb: Value;
}

function tbScalar(v: Value): Scalar | null {
  return Array.isArray(v) ? v[0] : v;
}

export function compareCands(a: Cand, b: Cand): number {
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

/** Binary min-heap in the engine's event order. */
export class CandHeap<T extends Cand> {
  private items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(x: T): void {
    const a = this.items;
    let i = a.length;
    a.push(x);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (compareCands(a[p], x) <= 0) break;
      a[i] = a[p];
      i = p;
    }
    a[i] = x;
  }

  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    this.down(last);
    return top;
  }

  /** Every item in the engine's order, leaving the heap empty: one sort instead of a pop (sift-down) per item. */
  drain(): T[] {
    const a = this.items;
    this.items = [];
    return a.sort(compareCands);
  }

  /** The top, whose place in the order changed (it moved later), sifted down: pop then push in one pass. */
  replaceTop(x: T): void {
    if (this.items.length === 0) this.items.push(x);
    else this.down(x);
  }

  /** Puts `x` at the top and sifts it down to its place. */
  private down(x: T): void {
    const a = this.items;
    let i = 0;
    const n = a.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && compareCands(a[r], a[l]) < 0 ? r : l;
      if (compareCands(a[m], x) >= 0) break;
      a[i] = a[m];
      i = m;
    }
    a[i] = x;
  }
}
