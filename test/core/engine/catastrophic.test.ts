// Catastrophic regular expressions and wildcard patterns over long values: each is either refused
// at check time (EQL109) — and then refused the same way by the engine and by rule tests — or runs
// within a bounded time per event. The table is test-fixtures/engine/catastrophic-patterns.txt.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '../../../server/src/core/syntax/parser';
import { analyze } from '../../../server/src/core/analysis/analyzer';
import { compileQuery, createRun } from '../../../server/src/core/engine/index';
import type { SampleEvent } from '../../../server/src/core/engine/index';
import { runRuleTests } from '../../../server/src/core/ruletests/run';
import type { RuleTestCase } from '../../../server/src/core/ruletests/format';

const file = join(__dirname, '..', '..', '..', 'test-fixtures', 'engine', 'catastrophic-patterns.txt');
/** Per event, generous for a loaded 2-core machine: a linear scan of 100 KB takes ~1 ms. */
const PER_EVENT_MS = 250;
const EVENTS = 3;

function value(spec: string): string {
  return spec
    .split(' + ')
    .map((seg) => {
      const star = seg.lastIndexOf('*');
      if (star < 0) return seg;
      return seg.slice(0, star).repeat(Number(seg.slice(star + 1)));
    })
    .join('');
}

const rows = readFileSync(file, 'utf8')
  .split('\n')
  .map((text, i) => ({ text, line: i + 1 }))
  .filter((r) => r.text.trim() !== '' && !r.text.startsWith('#'))
  .map((r) => {
    const [expected, op, pattern, spec] = r.text.split(' | ').map((c) => c.trim());
    return { line: r.line, expected, op, pattern, spec };
  });

describe('catastrophic patterns: refused at check time or bounded per event, the same in check, run and rule tests', () => {
  for (const { line, expected, op, pattern, spec } of rows) {
    test(`catastrophic-patterns.txt:${line} ${op} ${pattern} over ${spec} -> ${expected}`, () => {
      const query = `any where process.name ${op} ${JSON.stringify(pattern)}`;
      const literalStart = query.indexOf('"');
      const parsed = parse(query);
      assert.deepEqual(parsed.errors, []);

      // check
      const checked = analyze(parsed).filter((d) => d.severity === 'error');
      const rejected = expected === 'rejected';
      if (rejected) {
        assert.deepEqual(checked.map((d) => d.code), ['EQL109'], JSON.stringify(checked));
        assert.deepEqual(checked[0].range, { start: literalStart, end: query.length }, 'located on the pattern');
      } else assert.deepEqual(checked, []);

      // run
      const compiled = compileQuery(parsed.statement, { source: query });
      if (rejected) {
        assert.deepEqual(compiled.errors.map((d) => [d.code, d.range]), [['EQL502', { start: literalStart, end: query.length }]]);
        assert.match(compiled.errors[0].message, /too complex to determinize/);
      } else {
        assert.deepEqual(compiled.errors, []);
        const v = value(spec);
        const run = createRun(compiled);
        for (let i = 0; i < EVENTS; i++) {
          const ev: SampleEvent = { doc: { '@timestamp': 1_700_000_000_000 + i, process: { name: v } }, source: { file: 'long.ndjson', line: i + 1, column: 1 }, seq: i };
          // CPU time, not wall time: the bound holds on a machine busy with other work (npm test runs test
          // files side by side), and a pattern that backtracks still takes seconds of it.
          const t = process.cpuUsage();
          run.push(ev);
          const used = process.cpuUsage(t);
          const ms = (used.user + used.system) / 1000;
          assert.ok(ms < PER_EVENT_MS, `event ${i + 1} took ${ms.toFixed(1)} ms of CPU`);
        }
        const result = run.finish();
        assert.equal(result.stats.errors, undefined);
        assert.equal(result.matches.length, expected === 'match' ? EVENTS : 0);
      }

      // rule tests
      const doc = { '@timestamp': '2024-01-01T00:00:00Z', process: { name: value(spec) } };
      const cases: RuleTestCase[] = [
        { index: 0, line: 1, start: 0, end: 0, expect: 'match', written: doc, sample: { doc, source: { file: 't.test.ndjson', line: 1, column: 1 }, seq: 0 } },
      ];
      const report = runRuleTests({ query, options: {}, timestampFallback: false }, cases);
      if (rejected) {
        assert.deepEqual(report.queryErrors.map((d) => d.code), ['EQL109']);
        assert.equal(report.failed, 1);
      } else {
        assert.deepEqual(report.queryErrors, []);
        assert.equal(report.passed, expected === 'match' ? 1 : 0);
      }
    });
  }
});
