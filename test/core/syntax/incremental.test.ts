// The incremental re-parse must give exactly what a full parse gives: chains of random one-place
// edits (typing, deleting, pasting brackets, quotes and comment marks) applied to the fixture
// queries and to the 2,000-line benchmark query, each re-parse consuming the previous one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, type ParseResult } from '../../../server/src/core/syntax/parser';
import { reparse } from '../../../server/src/core/syntax/incremental';
import { bigQuery } from '../../../scripts/lib/bigQuery';
import { PIECES, prng } from './mutate';
import { readQueryBlocks } from './fixtures';
import { iterations } from '../../scale';

/** One edit at one place, as typing makes them: mostly a letter, digit or space, sometimes a deletion or a piece of syntax. */
function editOnce(text: string, rnd: () => number, near?: number): string {
  const at = near === undefined ? Math.floor(rnd() * (text.length + 1)) : Math.max(0, Math.min(text.length, near + Math.floor(rnd() * 5) - 2));
  const r = rnd();
  if (r < 0.6) return text.slice(0, at) + 'abcdefghijklmnopqrstuvwxyz0123456789 .'[Math.floor(rnd() * 38)] + text.slice(at);
  if (r < 0.8) return text.slice(0, at) + text.slice(at + 1 + Math.floor(rnd() * 2));
  return text.slice(0, at) + PIECES[Math.floor(rnd() * PIECES.length)] + text.slice(at);
}

/** The parts of a parse a feature can see. */
const seen = (p: ParseResult) => ({ text: p.text, statement: p.statement, errors: p.errors, tokens: p.tokens, comments: p.comments });

/**
 * Whether `x` and `y` hold the same JSON data (what JSON.stringify writes, keys in any order), walked without writing
 * it: 3-7 times less CPU than the two JSON texts of a 400- or 2,000-line query's parse. No loop of the stack per level
 * (a parse can be deep). false for anything JSON would write alike but differs here (NaN, an undefined element):
 * the caller compares the JSON texts then.
 */
function sameData(x: unknown, y: unknown): boolean {
  const stack: unknown[] = [x, y];
  while (stack.length > 0) {
    const b = stack.pop();
    const a = stack.pop();
    if (a === b) continue;
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
    if (Array.isArray(a) || Array.isArray(b)) {
      if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
      for (let i = 0; i < a.length; i++) stack.push(a[i], b[i]);
      continue;
    }
    if ('toJSON' in a || 'toJSON' in b) return false;
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    // Own enumerable keys with a value JSON writes: the same count on both sides, and each of a's in b.
    let count = 0;
    for (const k of Object.keys(ra)) {
      const v = ra[k];
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
      if (!Object.hasOwn(rb, k)) return false;
      count++;
      stack.push(v, rb[k]);
    }
    for (const k of Object.keys(rb)) {
      const v = rb[k];
      if (v !== undefined && typeof v !== 'function' && typeof v !== 'symbol') count--;
    }
    if (count !== 0) return false;
  }
  return true;
}

/** Both parses hold the same data: equal JSON texts, or (when only the order of keys differs) equal objects. */
function assertSameParse(actual: ParseResult, expected: ParseResult, message?: string): void {
  if (sameData(seen(actual), seen(expected))) return;
  const a = JSON.stringify(seen(actual));
  const b = JSON.stringify(seen(expected));
  if (a !== b) assert.deepEqual(JSON.parse(a), JSON.parse(b), message);
}

test('sameData says what the JSON texts say', () => {
  const cases: [unknown, unknown, boolean][] = [
    [{ a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 }, true],
    [{ a: 1, u: undefined }, { a: 1 }, true],
    [{ a: 1 }, { a: 2 }, false],
    [{ a: [1, 2] }, { a: [1, 2, 3] }, false],
    [{ a: { b: 1 } }, { a: { b: 1, c: 0 } }, false],
    [{ a: { b: 1, c: 0 } }, { a: { b: 1 } }, false],
    [{ a: null }, { a: {} }, false],
    [[{ start: 1, end: 2 }], { 0: { start: 1, end: 2 } }, false],
    ['x', 'x', true],
  ];
  for (const [x, y, same] of cases) {
    assert.equal(sameData(x, y), same, JSON.stringify([x, y]));
    if (same) assert.deepEqual(JSON.parse(JSON.stringify(x)), JSON.parse(JSON.stringify(y)));
    else assert.notDeepStrictEqual(JSON.parse(JSON.stringify(x)), JSON.parse(JSON.stringify(y)));
  }
});

