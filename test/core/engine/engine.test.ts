import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '../../../server/src/core/syntax/parser';
import { compileQuery, createRun, explain, fieldTypesFromMapping, runQuery, stepsEventCanFill } from '../../../server/src/core/engine/index';
import type { EngineOptions, SampleEvent } from '../../../server/src/core/engine/index';
import { compileLuceneRegex } from '../../../server/src/core/engine/regex';

const fixtures = join(__dirname, '..', '..', '..', 'test-fixtures', 'engine');
const read = (name: string): string => readFileSync(join(fixtures, name), 'utf8');

function events(docs: Record<string, unknown>[]): SampleEvent[] {
  return docs.map((doc, i) => ({ doc, source: { file: 'fixture', line: i + 1, column: 1 }, seq: i }));
}

function compile(query: string, options: EngineOptions = {}) {
  const parsed = parse(query);
  assert.deepEqual(parsed.errors, [], `parse errors in ${query}`);
  const compiled = compileQuery(parsed.statement, { source: query, ...options });
  assert.deepEqual(compiled.errors, [], `compile errors in ${query}`);
  return compiled;
}

/** Lines `a | b | c` of a fixture, without comments and blank lines. */
function rows(name: string, columns: number): { line: number; cols: string[] }[] {
  return read(name)
    .split('\n')
    .map((text, i) => ({ text, line: i + 1 }))
    .filter((r) => r.text.trim() !== '' && !r.text.startsWith('#'))
    .map((r) => {
      const parts = r.text.split(' | ');
      const cols = [...parts.slice(0, columns - 1), parts.slice(columns - 1).join(' | ')].map((c, i) => (i === 0 ? c.trim() : c));
      return { line: r.line, cols };
    });
}

describe('conditions (operators, functions, nulls, arrays) over doc.json', () => {
  const doc = events([JSON.parse(read('doc.json'))]);
  for (const { line, cols } of rows('conditions.txt', 2)) {
    const [expected, condition] = cols;
    test(`conditions.txt:${line} ${condition.trim()} -> ${expected}`, () => {
      const result = runQuery(compile(`any where ${condition.trim()}`), doc);
      assert.equal(result.matches.length === 1, expected === 'true');
    });
  }
});

describe('Lucene regular expressions', () => {
  for (const { line, cols } of rows('regex.txt', 3)) {
    const [expected, rawPattern, input] = cols;
    const ci = rawPattern.startsWith('ci:');
    const pattern = ci ? rawPattern.slice(3) : rawPattern;
    test(`regex.txt:${line} ${pattern} on ${JSON.stringify(input)} -> ${expected}`, () => {
      if (expected === 'error') {
        assert.throws(() => compileLuceneRegex(pattern, ci), /invalid regular expression|not supported|too complex/);
        return;
      }
      assert.equal(compileLuceneRegex(pattern, ci).test(input), expected === 'true');
    });
  }

  // No backtracking: these would take exponential time in a backtracking matcher (the test's timeout guards a hang).
  const hostile: [string, string, boolean][] = [
    ['(a+)+b', 'a'.repeat(100_000), false],
    ['(a|a)*c', 'a'.repeat(100_000), false],
    ['(a*)*(b|a)*(a*)*x', 'ab'.repeat(50_000), false],
    ['(.*a){20}', 'a'.repeat(2_000), true],
  ];
  for (const [pattern, input, expected] of hostile) {
    test(`pathological ${pattern} on ${input.length} chars`, { timeout: 20_000 }, () => {
      assert.equal(compileLuceneRegex(pattern).test(input), expected);
    });
  }

  test('a bad regex in a query is a compile error at the pattern', () => {
    const q = 'any where a regex "ab("';
    const c = compileQuery(parse(q).statement, { source: q });
    assert.equal(c.errors.length, 1);
    assert.ok(c.errors[0].range.start > q.indexOf('"'));
    assert.match(c.errors[0].message, /invalid regular expression/);
  });
});

interface QueryFixture {
  events: Record<string, unknown>[];
  cases: { query: string; options?: EngineOptions; ids: number[][]; keys?: unknown[][]; noTimestamp?: number }[];
}

