// The two questions "which token is at this offset" have one home (core/syntax/lexer.ts), with
// names that say which: tokenIndexAt (the character at the offset) and tokenAt (a cursor there).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lex, tokenAt, tokenIndexAt } from '../../../server/src/core/syntax/lexer';
import { COMPARISON_OPS } from '../../../server/src/core/syntax/parser';
import { VALUE_OPS } from '../../../server/src/service/queryTokens';

describe('tokenIndexAt / tokenAt', () => {
  const text = 'any where a == "x"';
  const tokens = lex(text).tokens;
  const at = (i: number) => (i < 0 ? undefined : tokens[i].text);
  // [offset, the character's token, the cursor's token]
  const cases: [number, string | undefined, string | undefined][] = [
    [0, 'any', 'any'], [2, 'any', 'any'], [3, undefined, 'any'], [4, 'where', 'where'],
    [10, 'a', 'a'], [11, undefined, 'a'], [12, '==', '=='], [14, undefined, '=='], [15, '"x"', '"x"'], [18, undefined, '"x"'],
  ];
  for (const [offset, char, cursor] of cases) {
    it(`offset ${offset}`, () => {
      assert.equal(at(tokenIndexAt(tokens, offset)), char);
      assert.equal(tokenIndexAt(tokens, offset), tokens.findIndex((t) => t.range.start <= offset && offset < t.range.end));
      assert.equal(tokenAt(tokens, offset)?.text, cursor);
    });
  }
  it('empty token list', () => assert.equal(tokenIndexAt([], 0), -1));
});

it('operators: the parser\'s comparisons, and the service\'s value operators are those plus ":"', () => {
  assert.deepEqual([...COMPARISON_OPS].sort(), ['!=', '<', '<=', '==', '>', '>=']);
  assert.deepEqual([...VALUE_OPS].sort(), [...COMPARISON_OPS, ':'].sort());
});