function runChains(seeds: string[], chains: number, steps: number, seed: number, minChars: number): { edits: number; reused: number } {
  const rnd = prng(seed);
  let edits = 0;
  let reused = 0;
  for (let c = 0; c < chains; c++) {
    let text = seeds[c % seeds.length];
    let current = parse(text);
    // Edits cluster like typing does: mostly near the previous one.
    let near: number | undefined;
    for (let s = 0; s < steps; s++) {
      const next = editOnce(text, rnd, rnd() < 0.8 ? near : undefined);
      const before = current.statement;
      const incremental = reparse(current, next, minChars);
      if (incremental.statement === before && next !== text) reused++;
      assertSameParse(incremental, parse(next), `chain ${c}, edit ${s}: ${JSON.stringify(text)} -> ${JSON.stringify(next)}`);
      let i = 0;
      while (i < text.length && i < next.length && text[i] === next[i]) i++;
      near = i;
      text = next;
      current = incremental;
      edits++;
    }
  }
  return { edits, reused };
}

test('random edit chains over the fixture queries: the incremental re-parse equals a full parse', () => {
  const seeds = readQueryBlocks('valid.eql').filter((q) => q.includes('(') || q.includes('['));
  const { edits, reused } = runChains(seeds, iterations(100, 400), 12, 20261128, 0);
  // Random pieces of syntax often break a bracket or leave an error elsewhere (then the whole
  // text is parsed); enough edits must take the incremental path for the comparison to mean something.
  assert.ok(reused > edits / 20, `only ${reused} of ${edits} re-parses reused the tree`);
});

test('edit chains in a 400-line query (over the size where re-parsing starts): the incremental re-parse equals a full parse', () => {
  const { edits, reused } = runChains([bigQuery(400)], 3, 10, 7, 20_000);
  assert.ok(reused > 0, `none of ${edits} re-parses reused the tree`);
});

test('a letter typed anywhere in the steps of the 2,000-line query, and undone: only the step or parentheses around it are parsed again', () => {
  const rnd = prng(42);
  const text = bigQuery(2000);
  let current = parse(text);
  // The full parse of the unedited text, for every comparison with it (parsed once: ~0.1-0.3 s each).
  const whole = parse(text);
  const firstStep = text.indexOf('[');
  let reused = 0;
  const n = iterations(25, 100);
  for (let i = 0; i < n; i++) {
    const at = firstStep + 1 + Math.floor(rnd() * (text.length - firstStep - 20));
    const edited = text.slice(0, at) + 'abcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(rnd() * 36)] + text.slice(at);
    for (const next of [edited, text]) {
      const before = current.statement;
      current = reparse(current, next);
      if (current.statement === before) reused++;
      if (i % 25 === 0) assertSameParse(current, next === text ? whole : parse(next));
    }
  }
  assertSameParse(current, whole);
  assert.ok(reused >= 1.9 * n, `${reused} of ${2 * n} re-parses were incremental`);
});

test('an edit that breaks a bracket, or a query that already had an error elsewhere, falls back to a full parse', () => {
  const text = 'sequence [process where a == (1 + 2)] [network where b == 3]';
  const broken = text.replace('(1 + 2)', '(1 + 2');
  assertSameParse(reparse(parse(text), broken, 0), parse(broken));
  const withError = 'sequence [process where a == (1 + 2)] [network where b == ]';
  const edited = withError.replace('1 + 2', '1 + 3');
  const previous = parse(withError);
  const again = reparse(previous, edited, 0);
  assert.notEqual(again.statement, previous.statement);
  assertSameParse(again, parse(edited));
});

test('every range object has one owner (the incremental re-parse moves each once)', () => {
  for (const query of [bigQuery(200), ...readQueryBlocks('valid.eql')]) {
    const p = parse(query);
    const seen = new Set<object>();
    const stack: unknown[] = [p.statement, p.tokens, p.comments];
    while (stack.length) {
      const v = stack.pop();
      if (v === null || typeof v !== 'object') continue;
      if (Array.isArray(v)) {
        stack.push(...v);
        continue;
      }
      const r = v as Record<string, unknown>;
      if (typeof r.start === 'number' && typeof r.end === 'number' && r.kind === undefined) {
        assert.ok(!seen.has(r), `a range object is shared in ${JSON.stringify(query.slice(0, 80))}`);
        seen.add(r);
        continue;
      }
      for (const k of Object.keys(r)) stack.push(r[k]);
    }
  }
});
