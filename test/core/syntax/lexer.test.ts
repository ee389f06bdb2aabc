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

// A forgotten closing quote: reported where the string starts, with a fix that closes it.
const quotes: Array<[string, string, string]> = [
  // input, first EQL002 at (offset of the string start), text after applying its preferred fix
  ['any where process.name == "cmd.exe and event.action == "x"', '26', 'any where process.name == "cmd.exe" and event.action == "x"'],
  ['any where a == "b or c != "d" and true', '15', 'any where a == "b" or c != "d" and true'],
  ['any where process.name == "cmd.exe', '26', 'any where process.name == "cmd.exe"'],
  ['any where process.name == "cmd.exe\n  and true', '26', 'any where process.name == "cmd.exe"\n  and true'],
];
for (const [input, at, fixed] of quotes) {
  test(`missing quote: ${JSON.stringify(input)}`, () => {
    const d = lex(input).errors.filter((e) => e.code === 'EQL002').sort((a, b) => a.range.start - b.range.start)[0];
    assert.ok(d, 'no EQL002');
    assert.equal(String(d.range.start), at);
    const edit = d.fixes?.find((f) => f.preferred)?.edits[0];
    assert.ok(edit, 'no fix');
    assert.equal(input.slice(0, edit.range.start) + edit.newText + input.slice(edit.range.end), fixed);
  });
}
