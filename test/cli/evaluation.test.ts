// Events the engine cannot evaluate are reported, never dropped in silence: `run` prints the count
// and the first ones with file:line on stderr and in JSON and exits 1; `test` fails the case with the
// reason; a test event nested thousands of levels deep is a located TEST403, not a crash.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cli, json } from './helpers';

const tmp = mkdtempSync(join(tmpdir(), 'eql-evaluation-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

// concat() of 500 copies of a 1.1 MB value is longer than V8's largest string: the engine cannot
// evaluate that event (Elasticsearch's script would fail on it too). The other events evaluate.
const BIG = 'a'.repeat(1_100_000);
const QUERY = `any where concat(${Array(500).fill('process.name').join(', ')}) : "b*"`;
const doc = (second: number, name: string) => ({ '@timestamp': `2024-01-01T00:00:0${second}Z`, process: { name } });

describe('evaluation errors', () => {
  const events = join(tmp, 'events.ndjson');
  writeFileSync(events, [doc(0, BIG), doc(1, 'b'), doc(2, BIG), doc(3, 'c')].map((d) => JSON.stringify(d)).join('\n') + '\n');

  test('run: counted, the first with file:line on stderr, in JSON, exit 1', async () => {
    const r = await cli('run', '--query', QUERY, '--events', events, '--format', 'json');
    assert.equal(r.code, 1, r.stderr);
    const out = json<{ results: { matches: unknown[]; evaluation_errors?: { count: number; first: { file: string; line: number; column: number; message: string }[] } }[] }>(r);
    assert.equal(out.results[0].matches.length, 1);
    assert.deepEqual(
      out.results[0].evaluation_errors?.first.map((e) => [e.file, e.line, e.column]),
      [
        [events, 1, 1],
        [events, 3, 1],
      ],
    );
    assert.equal(out.results[0].evaluation_errors?.count, 2);
    assert.match(out.results[0].evaluation_errors?.first[0].message ?? '', /longer than the largest string/);
    assert.match(r.stderr, /2 events could not be evaluated/);
    assert.match(r.stderr, /events\.ndjson:1:1: .*longer than the largest string/);
    assert.match(r.stderr, /events\.ndjson:3:1: /);
  });

  test('run, table output: the same report on stderr and exit 1', async () => {
    const r = await cli('run', '--query', QUERY, '--events', events);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /1 match in 4 events/);
    assert.match(r.stderr, /2 events could not be evaluated and are left out of the results/);
  });

  test('rule tests: an event the engine cannot evaluate fails with the reason', async () => {
    const dir = join(tmp, 'rules');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'concat.eql'), QUERY + '\n');
    writeFileSync(
      join(dir, 'concat.test.ndjson'),
      [
        { expect: 'no-match', event: doc(0, BIG) },
        { expect: 'match', event: doc(1, 'b') },
      ]
        .map((l) => JSON.stringify(l))
        .join('\n') + '\n',
    );
    const r = await cli('test', dir);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /could not evaluate this event: .*longer than the largest string/);
    assert.match(r.stdout, /1 passed, 1 failed/);
  });

  test('rule tests: an event nested 5,000 and 100,000 levels deep is a located TEST403, not a crash', async () => {
    const dir = join(tmp, 'deep');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'deep.eql'), 'any where true\n');
    const nested = (n: number) => '{"n":'.repeat(n) + '1' + '}'.repeat(n);
    const line = (n: number) => `{"expect":"match","event":{"@timestamp":"2024-01-01T00:00:00Z","deep":${nested(n)}}}`;
    writeFileSync(join(dir, 'deep.test.ndjson'), [line(5_000), line(100_000), line(3)].join('\n') + '\n');
    const r = await cli('test', dir);
    assert.equal(r.code, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /internal error|Maximum call stack/);
    assert.match(r.stdout + r.stderr, /deep\.test\.ndjson:1:19: error TEST403 .*nested too deeply/);
    assert.match(r.stdout + r.stderr, /deep\.test\.ndjson:2:19: error TEST403/);
    assert.match(r.stdout + r.stderr, /1 passed, 0 failed/);
  });

  test('check and run refuse a pattern too complex to determinize with the same located error', async () => {
    const rule = join(tmp, 'nested.eql');
    writeFileSync(rule, 'any where process.name regex "a{0,100}{0,100}"\n');
    const c = await cli('check', rule);
    assert.equal(c.code, 1);
    assert.match(c.stdout, /nested\.eql:1:30: error EQL109 the regular expression is too complex to determinize/);
    const r = await cli('run', rule, '--events', events);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /nested\.eql:1:30: error EQL109 /);
  });
});

