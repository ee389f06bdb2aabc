import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lex, tokenAt } from '../../../server/src/core/syntax/lexer';
import { readTsv } from './fixtures';

for (const [input, expected] of readTsv('lexer.tsv')) {
  test(`lex ${input}`, () => {
    const r = lex(input);
    const got = r.tokens
      .filter((t) => t.kind !== 'eof')
      .map((t) => `${t.kind}:${t.text}`)
      .join('  ');
    assert.equal(got, expected);
    for (const t of r.tokens) assert.equal(input.slice(t.range.start, t.range.end), t.text);
  });
}

const values: Array<[string, string]> = [
  ['"a\\"b"', 'a"b'],
  ['"x\\n\\t\\\\y"', 'x\n\t\\y'],
  ['"\\u{00E9}\\u{1F600}"', 'é😀'],
  ['"""c:\\path"""', 'c:\\path'],
  ['""""x"""""', '"x""'],
  ['`a``b`', 'a`b'],
];
for (const [input, value] of values) {
  test(`value of ${input}`, () => {
    assert.equal(lex(input).tokens[0].value, value);
  });
}

test('comments are ranges, not tokens', () => {
  const text = 'a // one\n/* two */ b';
  const r = lex(text);
  assert.deepEqual(
    r.comments.map((c) => text.slice(c.start, c.end)),
    ['// one', '/* two */'],
  );
});

const at: Array<[string, string | undefined]> = [
  // text with a cursor |, the token found there
  ['a |== b', '=='],
  ['a =|= b', '=='],
  ['a ==| b', '=='],
  ['a|(b)', '('],
  ['ab|', 'ab'],
  ['a  |  b', undefined],
];
for (const [marked, expected] of at) {
  test(`tokenAt ${marked}`, () => {
    const offset = marked.indexOf('|');
    const text = marked.replace('|', '');
    assert.equal(tokenAt(lex(text).tokens, offset)?.text, expected);
  });
}
