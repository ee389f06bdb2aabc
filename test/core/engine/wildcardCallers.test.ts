// One wildcard matcher (engine/wildcard.ts) for the engine's `:`/like, the completion's value
// filter (service wildcardMatch) and index patterns (schema selection): the same answers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileWildcard } from '../../../server/src/core/engine/wildcard';
import { wildcardMatch } from '../../../server/src/service/queryTokens';
import { patternMatches } from '../../../server/src/core/schema/select';

// [pattern, value, matches case-sensitively]
const CASES: [string, string, boolean][] = [
  ['abc', 'abc', true], ['abc', 'abd', false],
  ['a?c', 'abc', true], ['a?c', 'ac', false], ['a?c', 'abbc', false], ['?', '😀', true],
  ['a*', 'a', true], ['a*', 'abc', true], ['*c', 'abc', true], ['*b*', 'abc', true], ['*b*', 'ac', false],
  ['a*b?d', 'axxbcd', true], ['a*b?d', 'axxbd', false], ['a.c', 'abc', false], ['a.c', 'a.c', true],
  ['[ab]', 'a', false], ['[ab]', '[ab]', true], ['a\\*', 'a\\xyz', true], ['(x)+', '(x)+', true],
  ['*', '', true], ['a*', 'a\nb', true], ['a?b', 'a\nb', true],
  ['logs-aws.*', 'logs-aws.cloudtrail-default', true], ['logs-*', 'metrics-x', false],
];

describe('wildcard matching', () => {
  for (const [pattern, value, expected] of CASES) {
    it(`${JSON.stringify(pattern)} ~ ${JSON.stringify(value)} = ${expected}`, () => {
      assert.equal(compileWildcard(pattern).test(value), expected, 'engine');
      assert.equal(wildcardMatch(pattern, value), expected, 'service');
      assert.equal(wildcardMatch(pattern.toUpperCase(), value), expected, 'service, case-insensitive');
      assert.equal(patternMatches(pattern, value), expected, 'index patterns');
    });
  }
});
