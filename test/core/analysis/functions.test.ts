import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FUNCTIONS, arityText, lookupEndgameFunction, lookupFunction, signatureOf } from '../../../server/src/core/analysis/functions';

const cases: Array<[string, string | undefined, string]> = [
  // name as written, canonical name, signature
  ['startsWith', 'startsWith', 'startsWith(source, prefix)'],
  ['STARTSWITH~', 'startsWith', 'startsWith(source, prefix)'],
  ['cidrmatch', 'cidrMatch', 'cidrMatch(ip, block, ...)'],
  ['between', 'between', 'between(source, left, right, [greedy])'],
  ['concat', 'concat', 'concat(value, ...)'],
  ['substring', 'substring', 'substring(source, start, [end])'],
  ['nosuch', undefined, ''],
];
for (const [name, canonical, sig] of cases) {
  test(`lookupFunction(${name})`, () => {
    const f = lookupFunction(name);
    assert.equal(f?.name, canonical);
    if (f) assert.equal(signatureOf(f), sig);
  });
}

test('the table has every Elasticsearch function once, with docs', () => {
  const names = FUNCTIONS.map((f) => f.name).sort();
  assert.deepEqual(names, [
    'add', 'between', 'cidrMatch', 'concat', 'divide', 'endsWith', 'indexOf', 'length', 'modulo', 'multiply', 'number',
    'startsWith', 'string', 'stringContains', 'substring', 'subtract',
  ]);
  for (const f of FUNCTIONS) {
    assert.ok(f.summary && f.doc && f.nulls && f.examples.length > 0, f.name);
    assert.ok(f.params.every((p, i) => !p.variadic || i === f.params.length - 1), `${f.name}: only the last parameter repeats`);
  }
  assert.deepEqual(
    FUNCTIONS.filter((f) => f.caseInsensitive).map((f) => f.name).sort(),
    ['between', 'endsWith', 'indexOf', 'startsWith', 'stringContains'],
  );
});

test('arity text', () => {
  assert.equal(arityText(lookupFunction('add')!), '2');
  assert.equal(arityText(lookupFunction('indexOf')!), '2 or 3');
  assert.equal(arityText(lookupFunction('concat')!), 'at least 1');
});

test('endgame-only functions are known by name', () => {
  assert.equal(lookupEndgameFunction('ARRAYCONTAINS'), 'arrayContains');
  assert.equal(lookupEndgameFunction('startsWith'), undefined);
});
