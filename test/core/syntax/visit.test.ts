import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../../server/src/core/syntax/parser';
import { nodesAt, stepsOf, walk } from '../../../server/src/core/syntax/visit';

const at: Array<[string, string]> = [
  // query with a cursor | (the last one), the kinds of the nodes containing it, outermost first
  ['process where a == |1', 'statement event filter comparison literal'],
  ['process where |a == 1', 'statement event filter comparison field'],
  ['sequence [a where f(|x)] [b where true]', 'statement sequence step filter call field'],
  ['sequence by |k [a where true] [b where true]', 'statement sequence field'],
  ['process where true | head |5', 'statement pipe literal'],
];
for (const [marked, kinds] of at) {
  test(`nodesAt ${marked}`, () => {
    // the cursor is the last '|' (a pipe bar may come before it)
    const offset = marked.lastIndexOf('|');
    const text = marked.slice(0, offset) + marked.slice(offset + 1);
    assert.equal(
      nodesAt(parse(text).statement, offset)
        .map((n) => n.kind)
        .join(' '),
      kinds,
    );
  });
}

test('stepsOf lists steps then until', () => {
  const r = parse('sequence [a where true] ![b where true] until [c where true]');
  assert.deepEqual(
    stepsOf(r.statement.query).map((s) => s.filter.category.name + (s.missing ? '!' : '')),
    ['a', 'b!', 'c'],
  );
});

test('walk skips children when the visitor returns false', () => {
  const r = parse('process where f(a) and b == 1');
  const seen: string[] = [];
  walk(r.statement, (n) => {
    seen.push(n.kind);
    return n.kind !== 'call';
  });
  assert.deepEqual(seen, ['statement', 'event', 'filter', 'category', 'logical', 'call', 'comparison', 'field', 'literal']);
});
