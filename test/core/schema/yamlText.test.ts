// YAML field files through the yaml package: the subset the old hand-written reader handled, and the
// probe inputs it got wrong (anchors, tags, 1e3, `k: v: w`, `? key`)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseYaml } from '../../../server/src/core/schema/yamlText';

const cases: [string, string, unknown][] = [
  ['mapping', 'a: 1\nb: x\n', { a: 1, b: 'x' }],
  ['nested mapping', 'a:\n  b:\n    c: true\n', { a: { b: { c: true } } }],
  ['sequence of scalars', '- a\n- "b c"\n- \'d\'\'e\'\n', ['a', 'b c', "d'e"]],
  ['sequence of mappings', '- name: a\n  type: keyword\n- name: b\n', [{ name: 'a', type: 'keyword' }, { name: 'b' }]],
  ['sequence under key at same indent', 'fields:\n- name: a\n- name: b\n', { fields: [{ name: 'a' }, { name: 'b' }] }],
  ['literal block', 'd: |\n  one\n  two\nx: 1\n', { d: 'one\ntwo\n', x: 1 }],
  ['folded block, stripped', 'd: >-\n  one\n  two\n', { d: 'one two' }],
  ['plain multi-line', 'd: one\n  two\nx: 2\n', { d: 'one two', x: 2 }],
  ['comments', '# head\na: 1 # trailing\nb: "x # not a comment"\n', { a: 1, b: 'x # not a comment' }],
  ['flow list and map', 'a: [x, "y", 3]\nb: {k: v}\nc: []\n', { a: ['x', 'y', 3], b: { k: 'v' }, c: [] }],
  ['null and empty', 'a:\nb: ~\n', { a: null, b: null }],
  ['dotted and quoted keys', 'user.name: keyword\n"a: b": 1\n', { 'user.name': 'keyword', 'a: b': 1 }],
  ['empty document', '', null],
];
for (const [name, text, expected] of cases) {
  test(name, () => {
    const r = parseYaml(text);
    assert.deepEqual(r.value, expected);
    assert.deepEqual(r.errors, []);
  });
}

test('bad indentation is an error with a line, not an exception', () => {
  const r = parseYaml('a:\n    b: 1\n  c: 2\n');
  assert.ok(r.errors.length > 0);
  assert.equal(r.errors[0].line, 3);
});

// The probe inputs the hand-written reader parsed differently from a YAML parser: [name, text, value, error lines]
const probes: [string, string, unknown, number[]][] = [
  ['anchor and alias', 'base: &t keyword\nuser.name: *t\n', { base: 'keyword', 'user.name': 'keyword' }, []],
  ['merge key', 'd: &d {type: keyword}\nf:\n  <<: *d\n  name: x\n', { d: { type: 'keyword' }, f: { type: 'keyword', name: 'x' } }, []],
  ['tag !!str keeps a number a string', 'version: !!str 8.11\n', { version: '8.11' }, []],
  ['1e3 is a number', 'scaling_factor: 1e3\n', { scaling_factor: 1000 }, []],
  ['k: v: w is an error (at line 1, column 4)', 'k: v: w\nnext: 1\n', undefined, [1]],
  ['explicit ? key keeps the rest of the file', '? key\n: value\nafter: 1\n', { key: 'value', after: 1 }, []],
  ['duplicate key is an error', 'a: 1\na: 2\n', { a: 2 }, [2]],
];
for (const [name, text, expected, lines] of probes) {
  test(`probe: ${name}`, () => {
    const r = parseYaml(text);
    if (expected !== undefined) assert.deepEqual(r.value, expected);
    assert.deepEqual(r.errors.map((e) => e.line), lines);
    for (const e of r.errors) assert.ok(e.column >= 1 && e.message.length > 0);
  });
}

test('an alias to an unknown anchor is an error, not an exception', () => {
  const r = parseYaml('a: *nope\n');
  assert.ok(r.errors.length > 0);
});
