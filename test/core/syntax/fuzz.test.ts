import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check, mutate, prng, steadyMs } from './mutate';
import { readQueryBlocks } from './fixtures';
import { iterations } from '../../scale';

test(`${iterations(1000, 3000)} seeded mutations of the fixture queries: no throw, < 50 ms each, ranges inside the text`, () => {
  const seeds = readQueryBlocks('valid.eql');
  const rnd = prng(20261128);
  const problems: string[] = [];
  const slow: string[] = [];
  for (let i = 0, n = iterations(1000, 3000); i < n; i++) {
    const text = mutate(seeds[i % seeds.length], rnd);
    const r = check(text);
    if (r.problem) problems.push(`${JSON.stringify(text)}: ${r.problem}`);
    else if (r.ms >= 50 && steadyMs(text, 50) >= 50) slow.push(JSON.stringify(text));
  }
  assert.deepEqual(problems, []);
  assert.deepEqual(slow, []);
});