function queryFixture(name: string): void {
  const fx = JSON.parse(read(name)) as QueryFixture;
  const evs = events(fx.events);
  fx.cases.forEach((c, i) => {
    test(`${name}#${i} ${c.query} ${c.options ? JSON.stringify(c.options) : ''}`, () => {
      const result = runQuery(compile(c.query, { size: 100, ...c.options }), evs);
      const ids = result.matches.map((m) => m.events.map((e) => (e.missing ? -1 : (e.event?.doc.id as number))));
      assert.deepEqual(ids, c.ids);
      if (c.keys) assert.deepEqual(result.matches.map((m) => m.joinKeys), c.keys);
      if (c.noTimestamp !== undefined) assert.equal(result.stats.noTimestamp, c.noTimestamp);
      assert.equal(result.stats.events, evs.length);
      assert.equal(result.stats.matched, c.ids.length);
    });
  });
}

describe('event queries: ordering, tiebreaker, head/tail, size', () => queryFixture('ordering.json'));
describe('sequences: by, maxspan, until, runs, missing events, overwrite, keys', () => queryFixture('sequences.json'));
describe('samples: keys, optional keys, max samples per key, size', () => queryFixture('samples.json'));

describe('engine API', () => {
  test('streaming run equals runQuery and input order does not matter', () => {
    const fx = JSON.parse(read('sequences.json')) as QueryFixture;
    const compiled = compile(fx.cases[0].query);
    const forward = runQuery(compiled, events(fx.events));
    const run = createRun(compiled);
    const reversed = events(fx.events).reverse();
    for (const ev of reversed) run.push(ev);
    const back = run.finish();
    const ids = (r: typeof forward) => r.matches.map((m) => m.events.map((e) => e.event?.doc.id));
    assert.deepEqual(ids(back), ids(forward));
  });

  test('flat dotted keys, nested objects and arrays of objects read the same field', () => {
    const docs = [{ 'a.b.c': 'x' }, { a: { b: { c: 'x' } } }, { a: { 'b.c': 'x' } }, { 'a.b': { c: 'x' } }, { a: [{ b: { c: 'y' } }, { b: { c: 'x' } }] }, { a: { b: { c: 'z' } } }];
    const r = runQuery(compile('any where a.b.c == "x"', { timestampField: 'id', size: 100 }), events(docs.map((d, i) => ({ ...d, id: i }))));
    assert.deepEqual(r.matches.map((m) => m.events[0].event?.doc.id), [0, 1, 2, 3, 4]);
  });

  test('odd documents never throw: paths through scalars, nested arrays, objects as values, huge strings', () => {
    const docs: Record<string, unknown>[] = [
      { id: 0, a: 'text' },
      { id: 1, a: { b: [1, [2, [3]]] } },
      { id: 2, a: { b: { c: 'object, not a value' } } },
      { id: 3, a: { b: 'x'.repeat(200_000) } },
      { id: 4, a: [null, { b: null }, { b: 3 }] },
      { id: 5, a: { b: true } },
      { id: 6, 'a.b': [] },
    ];
    const ids = (cond: string) =>
      runQuery(compile(`any where ${cond}`, { timestampField: 'id', size: 100 }), events(docs)).matches.map((m) => m.events[0].event?.doc.id);
    assert.deepEqual(ids('a.b == 3'), [1, 4]);
    assert.deepEqual(ids('a.b == null'), [0, 2, 6]);
    assert.deepEqual(ids('a.b regex "x+"'), [3]);
    assert.deepEqual(ids('a.b : "*x"'), [3]);
    assert.deepEqual(ids('length(a.b) > 100000'), [3]);
    assert.deepEqual(ids('a.b + 1 == 4'), [1, 4]);
    assert.deepEqual(ids('a.b'), [5]);
    assert.deepEqual(ids('cidrMatch(a.b, "10.0.0.0/8")'), []);
  });

  test('event category: exact match on event.category (array or alias), any matches events without one', () => {
    const docs = [
      { id: 1, '@timestamp': 1, event: { category: 'process' } },
      { id: 2, '@timestamp': 2, event: { category: ['network', 'process'] } },
      { id: 3, '@timestamp': 3, event: { category: 'Process' } },
      { id: 4, '@timestamp': 4 },
      { id: 5, '@timestamp': 5, kind: 'process' },
    ];
    const ids = (q: string, o: EngineOptions = {}) => runQuery(compile(q, o), events(docs)).matches.map((m) => m.events[0].event?.doc.id);
    assert.deepEqual(ids('process where true'), [1, 2]);
    assert.deepEqual(ids('any where true'), [1, 2, 3, 4, 5]);
    assert.deepEqual(ids('"process" where true'), [1, 2]);
    assert.deepEqual(ids('process where true', { eventCategoryField: 'kind' }), [5]);
    const mapping = fieldTypesFromMapping({ mappings: { properties: { event: { properties: { category: { type: 'alias', path: 'kind' } } } } } });
    assert.deepEqual(ids('process where true', { fieldTypes: mapping }), [5]);
  });

  test('mapping types: dates by format, version ordering, ip equality, null_value, unmapped optional folds to null', () => {
    const mapping = fieldTypesFromMapping({
      properties: {
        day: { type: 'date', format: 'dd-MM-yyyy' },
        v: { type: 'version' },
        ip: { type: 'ip' },
        s: { type: 'keyword', null_value: 'NULL' },
      },
    });
    const docs = [
      { id: 1, '@timestamp': 1, day: '02-01-2024', v: '1.2.4', ip: '::ffff:10.0.0.1', s: null },
      { id: 2, '@timestamp': 2, day: '01-01-2024', v: '1.11.0', ip: '10.0.0.2' },
    ];
    const ids = (cond: string) =>
      runQuery(compile(`any where ${cond}`, { fieldTypes: mapping }), events(docs)).matches.map((m) => m.events[0].event?.doc.id);
    assert.deepEqual(ids('day == 1704153600000'), [1]);
    assert.deepEqual(ids('v > "1.5.0"'), [2]);
    assert.deepEqual(ids('ip == "10.0.0.1"'), [1]);
    assert.deepEqual(ids('s == "NULL"'), [1]);
    assert.deepEqual(ids('s == null'), [2]);
    assert.deepEqual(ids('?nope == null'), [1, 2]);
    assert.deepEqual(ids('?nope == ?other'), [1, 2]);
  });

  test('queries that cannot run give errors with ranges and never throw', () => {
    const bad = [
      'any where unknownFn(a) == 1',
      'any where length(a, b) == 1',
      'any where true | sort a',
      'sequence [any where true]',
      'sequence by a [any where true] ![any where true]',
      'sequence [any where true] by a [any where true]',
      'sample by a [any where true] [any where true] | head 1',
      'any where @timestamp > "not a date"',
      'join [any where true] [any where true]',
      'sequence [any where true] with runs=0 [any where true]',
    ];
    for (const q of bad) {
      const c = compileQuery(parse(q).statement, { source: q });
      assert.ok(c.errors.length > 0, `expected an error for ${q}`);
      for (const e of c.errors) assert.ok(e.range.start >= 0 && e.range.end <= q.length, q);
      assert.deepEqual(runQuery(c, events([{ '@timestamp': 1 }])).matches, []);
    }
  });

  test('explain: per clause text, value and compared field values', () => {
    const q = 'process where process.name == "cmd.exe" and (event.outcome == "success" or missing.f > 1)';
    const c = compile(q);
    const ev = events([{ '@timestamp': 1, event: { category: 'process', outcome: 'failure' }, process: { name: 'cmd.exe' } }])[0];
    const ex = explain(c, ev);
    assert.equal(ex.steps.length, 1);
    const step = ex.steps[0];
    assert.equal(step.matched, false);
    const [cat, cond] = step.tree.children;
    assert.equal(cat.value, 'true');
    assert.equal(cond.text, 'process.name == "cmd.exe" and (event.outcome == "success" or missing.f > 1)');
    const [name, or] = cond.children;
    assert.deepEqual([name.text, name.value, name.detail], ['process.name == "cmd.exe"', 'true', 'process.name = "cmd.exe"']);
    assert.equal(or.value, 'null');
    assert.deepEqual(
      or.children.map((n) => [n.text, n.value, n.detail]),
      [
        ['event.outcome == "success"', 'false', 'event.outcome = "failure"'],
        ['missing.f > 1', 'null', 'missing.f = (missing)'],
      ],
    );
  });

  test('stepsEventCanFill: which steps an event could take, with its keys', () => {
    const q = 'sequence by user [any where action == "A"] [any where action == "B"] until [any where action == "A"]';
    const c = compile(q);
    const [ev, noKey] = events([
      { '@timestamp': 1, user: 'u', action: 'A' },
      { '@timestamp': 1, action: 'A' },
    ]);
    assert.deepEqual(
      stepsEventCanFill(c, ev).map((s) => [s.label, s.canFill, s.keys]),
      [
        ['step 1', true, [['u']]],
        ['step 2', false, []],
        ['until', true, [['u']]],
      ],
    );
    assert.equal(stepsEventCanFill(c, noKey)[0].reason, 'a join key is missing (null)');
  });
});
