// Completion in a large query lexes a window around the cursor: its tokens must be the whole
// lex's tokens there, whether the window starts at the last parse's token boundary (same text or
// an edit near the cursor) or at a line start (no parse yet, or an edit far above). A query on one
// line has no line start to begin at: the token starts the check worker sends back (sparse) give one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lex } from '../../server/src/core/syntax/lexer';
import { sparseStarts, tokensNear, type TokensHint } from '../../server/src/service/queryTokens';

const lines = ['sequence by user.name with maxspan=10m'];
for (let i = 0; lines.join('\n').length < 300_000; i++) lines.push(`  [any where event.action == "a${i}" /* step ${i} */ and process.pid > ${i}]`);
const text = lines.join('\n');
const whole = (t: string) => lex(t).tokens.filter((x) => x.kind !== 'eof');
const show = (ts: { kind: string; text: string; range: { start: number } }[]) => ts.map((t) => `${t.kind}:${t.text}@${t.range.start}`);

function agrees(t: string, q: number, hint?: TokensHint): void {
  const near = tokensNear(t, q, hint);
  assert.equal(near[0].text, 'sequence', 'the query\'s first token is kept');
  const all = whole(t);
  // Every window token but the last (the window may cut it) is a token of the whole lex.
  const from = all.findIndex((x) => x.range.start === near[1].range.start);
  assert.ok(from > 0, 'the window starts at a token of the whole lex');
  assert.deepEqual(show(near.slice(1, -1)), show(all.slice(from, from + near.length - 2)));
  assert.ok(near[1].range.start <= q && q <= near[near.length - 1].range.end, 'the window holds the cursor');
  assert.ok(near.length < all.length / 5, 'only a window is lexed');
}

const q = text.length - 2000;
test('same text as the last parse', () => agrees(text, q, { text, tokens: whole(text) }));
test('no parse yet', () => agrees(text, q));
test('an edit near the cursor', () => {
  const edited = text.slice(0, q) + ' and event.' + text.slice(q);
  agrees(edited, q + 11, { text, tokens: whole(text) });
});
test('an edit far above the cursor', () => {
  const edited = text.slice(0, 100) + '"unclosed and more ' + text.slice(100);
  agrees(edited, q + 19, { text, tokens: whole(text) });
});

// One line: no line start near the cursor; the check worker's sparse token starts give the window's start.
const oneLine = text.replace(/\n/g, ' ');
const sparse = (t: string): TokensHint => ({ text: t, starts: sparseStarts(t, whole(t)) ?? [] });
test('one line, the token starts of its check', () => agrees(oneLine, q, sparse(oneLine)));
test('one line, an edit near the cursor after its check', () => {
  const edited = oneLine.slice(0, q) + ' and event.' + oneLine.slice(q);
  agrees(edited, q + 11, sparse(oneLine));
});
test('sparse starts: every 256th token, only for a large query', () => {
  const all = whole(oneLine);
  assert.deepEqual(sparseStarts(oneLine, all), all.filter((_, i) => i % 256 === 0).map((t) => t.range.start));
  assert.equal(sparseStarts('any where true', whole('any where true')), undefined);
});
