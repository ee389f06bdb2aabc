// The YAML subset field files use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseYaml } from '../../../server/src/core/schema/yamlLite';

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
