// The wildcard matcher (string forms, segments, the automaton for `?` after `*`, code points) agrees
// with a reference built on JavaScript's RegExp over random patterns and values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileWildcard } from '../../../server/src/core/engine/wildcard';

function reference(p: string, s: string): boolean {
  const body = [...p].map((c) => (c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'u').test(s);
}

test('wildcards agree with a RegExp reference on 50,000 random cases', () => {
  const parts = ['a', 'b', '*', '?', 'ab', '😀', '**'];
  const chars = ['a', 'b', '😀', 'ab', 'ba'];
  let seed = 7;
  const rnd = (k: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % k;
  };
  for (let t = 0; t < 50_000; t++) {
    let p = '';
    for (let i = rnd(8); i > 0; i--) p += parts[rnd(parts.length)];
    let s = '';
    for (let i = rnd(10); i > 0; i--) s += chars[rnd(chars.length)];
    assert.equal(compileWildcard(p).test(s), reference(p, s), `${JSON.stringify(p)} on ${JSON.stringify(s)}`);
  }
});
