// The results panel opens beside the rule and never in a new third column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { besideColumnNumber, revealColumnNumber } from '../../client/src/panel/placement';

// [rule's column, editor columns, the panel's column]
const cases: [number, number, number][] = [
  [1, 1, 2], // one column: the second is created
  [1, 2, 2],
  [1, 3, 2],
  [2, 2, 1], // the rule in the last of two: left of it, not a third
  [2, 3, 3],
  [3, 3, 2],
];
for (const [rule, columns, panel] of cases)
  test(`rule in column ${rule} of ${columns}: the panel in column ${panel}`, () => {
    const at = besideColumnNumber(rule, columns);
    assert.equal(at, panel);
    assert.ok(at <= Math.max(columns, 2), 'never a new third column');
  });

test('an existing panel stays in its column unless it shares the rule\'s', () => {
  assert.equal(revealColumnNumber(1, 2, 2), 1);
  assert.equal(revealColumnNumber(2, 2, 2), 1);
  assert.equal(revealColumnNumber(undefined, 1, 1), 2);
});
