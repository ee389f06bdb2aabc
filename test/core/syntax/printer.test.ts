import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatQuery } from '../../../server/src/core/syntax/printer';
import { lex } from '../../../server/src/core/syntax/lexer';
import { readFormatCases, readQueryBlocks } from './fixtures';

for (const { input, expected } of readFormatCases()) {
  test(`formats: ${input.split('\n')[0]}`, () => {
    assert.equal(formatQuery(input), expected);
    assert.equal(formatQuery(expected), expected, 'idempotent');
  });
}

for (const q of readQueryBlocks('valid.eql')) {
  test(`keeps tokens and comments, idempotent: ${q.split('\n')[0]}`, () => {
    const f = formatQuery(q);
    assert.ok(f !== undefined);
    const texts = (s: string): string[] => lex(s).tokens.map((t) => t.text);
    const comments = (s: string): string[] => lex(s).comments.map((c) => s.slice(c.start, c.end));
    assert.deepEqual(texts(f), texts(q));
    assert.deepEqual(comments(f), comments(q));
    assert.equal(formatQuery(f), f);
  });
}

const refused = ['process where a = 1', 'process where', '', 'sequence [a where true', "process where a == 'x'"];
for (const q of refused) {
  test(`no formatting with syntax errors: ${JSON.stringify(q)}`, () => {
    assert.equal(formatQuery(q), undefined);
  });
}
