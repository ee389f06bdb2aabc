// Very long and very deeply nested queries: check (parse + analyze) and run (compile, evaluate,
// explain) agree — either both accept and the engine runs without recursing once per operator, or
// both give the same single located error (EQL019).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../../server/src/core/syntax/parser';
import { analyze } from '../../../server/src/core/analysis/analyzer';
import { compileQuery, explain, runQuery } from '../../../server/src/core/engine/index';
import type { SampleEvent } from '../../../server/src/core/engine/index';
import { iterations } from '../../scale';

const terms = (n: number, f: (i: number) => string, sep: string): string => Array.from({ length: n }, (_, i) => f(i)).join(sep);
// The longest chains: past the depth where a recursion per operator overflows the stack in npm test (~14,000
// frames of an empty function on node 20; a parser's or evaluator's frames are larger, and several per
// operator); at the sizes seen in the wild (and beyond) under npm run fuzz.
const OR_TERMS = iterations(20_000, 200_000);
const AND_OR_PAIRS = iterations(8_000, 27_500);
const NOT_TERMS = iterations(15_000, 50_000);
const n = (x: number) => x.toLocaleString('en-US');

const cases: { name: string; query: string; expect: 'match' | 'no-match' | { code: string } }[] = [
  { name: '12,000 or terms', query: `any where ${terms(12_000, (i) => `process.name == "x${i}"`, ' or ')} or process.name == "cmd.exe"`, expect: 'match' },
  { name: `${n(2 * AND_OR_PAIRS)} and/or terms`, query: `any where ${terms(AND_OR_PAIRS, (i) => `process.name == "x${i}" and process.pid == ${i}`, ' or ')}`, expect: 'no-match' },
  { name: `${n(OR_TERMS)} or terms`, query: `any where ${terms(OR_TERMS, (i) => `process.pid == ${i}`, ' or ')}`, expect: 'match' },
  { name: '1 + 1 + ... (10,000 terms)', query: `any where process.pid == ${terms(10_000, () => '1', ' + ')}`, expect: 'match' },
  { name: 'mixed * / - chain (60,000 terms)', query: `any where process.pid - 10000 == ${terms(30_000, () => '1', ' * ')} / ${terms(30_000, () => '1', ' / ')} * 0`, expect: 'match' },
  { name: `not x ${n(NOT_TERMS)} and`, query: `any where ${terms(NOT_TERMS, (i) => `not process.name == "x${i}"`, ' and ')}`, expect: 'match' },
  { name: '10,000 nested parentheses', query: `any where ${'('.repeat(10_000)}true${')'.repeat(10_000)} and process.name == "cmd.exe"`, expect: { code: 'EQL019' } },
  { name: '300 nested calls', query: `any where startsWith(${'concat('.repeat(300)}process.name${', "a")'.repeat(300)}, "x")`, expect: { code: 'EQL019' } },
  { name: '5,000 nested not', query: `any where ${'not '.repeat(5_000)}true`, expect: { code: 'EQL019' } },
];

const ev: SampleEvent = { doc: { '@timestamp': '2024-01-01T00:00:00Z', process: { name: 'cmd.exe', pid: 10_000 } }, source: { file: 'e.ndjson', line: 1, column: 1 }, seq: 0 };

describe('long and deep queries: check and run agree', () => {
  for (const c of cases) {
    test(c.name, () => {
      const parsed = parse(c.query);
      const checked = [...parsed.errors, ...analyze(parsed)].filter((d) => d.severity === 'error');
      if (typeof c.expect === 'object') {
        // One located error: no false EQL012 for the unclosed levels, no EQL113/EQL105 from the cut.
        assert.deepEqual(checked.map((d) => d.code), [c.expect.code], JSON.stringify(checked.slice(0, 3)));
        // located at the first token past the nesting limit (200 levels)
        assert.ok(checked[0].range.start > 200 && checked[0].range.end < c.query.length, `at ${checked[0].range.start}`);
        return;
      }
      assert.deepEqual(checked, []);
      const compiled = compileQuery(parsed.statement, { source: c.query });
      assert.deepEqual(compiled.errors, []);
      const result = runQuery(compiled, [ev]);
      assert.equal(result.stats.errors, undefined);
      assert.equal(result.matches.length, c.expect === 'match' ? 1 : 0);
      const why = explain(compiled, ev);
      assert.equal(why.steps[0].matched, c.expect === 'match');
    });
  }
});
